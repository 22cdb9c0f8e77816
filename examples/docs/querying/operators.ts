import assert from 'node:assert/strict';
import { ids, openQueryingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openQueryingFixture();
  try {
// #region docs
const anns = await em.find(User, { name: 'Ann' });                     // =
const nameless = await em.find(User, { name: null });                  // IS NULL
const some = await em.find(User, { age: [18, 21] });                   // an array means $in
const adults = await em.find(User, { age: { $gte: 18, $lt: 65 } });    // several operators on one property: all must hold
const example = await em.find(User, { email: { $like: '%@example.com' } });
const either = await em.find(User, { $or: [{ name: 'Ann' }, { age: { $gt: 60 } }], active: true });
const notAnn = await em.find(User, { $not: { name: 'Ann' } });
const user = await em.findOne(User, 42);                               // a bare primary key as the whole where
// #endregion docs
    assert.deepEqual(ids(anns), [1]);
    assert.deepEqual(ids(nameless), [5]);
    assert.deepEqual(ids(some), [2, 4]);
    assert.deepEqual(ids(adults), [1, 2, 4], '65 is not below 65, and a NULL age matches no comparison');
    assert.deepEqual(ids(example), [1, 2, 42]);
    assert.deepEqual(ids(either), [1, 3], 'Zed is over 60 but not active');
    assert.deepEqual(ids(notAnn), [2, 3, 4, 5, 42], '$not keeps the user without a name');
    assert.equal(user?.name, 'Zed');

    await assert.rejects(em.find(User, { active: 'false' as never }), { code: 'BAD_CRITERIA', message: /User\.active/ });
    await assert.rejects(em.find(User, { age: { $like: '3%' } as never }), { code: 'BAD_CRITERIA', message: /User\.age/ });
  } finally {
    await orm.close();
  }
}
