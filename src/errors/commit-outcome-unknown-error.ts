import { TransactionError, type TransactionOutcome } from './transaction-error.js';

/**
 * A COMMIT was sent but its reply never came (the connection died on the way back, the server
 * went down), and joinery could not find out afterwards whether the transaction committed: the new
 * connection it opened to ask failed, or the database could no longer tell. The changes may be
 * saved or not. A plain retry could write them twice, so the EntityManager whose flush this was
 * refuses `flush()` until told what happened: check the database, then call
 * `em.resolveInDoubt('committed')` (memory takes the flush as done, like a successful one) or
 * `em.resolveInDoubt('rolled-back')` (memory stays as before; the next flush writes everything
 * again), or start over with `em.clear()`.
 *
 * `inDoubt` names the connection(s) whose outcome is unknown; `committed` / `rolledBack` what is
 * known about the others of a flush that spans connections.
 *
 * @example
 * try {
 *   await em.flush();
 * } catch (e) {
 *   if (e instanceof CommitOutcomeUnknownError) {
 *     const saved = await orm.em.fork().count(Order, { ref: order.ref });   // look, once the database answers
 *     await em.resolveInDoubt(saved ? 'committed' : 'rolled-back');
 *   }
 * }
 */
export class CommitOutcomeUnknownError extends TransactionError {
  constructor(message: string, outcome: TransactionOutcome, cause?: unknown) {
    super('COMMIT_OUTCOME_UNKNOWN', message, outcome, cause);
  }
}
