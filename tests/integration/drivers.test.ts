import test, { type ExecutionContext } from 'ava';
import { types as pgTypes } from 'pg';
import { createDriver } from '../../src/drivers/create-driver.js';
import type { Driver, QueryLogEntry } from '../../src/drivers/driver.js';
import { mapDriverError } from '../../src/drivers/error-mapping.js';
import {
  DriverError,
  ForeignKeyConstraintViolationError,
  JoineryError,
  NotNullConstraintViolationError,
  UniqueConstraintViolationError,
  UsageError,
} from '../../src/errors/index.js';
import { isCommitRecord, withoutCommitRecords } from '../support/commit-records.js';
import { forEachDialect, type TestDb, type TestDialect } from '../support/databases.js';

/** users (unique email) <- posts (FK author_id, NOT NULL), with date / datetime columns. */
const DDL: Record<TestDialect, string[]> = {
  sqlite: [
    `create table users (id integer primary key autoincrement, email varchar(100) not null, born date null,
       seen_at datetime null, constraint users_email_unique unique (email))`,
    `create table posts (id integer primary key autoincrement, author_id integer not null, title varchar(100) null,
       constraint posts_author_fk foreign key (author_id) references users (id))`,
  ],
  pg: [
    `create table users (id serial primary key, email varchar(100) not null, born date null,
       seen_at timestamptz null, big bigint null, price numeric(10, 2) null, constraint users_email_unique unique (email))`,
    `create table posts (id serial primary key, author_id integer not null, title varchar(100) null,
       constraint posts_author_fk foreign key (author_id) references users (id))`,
  ],
  mysql: [
    `create table users (id int auto_increment primary key, email varchar(100) not null, born date null,
       seen_at datetime(3) null, stamp timestamp(3) null, big bigint null, price decimal(10, 2) null,
       constraint users_email_unique unique (email))`,
    `create table posts (id int auto_increment primary key, author_id int not null, title varchar(100) null,
       constraint posts_author_fk foreign key (author_id) references users (id))`,
  ],
};

async function setup(t: ExecutionContext, db: TestDb, opts: { log?: QueryLogEntry[]; debug?: boolean } = {}): Promise<Driver> {
  const log = opts.log;
  const driver = createDriver('default', db.config, { logger: log ? (e) => log.push(e) : undefined, debug: opts.debug });
  t.teardown(() => driver.close());
  for (const sql of DDL[db.dialect]) await driver.execute({ sql, params: [] });
  if (log) log.length = 0;
  return driver;
}

forEachDialect(test, 'execute: select, insert, update, delete results', async (t, db) => {
  const driver = await setup(t, db);
  const ins = await driver.execute({ sql: 'insert into users (email) values (?), (?), (?)', params: ['a@x', 'b@x', 'c@x'] });
  t.is(ins.affectedRows, 3);
  t.deepEqual(ins.rows, []);

  const sel = await driver.execute({ sql: 'select id, email from users where email <> ? order by id', params: ['c@x'] });
  t.deepEqual(sel.rows.map((r) => r.email), ['a@x', 'b@x']);
  t.is(sel.affectedRows, 0);
  // SQLite integers come back as BigInt (safe integers, so 64-bit values keep every digit); the
  // hydrator converts `integer` columns to numbers.
  t.is(typeof sel.rows[0]!.id, db.dialect === 'sqlite' ? 'bigint' : 'number');

  // Matched rows, not changed rows: 'a@x' already has that value and still counts (optimistic locking).
  const upd = await driver.execute({ sql: 'update users set email = email where email in (?, ?)', params: ['a@x', 'b@x'] });
  t.is(upd.affectedRows, 2);
  t.deepEqual(upd.rows, []);

  const none = await driver.execute({ sql: 'update users set email = ? where id = ?', params: ['z@x', -1] });
  t.is(none.affectedRows, 0);

  const del = await driver.execute({ sql: 'delete from users where email = ?', params: ['c@x'] });
  t.is(del.affectedRows, 1);
  t.deepEqual(del.rows, []);

  const count = await driver.execute({ sql: 'select count(*) as n from users', params: [] });
  t.is(Number(count.rows[0]!.n), 2);
});

forEachDialect(
  test,
  'RETURNING gives the rows of a multi-row insert, update and delete',
  async (t, db) => {
    const driver = await setup(t, db);
    t.true(driver.supportsReturning);
    const ins = await driver.execute({ sql: 'insert into users (email) values (?), (?) returning id, email', params: ['a@x', 'b@x'] });
    t.is(ins.affectedRows, 2);
    t.deepEqual(ins.rows.map((r) => r.email), ['a@x', 'b@x']);
    t.true((ins.rows[1]!.id as number) > (ins.rows[0]!.id as number));

    const upd = await driver.execute({ sql: 'update users set email = email || ? returning id', params: ['!'] });
    t.is(upd.affectedRows, 2);
    t.is(upd.rows.length, 2);

    const del = await driver.execute({ sql: 'delete from users where id = ? returning email', params: [ins.rows[0]!.id] });
    t.is(del.affectedRows, 1);
    t.deepEqual(del.rows, [{ email: 'a@x!' }]);
  },
  { dialects: ['sqlite', 'pg'] },
);

forEachDialect(
  test,
  'insertId is the first id of a multi-row insert',
  async (t, db) => {
    const driver = await setup(t, db);
    t.false(driver.supportsReturning);
    await driver.execute({ sql: 'insert into users (email) values (?)', params: ['first@x'] });
    const ins = await driver.execute({ sql: 'insert into users (email) values (?), (?), (?)', params: ['a@x', 'b@x', 'c@x'] });
    t.is(ins.affectedRows, 3);
    const rows = (await driver.execute({ sql: 'select id from users where email in (?, ?, ?) order by id', params: ['a@x', 'b@x', 'c@x'] })).rows;
    t.is(ins.insertId, rows[0]!.id as number);
    t.deepEqual(rows.map((r) => r.id), [ins.insertId, ins.insertId! + 1, ins.insertId! + 2]);

    const upd = await driver.execute({ sql: 'update users set email = email where id = ?', params: [ins.insertId] });
    t.is(upd.insertId, undefined);
  },
  { dialects: ['mysql'] },
);

forEachDialect(
  test,
  'sqlite: insertId only for a single-row insert (lastInsertRowid is the last id)',
  async (t, db) => {
    const driver = await setup(t, db);
    const one = await driver.execute({ sql: 'insert into users (email) values (?)', params: ['a@x'] });
    t.is(one.insertId, 1);
    const many = await driver.execute({ sql: 'insert into users (email) values (?), (?)', params: ['b@x', 'c@x'] });
    t.is(many.insertId, undefined);
    const upd = await driver.execute({ sql: 'update users set email = ? where id = ?', params: ['d@x', 1] });
    t.is(upd.insertId, undefined);
  },
  { dialects: ['sqlite'] },
);

forEachDialect(test, 'logger: every statement once, BEGIN and COMMIT included', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const driver = await setup(t, db, { log });
  const result = await driver.transaction(async (trx) => {
    await driver.execute({ sql: 'insert into users (email) values (?)', params: ['a@x'] }, trx);
    return (await driver.execute({ sql: 'select email from users where email = ?', params: ['a@x'] }, trx)).rows;
  });
  t.deepEqual(result, [{ email: 'a@x' }]);
  // The commit records (pg: inside the BEGIN message; MySQL: the marker table, its row) are
  // asserted in tests/issues/lost-commit-reply-duplicates-rows.test.ts.
  const sqls = withoutCommitRecords(log.map((e) => e.sql));
  log.splice(0, log.length, ...log.filter((e) => !isCommitRecord(e.sql)));
  t.is(sqls.length, 4, sqls.join(' | '));
  t.regex(sqls[0]!, /^BEGIN/i);
  t.regex(sqls[1]!, /^insert into users/);
  t.regex(sqls[2]!, /^select email/);
  t.regex(sqls[3]!, /^COMMIT/i);
  t.is(sqls.filter((s) => /^BEGIN/i.test(s)).length, 1);
  t.is(sqls.filter((s) => /^COMMIT/i.test(s)).length, 1);
  for (const e of log) {
    t.is(e.connection, 'default');
    t.true(typeof e.ms === 'number' && e.ms >= 0);
  }
  t.deepEqual(log[1]!.params, ['a@x']);
  // The SQL as sent: pg's native placeholders.
  t.is(log[1]!.sql, db.dialect === 'pg' ? 'insert into users (email) values ($1)' : 'insert into users (email) values (?)');

  log.length = 0;
  await driver.execute({ sql: 'select 1 as one', params: [] });
  t.is(log.length, 1);
});

forEachDialect(test, 'logger: statements back to back outside a transaction, a failed one too, each logged once as sent', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const driver = await setup(t, db, { log });
  log.length = 0;
  // No turn of the event loop between them: on SQLite the later ones run at once, on the
  // connection the first one used, past knex's `_query`.
  for (const email of ['a@x', 'b@x', 'c@x']) await driver.execute({ sql: 'insert into users (email) values (?)', params: [email] });
  t.deepEqual(await driver.query({ sql: 'select email from users where email = ?', params: ['b@x'] }), [{ email: 'b@x' }]);
  await t.throwsAsync(driver.execute({ sql: 'insert into users (email) values (?)', params: ['a@x'] }), { instanceOf: UniqueConstraintViolationError });
  t.is(log.length, 5, log.map((e) => e.sql).join(' | '));
  t.deepEqual(
    log.map((e) => e.params),
    [['a@x'], ['b@x'], ['c@x'], ['b@x'], ['a@x']],
  );
  t.is(log[3]!.sql, db.dialect === 'pg' ? 'select email from users where email = $1' : 'select email from users where email = ?');
});

forEachDialect(test, 'transaction: ROLLBACK on throw, the original error rethrown, logged once', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const driver = await setup(t, db, { log });
  const mine = new Error('changed my mind');
  const thrown = await t.throwsAsync(
    driver.transaction(async (trx) => {
      await driver.execute({ sql: 'insert into users (email) values (?)', params: ['a@x'] }, trx);
      throw mine;
    }),
  );
  t.is(thrown, mine);
  const sqls = log.map((e) => e.sql);
  t.is(sqls.filter((s) => /^BEGIN/i.test(s)).length, 1, sqls.join(' | '));
  t.is(sqls.filter((s) => /^ROLLBACK/i.test(s)).length, 1, sqls.join(' | '));
  t.is(sqls.filter((s) => /^COMMIT/i.test(s)).length, 0);
  t.deepEqual((await driver.execute({ sql: 'select * from users', params: [] })).rows, []);

  // A database error inside the transaction: mapped once, rolled back, rethrown as the same object.
  await driver.execute({ sql: 'insert into users (email) values (?)', params: ['taken@x'] });
  let inner: unknown;
  const outer = await t.throwsAsync(
    driver.transaction(async (trx) => {
      await driver.execute({ sql: 'insert into users (email) values (?)', params: ['new@x'] }, trx);
      try {
        await driver.execute({ sql: 'insert into users (email) values (?)', params: ['taken@x'] }, trx);
      } catch (e) {
        inner = e;
        throw e;
      }
    }),
  );
  t.true(outer instanceof UniqueConstraintViolationError);
  t.is(outer, inner as Error);
  const emails = (await driver.execute({ sql: 'select email from users order by email', params: [] })).rows;
  t.deepEqual(emails, [{ email: 'taken@x' }]);
});

forEachDialect(
  test,
  'transaction: a COMMIT that fails leaves no transaction open (SQLite keeps one after a deferred FK fails; it is rolled back)',
  async (t, db) => {
    const log: QueryLogEntry[] = [];
    const driver = await setup(t, db, { log });
    await driver.execute({ sql: `create table notes (id integer primary key, user_id integer not null references users (id) deferrable initially deferred)`, params: [] });
    log.length = 0;
    const err = await t.throwsAsync(
      driver.transaction(async (trx) => {
        // Accepted now, checked at COMMIT: there is no user 99.
        await driver.execute({ sql: 'insert into notes (id, user_id) values (?, ?)', params: [1, 99] }, trx);
      }),
    );
    t.true(err instanceof ForeignKeyConstraintViolationError, String(err));
    const ends = log.map((e) => e.sql).filter((q) => /^(COMMIT|ROLLBACK)/i.test(q));
    // PostgreSQL ends the transaction itself; SQLite keeps it open until it is rolled back.
    t.deepEqual(ends, db.dialect === 'sqlite' ? ['COMMIT;', 'ROLLBACK'] : ['COMMIT;']);
    // Nothing stayed open: this statement commits on its own, and a new transaction can begin.
    await driver.execute({ sql: 'insert into users (email) values (?)', params: ['after@x'] });
    await driver.transaction(async (trx) => driver.execute({ sql: 'select 1 as one', params: [] }, trx));
    t.deepEqual((await driver.execute({ sql: 'select count(*) as n from notes', params: [] })).rows.map((r) => Number(r.n)), [0]);
    t.deepEqual((await driver.execute({ sql: 'select email from users', params: [] })).rows, [{ email: 'after@x' }]);
  },
  { dialects: ['sqlite', 'pg'] },
);

forEachDialect(
  test,
  'transaction: a BEGIN that fails on SQLite keeps the connection (an in-memory database lives on it)',
  async (t, db) => {
    const driver = await setup(t, db);
    // A temporary table exists on its own connection only: it shows the connection survived.
    await driver.execute({ sql: 'create temp table session_marks (v integer)', params: [] });
    await driver.execute({ sql: 'insert into session_marks (v) values (?)', params: [1] });
    await driver.execute({ sql: 'BEGIN', params: [] }); // a transaction left open by hand
    const err = await t.throwsAsync(driver.transaction(async () => 1));
    t.true(err instanceof JoineryError, String(err));
    t.regex(err!.message, /within a transaction/);
    await driver.execute({ sql: 'COMMIT', params: [] });
    t.deepEqual((await driver.execute({ sql: 'select v from session_marks', params: [] })).rows.map((r) => Number(r.v)), [1]);
    t.is(await driver.transaction(async (trx) => Number((await driver.execute({ sql: 'select 7 as n', params: [] }, trx)).rows[0]!.n)), 7);
  },
  { dialects: ['sqlite'] },
);

forEachDialect(
  test,
  'transaction: a connection lost inside it is dropped, not handed out again, and the error is the statement\'s',
  async (t, db) => {
    const driver = await setup(t, db);
    const pidSql = db.dialect === 'pg' ? 'select pg_backend_pid() as pid' : 'select connection_id() as pid';
    let killed: number | undefined;
    const err = await t.throwsAsync(
      driver.transaction(async (trx) => {
        killed = Number((await driver.execute({ sql: pidSql, params: [] }, trx)).rows[0]!.pid);
        // Another pooled connection ends this one's session, as a restart or an administrator would.
        await driver.execute({ sql: db.dialect === 'pg' ? `select pg_terminate_backend(${killed})` : `KILL ${killed}`, params: [] });
        await driver.execute({ sql: 'select 1 as one', params: [] }, trx);
      }),
    );
    t.true(err instanceof JoineryError, String(err));
    // Every pooled connection after it is a live one, none of them the lost session.
    const pids = await Promise.all([1, 2, 3, 4].map(async () => Number((await driver.execute({ sql: pidSql, params: [] })).rows[0]!.pid)));
    t.false(pids.includes(killed!));
    t.is(await driver.transaction(async (trx) => Number((await driver.execute({ sql: 'select 7 as n', params: [] }, trx)).rows[0]!.n)), 7);
  },
  { dialects: ['pg', 'mysql'] },
);

forEachDialect(test, 'transaction: commits and returns the callback value', async (t, db) => {
  const driver = await setup(t, db);
  const value = await driver.transaction(async (trx) => {
    await driver.execute({ sql: 'insert into users (email) values (?)', params: ['a@x'] }, trx);
    return 42;
  });
  t.is(value, 42);
  t.is((await driver.execute({ sql: 'select email from users', params: [] })).rows.length, 1);
});

forEachDialect(test, 'transaction handles are checked', async (t, db) => {
  const driver = await setup(t, db);
  const other = createDriver('archive', (await db.another('archive')).config);
  t.teardown(() => other.close());
  let kept: Parameters<Parameters<Driver['transaction']>[0]>[0] | undefined;
  await other.transaction(async (trx) => {
    kept = trx;
    const err = await t.throwsAsync(driver.execute({ sql: 'select 1', params: [] }, trx));
    t.true(err instanceof UsageError);
    t.regex(err!.message, /connection 'archive' was passed to connection 'default'/);
  });
  const late = await t.throwsAsync(other.execute({ sql: 'select 1', params: [] }, kept));
  t.true(late instanceof UsageError);
  t.regex(late!.message, /already been committed or rolled back/);
});

/** Runs `sql` and returns the error it fails with. */
async function failure(t: ExecutionContext, driver: Driver, sql: string, params: unknown[] = []): Promise<Error> {
  const err = await t.throwsAsync(driver.execute({ sql, params }));
  return err!;
}

forEachDialect(test, 'error mapping: unique, primary key, foreign key, not null, anything else', async (t, db) => {
  const driver = await setup(t, db);
  const d = db.dialect;
  await driver.execute({ sql: 'insert into users (email) values (?)', params: ['a@x'] });
  const id = (await driver.execute({ sql: 'select id from users', params: [] })).rows[0]!.id;
  await driver.execute({ sql: 'insert into posts (author_id, title) values (?, ?)', params: [id, 'hello'] });

  const unique = await failure(t, driver, 'insert into users (email) values (?)', ['a@x']);
  t.true(unique instanceof UniqueConstraintViolationError);
  const u = unique as UniqueConstraintViolationError;
  t.is(u.code, 'UNIQUE_VIOLATION');
  t.is(u.table, 'users');
  t.is(u.connection, 'default');
  if (d !== 'sqlite') t.is(u.constraint, 'users_email_unique'); // SQLite names columns, not constraints
  t.regex(u.message, /users/);
  t.regex(u.message, /already exists\. Load the existing row or change the value\./);
  if (d !== 'mysql') t.regex(u.message, /email/);
  t.true(u.cause instanceof Error);
  t.false(u.cause instanceof JoineryError);
  t.is(u.sql, 'insert into users (email) values (?)');

  const pk = await failure(t, driver, 'insert into users (id, email) values (?, ?)', [id, 'other@x']);
  t.true(pk instanceof UniqueConstraintViolationError);
  t.is((pk as DriverError).table, 'users');
  t.regex(pk.message, /primary key of table users/);

  const child = await failure(t, driver, 'insert into posts (author_id) values (?)', [99]);
  t.true(child instanceof ForeignKeyConstraintViolationError);
  const c = child as ForeignKeyConstraintViolationError;
  t.is(c.code, 'FOREIGN_KEY_VIOLATION');
  t.is(c.table, 'posts');
  if (d !== 'sqlite') {
    t.is(c.constraint, 'posts_author_fk');
    t.regex(c.message, /refers to a row of users that does not exist/);
  }
  t.regex(c.message, /Persist the referenced entity first/);
  t.truthy(c.cause);

  const parent = await failure(t, driver, 'delete from users where id = ?', [id]);
  t.true(parent instanceof ForeignKeyConstraintViolationError);
  const p = parent as ForeignKeyConstraintViolationError;
  t.regex(p.message, /of users being deleted or updated is still referenced/);
  t.regex(p.message, /deleteRule/);
  if (d !== 'sqlite') {
    t.is(p.table, 'posts');
    t.is(p.constraint, 'posts_author_fk');
  }

  const nul = await failure(t, driver, 'insert into users (email) values (?)', [null]);
  t.true(nul instanceof NotNullConstraintViolationError);
  const n = nul as NotNullConstraintViolationError;
  t.is(n.code, 'NOT_NULL_VIOLATION');
  t.is(n.table, 'users');
  t.regex(n.message, /Column email of table users cannot be NULL/);
  t.regex(n.message, /nullable: true/);

  // An INSERT that leaves a NOT NULL column out (MySQL: "doesn't have a default value").
  const missing = await failure(t, driver, 'insert into posts (title) values (?)', ['x']);
  t.true(missing instanceof NotNullConstraintViolationError);
  t.regex(missing.message, /author_id/);

  const other = await failure(t, driver, 'select * from no_such_table where id = ?', [1]);
  t.true(other instanceof DriverError);
  t.false(other instanceof UniqueConstraintViolationError);
  t.is((other as DriverError).code, 'DRIVER_ERROR');
  const cause = (other as DriverError).cause as Error;
  t.true(cause instanceof Error);
  t.true(other.message.includes(cause.message), other.message);
  t.regex(cause.message, /no_such_table/);
  // knex prefixes the driver's message with the SQL; the driver's own message is restored.
  t.false(cause.message.startsWith('select'), cause.message);
  t.regex(other.message, /SQL: select \* from no_such_table/);
});

forEachDialect(test, 'a failing COMMIT is mapped (deferred constraint)', async (t, db) => {
  const driver = await setup(t, db);
  await driver.execute({
    sql: `create table deferred_posts (id integer primary key, author_id integer not null,
            constraint deferred_posts_author_fk foreign key (author_id) references users (id) deferrable initially deferred)`,
    params: [],
  });
  const log: string[] = [];
  const err = await t.throwsAsync(
    driver.transaction(async (trx) => {
      await driver.execute({ sql: 'insert into deferred_posts (id, author_id) values (?, ?)', params: [1, 99] }, trx);
      log.push('inserted');
    }),
  );
  t.deepEqual(log, ['inserted']);
  t.true(err instanceof ForeignKeyConstraintViolationError, String(err));
}, { dialects: ['pg', 'sqlite'] });

forEachDialect(test, 'dates: DATE is a string everywhere; timestamptz and TIMESTAMP are UTC Dates, MySQL DATETIME its UTC text', async (t, db) => {
  const driver = await setup(t, db);
  const at = new Date('2021-03-04T05:06:07.890Z');
  const seen = db.dialect === 'sqlite' ? at.toISOString() : at;
  await driver.execute({ sql: 'insert into users (email, born, seen_at) values (?, ?, ?)', params: ['a@x', '1999-12-31', seen] });
  const row = (await driver.execute({ sql: 'select born, seen_at from users', params: [] })).rows[0]!;
  t.is(row.born, '1999-12-31');
  if (db.dialect === 'sqlite') {
    t.is(row.seen_at, at.toISOString());
    return;
  }
  if (db.dialect === 'pg') {
    t.true(row.seen_at instanceof Date);
    t.is((row.seen_at as Date).toISOString(), at.toISOString());
    // Per-connection type parsers: the process-wide pg parsers are untouched.
    t.true(pgTypes.getTypeParser(1082, 'text')('2020-01-02') instanceof Date);
    return;
  }
  // MySQL: a DATETIME comes as its text, which the hydrator reads as UTC (mysql2's own Dates turn
  // years 0–99 into 19xx); a Date is written as UTC, and the session time zone is UTC (NOW(), TIMESTAMP).
  t.is(row.seen_at, '2021-03-04 05:06:07.890');
  const lit = (await driver.execute({ sql: "select cast('0050-01-02 03:04:05' as datetime) as dt", params: [] })).rows[0]!;
  t.is(lit.dt, '0050-01-02 03:04:05');
  const tz = (await driver.execute({ sql: 'select @@session.time_zone as tz, now() as now, @@session.sql_mode as mode', params: [] })).rows[0]!;
  t.is(tz.tz, '+00:00');
  t.true(Math.abs(Date.parse(`${String(tz.now).replace(' ', 'T')}Z`) - Date.now()) < 60_000);
  // An explicit key of 0 is stored as 0, as on the other databases.
  t.regex(String(tz.mode), /NO_AUTO_VALUE_ON_ZERO/);
  await driver.execute({ sql: 'update users set stamp = ?', params: [at] });
  const stamp = (await driver.execute({ sql: 'select stamp, cast(stamp as char) as raw from users', params: [] })).rows[0]!;
  t.is((stamp.stamp as Date).toISOString(), at.toISOString());
  t.is(stamp.raw, '2021-03-04 05:06:07.890');
});

forEachDialect(
  test,
  'bigint and decimal come back as strings',
  async (t, db) => {
    const driver = await setup(t, db);
    await driver.execute({ sql: 'insert into users (email, big, price) values (?, ?, ?)', params: ['a@x', '9007199254740993', '12.30'] });
    const row = (await driver.execute({ sql: 'select big, price, count(*) as n from users group by big, price', params: [] })).rows[0]!;
    t.is(row.big, '9007199254740993');
    t.is(row.price, '12.30');
    t.is(typeof row.n, 'string'); // count(*) is bigint on both
  },
  { dialects: ['pg', 'mysql'] },
);

forEachDialect(
  test,
  'maxParams is the real limit',
  async (t, db) => {
    const driver = await setup(t, db);
    const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
    const n = driver.maxParams;
    const ok = await driver.execute({ sql: `select 1 as one where 1 in (${placeholders(n)})`, params: Array.from({ length: n }, (_, i) => i) });
    t.is(ok.rows.length, 1);
    const err = await t.throwsAsync(
      driver.execute({ sql: `select 1 as one where 1 in (${placeholders(n + 1)})`, params: Array.from({ length: n + 1 }, (_, i) => i) }),
    );
    t.true(err instanceof DriverError);
  },
  { dialects: ['sqlite', 'pg'] },
);

forEachDialect(test, "knex's ?? identifier spelling still works; wrong parameter counts and undefined are errors", async (t, db) => {
  const driver = await setup(t, db);
  await driver.execute({ sql: 'insert into users (email) values (?)', params: ['a@x'] });
  const named = await driver.execute({ sql: 'select ?? from users where email = ?', params: ['email', 'a@x'] });
  t.deepEqual(named.rows, [{ email: 'a@x' }]);

  const short = await t.throwsAsync(driver.execute({ sql: 'select ? as a, ? as b', params: [1] }));
  t.true(short instanceof DriverError);
  t.regex(short!.message, /Expected 1 bindings, saw 2/);
  const undef = await t.throwsAsync(driver.execute({ sql: 'insert into users (email, born) values (?, ?)', params: ['b@x', undefined] }));
  t.true(undef instanceof DriverError);
  t.regex(undef!.message, /Undefined binding\(s\) detected for keys \[1\]/);
  t.is((await driver.execute({ sql: 'select email from users', params: [] })).rows.length, 1);
});

forEachDialect(
  test,
  "pg: \\? is a literal question mark, as with knex.raw",
  async (t, db) => {
    const driver = await setup(t, db);
    const { rows } = await driver.execute({ sql: "select '\\?' as q, ? as v", params: ['x'] });
    t.deepEqual(rows, [{ q: '?', v: 'x' }]);
  },
  { dialects: ['pg'] },
);

forEachDialect(
  test,
  "statements in a transaction run on its connection: others do not see them before COMMIT",
  async (t, db) => {
    const driver = await setup(t, db);
    await driver.transaction(async (trx) => {
      await driver.execute({ sql: 'insert into users (email) values (?)', params: ['a@x'] }, trx);
      t.is((await driver.execute({ sql: 'select email from users where email = ?', params: ['a@x'] }, trx)).rows.length, 1);
      t.is((await driver.execute({ sql: 'select email from users where email = ?', params: ['a@x'] })).rows.length, 0);
    });
    t.is((await driver.execute({ sql: 'select email from users where email = ?', params: ['a@x'] })).rows.length, 1);
  },
  // SQLite has one connection: a statement outside the transaction would wait for it forever.
  { dialects: ['pg', 'mysql'] },
);

forEachDialect(
  test,
  'sqlite: reused prepared statements see schema changes; Dates and booleans are bound as numbers',
  async (t, db) => {
    const driver = await setup(t, db);
    await driver.execute({ sql: 'insert into users (email) values (?)', params: ['a@x'] });
    const select = { sql: 'select * from users where email = ?', params: ['a@x'] };
    t.false('nick' in (await driver.execute(select)).rows[0]!);
    await driver.execute({ sql: 'alter table users add column nick varchar(10) null', params: [] });
    await driver.execute({ sql: 'update users set nick = ? where email = ?', params: ['ax', 'a@x'] });
    t.is((await driver.execute(select)).rows[0]!.nick, 'ax');
    const bound = await driver.execute({ sql: 'select ? as d, ? as yes, ? as no', params: [new Date(1234), true, false] });
    t.deepEqual(bound.rows.map((r) => ({ d: Number(r.d), yes: Number(r.yes), no: Number(r.no) })), [{ d: 1234, yes: 1, no: 0 }]);
  },
  { dialects: ['sqlite'] },
);

forEachDialect(test, 'debug prints one line per statement to stderr', async (t, db) => {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    const driver = await setup(t, db, { debug: true });
    lines.length = 0;
    await driver.execute({ sql: 'select ? as one', params: ['x'] });
  } finally {
    console.error = original;
  }
  t.is(lines.length, 1);
  t.regex(lines[0]!, /^\[joinery default\] \d+\.\dms select (\?|\$1) as one \["x"\]$/);
});

forEachDialect(test, 'close() ends the pool', async (t, db) => {
  const driver = createDriver('default', db.config);
  await driver.execute({ sql: 'select 1 as one', params: [] });
  await driver.close();
  const err = await t.throwsAsync(driver.execute({ sql: 'select 1 as one', params: [] }));
  t.true(err instanceof UsageError);
  t.is((err as UsageError).code, 'ORM_CLOSED');
  t.true(driver.closed);
});

// mapDriverError is pure: the formats of servers not running here (MySQL 8, old MySQL) are checked directly.
test('mapDriverError: MySQL 8 qualifies the unique key with its table', (t) => {
  const err = Object.assign(new Error("Duplicate entry 'a@x' for key 'users.users_email_unique'"), { errno: 1062, code: 'ER_DUP_ENTRY' });
  const mapped = mapDriverError(err, 'mysql', 'default', 'insert into `users` (`email`) values (?)');
  t.true(mapped instanceof UniqueConstraintViolationError);
  t.is((mapped as DriverError).table, 'users');
  t.is((mapped as DriverError).constraint, 'users_email_unique');
  t.is(mapped.message, 'Unique constraint users_email_unique on table users was violated: a row with the same value already exists. Load the existing row or change the value.');
  t.is((mapped as DriverError).cause, err);
});

test('mapDriverError: MariaDB names the key only; the table comes from the statement', (t) => {
  const err = Object.assign(new Error("Duplicate entry 'a@x' for key 'users_email_unique'"), { errno: 1062 });
  const mapped = mapDriverError(err, 'mysql', 'default', 'insert into `users` (`email`) values (?)') as DriverError;
  t.is(mapped.table, 'users');
  t.is(mapped.constraint, 'users_email_unique');
});

test('mapDriverError: old MySQL FK errors without details, SQLite FK on update', (t) => {
  const parent = mapDriverError(Object.assign(new Error('Cannot delete or update a parent row: a foreign key constraint fails'), { errno: 1217 }), 'mysql', 'default', 'delete from `users` where `id` = ?');
  t.true(parent instanceof ForeignKeyConstraintViolationError);
  t.regex(parent.message, /a row of users being deleted or updated is still referenced from another table/);
  const child = mapDriverError(Object.assign(new Error('Cannot add or update a child row: a foreign key constraint fails'), { errno: 1216 }), 'mysql', 'default', 'insert into `posts` (`author_id`) values (?)');
  t.is((child as DriverError).table, 'posts');
  const upd = mapDriverError(Object.assign(new Error('FOREIGN KEY constraint failed'), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }), 'sqlite', 'default', 'update "posts" set "author_id" = ? where "id" = ?');
  t.true(upd instanceof ForeignKeyConstraintViolationError);
  t.is((upd as DriverError).table, 'posts');
});

test('mapDriverError: joinery errors pass through, non-errors are wrapped', (t) => {
  const mine = new UsageError('USAGE', 'x');
  t.is(mapDriverError(mine, 'pg', 'default'), mine);
  const wrapped = mapDriverError('boom', 'pg', 'default') as DriverError;
  t.is(wrapped.code, 'DRIVER_ERROR');
  t.is(wrapped.cause, 'boom');
  t.regex(wrapped.message, /boom/);
  const refused = mapDriverError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'pg', 'default');
  t.regex(refused.message, /Check that the database server is running/);
});
