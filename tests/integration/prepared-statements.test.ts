import test, { type ExecutionContext } from 'ava';
import pg from 'pg';
import { createDriver } from '../../src/drivers/create-driver.js';
import type { ConnectionConfig } from '../../src/drivers/connection-config.js';
import type { Driver, QueryLogEntry } from '../../src/drivers/driver.js';
import { UsageError } from '../../src/errors/index.js';
import { forEachDialect, type TestDb } from '../support/databases.js';

// Statement texts that repeat are prepared on the server once per connection (pg: named
// statements; mysql: mysql2's execute) and better-sqlite3 statements are compiled once. The driver
// runs on a pool of one so that every statement of a test shares the connection whose cache is looked at.

function open(t: ExecutionContext, db: TestDb, extra: Partial<ConnectionConfig> = {}, log?: QueryLogEntry[]): Driver {
  const driver = createDriver('default', { ...db.config, pool: { min: 0, max: 1 }, ...extra }, log ? { logger: (q) => log.push(q) } : {});
  t.teardown(() => driver.close());
  return driver;
}

async function createItems(driver: Driver): Promise<void> {
  await driver.execute({ sql: 'create table items (id integer primary key, name varchar(50) not null, qty integer null)', params: [] });
  await driver.execute({ sql: "insert into items (id, name, qty) values (1, 'one', 10), (2, 'two', 20), (3, 'three', null)", params: [] });
}

const SELECT_NAME = 'select name from items where id = ?';

/** What the connection's server-side cache shows, per dialect. */
async function serverSide(driver: Driver): Promise<{ prepared: number; closed: number }> {
  if (driver.dialect === 'pg') {
    const { rows } = await driver.execute({ sql: "select count(*) as n from pg_prepared_statements where name like 'joinery%'", params: [] });
    return { prepared: Number(rows[0]!.n), closed: 0 };
  }
  const { rows } = await driver.execute({ sql: "show session status where Variable_name in ('Com_stmt_prepare', 'Com_stmt_close')", params: [] });
  const value = (name: string) => Number(rows.find((r) => r.Variable_name === name)!.Value);
  return { prepared: value('Com_stmt_prepare'), closed: value('Com_stmt_close') };
}

/** Counts better-sqlite3's `prepare` calls on the pool's only connection. */
async function countSqlitePrepares(driver: Driver): Promise<{ count: number }> {
  const client = driver.knex.client as { acquireConnection(): Promise<{ prepare(sql: string): unknown }>; releaseConnection(c: object): Promise<unknown> };
  const connection = await client.acquireConnection();
  const counter = { count: 0 };
  const prepare = connection.prepare.bind(connection);
  connection.prepare = (sql: string) => {
    counter.count++;
    return prepare(sql);
  };
  await client.releaseConnection(connection);
  return counter;
}

forEachDialect(test, 'a statement text sent again is prepared once on the connection and reused after that', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const driver = open(t, db, {}, log);
  await createItems(driver);
  if (db.dialect === 'sqlite') {
    const prepares = await countSqlitePrepares(driver);
    for (const id of [1, 2, 3, 1]) await driver.execute({ sql: SELECT_NAME, params: [id] });
    t.is(prepares.count, 1);
  } else {
    const before = await serverSide(driver);
    const names: unknown[] = [];
    for (const id of [1, 2, 3, 1]) names.push((await driver.execute({ sql: SELECT_NAME, params: [id] })).rows[0]!.name);
    t.deepEqual(names, ['one', 'two', 'three', 'one']);
    const after = await serverSide(driver);
    // pg: the first send goes unnamed, the second prepares the name that the third and fourth reuse.
    // mysql: the same, counted by the server's Com_stmt_prepare.
    t.is(after.prepared - before.prepared, 1);
  }
  // Prepared or not, every statement is logged once with the SQL as sent.
  t.is(log.filter((q) => q.sql.startsWith('select name from items')).length, 4);
});

forEachDialect(test, 'statements without parameters and texts sent once are not prepared on the server', async (t, db) => {
  const driver = open(t, db);
  await createItems(driver);
  const before = await serverSide(driver);
  for (let i = 0; i < 3; i++) await driver.execute({ sql: 'select count(*) as n from items', params: [] });
  for (let i = 1; i <= 3; i++) await driver.execute({ sql: `select name from items where id = ? and ${i} = ${i}`, params: [i] });
  const after = await serverSide(driver);
  t.is(after.prepared - before.prepared, 0);
}, { dialects: ['pg', 'mysql'] });

forEachDialect(test, 'mysql: statements with more than 1,000 parameters go as queries (as fast, less client CPU)', async (t, db) => {
  const driver = open(t, db);
  await createItems(driver);
  const before = await serverSide(driver);
  const ids = Array.from({ length: 1001 }, (_, i) => i);
  const sql = `select count(*) as n from items where id in (${ids.map(() => '?').join(', ')})`;
  for (let i = 0; i < 3; i++) t.is(Number((await driver.execute({ sql, params: ids })).rows[0]!.n), 3);
  t.is((await serverSide(driver)).prepared - before.prepared, 0);
  const smaller = `select count(*) as n from items where id in (${ids.slice(1).map(() => '?').join(', ')})`;
  for (let i = 0; i < 3; i++) t.is(Number((await driver.execute({ sql: smaller, params: ids.slice(1) })).rows[0]!.n), 3);
  t.is((await serverSide(driver)).prepared - before.prepared, 1);
}, { dialects: ['mysql'] });

forEachDialect(test, 'preparedStatements: false sends every statement unprepared', async (t, db) => {
  const driver = open(t, db, { preparedStatements: false });
  await createItems(driver);
  const before = await serverSide(driver);
  for (const id of [1, 2, 3, 1, 2]) await driver.execute({ sql: SELECT_NAME, params: [id] });
  const after = await serverSide(driver);
  t.is(after.prepared - before.prepared, 0);
}, { dialects: ['pg', 'mysql'] });

forEachDialect(test, 'preparedStatements { max } bounds the statements a connection keeps: the least recently used is closed', async (t, db) => {
  const driver = open(t, db, { preparedStatements: { max: 2 } });
  await createItems(driver);
  const texts = ['select name from items where id = ?', 'select qty from items where id = ?', 'select id from items where id = ?'];
  const before = await serverSide(driver);
  for (const sql of texts) for (let i = 0; i < 3; i++) await driver.execute({ sql, params: [1] });
  const after = await serverSide(driver);
  if (db.dialect === 'pg') {
    t.is(after.prepared, 2, 'the first text was deallocated when the third one was prepared');
  } else {
    t.is(after.prepared - before.prepared, 3);
    t.is(after.closed - before.closed, 1, 'mysql2 closed the evicted statement on the server');
  }
  // The evicted text is prepared again when it comes back.
  for (let i = 0; i < 3; i++) t.is((await driver.execute({ sql: texts[0]!, params: [2] })).rows[0]!.name, 'two');
}, { dialects: ['pg', 'mysql'] });

test('preparedStatements that is neither a boolean nor { max: n >= 0 } is refused with how to write it', (t) => {
  for (const bad of [{ max: -1 }, { max: 1.5 }, 'yes']) {
    const error = t.throws(() => createDriver('default', { client: 'pg', connection: 'postgres://x@127.0.0.1/x', preparedStatements: bad as never }), { instanceOf: UsageError });
    t.is(error?.code, 'BAD_CONNECTION_CONFIG');
    t.regex(error!.message, /preparedStatements must be true, false or \{ max: <whole number >= 0> \}.*e\.g\. preparedStatements: \{ max: 100 \}/);
  }
});

/** Sends `sql` often enough that it is prepared (pg, mysql) or cached (sqlite), and returns the last rows. */
const repeatedlyRaw = (driver: Driver, sql: string, params: unknown[], times = 3) => repeatedly(driver, sql, params, times);
async function repeatedly(driver: Driver, sql: string, params: unknown[], times = 3): Promise<Record<string, unknown>[]> {
  let rows: Record<string, unknown>[] = [];
  for (let i = 0; i < times; i++) rows = (await driver.execute({ sql, params })).rows;
  return rows;
}

/** Rows with integers as numbers (SQLite's driver.execute gives bigints). */
const plain = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));

forEachDialect(test, 'DDL sent through joinery between two identical statements: the second one sees the new table', async (t, db) => {
  const driver = open(t, db);
  await createItems(driver);
  const sql = 'select * from items where id = ?';
  const repeatedly = async (d: Driver, s: string, p: unknown[]) => plain(await repeatedlyRaw(d, s, p));
  t.deepEqual(await repeatedly(driver, sql, [1]), [{ id: 1, name: 'one', qty: 10 }]);
  // The result type of a cached pg plan changes: "cached plan must not change result type" unless
  // the connection forgets its names.
  await driver.execute({ sql: 'alter table items add column note varchar(20) null', params: [] });
  t.deepEqual(await repeatedly(driver, sql, [1]), [{ id: 1, name: 'one', qty: 10, note: null }]);
  await driver.execute({ sql: 'drop table items', params: [] });
  await driver.execute({ sql: 'create table items (id integer primary key, name integer not null)', params: [] });
  await driver.execute({ sql: 'insert into items (id, name) values (1, 7)', params: [] });
  t.deepEqual(await repeatedly(driver, sql, [1]), [{ id: 1, name: 7 }]);
  t.deepEqual(await repeatedly(driver, 'select name from items where name = ?', [7]), [{ name: 7 }]);
});

/** DDL on the items table over a connection of its own: joinery's pooled connections never see it sent. */
async function alterFromOutside(db: TestDb): Promise<void> {
  const other = new pg.Client({ connectionString: db.config.connection as string });
  await other.connect();
  try {
    await other.query('alter table items add column note varchar(20) null');
  } finally {
    await other.end();
  }
}

forEachDialect(test, 'pg: DDL from outside joinery makes a cached plan stale; outside a transaction the statement is sent again and succeeds', async (t, db) => {
  const driver = open(t, db);
  await createItems(driver);
  const sql = 'select * from items where id = ?';
  await repeatedly(driver, sql, [1]);
  await alterFromOutside(db);
  t.deepEqual(await repeatedly(driver, sql, [1], 1), [{ id: 1, name: 'one', qty: 10, note: null }]);
  t.deepEqual(await repeatedly(driver, sql, [2]), [{ id: 2, name: 'two', qty: 20, note: null }]);
}, { dialects: ['pg'] });

forEachDialect(test, 'DDL sent through joinery, then the same statement inside a transaction (where nothing can be sent again)', async (t, db) => {
  const driver = open(t, db);
  await createItems(driver);
  const sql = 'select * from items where id = ?';
  await repeatedly(driver, sql, [1]);
  await driver.execute({ sql: 'alter table items add column note varchar(20) null', params: [] });
  const rows = await driver.transaction(async (trx) => {
    await driver.execute({ sql: 'update items set note = ? where id = ?', params: ['x', 1] }, trx);
    return (await driver.execute({ sql, params: [1] }, trx)).rows;
  });
  t.deepEqual(plain(rows), [{ id: 1, name: 'one', qty: 10, note: 'x' }]);
});

forEachDialect(test, 'pg: DDL from outside joinery fails a stale statement inside a transaction once; the connection recovers after it', async (t, db) => {
  const driver = open(t, db);
  await createItems(driver);
  const sql = 'select * from items where id = ?';
  await repeatedly(driver, sql, [1]);
  await alterFromOutside(db);
  const error = await t.throwsAsync(driver.transaction(async (trx) => driver.execute({ sql, params: [1] }, trx)));
  t.regex(error!.message, /cached plan must not change result type/);
  t.deepEqual(await driver.transaction(async (trx) => (await driver.execute({ sql, params: [1] }, trx)).rows), [{ id: 1, name: 'one', qty: 10, note: null }]);
}, { dialects: ['pg'] });

forEachDialect(test, 'pg: a named statement the server no longer has is prepared again', async (t, db) => {
  const driver = open(t, db);
  await createItems(driver);
  await repeatedly(driver, SELECT_NAME, [1]);
  // What a pooler or a session reset does behind the driver's back.
  await driver.execute({ sql: 'deallocate all', params: [] });
  t.deepEqual(await repeatedly(driver, SELECT_NAME, [2], 1), [{ name: 'two' }]);
  t.deepEqual(await repeatedly(driver, SELECT_NAME, [3]), [{ name: 'three' }]);
  t.is((await serverSide(driver)).prepared, 1);
}, { dialects: ['pg'] });

forEachDialect(test, 'the same prepared text with values of other JavaScript types', async (t, db) => {
  const driver = open(t, db);
  await createItems(driver);
  const sql = 'select name from items where id = ?';
  t.deepEqual(await repeatedly(driver, sql, [1]), [{ name: 'one' }]);
  t.deepEqual(await repeatedly(driver, sql, [2n], 1), [{ name: 'two' }]);
  t.deepEqual(await repeatedly(driver, sql, ['3'], 1), [{ name: 'three' }]);
  t.deepEqual(await repeatedly(driver, sql, [null], 1), []);
  const ids = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r.id));
  t.deepEqual(ids(await repeatedly(driver, 'select id from items order by id limit ?', [2])), [1, 2]);
  t.deepEqual(ids(await repeatedly(driver, 'select id from items order by id limit ? offset ?', [1, 1])), [2]);
});

forEachDialect(test, 'prepared and unprepared statements write and read every kind of value alike', async (t, db) => {
  const columns: Record<string, string> = {
    sqlite: 'id integer primary key, b boolean, d date, ts datetime, big bigint, price numeric(10, 2), r double precision, txt text, bin blob',
    pg: 'id integer primary key, b boolean, d date, ts timestamptz, big bigint, price numeric(10, 2), r double precision, txt text, bin bytea',
    mysql: 'id integer primary key, b boolean, d date, ts datetime(3), big bigint, price decimal(10, 2), r double, txt text, bin blob',
  };
  const values = (id: number) => [id, true, '2024-02-29', new Date(Date.UTC(2024, 1, 29, 13, 14, 15, 123)), 9007199254740993n, '12.30', 0.1, 'ünïcødé ✓', Buffer.from([0, 1, 255])];
  const read = async (driver: Driver) => {
    await driver.execute({ sql: `create table kinds (${columns[db.dialect]})`, params: [] });
    for (let id = 1; id <= 3; id++) await driver.execute({ sql: 'insert into kinds values (?, ?, ?, ?, ?, ?, ?, ?, ?)', params: values(id) });
    const rows = await repeatedly(driver, 'select * from kinds where id >= ? and b = ? order by id', [2, true]);
    await driver.execute({ sql: 'drop table kinds', params: [] });
    return rows;
  };
  const unprepared = await read(open(t, db, { preparedStatements: false }));
  const prepared = await read(open(t, db));
  t.is(prepared.length, 2);
  t.deepEqual(prepared, unprepared);
});

forEachDialect(test, 'a prepared statement inside a transaction, and its errors, behave as an unprepared one', async (t, db) => {
  const driver = open(t, db);
  await createItems(driver);
  const insert = 'insert into items (id, name) values (?, ?)';
  await driver.transaction(async (trx) => {
    for (let id = 10; id < 14; id++) await driver.execute({ sql: insert, params: [id, `n${id}`] }, trx);
  });
  const error = await t.throwsAsync(driver.execute({ sql: insert, params: [10, 'again'] }));
  t.is(error?.constructor.name, 'UniqueConstraintViolationError');
  const rows = await repeatedly(driver, 'select count(*) as n from items where id >= ?', [10]);
  t.is(Number(rows[0]!.n), 4);
});

forEachDialect(test, 'mysql: a statement the server cannot prepare with a parameter there goes as a query, every time', async (t, db) => {
  const driver = open(t, db);
  // mysql2's query() puts a quoted literal where the ?, which a prepared statement does not allow.
  for (let i = 0; i < 3; i++) {
    const { rows } = await driver.execute({ sql: 'show variables like ?', params: ['max_prepared_stmt_count'] });
    t.is(rows.length, 1);
  }
  const before = await serverSide(driver);
  await driver.execute({ sql: 'show variables like ?', params: ['max_prepared_stmt_count'] });
  t.is((await serverSide(driver)).prepared - before.prepared, 0, 'not tried again');
  // A statement that is wrong either way still fails with its own error.
  for (let i = 0; i < 3; i++) await t.throwsAsync(driver.execute({ sql: 'selec ? from nowhere', params: [1] }), { message: /SQL syntax/ });
}, { dialects: ['mysql'] });

forEachDialect(test, 'sqlite: the long statement of a bulk chunk is compiled once when the same shape comes again', async (t, db) => {
  const driver = open(t, db);
  await createItems(driver);
  const rows = 2000;
  const sql = `insert into items (id, name, qty) values ${Array(rows).fill('(?, ?, ?)').join(', ')}`;
  t.true(sql.length > 16_384, 'longer than the short-statement cache takes');
  const prepares = await countSqlitePrepares(driver);
  for (let chunk = 1; chunk <= 3; chunk++) {
    const params = Array.from({ length: rows }, (_, i) => [chunk * 10_000 + i, `n${i}`, i]).flat();
    await driver.execute({ sql, params });
  }
  t.is(prepares.count, 1);
  const { rows: count } = await driver.execute({ sql: 'select count(*) as n from items', params: [] });
  t.is(Number(count[0]!.n), 3 + 3 * rows);
}, { dialects: ['sqlite'] });
