import assert from 'node:assert/strict';
import { Comment, openQueryingFixture, Post, User } from './model.js';

export async function main(): Promise<void> {
  const { orm, em, log } = await openQueryingFixture();
  try {
// #region docs
const byTitle = await em.find(Post, {}, { orderBy: { title: 'asc' } });
const byAuthor = await em.find(Post, {}, { orderBy: { author: { name: 'asc' }, id: 'desc' } });          // a to-one's property
const byEmail = await em.find(Comment, {}, { orderBy: { post: { author: { email: 'desc' } } } });        // any depth
const byBoth = await em.find(Post, {}, { orderBy: [{ author: { name: 'asc' } }, { title: 'asc' }] });    // an array fixes precedence
const byKey = await em.find(Post, {}, { orderBy: { author: 'asc' } });                                  // by the foreign key
const nullsLast = await em.find(Post, {}, { orderBy: { author: { name: 'asc nulls last' } } });
// #endregion docs
    const titles = (posts: Post[]) => posts.map((p) => p.title);
    assert.deepEqual(titles(byTitle), ['100% sure', 'Chess openings', 'Draft', 'Orphan']);
    // SQLite puts NULLs first for asc: the post without an author comes first.
    assert.deepEqual(titles(byAuthor), ['Orphan', 'Draft', 'Chess openings', '100% sure']);
    assert.equal(byEmail[0].body, 'ok', "Bob's address sorts after Ann's");
    assert.deepEqual(titles(byBoth), ['Orphan', 'Chess openings', 'Draft', '100% sure']);
    assert.equal(byKey[0].title, 'Orphan');
    assert.equal(byKey[3].title, '100% sure');
    assert.equal(nullsLast[3].title, 'Orphan');
    assert.match(log[1].sql, /left join/i);

    log.length = 0;
    await assert.rejects(em.find(User, {}, { orderBy: { posts: 'asc' } as never }), { code: 'BAD_ORDER', message: /User\.posts/ });
    await assert.rejects(em.find(Post, {}, { orderBy: { title: 'up' } as never }), { code: 'BAD_ORDER', message: /Post\.title/ });
    assert.equal(log.length, 0, 'rejected before any SQL');
  } finally {
    await orm.close();
  }
}
