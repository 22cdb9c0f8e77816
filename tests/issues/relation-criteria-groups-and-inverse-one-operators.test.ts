// Regression: `{ author: { $or: [...] } }` was refused ("Operator $or cannot apply to the
// relation"), and operators on the inverse side of a 1:1 (`{ profile: { $ne: null } }`) were read
// as nested criteria. Both are valid criteria and the typed FilterQuery accepts them.
import test from 'ava';
import { Joinery } from 'joinery';
import { forEachDialect } from '../support/databases.js';
import { BLOG, Post, Profile, User } from '../fixtures/blog.js';

forEachDialect(test, '$or / $and on a to-one relation and operators on an inverse 1:1', async (t, db) => {
  const orm = await Joinery.init({ entities: BLOG, ...db.config });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { email: 'ann@x.io', name: 'Ann', passwordHash: 'h' });
  const bob = em.create(User, { email: 'bob@x.io', name: 'Bob', passwordHash: 'h' });
  const cid = em.create(User, { email: 'cid@x.io', name: 'Cid', passwordHash: 'h' });
  for (const [title, author] of [['a', ann], ['b', bob], ['c', cid]] as const) em.create(Post, { title, author });
  em.create(Profile, { bio: 'x', user: ann });
  await em.flush();
  const q = orm.em.fork();
  const titles = async (where: object) => (await q.find(Post, where as never, { orderBy: { title: 'asc' } })).map((p) => p.title);
  t.deepEqual(await titles({ author: { $or: [{ name: 'Ann' }, bob.id] } }), ['a', 'b']);
  t.deepEqual(await titles({ author: { $and: [{ name: { $like: '%i%' } }, { email: { $ne: 'x' } }] } }), ['c']);
  const names = async (where: object) => (await q.find(User, where as never, { orderBy: { name: 'asc' } })).map((u) => u.name);
  t.deepEqual(await names({ profile: { $ne: null } }), ['Ann']);
  t.deepEqual(await names({ profile: { $eq: null } }), ['Bob', 'Cid']);
  t.deepEqual(await names({ profile: { $not: { bio: 'x' } } }), ['Bob', 'Cid']);
  const pid = (await q.findOneOrFail(Profile, { bio: 'x' })).id;
  t.deepEqual(await names({ profile: { $in: [pid] } }), ['Ann']);
  t.deepEqual(await names({ profile: { $nin: [pid] } }), ['Bob', 'Cid']);
});
