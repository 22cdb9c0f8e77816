import type { Driver, DriverTransaction, IsolationLevel } from '../drivers/driver.js';
import { CommitOutcomeUnknownError, TransactionError } from '../errors/index.js';
import { runTwoPhaseCommit } from './two-phase-commit.js';

/** How work that spans connections ends (the `twoPhaseCommit` option of `Joinery.init`). */
export interface TransactionSettings {
  /** Prepare every connection and commit all-or-nothing when two or more are written to. */
  readonly twoPhaseCommit: boolean;
  /** Every transaction's isolation level (`em.transactional(fn, { isolationLevel })`). */
  readonly isolationLevel?: IsolationLevel;
}

/**
 * Opens a transaction on each of `connections`, runs `fn` with them, and ends them: all rolled back
 * when `fn` throws; otherwise committed in the order the connections are declared in
 * `Joinery.init({ connections })`, one after the other, or with `twoPhaseCommit` (and two or more
 * connections) through a two-phase commit.
 *
 * Without two-phase commit a COMMIT can fail after an earlier connection has committed; that is a
 * {@link TransactionError} `PARTIAL_COMMIT`, naming both sides (a {@link CommitOutcomeUnknownError}
 * when the failed one may have committed too). A failure of the first COMMIT rolls back all the
 * others and is rethrown as it is.
 */
export async function runInTransactions<T>(
  drivers: ReadonlyMap<string, Driver>,
  connections: readonly string[],
  settings: TransactionSettings,
  fn: (open: ReadonlyMap<string, DriverTransaction>) => Promise<T>,
): Promise<T> {
  const ordered = commitOrder(drivers, connections);
  if (!ordered.length) return fn(new Map());
  if (settings.twoPhaseCommit && ordered.length > 1) return runTwoPhaseCommit(drivers, ordered, fn, settings.isolationLevel);
  return runOrdered(drivers, ordered, fn, settings.isolationLevel);
}

/** `connections` in declaration order (the order of the drivers map). */
export function commitOrder(drivers: ReadonlyMap<string, Driver>, connections: readonly string[]): string[] {
  const wanted = new Set(connections);
  return [...[...drivers.keys()].filter((c) => wanted.has(c)), ...[...wanted].filter((c) => !drivers.has(c))];
}

async function runOrdered<T>(
  drivers: ReadonlyMap<string, Driver>,
  ordered: readonly string[],
  fn: (open: ReadonlyMap<string, DriverTransaction>) => Promise<T>,
  isolationLevel: IsolationLevel | undefined,
): Promise<T> {
  const options = isolationLevel ? { isolationLevel } : undefined;
  const open = new Map<string, DriverTransaction>();
  const committed: string[] = [];
  // Nested callbacks keep every transaction open until `fn` is done; the innermost commits first,
  // so they nest in reverse commit order.
  const nesting = [...ordered].reverse();
  const run = async (i: number): Promise<T> => {
    if (i === nesting.length) return fn(open);
    const name = nesting[i]!;
    const driver = drivers.get(name);
    if (!driver) throw new Error(`joinery: no driver for connection '${name}'`);
    let workDone = false;
    try {
      const value = await driver.transaction(async (trx) => {
        open.set(name, trx);
        try {
          const v = await run(i + 1);
          workDone = true;
          return v;
        } finally {
          open.delete(name);
        }
      }, options);
      committed.push(name);
      return value;
    } catch (e) {
      // Only this COMMIT failed, after the ones nested inside it succeeded.
      if (workDone && committed.length) {
        throw e instanceof CommitOutcomeUnknownError ? partlyUnknown(ordered, committed, name, e) : partialCommit(ordered, committed, name, e);
      }
      throw e;
    }
  };
  return run(0);
}

function partialCommit(ordered: readonly string[], committed: readonly string[], failed: string, cause: unknown): TransactionError {
  const rolledBack = ordered.filter((c) => !committed.includes(c));
  const list = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');
  return new TransactionError(
    'PARTIAL_COMMIT',
    `The COMMIT on connection '${failed}' failed (${cause instanceof Error ? cause.message : String(cause)}) after ${list(committed)} had committed: ` +
      `the changes on ${list(committed)} are saved, those on ${list(rolledBack)} are not. Memory is as before the flush, so a plain retry would ` +
      'write the saved part again: reload the affected entities (em.clear() or a new fork) and reapply the rest. ' +
      'To make flushes across connections all-or-nothing, set twoPhaseCommit: true in Joinery.init.',
    { committed, rolledBack },
    cause,
  );
}

function partlyUnknown(ordered: readonly string[], committed: readonly string[], failed: string, cause: CommitOutcomeUnknownError): CommitOutcomeUnknownError {
  const rolledBack = ordered.filter((c) => !committed.includes(c) && c !== failed);
  const list = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');
  return new CommitOutcomeUnknownError(
    `${cause.message} Before it, ${list(committed)} had committed` + (rolledBack.length ? `; ${list(rolledBack)} rolled back.` : '.'),
    { committed, rolledBack, inDoubt: [failed] },
    cause.cause,
  );
}
