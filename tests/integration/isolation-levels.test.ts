// em.transactional(fn, { isolationLevel }): the statement each dialect sends, and that the level is
// really in force (what a concurrent commit is visible as) on PostgreSQL and MySQL/MariaDB.
import test from 'ava';
import { Joinery, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Tag } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const tag = em.create(Tag, { name: 'v1' });
  await em.flush();
  log.length = 0;
  return { orm, log, id: tag.id };
}

forEachDialect(test, 'the isolation level is sent as each dialect spells it, for that transaction only', async (t, db) => {
  const { orm, log } = await setup(t, db);
  await orm.em.fork().transactional(async (tem) => void (await tem.count(Tag, {})), { isolationLevel: 'serializable' });
  const begins = log.map((q) => q.sql).filter((s) => /^(BEGIN|SET TRANSACTION)/i.test(s));
  const expected: Record<TestDb['dialect'], string[]> = {
    sqlite: ['BEGIN;'],
    pg: ['BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT txid_current() AS joinery_xid'],
    mysql: ['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'BEGIN;'],
  };
  t.deepEqual(begins, expected[db.dialect]);
  log.length = 0;
  await orm.em.fork().transactional(async (tem) => void (await tem.count(Tag, {})));
  t.false(log.some((q) => /ISOLATION/i.test(q.sql)), 'the next transaction has the default level again');
});

forEachDialect(
  test,
  'read committed sees a concurrent commit; repeatable read does not',
  async (t, db) => {
    const { orm, id } = await setup(t, db);
    const readTwice = (isolationLevel: 'read committed' | 'repeatable read', next: string) =>
      orm.em.fork().transactional(
        async (tem) => {
          const first = await tem.execute<{ name: string }>('select name from tags where id = ?', [id]);
          // Another connection commits a change meanwhile.
          await orm.em.fork().nativeUpdate(Tag, { id }, { name: next });
          const second = await tem.execute<{ name: string }>('select name from tags where id = ?', [id]);
          return [first[0]!.name, second[0]!.name];
        },
        { isolationLevel },
      );
    t.deepEqual(await readTwice('read committed', 'v2'), ['v1', 'v2']);
    t.deepEqual(await readTwice('repeatable read', 'v3'), ['v2', 'v2']);
  },
  { dialects: ['pg', 'mysql'] },
);
