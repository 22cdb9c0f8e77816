import assert from 'node:assert/strict';
import { Car, ids, openQueryingFixture, Post, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openQueryingFixture();
  try {
// #region docs
const recent = await em.find(User, { cars: { $pivot: { since: { $gte: 2020 } } } });               // a car owned since 2020
const recentT = await em.find(User, { cars: { model: 'T', $pivot: { since: { $gte: 2020 } } } });   // a T owned since 2020
const early = await em.find(Car, { owners: { name: 'Ann', $pivot: { since: { $lt: 2000 } } } });  // from the inverse side
const loyal = await em.find(User, { cars: { $every: { $pivot: { since: { $gte: 2000 } } } } });
const collectors = await em.find(User, { cars: { $count: { $gte: 2 }, $where: { $pivot: { since: { $lt: 2000 } } } } });
// #endregion docs
    assert.deepEqual(ids(recent), [1, 2]);
    assert.deepEqual(ids(recentT), [2], 'Ann has a T since 2018 and another car since 2021: no single link matches both');
    assert.deepEqual(early.map((c) => c.model).sort(), ['A', 'X']);
    assert.deepEqual(ids(loyal), [2, 4, 5, 42], 'users without cars have no link failing the condition');
    assert.deepEqual(ids(collectors), [1]);

    await assert.rejects(em.find(User, { cars: { $pivot: { year: 2020 } } }), { code: 'UNKNOWN_PROPERTY', message: /UserCar\.year/ });
    await assert.rejects(em.find(Post, { tags: { $pivot: { since: 2020 } } }), { code: 'BAD_CRITERIA', message: /Post\.tags/ });
  } finally {
    await orm.close();
  }
}
