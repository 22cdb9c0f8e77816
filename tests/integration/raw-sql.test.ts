// The raw SQL escape hatch on every dialect: em.execute (bound parameters, the current transaction,
// integers normalized), the knex query builder on an entity's table (aggregates) and em.map.
import test from 'ava';
import { Joinery, UniqueConstraintViolationError, UsageError, wrap, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Post, User } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { email: 'ann@x.io', name: 'Ann', passwordHash: 'h' });
  const bob = em.create(User, { email: 'bob@x.io', name: 'Bob', passwordHash: 'h' });
  em.create(Post, { title: 'Hello', author: ann });
  em.create(Post, { title: 'Hello again', author: ann });
  em.create(Post, { title: 'Bye', author: bob });
  await em.flush();
  log.length = 0;
  return { orm, log, ann, bob };
}

forEachDialect(test, 'em.execute binds ? parameters and returns plain rows with integers as numbers', async (t, db) => {
  const { orm, ann } = await setup(t, db);
  const em = orm.em.fork();
  const rows = await em.execute('select id, email from users where email like ? and id >= ? order by id', ['%@x.io', ann.id]);
  t.deepEqual(rows, [{ id: ann.id, email: 'ann@x.io' }, { id: ann.id + 1, email: 'bob@x.io' }]);
  t.is(Object.getPrototypeOf(rows[0]), Object.prototype);
  const [counts] = await em.execute<{ n: unknown; total: unknown; biggest: unknown }>(
    'select count(*) as n, sum(author_id) as total, max(id) as biggest from posts where title like ?',
    ['Hello%'],
  );
  t.deepEqual(counts, { n: 2, total: 2 * ann.id, biggest: 2 }, 'count, sum of integers and max are numbers, not 2n or "2"');
  t.deepEqual(await em.execute('select count(*) as n from posts where author_id = ?', [999]), [{ n: 0 }]);
});

forEachDialect(test, 'em.execute: integers beyond 2^53 come back as bigint, fractional decimals as exact text', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const [row] = await em.execute('select 9007199254740993 as big, -9007199254740993 as negative, 42 as small');
  t.deepEqual(row, { big: 9007199254740993n, negative: -9007199254740993n, small: 42 });
  const [decimal] = await em.execute('select cast(2.50 as decimal(10,2)) as price, cast(7 as decimal(10,0)) as whole');
  // SQLite has no exact decimal type: it answers with a float (documented).
  t.deepEqual(decimal, db.dialect === 'sqlite' ? { price: 2.5, whole: 7 } : { price: '2.50', whole: 7 });
});

forEachDialect(test, 'em.execute runs inside the current transaction: it sees uncommitted rows and rolls back with it', async (t, db) => {
  const { orm } = await setup(t, db);
  const failure = new Error('abort the transaction');
  const seen: unknown[] = [];
  await t.throwsAsync(
    orm.em.transactional(async (tem) => {
      tem.create(User, { email: 'cid@x.io', passwordHash: 'h' });
      await tem.flush();
      seen.push((await tem.execute('select count(*) as n from users'))[0]);
      await tem.execute('insert into tags (name) values (?)', ['raw']);
      seen.push((await tem.execute('select name from tags'))[0]);
      seen.push(((await tem.qb(User).count('* as n')) as Record<string, unknown>[]).length);
      throw failure;
    }),
    { is: failure },
  );
  t.deepEqual(seen, [{ n: 3 }, { name: 'raw' }, 1]);
  const em = orm.em.fork();
  t.deepEqual(await em.execute('select count(*) as n from users'), [{ n: 2 }], 'the flushed insert was rolled back');
  t.deepEqual(await em.execute('select count(*) as n from tags'), [{ n: 0 }], 'the raw insert was rolled back');
  await orm.em.transactional(async (tem) => {
    await tem.execute('insert into tags (name) values (?)', ['kept']);
  });
  t.deepEqual(await em.execute('select name from tags'), [{ name: 'kept' }]);
});

forEachDialect(test, 'em.execute refuses bad SQL, parameters and connections before anything is sent', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['BAD_SQL_PARAMS', () => em.execute('select * from users where id = ?', [undefined]), /parameter 0 is undefined/],
    ['BAD_SQL_PARAMS', () => em.execute('select * from users where id = ? and email = ?', [1]), /2 \? placeholder\(s\) and 1 parameter/],
    ['BAD_SQL_PARAMS', () => em.execute('select * from users where id = ?', 1 as never), /go in an array/],
    ['BAD_SQL_PARAMS', () => em.execute(em.qb(User).where('id', 1), [1]), /carries its own bindings/],
    ['BAD_SQL', () => em.execute('  '), /needs SQL text/],
    ['BAD_SQL', () => em.execute(42 as never), /got number/],
    ['UNKNOWN_CONNECTION', () => em.execute('select 1', [], { connection: 'nope' }), /no connection named "nope". Known: default/],
  ];
  for (const [code, call, message] of cases) {
    const err = await t.throwsAsync(call(), { instanceOf: UsageError });
    t.is(err?.code, code);
    t.regex(err!.message, message);
  }
  t.deepEqual(log, [], 'nothing was sent');
  // Database errors are mapped as for any other statement.
  await t.throwsAsync(em.execute('insert into users (email, password_hash) values (?, ?)', ['ann@x.io', 'h']), { instanceOf: UniqueConstraintViolationError });
});

forEachDialect(test, 'em.createQueryBuilder: group by with count and sum, normalized through em.execute', async (t, db) => {
  const { orm, ann, bob } = await setup(t, db);
  const em = orm.em.fork();
  const perAuthor = await em.execute(
    em.createQueryBuilder(Post, 'p').select('p.author_id').count('* as posts').sum('p.id as ids').groupBy('p.author_id').orderBy('p.author_id'),
  );
  t.deepEqual(perAuthor, [
    { author_id: ann.id, posts: 2, ids: 3 },
    { author_id: bob.id, posts: 1, ids: 3 },
  ]);
  const joined = await em.execute(
    em.qb(User, 'u').join('posts as p', 'p.author_id', 'u.id').select('u.email').count('p.id as posts').groupBy('u.email').having(orm.getDriver().knex.raw('count(p.id) > ?', [1])),
  );
  t.deepEqual(joined, [{ email: 'ann@x.io', posts: 2 }]);
  // Awaited directly it runs too (values as the driver gives them).
  const titles = (await em.qb(Post).select('title').where('title', 'like', 'Hello%').orderBy('id')) as { title: string }[];
  t.deepEqual(titles.map((r) => r.title), ['Hello', 'Hello again']);
  const err = t.throws(() => em.qb(Post, 'p; drop table posts'), { instanceOf: UsageError });
  t.is(err?.code, 'BAD_ALIAS');
});

forEachDialect(test, 'em.map turns raw rows into managed entities through the identity map', async (t, db) => {
  const { orm, ann } = await setup(t, db);
  const em = orm.em.fork();
  const loaded = await em.findOneOrFail(User, ann.id);
  loaded.name = 'changed in memory';
  const [row] = await em.execute('select * from users where lower(email) = lower(?)', ['ANN@x.io']);
  t.is(em.map(User, row!), loaded, 'the entity already loaded, as find would return it');
  t.is(loaded.name, 'changed in memory', 'its in-memory changes are kept');

  const rows = (await em.qb(Post).where('author_id', ann.id).orderBy('id')) as Record<string, unknown>[];
  const posts = rows.map((r) => em.map(Post, r));
  t.deepEqual(posts.map((p) => p.title), ['Hello', 'Hello again']);
  t.is(posts[0]!.author, loaded, 'the to-one column became the managed User');
  t.is<object, object>(await em.findOneOrFail(Post, posts[0]!.id), posts[0]!, 'find answers with the mapped entity');
  t.true(wrap(posts[0]!).isInitialized());
  posts[0]!.title = 'Edited';
  await em.flush();
  t.deepEqual(await orm.em.fork().execute('select title from posts where id = ?', [posts[0]!.id]), [{ title: 'Edited' }], 'a mapped entity is managed: its changes flush');

  const noKey = t.throws(() => em.map(Post, { title: 'x' }), { instanceOf: UsageError });
  t.is(noKey?.code, 'BAD_ROW');
  t.regex(noKey!.message, /em\.map\(Post, row\): the row has no value for the primary key column\(s\) id of posts \(it has: title\)/);
  t.is(t.throws(() => em.map(Post, null as never), { instanceOf: UsageError })?.code, 'BAD_ROW');
  t.is(t.throws(() => em.map(Post, Object.create({ id: 1 }) as never), { instanceOf: UsageError })?.code, 'BAD_ROW', 'inherited properties are not columns');
});

forEachDialect(test, 'em.execute({ connection }) runs on the named connection', async (t, db) => {
  const archive = await db.another('archive');
  const orm = await Joinery.init({ entities: BLOG, connections: { default: db.config, archive: archive.config } });
  t.teardown(() => orm.close());
  const em = orm.em.fork();
  await em.execute('drop table if exists raw_events', [], { connection: 'archive' });
  await em.execute('create table raw_events (id integer primary key, kind varchar(20))', [], { connection: 'archive' });
  await em.execute('insert into raw_events (id, kind) values (?, ?)', [1, 'login'], { connection: 'archive' });
  t.deepEqual(await em.execute('select id, kind from raw_events', [], { connection: 'archive' }), [{ id: 1, kind: 'login' }]);
  await t.throwsAsync(em.execute('select id from raw_events'), undefined, 'not on the default connection');
});
