import assert from 'node:assert/strict';
import { openLoadingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openLoadingFixture();
  try {
// #region docs
const users = await em.find(User, {}, {
  populate: ['posts.comments', 'cars'],
  populateWhere: {
    posts: { published: true, comments: { approved: true } },   // published posts, approved comments
    cars: { $pivot: { since: { $gte: 2020 } } },                 // links with since >= 2020 (see below)
  },
  populateOrderBy: { posts: { createdAt: 'desc', comments: { id: 'asc' } } },
});
// #endregion docs
    const ann = users.find((u) => u.name === 'Ann')!;
    const alex = users.find((u) => u.name === 'Alex')!;
    assert.deepEqual(ann.posts.getItems().map((p) => p.title), ['News', 'Hello'], 'published only, newest first');
    const hello = ann.posts.getItems()[1];
    assert.deepEqual(hello.comments.getItems().map((c) => c.body), ['comment 1', 'comment 2', 'comment 3']);
    assert.equal(alex.posts.getItems()[0].comments.count(), 0, 'the unapproved comment is filtered out');
    assert.ok(alex.posts.getItems()[0].comments.isInitialized(), 'a constrained collection is loaded');
    assert.deepEqual(ann.cars.getItems().map((c) => c.model), ['Mini'], 'the Ford link (since 1999) is filtered out');
    assert.equal(ann.posts.count(), 2, 'count() answers from the matching items');
  } finally {
    await orm.close();
  }
}
