import assert from 'node:assert/strict';
import type { Loaded } from 'joinery';
import { type Equal, openTypingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openTypingFixture();
  try {
// #region docs
const users = await em.find(User, {}, { populate: ['cars'] });
const both = await em.populate(users, ['posts.tags']);    // cars and posts.tags are loaded
// #endregion docs
    const typed: Equal<typeof both, Loaded<User, 'cars' | 'posts.tags'>[]> = true;
    assert.ok(typed);
    assert.equal(both[0], users[0], 'loaded in place');
    assert.deepEqual(both[0].cars.getItems().map((c) => c.model), ['Mini']);
    assert.deepEqual(both[0].posts.getItems()[0].tags.getItems().map((t) => t.name).sort(), ['draft', 'news']);
  } finally {
    await orm.close();
  }
}
