import assert from 'node:assert/strict';
import { Car, openLoadingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openLoadingFixture();
  try {
// #region docs
const user = await em.findOneOrFail(User, 1, { populate: ['cars'] });
for (const car of user.cars) {
  console.log(car.model, user.cars.pivotOf(car));   // Mini { since: 2020 }
}
const car = await em.findOneOrFail(Car, 7, { populate: ['owners'] });
car.owners.pivotOf(user);                           // works from the inverse side too
// #endregion docs
    const mini = user.cars.getItems().find((c) => c.id === 7)!;
    assert.deepEqual(user.cars.pivotOf(mini), { since: 2020 });
    assert.deepEqual(car.owners.pivotOf(user), { since: 2020 }, 'both sides read the same link');
    assert.deepEqual(car.owners.pivotOf(2), { since: 2021 }, 'an item given by its primary key');
    assert.equal(log.length, 4, 'the link values come with the items: one SELECT per populated level');
    assert.deepEqual(JSON.parse(JSON.stringify(user)).cars.find((c: { id: number }) => c.id === 7).$pivot, { since: 2020 });
  } finally {
    await orm.close();
  }
}
