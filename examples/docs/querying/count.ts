import assert from 'node:assert/strict';
import { ids, openQueryingFixture, Post, Tag, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openQueryingFixture();
  try {
// #region docs
const busy = await em.find(Post, { comments: { $count: { $gt: 2 } } });                                  // more than 2 comments
const quiet = await em.find(Post, { comments: { $count: 0 } });                                          // none at all
const liked = await em.find(Post, { comments: { $count: { $gte: 1, $lte: 3 }, $where: { approved: true } } });
const unpublished = await em.find(User, { posts: { $count: 0, $where: { published: true } } });          // nothing published
const popular = await em.find(Tag, { posts: { $count: { $gt: 1 } } });                                   // many-to-many, either side
// #endregion docs
    assert.deepEqual(ids(busy), [1]);
    assert.deepEqual(ids(quiet), [2, 4]);
    assert.deepEqual(ids(liked), [1, 3]);
    assert.deepEqual(ids(unpublished), [3, 4, 5, 42]);
    assert.deepEqual(popular.map((t) => t.name), ['chess']);
    assert.match(log[0].sql, /in \(select .* group by .* having count\(\*\) > \?\)/i);
    assert.match(log[1].sql, /not in \(select .* group by .* having not \(count\(\*\) = \?\)\)/i, 'owners with no items are kept when 0 satisfies the count');

    await assert.rejects(em.find(Post, { comments: { $where: { approved: true } } as never }), { code: 'BAD_CRITERIA', message: /\$some/ });
    await assert.rejects(em.find(Post, { comments: { $count: 'many' } as never }), { code: 'BAD_CRITERIA', message: /Post\.comments/ });
  } finally {
    await orm.close();
  }
}
