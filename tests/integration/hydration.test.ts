// Loaded entities are built by a compiled hydrator on a shared accessor prototype: they must behave
// exactly as before (class, methods, to-one sync, serialization, moving between EntityManagers).
import test from 'ava';
import { Joinery, wrap } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Post, User } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const orm = await Joinery.init({ entities: BLOG, ...db.config });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { email: 'ann@x.io', passwordHash: 'h1', name: 'Ann' });
  const bob = em.create(User, { email: 'bob@x.io', passwordHash: 'h2', name: 'Bob' });
  const post = em.create(Post, { title: 'p1', author: ann });
  await em.flush();
  return { orm, ids: { ann: ann.id, bob: bob.id, post: post.id } };
}

forEachDialect(test, 'a loaded entity is an instance of its class with its to-one values readable and serialized', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const post = await em.findOneOrFail(Post, ids.post);
  t.true(post instanceof Post);
  t.is(post.author.id, ids.ann);
  t.false(wrap(post.author).isInitialized());
  t.like(wrap(post).toObject() as object, { id: ids.post, title: 'p1', author: ids.ann });
  t.like(JSON.parse(JSON.stringify(post)) as object, { id: ids.post, author: ids.ann });
  t.true('author' in post);
});

forEachDialect(test, 'a loaded entity keeps its to-one values when another EntityManager takes it over', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const first = orm.em.fork();
  const post = await first.findOneOrFail(Post, ids.post, { populate: ['author'] });
  const ann = post.author;
  first.clear();
  const second = orm.em.fork();
  const bob = await second.findOneOrFail(User, ids.bob);
  second.persist(post);
  t.is(post.author, ann, 'the value carried over from the first state');
  post.author = bob;
  t.is(post.author, bob, 'assignments go to the new state');
});

forEachDialect(test, 'an entity made with em.create keeps its to-one values when another EntityManager takes it over', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const first = orm.em.fork();
  const ann = await first.findOneOrFail(User, ids.ann);
  const post = first.create(Post, { title: 'p2', author: ann });
  await first.flush();
  first.clear();
  const second = orm.em.fork();
  const bob = await second.findOneOrFail(User, ids.bob, { populate: ['posts'] });
  second.persist(post);
  t.is(post.author, ann, 'the value carried over from the first state');
  post.author = bob;
  t.is(post.author, bob, 'assignments go to the new state');
  t.true(bob.posts.contains(post), 'and reach the new EntityManager, which keeps the inverse side in step');
  t.true(Object.keys(post).includes('author'), 'the to-one stays an own enumerable property of an entity made with new');
});
