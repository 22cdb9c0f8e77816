// Populate (select-in): statements per level, lazy-load batching, populateWhere / populateOrderBy,
// eager and '*', and every mistake in the options reported before any SQL.
import test from 'ava';
import { Joinery, UsageError, wrap, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { Comment, FORUM, Post, Tag, User, commentLoads, seedForum } from '../fixtures/forum.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb, users = 12) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: FORUM, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  await seedForum(orm.em.fork(), users);
  log.length = 0;
  const selects = () => log.filter((q) => /^\s*select/i.test(q.sql));
  return { orm, log, selects };
}

forEachDialect(test, 'populating 100 parents through 3 levels sends one SELECT per level', async (t, db) => {
  const { orm, selects } = await setup(t, db, 100);
  const em = orm.em.fork();
  const users = await em.find(User, {}, { populate: ['posts.comments.likes'], orderBy: { id: 'asc' } });
  t.is(users.length, 100);
  t.is(selects().length, 4, selects().map((q) => q.sql).join('\n'));
  // user i has i % 4 posts, post j has j + 1 comments, comment k has (k + 1) % 3 likes
  const u7 = users[7]!;
  t.deepEqual(u7.posts.getItems().map((p) => p.comments.count()), [1, 2, 3]);
  t.deepEqual(u7.posts.getItems()[2]!.comments.getItems().map((c) => c.likes.count()), [1, 2, 0]);
  t.true(users[4]!.posts.isInitialized(), 'a parent without children gets an empty, loaded collection');
  t.is(users[4]!.posts.count(), 0);
});

forEachDialect(test, '100 lazy loads started together share one SELECT', async (t, db) => {
  const { orm, selects } = await setup(t, db, 100);
  const em = orm.em.fork();
  const users = await em.find(User, {});
  const before = selects().length;
  const collections = await Promise.all(users.map((u) => u.posts.init()));
  t.true(selects().length - before <= 2, `sent ${selects().length - before}`);
  t.is(collections.reduce((n, c) => n + c.count(), 0), 150);
  const posts = collections.flatMap((c) => c.getItems());
  const mid = selects().length;
  await Promise.all(posts.map((p) => p.tags.init()));
  t.is(selects().length - mid, 1, 'M:N too');
});

forEachDialect(test, 'populateWhere constrains each level; populateOrderBy orders it', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const users = await em.find(User, { id: { $in: [4, 8, 12] } }, {
    populate: ['posts.comments', 'posts.tags'],
    populateWhere: { posts: { published: true, comments: { approved: true }, tags: { name: { $ne: 'green' } } } },
    populateOrderBy: { posts: { rank: 'desc', comments: { id: 'desc' } } },
    orderBy: { id: 'asc' },
  });
  t.is(selects().length, 4);
  const u = users[2]!; // user011: 3 posts, the 1st and 3rd published
  const posts = u.posts.getItems();
  t.true(u.posts.isInitialized());
  t.deepEqual(posts.map((p) => p.title), ['post 11.0', 'post 11.2'].sort((a, b) => rankOf(b) - rankOf(a)));
  t.true(posts.every((p) => p.published));
  t.deepEqual(posts.find((p) => p.title === 'post 11.2')!.comments.getItems().map((c) => c.body), ['comment 11.2.2', 'comment 11.2.0']);
  t.true(posts.flatMap((p) => p.tags.getItems()).every((tag) => tag.name !== 'green'));

  function rankOf(title: string): number {
    const j = Number(title.split('.')[1]);
    return (11 + j) % 5;
  }
});

forEachDialect(test, 'a constrained collection is loaded with what matched, and a flush leaves the rest alone', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, { name: 'user011' }, { populate: ['posts.tags'], populateWhere: { posts: { published: false, tags: { name: 'red' } } } });
  t.deepEqual(user.posts.getItems().map((p) => p.title), ['post 11.1']);
  const post = user.posts.getItems()[0]!;
  t.deepEqual(post.tags.getItems().map((x) => x.name), ['red']);
  // Only queued changes are written: the filtered-out posts and links are not "removed".
  post.tags.set([]);
  user.posts.removeAll();
  const blue = await em.findOneOrFail(Tag, { name: 'blue' });
  post.tags.add(blue);
  user.posts.add(post);
  await em.flush();
  const check = orm.em.fork();
  t.is(await check.count(Post, { author: user.id }), 3, 'the published posts are still linked');
  const again = await check.findOneOrFail(Post, post.id, { populate: ['tags'] });
  t.deepEqual(again.tags.getItems().map((x) => x.name).sort(), ['blue', 'green'], 'red was unlinked, green (filtered out) kept, blue added');
});

forEachDialect(test, 'populateWhere with $and / $or and a to-one condition', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const posts = await em.find(Post, { author: { name: 'user007' } }, {
    populate: ['comments'],
    populateWhere: { comments: { $or: [{ approved: false }, { body: { $like: '%.0' } }], post: { rank: { $gte: 0 } } } },
    orderBy: { id: 'asc' },
  });
  t.deepEqual(posts.map((p) => p.comments.getItems().map((c) => c.body)), [
    ['comment 7.0.0'],
    ['comment 7.1.0', 'comment 7.1.1'],
    ['comment 7.2.0', 'comment 7.2.1'],
  ]);
});

forEachDialect(test, "em.populate loads later, '*' takes every relation of a level", async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const posts = await em.find(Post, { author: { name: 'user006' } }, { orderBy: { id: 'asc' } });
  const n = selects().length;
  await em.populate(posts, ['*']);
  t.is(selects().length - n, 3, 'author, comments and tags: one query each');
  t.is(posts[0]!.author.name, 'user006');
  t.true(posts.every((p) => p.comments.isInitialized() && p.tags.isInitialized()));
  const withLikes = await em.populate(posts, ['comments.likes']);
  t.true(withLikes.every((p) => p.comments.getItems().every((c) => c.likes.isInitialized())));
});

forEachDialect(test, 'an entity already loaded keeps its unflushed changes when populated again', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const post = await em.findOneOrFail(Post, { title: 'post 5.0' });
  post.title = 'changed in memory';
  const [user] = await em.find(User, { name: 'user005' }, { populate: ['posts'] });
  t.is(user!.posts.getItems()[0], post, 'identity map');
  t.is(post.title, 'changed in memory');
});

forEachDialect(test, 'mistakes in populate options fail before any SQL, naming Entity.property', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const cases: [() => Promise<unknown>, string, RegExp][] = [
    [() => em.find(User, {}, { populate: ['posts.nope' as string] }), 'UNKNOWN_POPULATE', /Post\.nope does not exist/],
    [() => em.find(User, {}, { populate: ['posts'], populateWhere: { cars: { model: 'x' } } }), 'BAD_POPULATE_WHERE', /User\.cars, which is not populated.*Add 'cars'/],
    [() => em.find(User, {}, { populate: ['profile'], populateWhere: { profile: { bio: 'x' } } }), 'BAD_POPULATE_WHERE', /User\.profile, which is a to-one relation/],
    [() => em.find(User, {}, { populate: ['posts'], populateWhere: { postz: {} } }), 'BAD_POPULATE_WHERE', /User\.postz, which does not exist/],
    [() => em.find(User, {}, { populate: ['posts'], populateWhere: { posts: { nope: 1 } } }), 'UNKNOWN_PROPERTY', /Post\.nope does not exist/],
    [() => em.find(User, {}, { populate: ['posts.comments'], populateWhere: { posts: { comments: { approved: { $near: 1 } } } } }), 'UNKNOWN_OPERATOR', /Comment\.approved/],
    [() => em.find(User, {}, { populate: ['posts'], populateWhere: { posts: 3 } as never }), 'BAD_POPULATE_WHERE', /populateWhere\.posts must be criteria for the Post items of User\.posts/],
    [() => em.find(User, {}, { populate: ['posts'], populateOrderBy: { posts: { rank: 'sideways' } } }), 'BAD_ORDER', /Post\.rank/],
    [() => em.find(User, {}, { populate: ['posts'], populateOrderBy: { posts: { nope: 'asc' } } }), 'UNKNOWN_PROPERTY', /Post\.nope/],
    [() => em.find(User, {}, { populate: ['posts'], populateOrderBy: { posts: { comments: { id: 'asc' } } } }), 'BAD_POPULATE_ORDER_BY', /Post\.comments, which is not populated/],
    [() => em.find(User, {}, { populate: ['posts'], strategy: 'nested' as never }), 'BAD_OPTION', /'select-in' or 'joined'/],
  ];
  for (const [run, code, message] of cases) {
    const err = await t.throwsAsync(run(), { instanceOf: UsageError });
    t.is(err?.code, code, err?.message);
    t.regex(err?.message ?? '', message);
  }
  t.is(log.length, 0, log.map((q) => q.sql).join('\n'));
});

forEachDialect(test, 'populating again returns the same objects and the same data', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const first = await em.find(Comment, { post: { title: 'post 9.0' } }, { populate: ['likes', 'post'] });
  const a = JSON.stringify(first.map((c) => wrap(c).toObject()));
  const again = await em.find(Comment, { post: { title: 'post 9.0' } }, { populate: ['likes', 'post'] });
  t.is(again[0], first[0]);
  t.is(JSON.stringify(again.map((c) => wrap(c).toObject())), a);
});

forEachDialect(test, 'onLoad runs once per loaded entity, not again when a populate meets it a second time', async (t, db) => {
  const { orm } = await setup(t, db);
  for (const strategy of ['select-in', 'joined'] as const) {
    commentLoads.length = 0;
    const em = orm.em.fork();
    const posts = await em.find(Post, { author: { name: 'user007' } }, { populate: ['comments'], strategy });
    await em.find(Post, { author: { name: 'user007' } }, { populate: ['comments'], strategy });
    await em.find(Comment, { post: { author: { name: 'user007' } } });
    t.is(commentLoads.length, 6, strategy);
    t.deepEqual([...commentLoads].sort(), posts.flatMap((p) => p.comments.getItems().map((c) => c.id)).sort(), 'after the comments are populated');
  }
});

forEachDialect(test, 'a populated collection answers contains, ignores a second add of an item and removes one', async (t, db) => {
  const { orm } = await setup(t, db, 8);
  const em = orm.em.fork();
  const users = await em.find(User, {}, { populate: ['posts'], orderBy: { id: 'asc' } });
  const user = users[3]!; // 3 % 4 = 3 posts
  const [first, second] = user.posts.getItems();
  t.true(user.posts.contains(first!));
  t.false(user.posts.contains(users[1]!.posts.getItems()[0]!));
  user.posts.add(first!);
  t.is(user.posts.count(), 3);
  user.posts.remove(second!);
  t.deepEqual(user.posts.getItems(), [first, user.posts.getItems()[1]]);
  t.false(user.posts.getItems().includes(second!));
  t.is(user.posts.count(), 2);
  t.false(user.posts.contains(second!));
});

forEachDialect(test, 'a populated many-to-many holds each linked item once and answers contains, add and remove', async (t, db) => {
  const { orm } = await setup(t, db, 8);
  const em = orm.em.fork();
  const posts = await em.find(Post, {}, { populate: ['tags'], orderBy: { id: 'asc' } });
  const withThree = posts.find((p) => p.tags.count() === 3)!;
  const names = withThree.tags.getItems().map((x) => x.name);
  t.deepEqual([...names].sort(), ['blue', 'green', 'red']);
  const red = withThree.tags.getItems().find((x) => x.name === 'red')!;
  t.true(withThree.tags.contains(red));
  withThree.tags.add(red);
  t.is(withThree.tags.count(), 3);
  withThree.tags.remove(red);
  t.false(withThree.tags.contains(red));
  t.is(withThree.tags.count(), 2);
  await em.flush();
  const again = await orm.em.fork().findOneOrFail(Post, withThree.id, { populate: ['tags'] });
  t.deepEqual(again.tags.getItems().map((x) => x.name).sort(), ['blue', 'green']);
});
