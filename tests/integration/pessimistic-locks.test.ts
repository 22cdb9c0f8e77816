// findOne / find with lockMode: the locking clause per dialect, the errors outside a transaction, and
// that a second connection really waits for the lock on PostgreSQL and MySQL/MariaDB.
import test from 'ava';
import { DriverError, Joinery, UsageError, type EntityManager, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Post, User } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { email: 'ann@x.io', name: 'Ann', passwordHash: 'h' });
  em.create(Post, { title: 'p1', author: ann });
  await em.flush();
  log.length = 0;
  return { orm, log, id: ann.id };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` with a short lock wait for this transaction's statements (MySQL: the connection's, reset after). */
async function withShortLockWait<T>(db: TestDb, em: EntityManager, fn: () => Promise<T>): Promise<T> {
  if (db.dialect === 'pg') {
    await em.execute("set local lock_timeout = '300ms'");
    return fn();
  }
  await em.execute('set innodb_lock_wait_timeout = 1');
  try {
    return await fn();
  } finally {
    await em.execute('set innodb_lock_wait_timeout = default');
  }
}

const lockTimeout = /lock timeout|Lock wait timeout exceeded/;

forEachDialect(test, 'the locking clause each dialect sends', async (t, db) => {
  const { orm, log, id } = await setup(t, db);
  await orm.em.fork().transactional(async (tem) => {
    await tem.findOne(User, id, { lockMode: 'pessimistic_write' });
    await tem.find(User, { name: 'Ann' }, { lockMode: 'pessimistic_read', orderBy: { id: 'asc' } });
  });
  const selects = log.map((q) => q.sql).filter((s) => /^select/i.test(s));
  const write = { sqlite: ' limit 1', pg: ' limit 1 for update of "e0"', mysql: ' limit 1 for update' }[db.dialect];
  const read = { sqlite: ' order by "e0"."id" asc', pg: ' order by "e0"."id" asc for share of "e0"', mysql: ' order by `e0`.`id` asc lock in share mode' }[db.dialect];
  t.is(selects.length, 2);
  t.true(selects[0]!.endsWith(write), selects[0]);
  t.true(selects[1]!.endsWith(read), selects[1]);
});

forEachDialect(test, 'a lock is taken even for an entity already in the identity map, and with populate and orderBy through a relation', async (t, db) => {
  const { orm, log, id } = await setup(t, db);
  await orm.em.fork().transactional(async (tem) => {
    const user = await tem.findOneOrFail(User, id);
    log.length = 0;
    t.is(await tem.findOne(User, id, { lockMode: 'pessimistic_write' }), user);
    t.is(log.length, 1, 'a locking read always goes to the database');
    const posts = await tem.find(Post, {}, { lockMode: 'pessimistic_write', populate: ['author'], strategy: 'joined', orderBy: { author: { name: 'asc' } } });
    t.deepEqual(posts.map((p) => [p.title, p.author.name]), [['p1', 'Ann']]);
  });
});

forEachDialect(test, 'lockMode outside a transaction, or an unknown one, is a UsageError before any SQL', async (t, db) => {
  const { orm, log, id } = await setup(t, db);
  const em = orm.em.fork();
  const outside = await t.throwsAsync(em.findOne(User, id, { lockMode: 'pessimistic_write' }), { instanceOf: UsageError });
  t.is(outside!.code, 'LOCK_OUTSIDE_TRANSACTION');
  t.regex(outside!.message, /em\.findOne\(User, \.\.\., \{ lockMode: 'pessimistic_write' \}\) was called outside a transaction/);
  t.regex(outside!.message, /em\.transactional\(async \(tem\) =>/);
  const outsideFind = await t.throwsAsync(em.find(User, {}, { lockMode: 'pessimistic_read' }), { instanceOf: UsageError });
  t.regex(outsideFind!.message, /em\.find\(User/);
  await orm.em.fork().transactional(async (tem) => {
    const bad = await t.throwsAsync(tem.findOne(User, id, { lockMode: 'exclusive' as never }), { instanceOf: UsageError });
    t.is(bad!.code, 'BAD_LOCK_MODE');
    t.regex(bad!.message, /lockMode for a User query must be 'pessimistic_write' or 'pessimistic_read', got "exclusive"/);
  });
  t.false(log.some((q) => /^select/i.test(q.sql)), 'no select was sent');
});

forEachDialect(
  test,
  'pessimistic_write blocks a second connection until the first commits; it then reads the new row',
  async (t, db) => {
    const { orm, id } = await setup(t, db);
    const locked = deferred();
    const release = deferred();
    const first = orm.em.fork().transactional(async (a) => {
      const user = await a.findOneOrFail(User, id, { lockMode: 'pessimistic_write' });
      locked.resolve();
      await release.promise;
      user.name = 'Ann by A';
    });
    await locked.promise;

    // With a short lock wait the second connection gives up.
    await t.throwsAsync(
      orm.em.fork().transactional((b) => withShortLockWait(db, b, async () => b.findOne(User, id, { lockMode: 'pessimistic_write' }))),
      { instanceOf: DriverError, message: lockTimeout },
    );
    await t.throwsAsync(
      orm.em.fork().transactional((b) => withShortLockWait(db, b, async () => b.findOne(User, id, { lockMode: 'pessimistic_read' }))),
      { instanceOf: DriverError, message: lockTimeout },
      'a shared lock waits for an exclusive one too',
    );

    // Without one it waits, and reads the row as A committed it.
    let done = false;
    const second = orm.em.fork().transactional(async (b) => {
      const user = await b.findOneOrFail(User, id, { lockMode: 'pessimistic_write' });
      done = true;
      return user.name;
    });
    await sleep(300);
    t.false(done, 'still waiting for the lock');
    release.resolve();
    await first;
    t.is(await second, 'Ann by A');
  },
  { dialects: ['pg', 'mysql'] },
);

forEachDialect(
  test,
  'pessimistic_read locks are shared with each other but block a pessimistic_write',
  async (t, db) => {
    const { orm, id } = await setup(t, db);
    const locked = deferred();
    const release = deferred();
    const first = orm.em.fork().transactional(async (a) => {
      await a.findOneOrFail(User, id, { lockMode: 'pessimistic_read' });
      locked.resolve();
      await release.promise;
    });
    await locked.promise;
    const shared = await orm.em.fork().transactional((b) => withShortLockWait(db, b, async () => (await b.findOneOrFail(User, id, { lockMode: 'pessimistic_read' })).name));
    t.is(shared, 'Ann');
    await t.throwsAsync(
      orm.em.fork().transactional((b) => withShortLockWait(db, b, async () => b.findOne(User, id, { lockMode: 'pessimistic_write' }))),
      { instanceOf: DriverError, message: lockTimeout },
    );
    release.resolve();
    await first;
  },
  { dialects: ['pg', 'mysql'] },
);
