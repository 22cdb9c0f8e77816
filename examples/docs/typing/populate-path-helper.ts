import assert from 'node:assert/strict';
import type { Loaded, PopulatePath } from 'joinery';
import { type Equal, openTypingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openTypingFixture();
  try {
// #region docs
function usersWith<P extends string>(paths: readonly PopulatePath<User, P>[]) {
  return em.find(User, {}, { populate: paths });    // Loaded<User, P>[]
}
const users = await usersWith(['posts.tags']);      // Loaded<User, 'posts.tags'>[]
// @ts-expect-error: 'posts.tagz' is not a path of User
await assert.rejects(usersWith(['posts.tagz']), { code: 'UNKNOWN_POPULATE' });
// #endregion docs
    const typed: Equal<typeof users, Loaded<User, 'posts.tags'>[]> = true;
    assert.ok(typed);
    assert.deepEqual(users[1].posts.getItems()[0].tags.getItems().map((t) => t.name), ['news']);
  } finally {
    await orm.close();
  }
}
