import type { Driver, DriverTransaction, IsolationLevel, PreparableTransaction } from '../drivers/driver.js';
import { CommitOutcomeUnknownError, TransactionError, UniqueConstraintViolationError } from '../errors/index.js';
import { ensureCommitLog, forgetDecision, participantInfo, recordCommit, settleDecision, type Decision } from './commit-log.js';
import { branchXid, newFlushId } from './two-phase-ids.js';

/** A connection's part in a two-phase commit, other than the coordinator's. */
interface Branch {
  readonly connection: string;
  readonly driver: Driver;
  readonly trx: PreparableTransaction;
}

/**
 * Runs `fn` with a transaction open on each of `connections` (two or more, in commit order) and
 * ends them all-or-nothing. See docs-site/two-phase-commit.md for the protocol and its reasoning.
 *
 * 1. Set-up, outside any transaction: each connection's tag, the coordinator's commit log table.
 * 2. The coordinator (the one connection that cannot prepare, if any, else the first) opens a plain
 *    transaction; every other connection a preparable branch named `joinery_<flush id>_...`.
 * 3. `fn` runs.
 * 4. Phase one: every branch is prepared.
 * 5. The commit point: `commit` is recorded in the coordinator's commit log inside the
 *    coordinator's transaction, and that transaction commits.
 * 6. Phase two: every branch commits, then the log row is deleted.
 *
 * A failure before 5 rolls everything back and rethrows. A failing COMMIT in 5 is settled through
 * the log, which knows whether that commit happened after all. Once 5 has happened the flush is
 * committed: a branch that cannot be committed in 6 stays prepared for
 * `recoverPreparedTransactions()`, which will commit it, and this function still resolves.
 */
export async function runTwoPhaseCommit<T>(
  drivers: ReadonlyMap<string, Driver>,
  connections: readonly string[],
  fn: (open: ReadonlyMap<string, DriverTransaction>) => Promise<T>,
  isolationLevel?: IsolationLevel,
): Promise<T> {
  const driverOf = (c: string) => {
    const d = drivers.get(c);
    if (!d) throw new Error(`joinery: no driver for connection '${c}'`);
    return d;
  };
  const coordinatorName = coordinatorOf(connections, driverOf);
  const coordinator = driverOf(coordinatorName);
  const others = connections.filter((c) => c !== coordinatorName);

  // 1. Set-up.
  const infos = new Map(await Promise.all(connections.map(async (c) => [c, await participantInfo(driverOf(c))] as const)));
  checkParticipants(coordinatorName, others, infos);
  await ensureCommitLog(coordinator);

  const flushId = newFlushId();
  const coordinatorTag = infos.get(coordinatorName)!.tag;
  const branches: Branch[] = [];
  let decided = false;
  let value!: T;
  try {
    await coordinator.transaction(async (coordinatorTrx) => {
      const open = new Map<string, DriverTransaction>([[coordinatorName, coordinatorTrx]]);
      try {
        // 2. Branches.
        for (const c of others) {
          const driver = driverOf(c);
          const trx = await driver.preparedTransactions!.begin(branchXid(flushId, coordinatorTag, infos.get(c)!.tag), { isolationLevel });
          branches.push({ connection: c, driver, trx });
          open.set(c, trx);
        }
        // 3. The work.
        value = await fn(open);
        // 4. Phase one.
        for (const b of branches) await b.trx.prepare();
        // 5. The commit point (the COMMIT follows when this callback returns).
        try {
          await recordCommit(coordinator, coordinatorTrx, flushId);
        } catch (e) {
          if (e instanceof UniqueConstraintViolationError) throw abortedByRecovery(flushId, connections, e);
          throw e;
        }
        decided = true;
      } catch (e) {
        warnInDoubt(flushId, 'rolled back', await rollBackAll(branches));
        throw e;
      }
      // A COMMIT that fails is settled through the commit log below, not by the driver.
    }, { settleLostCommit: false, isolationLevel });
  } catch (e) {
    if (!decided) throw e;
    // The coordinator's COMMIT failed. Either it took the decision row with it, or the row is
    // there; settling writes `rollback` unless `commit` is found, so the answer is final.
    let outcome: Decision;
    try {
      outcome = await settleDecision(coordinator, flushId);
    } catch (settleError) {
      throw outcomeUnknown(flushId, coordinatorName, others, e, settleError);
    }
    if (outcome === 'rollback') {
      warnInDoubt(flushId, 'rolled back', await rollBackAll(branches));
      throw e;
    }
  }

  // 6. Phase two.
  const inDoubt: string[] = [];
  for (const b of branches) {
    if (!(await endBranch(b, 'commit'))) inDoubt.push(b.connection);
  }
  warnInDoubt(flushId, 'committed', inDoubt);
  if (!inDoubt.length) {
    // Only a tidy-up: recovery needs no row once no branch is left prepared.
    await forgetDecision(coordinator, flushId).catch(() => undefined);
  }
  return value;
}

/**
 * The connection that records the decision. A connection that cannot prepare (SQLite) can still
 * take part as the last resource, committing its own changes together with the decision; two cannot.
 */
function coordinatorOf(connections: readonly string[], driverOf: (c: string) => Driver): string {
  const cannotPrepare = connections.filter((c) => !driverOf(c).preparedTransactions);
  if (cannotPrepare.length > 1) {
    throw new TransactionError(
      'TWO_PHASE_COMMIT_UNSUPPORTED',
      `This flush writes to ${quoteList(cannotPrepare)}, which cannot prepare a transaction (SQLite), and twoPhaseCommit can make only one ` +
        'such connection part of an atomic commit (it commits last, together with the commit decision). ' +
        'Write to the others in separate flushes, or keep those tables on PostgreSQL or MySQL/MariaDB.',
      { rolledBack: connections },
    );
  }
  return cannotPrepare[0] ?? connections[0]!;
}

function checkParticipants(coordinator: string, others: readonly string[], infos: ReadonlyMap<string, { inMemory: boolean; maxPreparedTransactions?: number }>): void {
  if (infos.get(coordinator)!.inMemory) {
    throw new TransactionError(
      'TWO_PHASE_COMMIT_UNSUPPORTED',
      `Connection '${coordinator}' is an in-memory SQLite database and would have to record this flush's commit decision, which a crash ` +
        'would lose while the other databases still hold prepared transactions. Use a SQLite database file, or flush its entities separately.',
      { rolledBack: [coordinator, ...others] },
    );
  }
  for (const c of others) {
    if (infos.get(c)!.maxPreparedTransactions === 0) {
      throw new TransactionError(
        'PREPARED_TRANSACTIONS_DISABLED',
        `PostgreSQL on connection '${c}' has max_prepared_transactions = 0 (the default), so it cannot prepare a transaction, which twoPhaseCommit needs. ` +
          'Run ALTER SYSTEM SET max_prepared_transactions = 20 as a superuser and restart the server, or turn twoPhaseCommit off.',
        { rolledBack: [coordinator, ...others] },
      );
    }
  }
}

/** Rolls back every branch; returns the connections whose prepared branch is still there. */
async function rollBackAll(branches: readonly Branch[]): Promise<string[]> {
  const inDoubt: string[] = [];
  for (const b of branches) {
    if (!(await endBranch(b, 'rollback'))) inDoubt.push(b.connection);
  }
  return inDoubt;
}

/**
 * Commits or rolls back a branch on its own connection. When that fails the connection has been
 * dropped, and a prepared branch is still on the server: it is finished from a fresh pooled
 * connection instead (MySQL/MariaDB release it only once they notice the old session is gone,
 * hence the retries). False when it is still prepared after that.
 */
async function endBranch(b: Branch, outcome: Decision): Promise<boolean> {
  const wasPrepared = b.trx.state === 'prepared';
  try {
    await (outcome === 'commit' ? b.trx.commit() : b.trx.rollback());
    return true;
  } catch {
    // An unprepared branch died with its connection.
    if (!wasPrepared) return true;
  }
  const support = b.driver.preparedTransactions!;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      if ((await support.finish(b.trx.xid, outcome)) === 'done') return true;
      if (!(await support.list()).includes(b.trx.xid)) return true;
    } catch {
      // Try again below; recovery is the fallback.
    }
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
  }
  return false;
}

function warnInDoubt(flushId: string, decided: string, connections: readonly string[]): void {
  if (!connections.length) return;
  console.error(
    `[joinery] flush ${flushId} is ${decided}, but its prepared transaction on ${quoteList(connections)} could not be ${decided} yet ` +
      'and keeps its locks until then: call orm.recoverPreparedTransactions() once the database is reachable.',
  );
}

function abortedByRecovery(flushId: string, connections: readonly string[], cause: unknown): TransactionError {
  return new TransactionError(
    'FLUSH_ABORTED_BY_RECOVERY',
    `Flush ${flushId} was rolled back: recoverPreparedTransactions() ran while it was between prepare and commit and decided for it. ` +
      'Nothing was written and memory is as before the flush: call flush() again.',
    { rolledBack: connections, flushId },
    cause,
  );
}

function outcomeUnknown(flushId: string, coordinator: string, others: readonly string[], commitError: unknown, settleError: unknown): CommitOutcomeUnknownError {
  const why = (e: unknown) => (e instanceof Error ? e.message : String(e));
  return new CommitOutcomeUnknownError(
    `Flush ${flushId}: the COMMIT on connection '${coordinator}' failed (${why(commitError)}) and its commit log could not be read ` +
      `(${why(settleError)}), so it is not known whether the flush committed. The transactions on ${quoteList(others)} stay prepared ` +
      'and hold their locks: when the database is reachable, call orm.recoverPreparedTransactions(), which settles all of them the same way. ' +
      "Memory is as before the flush, and its EntityManager refuses flush() until told: once recovery has run, call em.resolveInDoubt('committed') " +
      "or em.resolveInDoubt('rolled-back') as its report says, or em.clear() and reload.",
    { inDoubt: [coordinator, ...others], flushId },
    commitError,
  );
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}
