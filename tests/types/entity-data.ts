// Data for em.create / em.assign / em.nativeUpdate: known properties, relations as entity or key.
import type { EntityData, EntityManager } from 'joinery';
import { expectTrue, type Equal } from './expect.js';
import { Car, Comment, Country, Post, Tag, User, UserCar } from './model.js';

declare const em: EntityManager;
declare const user: User;
declare const tag: Tag;
declare const car: Car;

export async function create() {
  const post = em.create(Post, { title: 'Hi', published: false, author: user, tags: [tag, 'a-uuid'] });
  expectTrue<Equal<typeof post, Post>>();
  em.create(Post, { title: 'Hi', author: 1 });
  em.create(User, { email: 'a@b.c', settings: { theme: 'dark' }, createdAt: new Date(), visits: 0n, profile: null, cars: [car, 2] });
  em.create(User, { country: 'NL' });
  em.create(Comment, { post: 1, replyTo: null, text: 'x' });
  em.create(UserCar, { user: 1, car, since: 2020 });
  em.create(User, { posts: user.posts });
  em.create(User, { email: 'a@b.c', name: 'x' }, { fields: ['email'] });

  // @ts-expect-error unknown property
  em.create(Post, { titel: 'Hi' });
  // @ts-expect-error wrong scalar type
  em.create(Post, { title: 1 });
  // @ts-expect-error User.id is a number
  em.create(Post, { author: 'ann' });
  // @ts-expect-error a Tag is not a User
  em.create(Post, { author: tag });
  // @ts-expect-error a collection takes an array
  em.create(Post, { tags: tag });
  // @ts-expect-error Tag keys are strings
  em.create(Post, { tags: [1] });
  // @ts-expect-error Post.author is not nullable
  em.create(Post, { author: null });
  // @ts-expect-error methods are not data
  em.create(User, { greet: () => 'x' });
  // @ts-expect-error fields name properties
  em.create(User, { email: 'a@b.c' }, { fields: ['emial'] });
  // A key not called `id` is not known to the compiler: any key shape passes.
  em.create(User, { country: 1 });
  // @ts-expect-error
  em.create(Country, { code: 'NL', nam: 'x' });
}

export async function assign() {
  em.assign(user, { email: 'b@c.d', posts: [1, 2], profile: 3 });
  const loaded = await em.findOneOrFail(User, 1, { populate: ['posts'] });
  const same = em.assign(loaded, { name: null, cars: [] });
  expectTrue<Equal<typeof same, typeof loaded>>();
  // @ts-expect-error unknown property
  em.assign(user, { emial: 'b@c.d' });
  // @ts-expect-error
  em.assign(loaded, { posts: ['x'] });
}

export async function nativeUpdate() {
  await em.nativeUpdate(Post, { id: 1 }, { title: 'x', author: 2 });
  await em.nativeUpdate(User, 1, { name: null, country: 'NL' });
  // @ts-expect-error collections are other tables' rows
  await em.nativeUpdate(Post, { id: 1 }, { tags: [1] });
  // @ts-expect-error unknown property
  await em.nativeUpdate(Post, { id: 1 }, { titel: 'x' });
}

export function dataType() {
  const data: EntityData<Post> = { title: 'Hi', author: 1, tags: [tag, 'b'] };
  em.create(Post, data);
  // @ts-expect-error
  const bad: EntityData<Post> = { title: 'Hi', comments: 3 };
  void bad;
}
