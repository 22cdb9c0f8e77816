// fields: [...] partial loading: only the listed columns are read, unloaded ones are never written
// back by a flush, and a later load fills them in without touching what the entity has.
import test from 'ava';
import { Joinery, UsageError, wrap, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Post, User } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { email: 'ann@x.io', name: 'Ann', passwordHash: 'secret', posts: [{ title: 'Hello' }, { title: 'Bye' }] });
  await em.flush();
  log.length = 0;
  return { orm, log, annId: ann.id };
}

const selects = (log: QueryLogEntry[]) => log.map((q) => q.sql).filter((s) => /^select/i.test(s));

forEachDialect(test, 'only the listed columns (and the key) are read; a dotted field populates its relation', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const posts = await em.find(Post, {}, { fields: ['title', 'author.name'], orderBy: { id: 'asc' } });
  const q = db.dialect === 'pg' ? (s: string) => `"${s}"` : (s: string) => `\`${s}\``;
  t.true(selects(log)[0]!.startsWith(`select ${q('e0')}.${q('id')}, ${q('e0')}.${q('title')}, ${q('e0')}.${q('author_id')} from ${q('posts')} as ${q('e0')}`), selects(log)[0]);
  t.is(selects(log).length, 2, 'posts, then their authors');
  t.true(selects(log)[1]!.startsWith(`select ${q('e0')}.${q('id')}, ${q('e0')}.${q('name')} from ${q('users')}`), 'the author: its key and name only');
  t.deepEqual(posts.map((p) => [p.title, p.author.name, p.author.email]), [['Hello', 'Ann', undefined], ['Bye', 'Ann', undefined]]);
  t.true(wrap(posts[0]!.author).isInitialized());
  const users = await em.find(User, {}, { fields: ['email'] });
  t.true(Object.is(users[0], posts[0]!.author), 'the same entity');
  t.deepEqual([users[0]!.email, users[0]!.name, users[0]!.passwordHash], ['ann@x.io', 'Ann', undefined], 'fields add up');
  const full = await em.find(Post, {}, { fields: ['title'], populate: ['author'] });
  t.is(full[0]!.author.passwordHash, 'secret', 'a relation in populate loads whole, and fills in the partial author');
  const other = orm.em.fork();
  const [partial] = await other.find(User, {}, { fields: ['email', 'posts'] });
  t.deepEqual([partial!.email, partial!.name, partial!.passwordHash], ['ann@x.io', undefined, undefined], 'unloaded properties are undefined');
  t.true(partial!.posts.isInitialized(), 'a listed collection is populated');
  t.is(await orm.em.fork().count(Post, { author: partial! }), 2);
  t.deepEqual(selects(log).slice(-3, -1).map((sql) => /from .(\w+)./.exec(sql)![1]), ['users', 'posts']);
});

forEachDialect(test, 'a flush writes only what changed: unloaded columns are never written as NULL', async (t, db) => {
  const { orm, log, annId } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(User, annId, { fields: ['email'] });
  log.length = 0;
  await em.flush();
  t.deepEqual(log, [], 'nothing changed');
  ann.email = 'ann@y.io';
  await em.flush();
  const updates = log.map((q) => q.sql).filter((s) => /^update/i.test(s));
  t.is(updates.length, 1);
  t.notRegex(updates[0]!, /name|password_hash/, 'only the changed column is set');
  ann.name = 'Ann B'; // set explicitly: written like any change
  await em.flush();
  const row = await orm.em.fork().findOneOrFail(User, annId);
  t.deepEqual([row.email, row.name, row.passwordHash], ['ann@y.io', 'Ann B', 'secret']);
});

forEachDialect(test, 'a later full load fills in what was left out and keeps unflushed changes', async (t, db) => {
  const { orm, log, annId } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(User, annId, { fields: ['email'] });
  ann.email = 'changed@x.io';
  log.length = 0;
  const again = await em.findOneOrFail(User, annId);
  t.is(again, ann);
  t.is(selects(log).length, 1, 'a partial entity is not answered from the identity map');
  t.deepEqual([ann.email, ann.name, ann.passwordHash], ['changed@x.io', 'Ann', 'secret']);
  log.length = 0;
  await em.flush();
  const updates = log.map((q) => q.sql).filter((s) => /^update/i.test(s));
  t.is(updates.length, 1);
  t.notRegex(updates[0]!, /name|password_hash/);
  t.is(await em.findOneOrFail(User, annId), ann);

  // A second partial load adds its fields; em.refresh reads everything.
  const em2 = orm.em.fork();
  const u = await em2.findOneOrFail(User, annId, { fields: ['email'] });
  await em2.findOneOrFail(User, annId, { fields: ['name'] });
  t.deepEqual([u.email, u.name, u.passwordHash], ['changed@x.io', 'Ann', undefined]);
  await em2.refresh(u);
  t.is(u.passwordHash, 'secret');
});

forEachDialect(test, 'bad fields are a UsageError before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const cases: [unknown, string, RegExp][] = [
    [['emial'], 'UNKNOWN_PROPERTY', /fields of a User query: 'emial' names User\.emial, which does not exist\. Properties of User: id, email/],
    [['posts.titel'], 'UNKNOWN_PROPERTY', /'posts\.titel' names Post\.titel/],
    [['email.domain'], 'BAD_OPTION', /'email\.domain' goes through User\.email, which is not a relation/],
    [[], 'BAD_OPTION', /non-empty array/],
    ['email', 'BAD_OPTION', /non-empty array/],
  ];
  for (const [fields, code, message] of cases) {
    const e = await t.throwsAsync(em.find(User, {}, { fields: fields as never }), { instanceOf: UsageError });
    t.is(e!.code, code);
    t.regex(e!.message, message);
  }
  await t.throwsAsync(em.findAndCount(User, {}, { fields: ['nope'] }), { instanceOf: UsageError });
  t.deepEqual(log, []);
});
