import assert from 'node:assert/strict';
import type { Populated } from 'joinery';
import { openTypingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openTypingFixture();
  try {
// #region docs
function renderPosts(user: Populated<User, 'posts'>) {
  return user.posts.getItems().map((p) => p.title);
}
renderPosts(await em.findOneOrFail(User, 1, { populate: ['posts', 'cars'] }));   // ok
renderPosts(em.create(User, { email: 'a@b.c' }));                                 // ok: a new entity's collections are complete
// @ts-expect-error: posts not populated
await assert.rejects(async () => renderPosts(await em.findOneOrFail(User, 2)), { code: 'COLLECTION_NOT_LOADED' });
// #endregion docs
    assert.deepEqual(renderPosts(await em.findOneOrFail(User, 1, { populate: ['posts', 'cars'] })), ['Hello', 'Draft']);
    assert.deepEqual(renderPosts(em.create(User, { email: 'c@d.e' })), []);
  } finally {
    await orm.close();
  }
}
