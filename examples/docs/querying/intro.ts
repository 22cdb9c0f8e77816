import assert from 'node:assert/strict';
import { Comment, openQueryingFixture, Post, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openQueryingFixture();
  try {
    // 50 more posts by Ann (ids 101 to 150) with 3 approved comments each: enough for page 3.
    const seed = orm.em.fork();
    const ann = await seed.findOneOrFail(User, 1);
    for (let id = 101; id <= 150; id++) {
      const post = seed.create(Post, { id, title: `Post ${id}`, published: true, author: ann });
      for (let i = 0; i < 3; i++) seed.create(Comment, { body: 'good', approved: true, post });
    }
    await seed.flush();
    log.length = 0;

// #region docs
const posts = await em.find(
  Post,
  { author: { name: 'Ann' }, comments: { $count: { $gt: 2 }, $where: { approved: true } } },
  { orderBy: { author: { name: 'asc' }, id: 'desc' }, limit: 20, offset: 40 },
);
// #endregion docs

    // Post 1 has 2 approved comments only; the 50 others match. Page 3 of 20, newest id first:
    // limit and offset count posts, not rows of a join.
    assert.deepEqual(posts.map((p) => p.id), [110, 109, 108, 107, 106, 105, 104, 103, 102, 101]);
    assert.equal(log.length, 1);
    assert.match(log[0].sql, /in \(select/i, 'conditions through relations are key subqueries');
    assert.ok(log[0].params.includes('Ann'), 'values are bound parameters');
    assert.doesNotMatch(log[0].sql, /'Ann'/);
  } finally {
    await orm.close();
  }
}
