// Collections and references: queued add/remove/set by entity, reference or key; bidirectional
// sync in memory; orphan removal; cascades; lazy loading and its batching.
import test from 'ava';
import { Collection, ForeignKeyConstraintViolationError, Joinery, NotFoundError, UsageError, wrap, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Car, Post, Profile, Tag, User, UserCar } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { email: 'ann@x.io', passwordHash: 'h1', name: 'Ann' });
  const bob = em.create(User, { email: 'bob@x.io', passwordHash: 'h2', name: 'Bob' });
  const tags = ['a', 'b', 'c'].map((name) => em.create(Tag, { name }));
  const p1 = em.create(Post, { title: 'p1', author: ann, tags: [tags[0]!, tags[1]!] });
  const p2 = em.create(Post, { title: 'p2', author: ann });
  em.create(Post, { title: 'p3', author: bob });
  await em.flush();
  log.length = 0;
  const selects = () => log.filter((q) => /^select/i.test(q.sql)).length;
  return { orm, log, selects, ids: { ann: ann.id, bob: bob.id, p1: p1.id, p2: p2.id, tags: tags.map((x) => x.id) } };
}

forEachDialect(test, 'adding a child to a 1:N collection sets its FK, in memory and at flush', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const [ann, bob] = await em.find(User, {}, { orderBy: { id: 'asc' }, populate: ['posts'] });
  const p1 = ann!.posts.getItems().find((p) => p.title === 'p1')!;
  bob!.posts.add(p1);
  t.is(p1.author, bob, 'the owning side follows');
  t.false(ann!.posts.contains(p1), 'and the old parent lets go, in memory');
  await em.flush();
  const again = await orm.em.fork().findOneOrFail(Post, ids.p1);
  t.is(again.author.id, ids.bob);
});

forEachDialect(test, 'assigning the owning side moves the item between loaded collections', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const [ann, bob] = await em.find(User, {}, { orderBy: { id: 'asc' }, populate: ['posts'] });
  const p2 = ann!.posts.getItems().find((p) => p.title === 'p2')!;
  p2.author = bob!;
  t.deepEqual(ann!.posts.getItems().map((p) => p.title), ['p1']);
  t.deepEqual(bob!.posts.getItems().map((p) => p.title).sort(), ['p2', 'p3']);
  await em.flush();
  t.is(await orm.em.fork().count(Post, { author: bob! }), 2);
});

forEachDialect(test, 'removing from an orphanRemoval collection deletes the child', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(User, ids.ann, { populate: ['posts'] });
  const p2 = ann.posts.getItems().find((p) => p.title === 'p2')!;
  ann.posts.remove(p2);
  await em.flush();
  t.is(await orm.em.fork().count(Post, { title: 'p2' }), 0);
});

forEachDialect(test, 'removeAll() on a collection that was never loaded costs no SELECT', async (t, db) => {
  const { orm, ids, selects, log } = await setup(t, db);
  const em = orm.em.fork();
  const ann = em.getReference(User, ids.ann);
  ann.posts.removeAll();
  await em.flush();
  t.is(selects(), 0);
  t.true(log.some((q) => /^DELETE FROM .posts. WHERE .author_id. = /.test(q.sql)), 'orphanRemoval: children deleted by FK');
  t.is(await orm.em.fork().count(Post, { author: ids.ann }), 0);
  t.is(await orm.em.fork().count(Post, { author: ids.bob }), 1);
});

forEachDialect(test, 'set() on an unloaded M:N collection replaces every link', async (t, db) => {
  const { orm, ids, selects } = await setup(t, db);
  const em = orm.em.fork();
  const p1 = em.getReference(Post, ids.p1);
  p1.tags.set([ids.tags[2]]);
  await em.flush();
  t.is(selects(), 0);
  const loaded = await orm.em.fork().findOneOrFail(Post, ids.p1, { populate: ['tags'] });
  t.deepEqual(loaded.tags.getItems().map((x) => x.name), ['c']);
});

forEachDialect(test, 'adding on the inverse side of a M:N writes the owner side', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const car = em.create(Car, { model: 'T' });
  const ann = em.getReference(User, ids.ann);
  car.owners.add(ann);
  await em.flush();
  const links = await orm.em.fork().find(UserCar, {});
  t.is(links.length, 1);
  t.is(links[0]!.user.id, ids.ann);
  t.is(links[0]!.car.id, car.id);
  const loaded = await orm.em.fork().findOneOrFail(User, ids.ann, { populate: ['cars'] });
  t.deepEqual(loaded.cars.getItems().map((c) => c.model), ['T']);
});

forEachDialect(test, 'a new entity added to a collection is inserted with its link', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const p2 = em.getReference(Post, ids.p2);
  const fresh = new Tag();
  fresh.name = 'fresh';
  p2.tags.add(fresh);
  await em.flush();
  t.truthy(fresh.id);
  const loaded = await orm.em.fork().findOneOrFail(Post, ids.p2, { populate: ['tags'] });
  t.deepEqual(loaded.tags.getItems().map((x) => x.name), ['fresh']);
});

forEachDialect(test, 'one-to-one: assigning either side keeps both in step', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(User, ids.ann);
  const profile = em.create(Profile, { bio: 'hi', user: ann });
  t.is(ann.profile, profile);
  await em.flush();
  const loaded = await orm.em.fork().findOneOrFail(User, ids.ann, { populate: ['profile'] });
  t.is(loaded.profile!.bio, 'hi');
  t.is(loaded.profile!.user, loaded);
});

forEachDialect(test, 'an unloaded collection says how to load it; init() loads it', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(User, ids.ann);
  // The types refuse getItems() on a collection nobody populated; the cast asks for the run-time error.
  const err = t.throws(() => (ann.posts as Collection<Post>).getItems(), { instanceOf: UsageError });
  t.is(err!.code, 'COLLECTION_NOT_LOADED');
  t.regex(err!.message, /User\.posts is not loaded.*populate: \['posts'\].*init\(\)/s);
  const posts = await ann.posts.init();
  t.is<object, object>(posts, ann.posts, 'init() resolves to the collection itself');
  t.deepEqual(posts.getItems().map((p) => p.title).sort(), ['p1', 'p2']);
  t.is(await em.getReference(Post, ids.p1).tags.loadCount(), 2);
});

forEachDialect(test, 'lazy loads started in the same tick share one query per relation', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const users = await em.find(User, {});
  const posts = await em.find(Post, {});
  const before = selects();
  const [userPosts] = await Promise.all([Promise.all(users.map((u) => u.posts.init())), Promise.all(posts.map((p) => p.tags.init()))]);
  t.is(selects() - before, 2);
  t.is(userPosts.reduce((n, c) => n + c.count(), 0), 3);
});

forEachDialect(test, 'references load on wrap().init(), batched, and a missing row is NotFoundError', async (t, db) => {
  const { orm, ids, selects } = await setup(t, db);
  const em = orm.em.fork();
  const a = em.getReference(User, ids.ann);
  const b = em.getReference(User, ids.bob);
  t.false(wrap(a).isInitialized());
  const before = selects();
  await Promise.all([wrap(a).init(), wrap(b).init()]);
  t.is(selects() - before, 1);
  t.is(a.email, 'ann@x.io');
  await t.throwsAsync(wrap(em.getReference(User, 9999)).init(), { instanceOf: NotFoundError });
});

forEachDialect(test, 'serialization nests populated relations, keeps keys for the rest, hides hidden, cuts cycles', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(User, ids.ann, { populate: ['posts'] });
  const json = JSON.parse(JSON.stringify(ann));
  t.false('passwordHash' in json);
  t.deepEqual(json.posts.map((p: { author: unknown }) => p.author), [ids.ann, ids.ann], 'the cycle back to ann is her key');
  t.false('tags' in json.posts[0], 'unloaded collections are left out');
  t.deepEqual(wrap(ann).toObject(), json);
});

forEachDialect(test, 'assign with fields ignores keys not listed; unknown keys are errors', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(User, ids.ann);
  em.assign(ann, { name: 'Annie', passwordHash: 'hacked' } as never, { fields: ['name'] });
  t.is(ann.name, 'Annie');
  t.is(ann.passwordHash, 'h1');
  const err = t.throws(() => em.assign(ann, { nope: 1 } as never));
  t.regex(err!.message, /User\.nope does not exist/);
  await em.flush();
  t.is((await orm.em.fork().findOneOrFail(User, ids.ann)).name, 'Annie');
});

forEachDialect(test, 'nativeUpdate, nativeDelete and refresh', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(User, ids.ann);
  t.is(await em.nativeUpdate(User, { email: 'ann@x.io' }, { name: 'Changed' }), 1);
  t.is(ann.name, 'Ann', 'native updates bypass memory');
  await em.refresh(ann);
  t.is(ann.name, 'Changed');
  t.is(await em.nativeDelete(Post, { author: ids.bob }), 1);
  t.is(await em.count(Post), 2);
});

forEachDialect(test, 'removing a parent removes its orphanRemoval children even when they were not loaded', async (t, db) => {
  const { orm, ids, log } = await setup(t, db);
  const em = orm.em.fork();
  em.remove(em.getReference(User, ids.ann));
  await em.flush();
  const deletes = log.filter((q) => /^DELETE/.test(q.sql)).map((q) => q.sql.replace(/`/g, '"'));
  // The posts' join-table rows go first (legacy join tables may restrict the delete).
  t.deepEqual(deletes.map((s) => s.split(' WHERE')[0]), ['DELETE FROM "post_tag"', 'DELETE FROM "posts"', 'DELETE FROM "users"']);
  t.is(await orm.em.fork().count(Post), 1);
  t.is(await orm.em.fork().count(User), 1);
});

forEachDialect(test, 'deleting a row still referenced without a cascade is a ForeignKeyConstraintViolationError', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  em.create(Profile, { bio: 'x', user: ids.bob });
  await em.flush();
  // Profile.user has deleteRule cascade in the database, posts have orphanRemoval: delete the user's
  // posts' author through a native delete to hit the FK instead.
  const err = await t.throwsAsync(em.nativeDelete(User, ids.bob), { instanceOf: ForeignKeyConstraintViolationError });
  t.is(err!.code, 'FOREIGN_KEY_VIOLATION');
  t.regex(err!.message, /posts|users/);
});

forEachDialect(test, 'items added before the owner is persisted still get their FK', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const carl = new User();
  carl.email = 'carl@x.io';
  carl.passwordHash = 'h';
  const post = new Post();
  post.title = 'early';
  carl.posts.add(post);
  em.persist(carl);
  t.is(post.author, carl);
  await em.flush();
  const loaded = await orm.em.fork().findOneOrFail(Post, { title: 'early' }, { populate: ['author'] });
  t.is(loaded.author.email, 'carl@x.io');
});

forEachDialect(test, 'an entity of another EntityManager is refused by a collection', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const other = await orm.em.fork().findOneOrFail(Tag, ids.tags[0]);
  const em = orm.em.fork();
  const p1 = em.getReference(Post, ids.p1);
  for (const op of [() => p1.tags.add(other), () => p1.tags.remove(other)]) {
    const err = t.throws(op, { instanceOf: UsageError });
    t.is(err!.code, 'FOREIGN_ENTITY');
    t.regex(err!.message, /Post\.tags was given a Tag that another EntityManager manages/);
  }
});

forEachDialect(test, 'unlinking a 1:1 from an orphanRemoval inverse side removes the owner row', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  em.create(Profile, { bio: 'x', user: ids.ann });
  await em.flush();
  const em2 = orm.em.fork();
  const ann = await em2.findOneOrFail(User, ids.ann, { populate: ['profile'] });
  t.truthy(ann.profile);
  ann.profile = null;
  await em2.flush();
  t.is(await orm.em.fork().count(Profile), 0);
});
