// Nested data in em.create / em.assign: plain objects for relations create the related entities, or
// (assign) update a loaded to-one in place; keys link existing rows; mistakes are errors before SQL.
import test from 'ava';
import { Joinery, UsageError, ValidationError, wrap, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Post, Profile, Tag, User } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  return { orm, log };
}

forEachDialect(test, 'em.create creates related entities from nested data, at every level', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const user = em.create(User, {
    email: 'ann@x.io',
    passwordHash: 'h',
    profile: { bio: 'Hi' },
    posts: [{ title: 'A' }, { title: 'B', tags: [{ name: 'orm' }] }],
  });
  t.true(user.profile instanceof Profile);
  t.is(user.profile!.user, user, 'the owning side follows');
  t.deepEqual(user.posts.getItems().map((p) => [p.title, p.author === user]), [['A', true], ['B', true]]);
  const post = em.create(Post, { title: 'C', author: { email: 'bob@x.io', passwordHash: 'h' } });
  t.true(post.author instanceof User);
  await em.flush();

  const check = orm.em.fork();
  const ann = await check.findOneOrFail(User, { email: 'ann@x.io' }, { populate: ['profile', 'posts.tags'] });
  t.is(ann.profile!.bio, 'Hi');
  t.deepEqual(ann.posts.getItems().map((p) => [p.title, p.tags.getItems().map((x) => x.name)]).sort(), [['A', []], ['B', ['orm']]]);
  t.is((await check.findOneOrFail(Post, { title: 'C' }, { populate: ['author'] })).author.email, 'bob@x.io');
});

forEachDialect(test, 'em.assign updates a loaded to-one in place when the object has no key, and creates one when there is none', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const seed = orm.em.fork();
  seed.create(User, { email: 'ann@x.io', passwordHash: 'h', profile: { bio: 'old' }, posts: [{ title: 'A' }] });
  seed.create(User, { email: 'bob@x.io', passwordHash: 'h' });
  await seed.flush();

  const em = orm.em.fork();
  const ann = await em.findOneOrFail(User, { email: 'ann@x.io' }, { populate: ['profile'] });
  const profile = ann.profile!;
  em.assign(ann, { name: 'Ann', profile: { bio: 'new' } });
  t.is(ann.profile, profile, 'the same Profile, changed');
  t.is(profile.bio, 'new');
  const bob = await em.findOneOrFail(User, { email: 'bob@x.io' }, { populate: ['profile'] });
  t.is(bob.profile ?? null, null);
  em.assign(bob, { profile: { bio: 'first' } });
  log.length = 0;
  await em.flush();
  const sql = log.map((q) => q.sql);
  t.is(sql.filter((s) => /^insert into .pb_profiles/i.test(s)).length, 1, "only bob's profile is inserted");
  t.is(sql.filter((s) => /^update .pb_profiles/i.test(s)).length, 1, "ann's is updated");

  const check = orm.em.fork();
  const profiles = await check.find(Profile, {}, { populate: ['user'], orderBy: { id: 'asc' } });
  t.deepEqual(profiles.map((p) => [p.user.email, p.bio]), [['ann@x.io', 'new'], ['bob@x.io', 'first']]);
});

forEachDialect(test, 'nested data with a key links that row; with more properties it updates the loaded entity', async (t, db) => {
  const { orm } = await setup(t, db);
  const seed = orm.em.fork();
  const s = seed.create(User, { email: 'ann@x.io', passwordHash: 'h', posts: [{ title: 'A' }] });
  seed.create(Tag, { name: 'orm' });
  await seed.flush();
  const annId = s.id;

  const em = orm.em.fork();
  const tag = await em.findOneOrFail(Tag, { name: 'orm' });
  const post = em.create(Post, { title: 'B', author: { id: annId }, tags: [{ id: tag.id, name: 'ORM' }] });
  t.false(wrap(post.author).isInitialized(), 'a key alone is a reference, as a bare key is');
  t.is(post.tags.getItems()[0], tag);
  t.is(tag.name, 'ORM');
  await em.flush();
  t.is((await orm.em.fork().findOneOrFail(Tag, tag.id)).name, 'ORM');
});

forEachDialect(test, 'nested data for an entity that is not loaded is a UsageError, and nothing it created is kept', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const seed = orm.em.fork();
  const s = seed.create(User, { email: 'ann@x.io', passwordHash: 'h', posts: [{ title: 'A' }] });
  await seed.flush();

  const em = orm.em.fork();
  const post = await em.findOneOrFail(Post, { title: 'A' });
  const inPlace = t.throws(() => em.assign(post, { author: { name: 'Ann' } }), { instanceOf: UsageError });
  t.is(inPlace!.code, 'NESTED_UNLOADED');
  t.regex(inPlace!.message, /em\.assign got User data for Post\.author, whose User is not loaded.*populate: \['author'\]/);

  const withKey = t.throws(() => em.create(Post, { title: 'B', tags: [{ name: 'new tag' }], author: { id: s.id, name: 'Ann' } }), { instanceOf: UsageError });
  t.regex(withKey!.message, /Post\.author got User data with a key \(\d+\) and other properties \(name\), but that User is not loaded/);
  log.length = 0;
  await em.flush();
  t.deepEqual(log, [], 'neither the post nor the tag created before the failure is inserted');
});

forEachDialect(test, 'unknown properties at any level are one ValidationError before anything is set', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const error = t.throws(
    () => em.create(User, { email: 'a@x.io', passwordHash: 'h', profile: { bioo: 'x' }, posts: [{ title: 'A' }, { titel: 'B' }] } as never),
    { instanceOf: ValidationError },
  );
  t.is(error!.code, 'UNKNOWN_PROPERTY');
  t.deepEqual(error!.failures.map((f) => `${f.entity}.${f.property}`), ['Profile.bioo', 'Post.titel']);
  t.regex(error!.message, /Profile\.bioo does not exist \(em\.create, in User\.profile\)/);
  t.regex(error!.message, /Post\.titel does not exist \(em\.create, in User\.posts\[1\]\)/);
  await em.flush();
  t.deepEqual(log.filter((q) => /insert/i.test(q.sql)), []);
});

forEachDialect(test, 'fields limits the top level; a listed relation takes its nested data as given', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const user = em.create(User, { email: 'a@x.io', passwordHash: 'h', name: 'x', profile: { bio: 'b' } }, { fields: ['email', 'passwordHash', 'profile'] });
  t.is(user.name, undefined);
  t.is(user.profile!.bio, 'b');
  await em.flush();
  t.is(await orm.em.fork().count(Profile, {}), 1);
});
