import assert from 'node:assert/strict';
import { ids, openQueryingFixture, Post, Tag } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openQueryingFixture();
  try {
    const tag = await em.findOneOrFail(Tag, { name: 'news' });
    const tag1 = await em.findOneOrFail(Tag, { name: 'chess' });
// #region docs
const tagged = await em.find(Post, { tags: tag });                     // contains this entity (or key)
const either = await em.find(Post, { tags: [tag1, 2] });               // contains one of these
const flagged = await em.find(Post, { comments: { approved: false } });             // some item matches (the same as $some)
const flagged2 = await em.find(Post, { comments: { $some: { approved: false } } });
const clean = await em.find(Post, { comments: { $none: { approved: false } } });    // no item matches (also true for no items)
const approved = await em.find(Post, { comments: { $every: { approved: true } } }); // every item matches (also true for no items)
const liked = await em.find(Post, { comments: { $or: [{ approved: true }, { body: { $like: '%thanks%' } }] } });   // $and $or $not on the items
const both = await em.find(Post, { comments: { $some: { approved: true }, $none: { body: '' } } });              // several operators: all must hold
// #endregion docs
    assert.deepEqual(ids(tagged), [3]);
    assert.deepEqual(ids(either), [1, 3]);
    assert.deepEqual(ids(flagged), [1]);
    assert.deepEqual(ids(flagged2), [1]);
    assert.deepEqual(ids(clean), [2, 3, 4], 'posts without comments have no unapproved one');
    assert.deepEqual(ids(approved), [2, 3, 4]);
    assert.deepEqual(ids(liked), [1, 3]);
    assert.deepEqual(ids(both), [1, 3]);

    await assert.rejects(em.find(Post, { comments: null as never }), { code: 'BAD_CRITERIA', message: /Post\.comments/ });
  } finally {
    await orm.close();
  }
}
