import assert from 'node:assert/strict';
import { UsageError } from 'joinery';
import { Comment, openQueryingFixture, Post, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openQueryingFixture();
  try {
    // What a request handler might get: no `author` field in the query string.
    const query: { author?: number } = {};
// #region docs
const archived = await em.nativeUpdate(Post, { published: false }, { title: 'Archived' });   // UPDATE ... WHERE published = ?
const removed = await em.nativeDelete(Comment, { approved: false });                          // DELETE ... WHERE approved = ?
// #endregion docs
    assert.equal(archived, 1);
    assert.equal(removed, 1);
    log.length = 0;
    await assert.rejects(
      async () => {
// #region docs

// `undefined` means "no condition", so this where selects every row:
// UsageError WHOLE_TABLE_WRITE, and nothing is sent.
await em.nativeDelete(Post, { author: query.author });
// #endregion docs
      },
      (e: unknown) => e instanceof UsageError && e.code === 'WHOLE_TABLE_WRITE' && /em\.nativeDelete\(Post, \{\}, \{ all: true \}\)/.test(e.message),
    );
    await assert.rejects(em.nativeUpdate(Post, {}, { published: true }), { code: 'WHOLE_TABLE_WRITE' });
    await assert.rejects(em.nativeDelete(Comment, { $and: [] }), { code: 'WHOLE_TABLE_WRITE' });
    assert.equal(log.length, 0, 'nothing was sent');
    assert.equal(await em.count(Post), 4, 'no post was deleted');
// #region docs

// Every row, on purpose: say so.
const all = await em.nativeUpdate(User, {}, { active: true }, { all: true });
// #endregion docs
    assert.equal(all, 6);
    assert.equal(await em.count(User, { active: true }), 6);
  } finally {
    await orm.close();
  }
}
