// Populate paths are checked against the entity: relation names joined by '.', at most 5 segments.
import type { EntityManager, Loaded, PopulatePath, TypedFindOptions } from 'joinery';
import { expectTrue, type Equal } from './expect.js';
import { Comment, Country, Post, User, UserCar } from './model.js';

declare const em: EntityManager;

export async function validPaths() {
  await em.find(User, {}, { populate: ['posts', 'cars', 'profile', 'country'] });
  await em.find(User, {}, { populate: ['posts.comments.author.profile'] });
  await em.find(User, {}, { populate: ['*', 'posts.*'] });
  await em.find(Comment, {}, { populate: ['replyTo.replyTo.replyTo.replyTo.post'] });
  await em.find(UserCar, {}, { populate: ['user', 'car.owners'] });
  await em.find(User, {}, { populate: [] });
  await em.find(User, {}, {});
  await em.find(User);
}

export async function typos() {
  // @ts-expect-error not a property
  await em.find(User, {}, { populate: ['postz'] });
  // @ts-expect-error a typo in a nested segment
  await em.find(User, {}, { populate: ['posts.comentz'] });
  // @ts-expect-error the bad path among good ones
  await em.find(User, {}, { populate: ['posts', 'profile.bio'] });
  // @ts-expect-error scalars are not relations
  await em.find(User, {}, { populate: ['email'] });
  // @ts-expect-error json objects are values, not relations
  await em.find(User, {}, { populate: ['settings'] });
  // @ts-expect-error nor are Dates
  await em.find(User, {}, { populate: ['createdAt'] });
  // @ts-expect-error nor arrays, records, Buffers and `any`
  await em.find(User, {}, { populate: ['labels'] });
  // @ts-expect-error
  await em.find(User, {}, { populate: ['extra'] });
  // @ts-expect-error
  await em.find(User, {}, { populate: ['avatar'] });
  // @ts-expect-error
  await em.find(User, {}, { populate: ['raw'] });
  // @ts-expect-error nor methods
  await em.find(User, {}, { populate: ['greet'] });
  // @ts-expect-error '*' ends a path
  await em.find(User, {}, { populate: ['*.posts'] });
  // @ts-expect-error an empty segment
  await em.find(User, {}, { populate: ['posts.'] });
  // @ts-expect-error nothing to populate on an entity without relations
  await em.find(Country, {}, { populate: ['name'] });
  // @ts-expect-error findOne and the others check the same way
  await em.findOne(Post, 1, { populate: ['autor'] });
  // @ts-expect-error
  await em.findOneOrFail(Post, 1, { populate: ['author.postz'] });
  // @ts-expect-error
  await em.findAndCount(Post, {}, { populate: ['tagz'] });
  // @ts-expect-error
  await em.populate(await em.find(Post, {}), ['comments.psot']);
}

export async function depth() {
  // Five segments are fine; a sixth is refused (compile time stays bounded on cyclic models).
  await em.find(User, {}, { populate: ['posts.author.posts.author.posts'] });
  // @ts-expect-error
  await em.find(User, {}, { populate: ['posts.author.posts.author.posts.author'] });
}

export function pathTypes() {
  // The validator returns the path when it is valid, and the choices when it is not.
  expectTrue<Equal<PopulatePath<User, 'posts.comments'>, 'posts.comments'>>();
  expectTrue<Equal<PopulatePath<User, 'postz'>, '*' | 'profile' | 'posts' | 'cars' | 'country'>>();
  expectTrue<Equal<PopulatePath<Post, 'comments.x'>, 'comments.*' | 'comments.post' | 'comments.author' | 'comments.replyTo'>>();
  // Options built ahead of the call.
  const options: TypedFindOptions<User, 'posts'> = { populate: ['posts'], limit: 10 };
  void options;
  // @ts-expect-error
  const bad: TypedFindOptions<User, 'postz'> = { populate: ['postz'] };
  void bad;
}

export async function otherOptionsStayChecked() {
  // @ts-expect-error findOne takes no limit
  await em.findOne(User, 1, { limit: 2 });
  // @ts-expect-error unknown option
  await em.find(User, {}, { populat: ['posts'] });
}

export async function genericHelpers() {
  // A helper that passes paths through keeps both the check and the result type.
  const usersWith = <P extends string>(paths: readonly PopulatePath<User, P>[]) => em.find(User, {}, { populate: paths });
  const users = await usersWith(['posts.tags']);
  expectTrue<Equal<typeof users, Loaded<User, 'posts.tags'>[]>>();
  // @ts-expect-error
  await usersWith(['postz']);
}
