import assert from 'node:assert/strict';
import { openLoadingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openLoadingFixture();
  try {
// #region docs
const users = await em.find(User, { name: { $like: 'A%' } }, { populate: ['posts.comments', 'profile'] });
users[0].posts.getItems()[0].comments.getItems();   // loaded: no query, no error
// #endregion docs
    // One SELECT per level, whatever the number of users: users, posts, comments, profiles.
    assert.equal(log.length, 4);
    assert.deepEqual(users.map((u) => u.name).sort(), ['Alex', 'Ann']);
    const ann = users.find((u) => u.name === 'Ann')!;
    assert.deepEqual(ann.posts.getItems().map((p) => p.title), ['Hello', 'Draft', 'News']);
    assert.equal(ann.posts.getItems()[0].comments.count(), 5);
    assert.equal(ann.profile?.bio, 'Writes about cars');
    assert.equal(log.length, 4, 'reading populated relations sends nothing');
  } finally {
    await orm.close();
  }
}
