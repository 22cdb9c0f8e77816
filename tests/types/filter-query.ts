// `where` is checked: property names, operators and value types.
import type { EntityManager, FilterQuery } from 'joinery';
import { any } from './expect.js';
import { Car, Comment, Country, Post, Tag, User, UserCar } from './model.js';

declare const em: EntityManager;
declare const user: User;
declare const tag: Tag;

export async function scalars() {
  await em.find(User, { email: 'a@b.c', name: null });
  await em.find(User, { email: { $in: ['a', 'b'] }, name: { $ne: null } });
  await em.find(User, { email: ['a', 'b'] });
  await em.find(User, { email: { $like: 'a%' }, name: { $ilike: '%B%', $not: { $eq: 'x' } } });
  await em.find(User, { id: { $gt: 1, $lte: 10 }, visits: { $gte: 10n } });
  await em.find(User, { createdAt: { $lt: new Date() } });
  await em.find(User, { createdAt: { $gte: '2024-01-01T00:00:00Z' } });
  await em.find(User, { avatar: null });
  await em.find(Post, { published: true });
  await em.find(Tag, { id: '7d3e...' });

  // @ts-expect-error unknown property
  await em.find(User, { emial: 'a@b.c' });
  // @ts-expect-error wrong value type
  await em.find(User, { email: 1 });
  // @ts-expect-error wrong type inside an operator
  await em.find(User, { id: { $in: ['1'] } });
  // @ts-expect-error unknown operator
  await em.find(User, { id: { $between: [1, 2] } });
  // @ts-expect-error $like is for strings
  await em.find(User, { id: { $like: '1%' } });
  // @ts-expect-error a Date is compared with Dates
  await em.find(User, { createdAt: { $gt: 5 } });
  // @ts-expect-error methods are not properties
  await em.find(User, { greet: 'x' });
  // @ts-expect-error $not of a scalar takes a condition on it
  await em.find(User, { email: { $not: { $gt: 1 } } });
}

export async function jsonValues() {
  // A Json<...> property is compared as a whole value, never as a relation.
  await em.find(User, { settings: { theme: 'dark' } });
  await em.find(User, { settings: { $eq: { theme: 'dark', beta: true } } });
  await em.find(User, { labels: null, extra: { a: 1 } });
  await em.find(User, { raw: { anything: [1] } });
  // @ts-expect-error
  await em.find(User, { settings: { theme: 1 } });
}

export async function toOneRelations() {
  await em.find(Post, { author: user });
  await em.find(Post, { author: 1 });
  await em.find(Post, { author: [1, user] });
  await em.find(Post, { author: { $in: [1, 2] }, comments: { $none: {} } });
  await em.find(Post, { author: { $ne: null } });
  await em.find(Post, { author: { email: 'a@b.c', posts: { title: 'x' } } });
  await em.find(Post, { author: { profile: { bio: { $like: '%x%' } } } });
  await em.find(User, { profile: null });
  await em.find(User, { country: 'NL' });
  await em.find(User, { country: { name: 'Netherlands' } });
  await em.find(Comment, { replyTo: { replyTo: { post: { title: 'x' } } } });
  await em.find(Post, { author: { $or: [{ email: 'a' }, { email: 'b' }] } });
  // Alternatives may be any to-one value: null, a key, an entity, operators or criteria.
  await em.find(Post, { author: { $or: [null, { email: 'a' }] } });
  await em.find(Post, { author: { $and: [{ $ne: null }, { $nin: [1, user] }] } });
  await em.find(Post, { author: { $or: [1, user, { $in: [2, 3] }] } });
  // @ts-expect-error an alternative is still checked: a Tag is not a User
  await em.find(Post, { author: { $or: [null, tag] } });
  // @ts-expect-error operators inside an alternative are relation operators
  await em.find(Post, { author: { $or: [{ $gt: 1 }] } });

  // @ts-expect-error User.id is a number
  await em.find(Post, { author: 'x' });
  // @ts-expect-error unknown property of the target
  await em.find(Post, { author: { emial: 'a@b.c' } });
  // @ts-expect-error a Tag is not a User
  await em.find(Post, { author: tag });
  // @ts-expect-error no ordering operators on relations
  await em.find(Post, { author: { $gt: 1 } });
  // @ts-expect-error Country is keyed by its code
  await em.find(User, { country: { code: 1 } });
}

export async function collections() {
  await em.find(User, { posts: { title: 'x' } });
  await em.find(User, { posts: 1 });
  await em.find(User, { posts: [1, 2] });
  await em.find(User, { posts: { $some: { title: 'x' }, $none: { published: false } } });
  await em.find(User, { posts: { $every: { comments: { $some: { text: { $like: '%!' } } } } } });
  await em.find(User, { posts: { $count: { $gt: 2 }, $where: { published: true } } });
  await em.find(User, { posts: { $count: 0 } });
  await em.find(User, { cars: { $pivot: { since: { $gte: 2020 } }, model: 'T' } });
  await em.find(User, { cars: { $every: { $pivot: { since: { $gte: 2000 } } } } });
  await em.find(User, { cars: { $or: [{ model: 'T' }, { $pivot: { since: 1999 } }] } });
  await em.find(User, { cars: { $count: { $gte: 2 }, $where: { $pivot: { since: { $lt: 2000 } } } } });
  await em.find(Post, { tags: tag });
  await em.find(Post, { tags: ['a', 'b'] });
  await em.find(Car, { owners: { $some: { email: 'a' } } });

  // @ts-expect-error unknown collection operator
  await em.find(User, { posts: { $any: { title: 'x' } } });
  // @ts-expect-error unknown property of the items
  await em.find(User, { posts: { titel: 'x' } });
  // @ts-expect-error unknown property inside $some
  await em.find(User, { posts: { $some: { titel: 'x' } } });
  // @ts-expect-error $count takes a number or number operators
  await em.find(User, { posts: { $count: 'many' } });
  // @ts-expect-error a collection is never null
  await em.find(User, { posts: null });
  // @ts-expect-error Tag keys are strings
  await em.find(Post, { tags: [1] });
}

export async function logicAndKeys() {
  await em.find(User, { $or: [{ email: 'a' }, { posts: { title: 'x' } }], $and: [{ id: 1 }], $not: { name: null } });
  await em.find(User, { posts: { $or: [{ title: 'a' }, { $not: { published: true } }] } });
  await em.find(User, 1);
  await em.findOne(Tag, 'a-uuid');
  await em.findOne(Country, 'NL');
  await em.findOne(UserCar, [1, 2]);
  await em.findOne(User, user);
  const where: FilterQuery<User> = any<boolean>() ? { email: 'a' } : 2;
  await em.count(User, where);

  // @ts-expect-error User.id is a number
  await em.find(User, 'x');
  // @ts-expect-error a composite key is for composite keys
  await em.find(User, [1, 2]);
  // @ts-expect-error $or takes an array
  await em.find(User, { $or: { email: 'a' } });
  // @ts-expect-error unknown property inside $and
  await em.find(User, { $and: [{ emial: 'a' }] });
  // @ts-expect-error unknown top-level operator
  await em.find(User, { $nor: [] });
}

export async function otherMethodsCheckTheSameWay() {
  await em.count(User, { posts: { $count: { $gte: 1 } } });
  await em.nativeDelete(Post, { author: 1, published: false });
  await em.nativeUpdate(Post, { title: { $like: 'x%' } }, { published: true });
  // @ts-expect-error
  await em.count(User, { emial: 'x' });
  // @ts-expect-error
  await em.nativeDelete(Post, { autor: 1 });
  // @ts-expect-error
  await em.nativeUpdate(Post, { titel: 'x' }, { published: true });
  // @ts-expect-error
  await em.findOneOrFail(User, { name: 3 });
  // @ts-expect-error
  await em.findAndCount(User, { posts: { $some: { published: 'yes' } } });
}
