// A `where` (or data) typed `any`, such as an id read from a raw row, leaves the entity type as it
// is: the result stays typed, populate paths stay checked, misspelled properties stay errors.
import type { EntityManager, Loaded } from 'joinery';
import { expectTrue, type Equal } from './expect.js';
import { Post, User } from './model.js';

declare const em: EntityManager;
declare const row: any;

export async function anyWhere() {
  const byId = await em.findOne(User, row.id);
  expectTrue<Equal<typeof byId, Loaded<User, never> | null>>();
  const byRow = await em.find(User, row);
  expectTrue<Equal<typeof byRow, Loaded<User, never>[]>>();
  const inObject = await em.find(User, { id: row.id });
  expectTrue<Equal<typeof inObject, Loaded<User, never>[]>>();

  const populated = await em.findOneOrFail(User, row.id, { populate: ['posts.comments'] });
  expectTrue<Equal<typeof populated, Loaded<User, 'posts.comments'>>>();
  populated.posts.getItems()[0]!.comments.getItems();
  // @ts-expect-error a misspelled populate path is still an error with an `any` where
  await em.findOneOrFail(User, row.id, { populate: ['postz'] });
  // @ts-expect-error so is a misspelled property next to an `any` value
  await em.find(User, { id: row.id, emial: 'x' });
  const [items, total] = await em.findAndCount(Post, row, { populate: ['author'] });
  expectTrue<Equal<typeof items, Loaded<Post, 'author'>[]>>();
  expectTrue<Equal<typeof total, number>>();

  const created = em.create(User, row);
  expectTrue<Equal<typeof created, User>>();
  // @ts-expect-error the data is still checked against the class when it is not `any`
  em.create(User, { emial: 'x' });
  expectTrue<Equal<Awaited<ReturnType<typeof em.count<User>>>, number>>();
  await em.nativeUpdate(User, row, { name: 'x' });
  // @ts-expect-error nativeUpdate data stays checked with an `any` where
  await em.nativeUpdate(User, row, { nmae: 'x' });
  await em.nativeDelete(User, row);
}
