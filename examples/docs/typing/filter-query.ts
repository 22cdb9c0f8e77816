import assert from 'node:assert/strict';
import type { FilterQuery } from 'joinery';
import { openTypingFixture, Post } from './model.js';

export async function main(): Promise<void> {
  const { orm, em } = await openTypingFixture();
  try {
// #region docs
const where: FilterQuery<Post> = { author: { email: 'a@b.c' }, tags: { $none: { name: 'draft' } } };
await em.find(Post, where);
// #endregion docs
    assert.deepEqual(await em.find(Post, where), [], 'nobody has the address a@b.c');
    const annNoDraft: FilterQuery<Post> = { author: { email: 'ann@example.com' }, tags: { $none: { name: 'draft' } } };
    assert.deepEqual(await em.find(Post, annNoDraft), []);
    const bobNoDraft: FilterQuery<Post> = { author: { email: 'bob@test.org' }, tags: { $none: { name: 'draft' } } };
    assert.deepEqual((await em.find(Post, bobNoDraft)).map((p) => p.title), ["Bob's"]);
    // @ts-expect-error: 'titel' is not a property of Post
    const typo: FilterQuery<Post> = { titel: 'Hello' };
    await assert.rejects(em.find(Post, typo), { code: 'UNKNOWN_PROPERTY' });
  } finally {
    await orm.close();
  }
}
