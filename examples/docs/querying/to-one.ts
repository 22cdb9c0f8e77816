import assert from 'node:assert/strict';
import { ids, openQueryingFixture, Post, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openQueryingFixture();
  try {
    const user = await em.findOneOrFail(User, 1);
// #region docs
const byUser = await em.find(Post, { author: user });                  // an entity or a reference
const by2 = await em.find(Post, { author: 2 });                        // or its primary key ([a, b] for a composite key)
const orphans = await em.find(Post, { author: null });                 // no author
const either = await em.find(Post, { author: { $in: [user, 2] } });    // $eq $ne $in $nin $not take entities or keys
const chess = await em.find(Post, { author: { name: 'Ann', profile: { bio: { $like: '%chess%' } } } });   // criteria on the target, any depth
const noProfile = await em.find(User, { profile: null });              // the inverse side of a one-to-one: nothing points here
// #endregion docs
    assert.deepEqual(ids(byUser), [1, 2]);
    assert.deepEqual(ids(by2), [3]);
    assert.deepEqual(ids(orphans), [4]);
    assert.deepEqual(ids(either), [1, 2, 3]);
    assert.deepEqual(ids(chess), [1, 2]);
    assert.deepEqual(ids(noProfile), [2, 3, 4, 5, 42]);

    log.length = 0;
    const unsaved = em.create(User, { name: 'New', active: true });
    await assert.rejects(em.find(Post, { author: unsaved }), { code: 'UNSAVED_ENTITY', message: /Flush it first/ });
    assert.equal(log.length, 0, 'rejected before any SQL');
  } finally {
    await orm.close();
  }
}
