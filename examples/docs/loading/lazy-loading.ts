import assert from 'node:assert/strict';
import { openLoadingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openLoadingFixture();
  try {
// #region docs
const users = await em.find(User, {});
await Promise.all(users.map((u) => u.posts.init()));   // ONE query for all users
// #endregion docs
    assert.equal(log.length, 2, 'one SELECT for the users, one for every collection');
    assert.match(log[1].sql, /from [`"]?posts[`"]?/i);
    assert.deepEqual(users.map((u) => u.posts.isInitialized()), [true, true, true]);
    const annPosts = users.find((u) => u.name === 'Ann')!.posts;
    assert.ok(annPosts.isInitialized() && annPosts.count() === 3);
  } finally {
    await orm.close();
  }
}
