import assert from 'node:assert/strict';
import { openLoadingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openLoadingFixture();
  try {
// #region docs
const users = await em.find(User, {}, { populate: ['posts.comments', 'cars'], strategy: 'joined', limit: 10 });
// #endregion docs
    assert.equal(log.length, 1, 'joined: one statement for users, posts, comments and cars');
    assert.match(log[0].sql, /left join/i);
    assert.equal(users.length, 3, 'limit counts users, not joined rows');
    const ann = users.find((u) => u.name === 'Ann')!;
    assert.deepEqual(ann.posts.getItems().map((p) => p.title), ['Hello', 'Draft', 'News'], 'no duplicates from the joins');
    assert.equal(ann.posts.getItems()[0].comments.count(), 5);
    assert.deepEqual(ann.cars.getItems().map((c) => c.model).sort(), ['Ford', 'Mini']);
    assert.deepEqual(ann.cars.pivotOf(7), { since: 2020 }, 'the same link values as select-in');
  } finally {
    await orm.close();
  }
}
