import assert from 'node:assert/strict';
import { wrap } from 'joinery';
import { openLoadingFixture, Post } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openLoadingFixture();
  try {
// #region docs
const posts = await em.find(Post, { published: true }, {
  counts: { comments: true, approved: { relation: 'comments', where: { approved: true } } },
});
wrap(posts[0]).count('comments');   // 5, no query and no items loaded
wrap(posts[0]).count('approved');   // 3
// #endregion docs
    assert.equal(posts[0].title, 'Hello');
    assert.equal(wrap(posts[0]).count('comments'), 5);
    assert.equal(wrap(posts[0]).count('approved'), 3);
    assert.equal(log.length, 2, 'the posts, then one query for both counts of comments');
    assert.match(log[1].sql, /group by/i);
    assert.equal(posts[0].comments.isInitialized(), false);
    const cars = posts.find((p) => p.title === 'Cars')!;
    assert.equal(wrap(cars).count('approved'), 0);
    assert.deepEqual(JSON.parse(JSON.stringify(posts[0])).$counts, { comments: 5, approved: 3 });
  } finally {
    await orm.close();
  }
}
