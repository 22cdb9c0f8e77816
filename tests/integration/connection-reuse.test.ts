import test from 'ava';
import { createDriver } from '../../src/drivers/create-driver.js';
import type { Driver } from '../../src/drivers/driver.js';
import { DriverError, UsageError } from '../../src/errors/index.js';
import { forEachDialect, type TestDb } from '../support/databases.js';

// A statement outside a transaction keeps its pooled connection until the event loop's next check
// phase, so that statements sent one after another skip the pool round trip. These tests pin down
// what users rely on around that: nothing is held longer, a pool of one still serves everything,
// and a connection that failed is not handed to the next statement.

/** knex's tarn pool behind a driver: how many connections are checked out. */
function used(driver: Driver): number {
  return (driver.knex.client as { pool: { numUsed(): number } }).pool.numUsed();
}

const nextCheckPhase = () => new Promise<void>((resolve) => setImmediate(resolve));

function open(t: { teardown(fn: () => unknown): void }, db: TestDb, max: number): Driver {
  // SQLite in memory always has a pool of one; the servers get the size asked for.
  const driver = createDriver('default', { ...db.config, pool: { min: 0, max } });
  t.teardown(() => driver.close());
  return driver;
}

forEachDialect(test, 'a statement outside a transaction gives its connection back by the next turn of the event loop', async (t, db) => {
  const driver = open(t, db, 2);
  for (let i = 0; i < 3; i++) {
    const { rows } = await driver.execute({ sql: 'select ? as n', params: [i] });
    t.is(Number(rows[0]!.n), i);
  }
  t.true(used(driver) <= 1);
  await nextCheckPhase();
  t.is(used(driver), 0);
});

forEachDialect(test, 'a pool of one serves statements, side-by-side statements and a transaction right after', async (t, db) => {
  const driver = open(t, db, 1);
  await driver.execute({ sql: 'select 1 as one', params: [] });
  const both = await Promise.all([1, 2, 3].map((n) => driver.execute({ sql: 'select ? as n', params: [n] })));
  t.deepEqual(
    both.map((r) => Number(r.rows[0]!.n)),
    [1, 2, 3],
  );
  // The transaction needs the pool's only connection, which the last statement still holds.
  const inside = await driver.transaction(async (trx) => (await driver.execute({ sql: 'select 2 as two', params: [] }, trx)).rows[0]!.two);
  t.is(Number(inside), 2);
  await driver.execute({ sql: 'select 3 as three', params: [] });
  await nextCheckPhase();
  t.is(used(driver), 0);
});

forEachDialect(test, 'a connection whose statement failed goes straight back to the pool, and the next statement works', async (t, db) => {
  const driver = open(t, db, 1);
  await t.throwsAsync(driver.execute({ sql: 'select * from no_such_table_here', params: [] }), { instanceOf: DriverError });
  t.is(used(driver), 0);
  const { rows } = await driver.execute({ sql: 'select 1 as one', params: [] });
  t.is(Number(rows[0]!.one), 1);
});

forEachDialect(test, 'close() right after a statement does not wait for the kept connection', async (t, db) => {
  const driver = createDriver('default', db.config);
  await driver.execute({ sql: 'select 1 as one', params: [] });
  t.is(used(driver), 1);
  await driver.close();
  const error = await t.throwsAsync(driver.execute({ sql: 'select 1 as one', params: [] }), { instanceOf: UsageError });
  t.is(error!.code, 'ORM_CLOSED');
});
