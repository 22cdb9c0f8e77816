// Joinery.init checks its connections (connect: true by default), orm.isConnected(), and what an
// EntityManager of a closed Joinery does: a UsageError ORM_CLOSED, not a pool timeout.
import test from 'ava';
import { DriverError, Joinery, UsageError, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Post, User } from '../fixtures/blog.js';
import type { ConnectionConfig } from '../../src/drivers/connection-config.js';

/** The same server with a database that does not exist (SQLite: a file in a missing directory). */
function unreachable(db: TestDb): { config: ConnectionConfig; reason: RegExp } {
  if (db.dialect === 'sqlite') {
    return { config: { client: 'sqlite', connection: { filename: '/no-such-directory-jem/app.db' } }, reason: /directory does not exist/ };
  }
  const url = new URL(db.config.connection as string);
  url.pathname = '/no_such_database_for_joinery';
  return { config: { client: db.dialect, connection: url.toString() }, reason: db.dialect === 'pg' ? /does not exist/ : /Unknown database/ };
}

forEachDialect(test, 'Joinery.init fails at once with the connection name and the driver reason', async (t, db) => {
  const bad = unreachable(db);
  const error = await t.throwsAsync(Joinery.init({ entities: BLOG, ...bad.config }), { instanceOf: DriverError });
  t.is(error!.code, 'CONNECTION_FAILED');
  t.is((error as DriverError).connection, 'default');
  t.regex(error!.message, /connection 'default' \((sqlite|pg|mysql)\): /);
  t.regex(error!.message, bad.reason);
  t.regex(error!.message, /connect: false/);
  t.truthy(error!.cause, 'the driver error is kept as cause');
});

forEachDialect(test, 'Joinery.init names the failing one of several connections', async (t, db) => {
  const bad = unreachable(db);
  const error = await t.throwsAsync(Joinery.init({ entities: BLOG, connections: { default: db.config, archive: bad.config } }), { instanceOf: DriverError });
  t.is((error as DriverError).connection, 'archive');
  t.regex(error!.message, /connection 'archive'/);
  t.notRegex(error!.message, /'default'/);
});

forEachDialect(test, 'the connection check sends no statement, and connect: false defers the failure to the first query', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  t.deepEqual(log, [], 'the check only opens a connection');

  const bad = unreachable(db);
  const lazy = await Joinery.init({ entities: BLOG, ...bad.config, connect: false });
  t.teardown(() => lazy.close());
  t.false(await lazy.isConnected());
  await t.throwsAsync(lazy.em.fork().find(User, {}), { instanceOf: Error });
});

forEachDialect(test, 'orm.isConnected() is true while open, false after close', async (t, db) => {
  const orm = await Joinery.init({ entities: BLOG, ...db.config });
  t.true(await orm.isConnected());
  await orm.schema.create();
  // While a transaction holds a connection (SQLite's only one) the answer does not wait for it.
  await orm.em.fork().transactional(async () => {
    t.true(await orm.isConnected());
  });
  await orm.close();
  t.false(await orm.isConnected());
  await orm.close(); // a second close does nothing
});

forEachDialect(test, 'an EntityManager of a closed Joinery throws UsageError ORM_CLOSED', async (t, db) => {
  const orm = await Joinery.init({ entities: BLOG, ...db.config });
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { email: 'ann@x.io', passwordHash: 'h' });
  await em.flush();
  await orm.close();

  const calls: [string, () => unknown][] = [
    ['find', () => em.find(User, {})],
    ['findOne', () => orm.em.fork().findOne(User, { email: 'ann@x.io' })],
    ['count', () => em.count(Post, {})],
    ['flush', () => {
      em.create(Post, { title: 'late', author: ann });
      return em.flush();
    }],
    ['transactional', () => orm.em.fork().transactional(async () => 1)],
    ['execute', () => em.execute('select 1 as one')],
    ['qb', () => em.qb(User).select('id')],
    ['nativeDelete', () => em.nativeDelete(Post, { title: 'x' })],
  ];
  for (const [name, call] of calls) {
    const error = await t.throwsAsync(async () => call(), { instanceOf: UsageError }, name);
    t.is(error?.code, 'ORM_CLOSED', name);
    t.regex(error!.message, /Connection 'default' is closed \(orm\.close\(\) was called\)/, name);
  }
});
