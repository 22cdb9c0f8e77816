// em.transactional inside a transactional callback runs in a savepoint: an inner failure rolls back to
// it, and the caller decides (by catching or not) whether the enclosing transaction goes on.
import test from 'ava';
import { Joinery, UniqueConstraintViolationError, UsageError, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Tag, User } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  log.length = 0;
  return { orm, log };
}

const names = async (orm: Joinery) => (await orm.em.fork().find(Tag, {}, { orderBy: { name: 'asc' } })).map((x) => x.name);
const savepointSql = (log: QueryLogEntry[]) => log.map((q) => q.sql).filter((s) => /savepoint/i.test(s));

forEachDialect(test, 'an inner failure the caller catches rolls back to the savepoint only', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const boom = new Error('inner fails');
  await orm.em.fork().transactional(async (tem) => {
    tem.create(Tag, { name: 'before' });
    await tem.flush();
    const error = await t.throwsAsync(
      tem.transactional(async (inner) => {
        inner.create(Tag, { name: 'inner-flushed' });
        await inner.flush();
        inner.create(Tag, { name: 'inner-queued' });
        throw boom;
      }),
    );
    t.is(error, boom, 'the error reaches the caller as it was thrown');
    tem.create(Tag, { name: 'after' });
  });
  t.deepEqual(await names(orm), ['after', 'before']);
  t.deepEqual(savepointSql(log), ['SAVEPOINT joinery_sp_1', 'ROLLBACK TO SAVEPOINT joinery_sp_1', 'RELEASE SAVEPOINT joinery_sp_1']);
});

forEachDialect(test, 'an inner failure the caller does not catch rolls back the whole transaction', async (t, db) => {
  const { orm } = await setup(t, db);
  const boom = new Error('inner fails');
  await t.throwsAsync(
    orm.em.fork().transactional(async (tem) => {
      tem.create(Tag, { name: 'outer' });
      await tem.flush();
      await tem.transactional(async (inner) => {
        inner.create(Tag, { name: 'inner' });
        throw boom;
      });
    }),
    { is: boom },
  );
  t.deepEqual(await names(orm), []);
});

forEachDialect(test, 'a successful inner transaction is released, flushed, and committed (or rolled back) with the outer one', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const value = await orm.em.fork().transactional(async (tem) => {
    const v = await tem.transactional(async (inner) => {
      inner.create(Tag, { name: 'inner' });
      return 42;
    });
    t.is(await tem.count(Tag, { name: 'inner' }), 1, 'flushed at the end of the inner callback');
    return v;
  });
  t.is(value, 42);
  t.deepEqual(await names(orm), ['inner']);
  t.deepEqual(savepointSql(log), ['SAVEPOINT joinery_sp_1', 'RELEASE SAVEPOINT joinery_sp_1']);

  const boom = new Error('outer fails later');
  await t.throwsAsync(
    orm.em.fork().transactional(async (tem) => {
      await tem.transactional(async (inner) => void inner.create(Tag, { name: 'released, then rolled back' }));
      throw boom;
    }),
    { is: boom },
  );
  t.deepEqual(await names(orm), ['inner']);
});

forEachDialect(test, 'a database error inside the savepoint leaves the enclosing transaction usable (PostgreSQL included)', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  em.create(User, { email: 'ann@x.io', passwordHash: 'h' });
  await em.flush();
  await orm.em.fork().transactional(async (tem) => {
    const ok = tem.create(Tag, { name: 'kept' });
    await tem.flush();
    await t.throwsAsync(
      tem.transactional(async (inner) => {
        inner.create(User, { email: 'ann@x.io', passwordHash: 'dup' });
      }),
      { instanceOf: UniqueConstraintViolationError },
    );
    // On PostgreSQL a failed statement aborts the transaction unless rolled back to a savepoint.
    ok.name = 'kept and renamed';
    t.is(await tem.count(User, {}), 1);
  });
  t.deepEqual(await names(orm), ['kept and renamed']);
});

forEachDialect(test, 'savepoints nest; the caller\'s entities and queued changes are untouched by a rolled-back inner call', async (t, db) => {
  const { orm, log } = await setup(t, db);
  await orm.em.fork().transactional(async (tem) => {
    const outer = tem.create(Tag, { name: 'outer' });
    await tem.flush();
    outer.name = 'outer renamed'; // queued, not flushed
    await tem.transactional(async (mid) => {
      mid.create(Tag, { name: 'mid' });
      await t.throwsAsync(
        mid.transactional(async (inner) => {
          inner.create(Tag, { name: 'inner' });
          await inner.flush();
          throw new Error('deepest fails');
        }),
        { message: 'deepest fails' },
      );
    });
    t.is(outer.name, 'outer renamed');
  });
  t.deepEqual(await names(orm), ['mid', 'outer renamed']);
  t.deepEqual(savepointSql(log), [
    'SAVEPOINT joinery_sp_1',
    'SAVEPOINT joinery_sp_2',
    'ROLLBACK TO SAVEPOINT joinery_sp_2',
    'RELEASE SAVEPOINT joinery_sp_2',
    'RELEASE SAVEPOINT joinery_sp_1',
  ]);
});

forEachDialect(test, 'isolationLevel on a nested call, or an unknown level, is a UsageError before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const bad = await t.throwsAsync(orm.em.fork().transactional(async () => 1, { isolationLevel: 'snapshot' as never }), { instanceOf: UsageError });
  t.is(bad!.code, 'BAD_ISOLATION_LEVEL');
  t.regex(bad!.message, /"snapshot" is not an isolation level\. Use one of 'read uncommitted', 'read committed', 'repeatable read', 'serializable'/);
  t.deepEqual(log, []);
  await orm.em.fork().transactional(async (tem) => {
    const nested = await t.throwsAsync(tem.transactional(async () => 1, { isolationLevel: 'serializable' }), { instanceOf: UsageError });
    t.is(nested!.code, 'NESTED_ISOLATION_LEVEL');
    t.regex(nested!.message, /Set isolationLevel on the outermost em\.transactional/);
  });
  t.deepEqual(savepointSql(log), []);
});
