import assert from 'node:assert/strict';
import { openLoadingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openLoadingFixture();
  try {
    const user = await em.findOneOrFail(User, 1);
    log.length = 0;
// #region docs
const recent = await user.posts.matching({ where: { published: true }, orderBy: { createdAt: 'desc' }, limit: 5, offset: 0 });
user.posts.isInitialized();   // still false
const old = await user.cars.matching({ where: { $pivot: { since: { $lt: 2000 } } } });
// #endregion docs
    assert.deepEqual(recent.map((p) => p.title), ['News', 'Hello']);
    assert.equal(user.posts.isInitialized(), false);
    assert.deepEqual(old.map((c) => c.model), ['Ford']);
    assert.deepEqual(user.cars.pivotOf(old[0]), { since: 1999 }, 'matching() reads the link values of its items');
    assert.equal(log.length, 2, 'one query per matching() call');
    assert.equal(em.getReference(User, 1), user);
  } finally {
    await orm.close();
  }
}
