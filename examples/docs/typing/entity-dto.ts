import assert from 'node:assert/strict';
import { wrap } from 'joinery';
import { openTypingFixture, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openTypingFixture();
  try {
// #region docs
const user = await em.findOneOrFail(User, 1, { populate: ['posts.comments'] });
const data = wrap(user).toObject(); // EntityDTO<Loaded<User, 'posts.comments'>>
data.posts[0]!.comments[0]!.body; // string
data.email; // string
// @ts-expect-error cars was not populated: not part of the data
data.cars;
// #endregion docs
    assert.equal(data.posts[0]!.comments[0]!.body.length > 0, true);
    assert.equal(data.email, 'ann@example.com');
    assert.equal((data as Record<string, unknown>).cars, undefined);
    const row: any = (await em.execute('select id from users where email = ?', ['bob@test.org']))[0];
    const bob = await em.findOneOrFail(User, row.id, { populate: ['posts'] });
    assert.equal(bob.posts.getItems()[0]!.title, "Bob's");
  } finally {
    await orm.close();
  }
}
