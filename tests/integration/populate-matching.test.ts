// Collection.matching(): a filtered, ordered page of a collection's items in one query, without
// initialising the collection.
import test from 'ava';
import { Joinery, UsageError, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { Car, FORUM, Post, User, seedForum } from '../fixtures/forum.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: FORUM, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  await seedForum(orm.em.fork(), 12);
  log.length = 0;
  const selects = () => log.filter((q) => /^\s*select/i.test(q.sql)).length;
  return { orm, selects };
}

forEachDialect(test, '1:N matching: where, orderBy, limit, offset; the collection stays unloaded', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const post = await em.findOneOrFail(Post, { title: 'post 11.2' });
  const before = selects();
  const page = await post.comments.matching({ orderBy: { id: 'desc' }, limit: 2, offset: 0 });
  t.deepEqual(page.map((c) => c.body), ['comment 11.2.2', 'comment 11.2.1']);
  const approved = await post.comments.matching({ where: { approved: true } });
  t.deepEqual(approved.map((c) => c.body), ['comment 11.2.0', 'comment 11.2.2'], 'default order: the primary key');
  const second = await post.comments.matching({ orderBy: { id: 'asc' }, limit: 1, offset: 1 });
  t.deepEqual(second.map((c) => c.body), ['comment 11.2.1']);
  t.is(selects() - before, 3, 'one query each');
  t.false(post.comments.isInitialized());
  t.is(page[0]!.post, post, 'items are managed and linked to the owner');
  const all = await post.comments.load();
  t.is(all[2], page[0], 'the identity map hands out the same objects later');
});

forEachDialect(test, 'M:N matching from both sides, with a relation orderBy default', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const post = await em.findOneOrFail(Post, { title: 'post 2.0' });
  t.deepEqual((await post.tags.matching({ where: { name: { $ne: 'green' } }, orderBy: { name: 'desc' } })).map((x) => x.name), ['red', 'blue']);
  const mini = await em.findOneOrFail(Car, { model: 'Mini' });
  const owners = await mini.owners.matching({ where: { name: { $gte: 'user004' } }, orderBy: { name: 'asc' }, limit: 2, offset: 1 });
  t.deepEqual(owners.map((u) => u.name), ['user006', 'user007']);
  t.false(mini.owners.isInitialized());
});

forEachDialect(test, 'matching on a new owner reads nothing; bad options fail before SQL', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const fresh = em.create(User, { name: 'new' });
  const before = selects();
  t.deepEqual(await fresh.posts.matching({ where: { published: true } }), []);
  t.is(selects(), before);
  const user = await em.findOneOrFail(User, { name: 'user003' });
  const n = selects();
  await t.throwsAsync(user.posts.matching({ where: { nope: 1 } }), { instanceOf: UsageError, message: /Post\.nope/ });
  await t.throwsAsync(user.cars.matching({ limit: -1 }), { instanceOf: UsageError, message: /limit for User\.cars\.matching\(\)/ });
  await t.throwsAsync(user.posts.matching({ orderBy: { rank: 'up' } }), { instanceOf: UsageError, message: /Post\.rank/ });
  t.is(selects(), n);
});
