// How transactions over several connections end, without a database: commit order, a COMMIT
// failing half-way, the two-phase commit refusals, and the global transaction id format.
import test from 'ava';
import type { Driver, DriverTransaction } from '../../src/drivers/driver.js';
import { CommitOutcomeUnknownError, TransactionError } from '../../src/errors/index.js';
import type { Dialect } from '../../src/metadata/types.js';
import { commitOrder, runInTransactions } from '../../src/unit-of-work/connection-transactions.js';
import { branchXid, connectionTag, flushStartedAt, newFlushId, parseXid } from '../../src/unit-of-work/two-phase-ids.js';

/** A driver that records BEGIN / COMMIT / ROLLBACK; `failCommit` makes its COMMIT throw. */
function fakeDriver(name: string, events: string[], opts: { dialect?: Dialect; failCommit?: boolean; commitUnknown?: boolean } = {}): Driver {
  const driver: Driver = {
    dialect: opts.dialect ?? 'sqlite',
    connectionName: name,
    knex: undefined as never,
    maxParams: 999,
    supportsReturning: true,
    async execute() {
      return { rows: [], affectedRows: 0 };
    },
    async query() {
      return [];
    },
    queryBuilder() {
      throw new Error('not used');
    },
    async transaction<T>(fn: (trx: DriverTransaction) => Promise<T>): Promise<T> {
      events.push(`${name} BEGIN`);
      let value: T;
      try {
        value = await fn({ driver });
      } catch (e) {
        events.push(`${name} ROLLBACK`);
        throw e;
      }
      if (opts.failCommit) {
        events.push(`${name} COMMIT failed`);
        throw new Error(`COMMIT failed on ${name}`);
      }
      if (opts.commitUnknown) {
        events.push(`${name} COMMIT in doubt`);
        throw new CommitOutcomeUnknownError(`The COMMIT on ${name} may or may not have happened.`, { inDoubt: [name] }, new Error('connection lost'));
      }
      events.push(`${name} COMMIT`);
      return value;
    },
    async close() {},
  };
  return driver;
}

const ORDERED = { twoPhaseCommit: false };

test('commit order is the declaration order of the connections, whatever order they were used in', async (t) => {
  const events: string[] = [];
  const drivers = new Map(['a', 'b', 'c'].map((n) => [n, fakeDriver(n, events)]));
  t.deepEqual(commitOrder(drivers, ['c', 'a']), ['a', 'c']);
  const seen = await runInTransactions(drivers, ['c', 'b', 'a'], ORDERED, async (open) => {
    events.push('work');
    return [...open.keys()].sort();
  });
  t.deepEqual(seen, ['a', 'b', 'c']);
  t.deepEqual(events, ['c BEGIN', 'b BEGIN', 'a BEGIN', 'work', 'a COMMIT', 'b COMMIT', 'c COMMIT']);
});

test('a failure in the work rolls back every connection and is rethrown as it is', async (t) => {
  const events: string[] = [];
  const drivers = new Map(['a', 'b'].map((n) => [n, fakeDriver(n, events)]));
  const boom = new Error('boom');
  const err = await t.throwsAsync(runInTransactions(drivers, ['a', 'b'], ORDERED, async () => Promise.reject(boom)));
  t.is(err, boom);
  t.deepEqual(events, ['b BEGIN', 'a BEGIN', 'a ROLLBACK', 'b ROLLBACK']);
});

test('a failing first COMMIT rolls back the rest and is rethrown as it is', async (t) => {
  const events: string[] = [];
  const drivers = new Map([['a', fakeDriver('a', events, { failCommit: true })], ['b', fakeDriver('b', events)]]);
  const err = await t.throwsAsync(runInTransactions(drivers, ['a', 'b'], ORDERED, async () => undefined));
  t.is(err!.message, 'COMMIT failed on a');
  t.deepEqual(events, ['b BEGIN', 'a BEGIN', 'a COMMIT failed', 'b ROLLBACK']);
});

test('a COMMIT failing after another committed is a PARTIAL_COMMIT naming both sides', async (t) => {
  const events: string[] = [];
  const drivers = new Map([
    ['a', fakeDriver('a', events)],
    ['b', fakeDriver('b', events, { failCommit: true })],
    ['c', fakeDriver('c', events)],
  ]);
  const err = await t.throwsAsync(runInTransactions(drivers, ['a', 'b', 'c'], ORDERED, async () => undefined), { instanceOf: TransactionError });
  t.is(err!.code, 'PARTIAL_COMMIT');
  t.deepEqual(err!.committed, ['a']);
  t.deepEqual(err!.rolledBack, ['b', 'c']);
  t.is((err!.cause as Error).message, 'COMMIT failed on b');
  t.regex(err!.message, /'b' failed \(COMMIT failed on b\) after 'a' had committed/);
  t.deepEqual(events, ['c BEGIN', 'b BEGIN', 'a BEGIN', 'a COMMIT', 'b COMMIT failed', 'c ROLLBACK']);
});

test('a COMMIT in doubt after another connection committed: CommitOutcomeUnknownError naming what committed, what is in doubt, what rolled back', async (t) => {
  const events: string[] = [];
  const drivers = new Map([
    ['a', fakeDriver('a', events)],
    ['b', fakeDriver('b', events, { commitUnknown: true })],
    ['c', fakeDriver('c', events)],
  ]);
  const err = await t.throwsAsync(runInTransactions(drivers, ['a', 'b', 'c'], ORDERED, async () => undefined), { instanceOf: CommitOutcomeUnknownError });
  t.is(err!.code, 'COMMIT_OUTCOME_UNKNOWN');
  t.deepEqual(err!.committed, ['a']);
  t.deepEqual(err!.inDoubt, ['b']);
  t.deepEqual(err!.rolledBack, ['c']);
  t.is((err!.cause as Error).message, 'connection lost');
  t.regex(err!.message, /may or may not have happened\. Before it, 'a' had committed; 'c' rolled back\./);
  t.deepEqual(events, ['c BEGIN', 'b BEGIN', 'a BEGIN', 'a COMMIT', 'b COMMIT in doubt', 'c ROLLBACK']);
});

test('one connection, or none: no two-phase commit even when it is on', async (t) => {
  const events: string[] = [];
  const drivers = new Map([['a', fakeDriver('a', events, { dialect: 'pg' })]]);
  await runInTransactions(drivers, ['a'], { twoPhaseCommit: true }, async () => undefined);
  await runInTransactions(drivers, [], { twoPhaseCommit: true }, async () => undefined);
  t.deepEqual(events, ['a BEGIN', 'a COMMIT']);
});

test('two-phase commit refuses two connections that cannot prepare, before any statement', async (t) => {
  const events: string[] = [];
  const drivers = new Map(['a', 'b'].map((n) => [n, fakeDriver(n, events)]));
  const err = await t.throwsAsync(runInTransactions(drivers, ['a', 'b'], { twoPhaseCommit: true }, async () => undefined), { instanceOf: TransactionError });
  t.is(err!.code, 'TWO_PHASE_COMMIT_UNSUPPORTED');
  t.regex(err!.message, /'a', 'b'.*cannot prepare/);
  t.deepEqual(events, []);
});

test('global transaction ids: recognisable, grouped by flush, at most 64 characters', (t) => {
  const flushId = newFlushId(Date.UTC(2030, 0, 1));
  const tagA = connectionTag('default', 'pg', 'app');
  const tagB = connectionTag('media', 'mysql', 'app');
  t.regex(tagA, /^[0-9a-f]{8}$/);
  t.not(tagA, connectionTag('default', 'pg', 'other_app'), 'another database, another tag');
  const xid = branchXid(flushId, tagA, tagB);
  t.regex(xid, /^joinery_[a-z0-9]+_[0-9a-f]{8}_[0-9a-f]{8}$/);
  t.true(xid.length <= 64, xid);
  t.deepEqual(parseXid(xid), { xid, flushId, coordinatorTag: tagA, branchTag: tagB });
  t.is(flushStartedAt(flushId)?.toISOString(), '2030-01-01T00:00:00.000Z');
  t.not(newFlushId(), newFlushId());
  t.is(parseXid('other_app_1'), undefined);
  t.is(parseXid('joinery_x_1_2'), undefined);
});
