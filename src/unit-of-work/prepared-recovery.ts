import type { Driver } from '../drivers/driver.js';
import { committedFlushes, forgetDecision, participantInfo, settleDecision, type Decision } from './commit-log.js';
import { flushStartedAt, parseXid, type BranchXid } from './two-phase-ids.js';

/** What `recoverPreparedTransactions()` found and did. */
export interface RecoveryReport {
  /** Every flush that had transactions left prepared on these connections, one entry each. */
  readonly flushes: RecoveredFlush[];
  /**
   * Connections that could not be searched or identified. Their prepared transactions (if any)
   * were not seen, and a flush whose coordinator is among them could not be decided: call again.
   */
  readonly errors: { readonly connection: string; readonly message: string }[];
}

/** One interrupted flush. */
export interface RecoveredFlush {
  readonly flushId: string;
  /** When the flush began, by the clock of the process that ran it. */
  readonly startedAt?: Date;
  /** The connection holding the flush's commit decision; undefined when it is not one of these. */
  readonly coordinator?: string;
  /**
   * `commit` when the flush had reached its commit point (so the coordinator's changes are
   * committed), `rollback` when it had not (recovery recorded that, so the flush can no longer
   * commit), `unknown` when the coordinator could not be asked: nothing was done.
   */
  readonly decision: Decision | 'unknown';
  readonly branches: RecoveredBranch[];
}

/** One prepared transaction of an interrupted flush. */
export interface RecoveredBranch {
  readonly connection: string;
  /** The global transaction id (`pg_prepared_xacts.gid`, the XA RECOVER data). */
  readonly xid: string;
  /**
   * - `committed` / `rolled back`: done by this call, following the decision;
   * - `gone`: no longer prepared by the time this call came to it (someone else finished it);
   * - `in use`: MySQL/MariaDB, still attached to the live session that prepared it (that flush
   *   is running, and will follow the decision itself);
   * - `left prepared`: the decision is unknown, or finishing failed (see `error`).
   */
  readonly result: 'committed' | 'rolled back' | 'gone' | 'in use' | 'left prepared';
  readonly error?: string;
}

interface Found extends BranchXid {
  readonly connection: string;
}

/**
 * Finishes the transactions that flushes with `twoPhaseCommit` left prepared (a crash, a lost
 * connection, a kill between prepare and commit): each flush's decision is read from its
 * coordinator's commit log, where a flush that never recorded `commit` gets `rollback` recorded
 * now, and every branch of the flush is committed or rolled back accordingly. Prepared
 * transactions that are not joinery's, or belong to databases of other applications, are left alone.
 */
export async function recoverPreparedTransactions(drivers: ReadonlyMap<string, Driver>): Promise<RecoveryReport> {
  const errors: { connection: string; message: string }[] = [];
  const fail = (connection: string, e: unknown) => errors.push({ connection, message: e instanceof Error ? e.message : String(e) });

  // Every connection's tag (coordinators may be SQLite), its `commit` decisions, and the joinery
  // branches of each. Decisions are read before branches are listed: every branch of a flush that
  // recorded `commit` was prepared before that, so one not listed afterwards is finished.
  const tags = new Map<string, string>();
  const decided = new Map<string, string[]>();
  const found: Found[] = [];
  await Promise.all(
    [...drivers].map(async ([name, driver]) => {
      try {
        const { tag } = await participantInfo(driver);
        tags.set(name, tag);
        decided.set(name, await committedFlushes(driver));
        if (!driver.preparedTransactions) return;
        for (const xid of await driver.preparedTransactions.list()) {
          const parsed = parseXid(xid);
          if (parsed && parsed.branchTag === tag) found.push({ ...parsed, connection: name });
        }
      } catch (e) {
        fail(name, e);
      }
    }),
  );

  const byFlush = new Map<string, Found[]>();
  for (const f of found) {
    const list = byFlush.get(f.flushId);
    if (list) list.push(f);
    else byFlush.set(f.flushId, [f]);
  }

  const flushes: RecoveredFlush[] = [];
  for (const [flushId, branches] of byFlush) {
    const coordinator = [...tags].find(([, tag]) => tag === branches[0]!.coordinatorTag)?.[0];
    let decision: Decision | 'unknown' = 'unknown';
    let why = coordinator
      ? undefined
      : errors.length
        ? 'its coordinator is not among the connections that could be identified'
        : "its coordinator is none of this Joinery's connections (renamed, or another application's)";
    if (coordinator) {
      try {
        decision = await settleDecision(drivers.get(coordinator)!, flushId);
      } catch (e) {
        why = `its commit log on '${coordinator}' could not be read: ${e instanceof Error ? e.message : String(e)}`;
        fail(coordinator, e);
      }
    }
    const results: RecoveredBranch[] = [];
    for (const b of branches) {
      results.push(decision === 'unknown' ? { connection: b.connection, xid: b.xid, result: 'left prepared', error: why } : await finish(drivers.get(b.connection)!, b, decision));
    }
    // A `commit` row is only needed while a branch may still be prepared somewhere.
    const allDone = results.every((r) => r.result === 'committed' || r.result === 'gone');
    if (decision === 'commit' && allDone && !errors.length) await forgetDecision(drivers.get(coordinator!)!, flushId).catch(() => undefined);
    flushes.push({ flushId, startedAt: flushStartedAt(flushId), coordinator, decision, branches: results });
  }
  await forgetFinishedCommits(drivers, decided, byFlush, errors.length > 0);
  return { flushes, errors };
}

/**
 * Removes the `commit` rows of flushes none of whose branches is prepared any more: those a crash
 * left behind between committing the branches and removing the row. Only when every connection
 * could be searched, since a branch on one that could not may still need its decision.
 */
async function forgetFinishedCommits(drivers: ReadonlyMap<string, Driver>, decided: ReadonlyMap<string, string[]>, pending: ReadonlyMap<string, unknown>, searchFailed: boolean): Promise<void> {
  if (searchFailed) return;
  for (const [connection, flushIds] of decided) {
    for (const flushId of flushIds) {
      if (!pending.has(flushId)) await forgetDecision(drivers.get(connection)!, flushId).catch(() => undefined);
    }
  }
}

async function finish(driver: Driver, b: Found, decision: Decision): Promise<RecoveredBranch> {
  const done = decision === 'commit' ? 'committed' : 'rolled back';
  const support = driver.preparedTransactions!;
  try {
    if ((await support.finish(b.xid, decision)) === 'done') return { connection: b.connection, xid: b.xid, result: done };
    // Not found: finished meanwhile, or (MySQL/MariaDB) still held by the session that prepared it.
    const still = (await support.list()).includes(b.xid);
    return { connection: b.connection, xid: b.xid, result: still ? 'in use' : 'gone' };
  } catch (e) {
    return { connection: b.connection, xid: b.xid, result: 'left prepared', error: e instanceof Error ? e.message : String(e) };
  }
}
