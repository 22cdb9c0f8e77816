import test from 'ava';
import { Joinery, type QueryLogEntry } from 'joinery';
import { forEachDialect } from '../support/databases.js';
import { BLOG, Post, Tag, User } from '../fixtures/blog.js';

forEachDialect(test, 'smoke: create schema, flush a graph, query it back', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const u = em.create(User, { email: 'a@x.io', passwordHash: 'h' });
  const t1 = em.create(Tag, { name: 'orm' });
  const p = em.create(Post, { title: 'Hello', author: u });
  p.tags.add(t1);
  log.length = 0;
  await em.flush();
  t.log(log.map((l) => l.sql).join('\n'));
  t.truthy(u.id);
  const em2 = orm.em.fork();
  const users = await em2.find(User, {}, { populate: ['posts.tags'] });
  t.is(users.length, 1);
  t.is(users[0]!.posts.getItems()[0]!.tags.getItems()[0]!.name, 'orm');
  t.deepEqual(JSON.parse(JSON.stringify(users[0])), { id: u.id, email: 'a@x.io', name: null, posts: [{ id: p.id, title: 'Hello', author: u.id, tags: [{ id: t1.id, name: 'orm' }] }] } as never);
});
