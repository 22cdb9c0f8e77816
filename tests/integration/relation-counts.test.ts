// Relation counts (Lucid's withCount): one GROUP BY query for the whole result, with aliases and
// constraints, for 1:N and M:N (plain and through), read per entity and serialized.
import test from 'ava';
import { Joinery, UsageError, wrap, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { Car, FORUM, Post, User, seedForum } from '../fixtures/forum.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: FORUM, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  await seedForum(orm.em.fork(), 12);
  log.length = 0;
  const selects = () => log.filter((q) => /^\s*select/i.test(q.sql));
  return { orm, log, selects };
}

forEachDialect(test, 'counts with an alias and a constraint: one extra query, no items loaded', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const posts = await em.find(Post, { author: { name: 'user011' } }, {
    counts: { comments: true, approved: { relation: 'comments', where: { approved: true } } },
    orderBy: { id: 'asc' },
  });
  t.is(selects().length, 2, 'posts, then every count of comments in one GROUP BY');
  t.regex(selects()[1]!.sql, /GROUP BY/i);
  // post j of a user has j + 1 comments, the even-numbered ones approved
  t.deepEqual(posts.map((p) => [wrap(p).count('comments'), wrap(p).count('approved')]), [[1, 1], [2, 1], [3, 2]]);
  t.false(posts[0]!.comments.isInitialized(), 'counting loads no items');
});

forEachDialect(test, 'counts for M:N (plain, through, inverse side); zero where nothing links', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const users = await em.find(User, {}, { counts: ['posts', 'cars'], orderBy: { id: 'asc' } });
  t.is(selects().length, 3);
  t.deepEqual(users.slice(0, 5).map((u) => wrap(u).count('posts')), [0, 1, 2, 3, 0]);
  t.true(users.every((u) => wrap(u).count('cars') === 2));
  const posts = await em.find(Post, { author: { name: 'user002' } }, { counts: { tags: true, blue: { relation: 'tags', where: { name: 'blue' } } }, orderBy: { id: 'asc' } });
  // post j of user i has rank (i + j) % 5 and the first rank % 3 + 1 of red, green, blue
  t.deepEqual(posts.map((p) => [wrap(p).count('tags'), wrap(p).count('blue')]), [[3, 1], [1, 0]]);
  const cars = await em.find(Car, {}, { counts: { owners: true, early: { relation: 'owners', where: { name: { $lt: 'user002' } } } }, orderBy: { id: 'asc' } });
  t.deepEqual(cars.map((c) => [c.model, wrap(c).count('owners'), wrap(c).count('early')]), [['Beetle', 8, 1], ['Mini', 8, 2], ['Panda', 8, 1]]);
});

forEachDialect(test, 'counts serialize as $counts, next to populated relations', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const [post] = await em.find(Post, { title: 'post 7.2' }, { populate: ['comments'], counts: { comments: true, approved: { relation: 'comments', where: { approved: true } } } });
  const data = wrap(post!).toObject() as { comments: unknown[]; $counts: unknown };
  t.is(data.comments.length, 3);
  t.deepEqual(data.$counts, { comments: 3, approved: 2 });
  t.deepEqual(JSON.parse(JSON.stringify(post)).$counts, { comments: 3, approved: 2 });
});

forEachDialect(test, 'counts work with the joined strategy and with limit', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const users = await em.find(User, {}, { populate: ['posts'], strategy: 'joined', counts: { posts: true }, orderBy: { id: 'desc' }, limit: 4 });
  t.is(selects().length, 2);
  t.deepEqual(users.map((u) => [u.posts.count(), wrap(u).count('posts')]), [[3, 3], [2, 2], [1, 1], [0, 0]]);
});

forEachDialect(test, 'bad counts fail before SQL; an unloaded count throws a clear error', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => em.find(Post, {}, { counts: { comments: { relation: 'remarks' } } }), /counts\.comments counts Post\.remarks, which does not exist\. Collections of Post: comments, tags/],
    [() => em.find(Post, {}, { counts: ['author'] }), /Post\.author, which is not a collection/],
    [() => em.find(Post, {}, { counts: { approved: { relation: 'comments', where: { nope: true } } } }), /Comment\.nope/],
    [() => em.find(Post, {}, { counts: { x: 5 as never } }), /counts\.x must be true or \{ relation/],
  ];
  for (const [run, message] of cases) {
    const err = await t.throwsAsync(run(), { instanceOf: UsageError });
    t.regex(err?.message ?? '', message);
  }
  t.is(log.length, 0);
  const [post] = await em.find(Post, {}, { limit: 1 });
  const err = t.throws(() => wrap(post!).count('comments'), { instanceOf: UsageError });
  t.is(err?.code, 'COUNT_NOT_LOADED');
  t.regex(err?.message ?? '', /No count named 'comments' was loaded for this Post/);
});
