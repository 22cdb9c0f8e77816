import assert from 'node:assert/strict';
import type { Loaded } from 'joinery';
import { type Equal, openTypingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openTypingFixture();
  try {
// #region docs
const users = await em.find(User, { email: { $like: '%@example.com' } }, { populate: ['posts.comments'] });
//    ^? Loaded<User, 'posts.comments'>[]

users[0].posts.getItems()[0].comments.getItems();   // compiles: both levels were populated
// @ts-expect-error: cars was not populated
assert.throws(() => users[0].cars.getItems(), { code: 'COLLECTION_NOT_LOADED' });   // and at run time
await assert.rejects(em.find(User, {}, {
  // @ts-expect-error: Type '"posts.comentz"' is not assignable to type '"posts.tags" | "posts.comments" | "posts.author" | "posts.*"'. Did you mean '"posts.comments"'?
  populate: ['posts.comentz'],
}), { code: 'UNKNOWN_POPULATE' });
await assert.rejects(em.find(User, {
  // @ts-expect-error: Object literal may only specify known properties, but 'emial' does not exist in type 'User | ObjectQuery<User>'. Did you mean to write 'email'?
  emial: 'a@b.c',
}), { code: 'UNKNOWN_PROPERTY' });
// #endregion docs
    const typed: Equal<typeof users, Loaded<User, 'posts.comments'>[]> = true;
    assert.ok(typed);
    assert.deepEqual(users.map((u) => u.email), ['ann@example.com']);
    assert.deepEqual(users[0].posts.getItems()[0].comments.getItems().map((c) => c.body), ['first', 'second']);
  } finally {
    await orm.close();
  }
}
