import assert from 'node:assert/strict';
import type { Loaded } from 'joinery';
import { type Equal, openTypingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openTypingFixture();
  try {
// #region docs
const paths = ['posts'] as const;
const users = await em.find(User, {}, { populate: paths });       // Loaded<User, 'posts'>[]
// #endregion docs
    const typed: Equal<typeof users, Loaded<User, 'posts'>[]> = true;
    assert.ok(typed);
    assert.equal(users[0].posts.count(), 2);

    // Without `as const` the paths are a string[]: not checked, and nothing is typed as loaded or unloaded.
    const loose: string[] = ['posts'];
    const untyped = await em.find(User, {}, { populate: loose });
    const declared: Equal<typeof untyped, User[]> = true;
    assert.ok(declared);
  } finally {
    await orm.close();
  }
}
