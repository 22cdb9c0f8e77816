import assert from 'node:assert/strict';
import type { Loaded, LoadedCollection } from 'joinery';
import { type Equal, openTypingFixture, Post, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openTypingFixture();
  try {
    const post = em.create(Post, { title: 'New', author: 2 });
// #region docs
const user = await em.findOneOrFail(User, 1);
user.posts.add(post);                      // fine: queuing needs nothing loaded
const posts = await user.posts.init();     // LoadedCollection<Loaded<Post>>, same object as user.posts
posts.getItems();                          // compiles
if (user.posts.isInitialized()) user.posts.getItems();   // isInitialized() narrows
// #endregion docs
    const typed: Equal<typeof posts, LoadedCollection<Loaded<Post>>> = true;
    assert.ok(typed);
    assert.equal(posts, user.posts);
    assert.deepEqual(posts.getItems().map((p) => p.title), ['Hello', 'Draft', 'New'], 'the queued addition is applied once loaded');
    // @ts-expect-error: the items' own collections are typed unloaded too
    assert.throws(() => posts.getItems()[0].comments.count(), { code: 'COLLECTION_NOT_LOADED' }, 'items loaded by init() have their own collections unloaded');
  } finally {
    await orm.close();
  }
}
