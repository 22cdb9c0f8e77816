import { JoineryError } from './joinery-error.js';

/** Codes of {@link TransactionError}. */
export type TransactionErrorCode =
  /** `twoPhaseCommit` with two or more connections that cannot prepare a transaction (SQLite). */
  | 'TWO_PHASE_COMMIT_UNSUPPORTED'
  /** A PostgreSQL server has `max_prepared_transactions = 0` (its default). */
  | 'PREPARED_TRANSACTIONS_DISABLED'
  /** `recoverPreparedTransactions()` rolled back this flush while it was between prepare and commit. */
  | 'FLUSH_ABORTED_BY_RECOVERY'
  /**
   * A COMMIT's reply was lost and its outcome could not be found out (a {@link CommitOutcomeUnknownError});
   * with two-phase commit: the commit point could not be read back, prepared transactions await recovery.
   */
  | 'COMMIT_OUTCOME_UNKNOWN'
  /** Without two-phase commit, a COMMIT failed after another connection had committed. */
  | 'PARTIAL_COMMIT';

/** Where the transactions of a failed multi-connection flush were left. */
export interface TransactionOutcome {
  /** Connections whose changes are committed, in commit order. */
  readonly committed?: readonly string[];
  /** Connections whose changes were rolled back. */
  readonly rolledBack?: readonly string[];
  /** Connections whose transaction is still prepared, waiting for `recoverPreparedTransactions()`. */
  readonly inDoubt?: readonly string[];
  /** The flush id of a two-phase commit (also part of every global transaction id it used). */
  readonly flushId?: string;
}

/**
 * A transaction spanning several connections could not end the way it should. The message says
 * which connections committed, which rolled back and what to do; the fields say the same for code.
 *
 * @example
 * try {
 *   await em.flush();
 * } catch (e) {
 *   if (e instanceof TransactionError && e.code === 'PARTIAL_COMMIT') {
 *     console.error(`committed on ${e.committed.join(', ')} only`);   // reload before retrying
 *   }
 * }
 */
export class TransactionError extends JoineryError {
  declare readonly code: TransactionErrorCode;
  readonly committed: readonly string[];
  readonly rolledBack: readonly string[];
  readonly inDoubt: readonly string[];
  readonly flushId?: string;
  constructor(code: TransactionErrorCode, message: string, outcome: TransactionOutcome = {}, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.committed = outcome.committed ?? [];
    this.rolledBack = outcome.rolledBack ?? [];
    this.inDoubt = outcome.inDoubt ?? [];
    this.flushId = outcome.flushId;
  }
}
