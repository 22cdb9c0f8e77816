// The exact statements a flush sends, per dialect: the contract that statements grow with tables
// touched, not rows, and that the order is inserts (FK order) → updates → links → deletes.
import test from 'ava';
import { Joinery, type QueryLogEntry } from 'joinery';
import { withoutCommitRecords } from '../support/commit-records.js';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Car, Post, Tag, User } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  log.length = 0;
  return { orm, log, sql: () => withoutCommitRecords(log.map((q) => q.sql.replace(/\$\d+/g, '?'))) };
}

const q = (dialect: string, s: string) => (dialect === 'mysql' ? s.replace(/"/g, '`') : s);

forEachDialect(test, 'inserting 3 users with 2 posts each sends one INSERT per table', async (t, db) => {
  const { orm, sql, log } = await setup(t, db);
  const em = orm.em.fork();
  for (let i = 0; i < 3; i++) {
    const u = em.create(User, { email: `u${i}@x.io`, passwordHash: 'h' });
    u.posts.add(em.create(Post, { title: `a${i}`, author: u }), em.create(Post, { title: `b${i}`, author: u }));
  }
  await em.flush();
  const ret = db.dialect === 'mysql' ? '' : ' RETURNING "id"';
  // PostgreSQL takes each column as one array, read back as rows by unnest: one short statement
  // text whatever the row count (prepared once); the others a multi-row VALUES list.
  t.deepEqual(
    sql(),
    db.dialect === 'pg'
      ? [
          'BEGIN;',
          'INSERT INTO "users" ("email", "password_hash") SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[])) RETURNING "id"',
          'INSERT INTO "posts" ("title", "author_id") SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS integer[])) RETURNING "id"',
          'COMMIT;',
        ]
      : [
          'BEGIN;',
          q(db.dialect, `INSERT INTO "users" ("email", "password_hash") VALUES (?, ?), (?, ?), (?, ?)${ret}`),
          q(db.dialect, `INSERT INTO "posts" ("title", "author_id") VALUES (?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?)${ret}`),
          'COMMIT;',
        ],
  );
  if (db.dialect === 'pg') {
    const insert = log.find((x) => x.sql.startsWith('INSERT INTO "posts"'))!;
    t.deepEqual(insert.params, [['a0', 'b0', 'a1', 'b1', 'a2', 'b2'], [1, 1, 2, 2, 3, 3]], 'one array per column, rows in order');
  }
  const rows = await orm.em.fork().find(Post, {}, { orderBy: { id: 'asc' } });
  t.deepEqual(rows.map((p) => [p.title, p.author.id]), [
    ['a0', 1], ['b0', 1], ['a1', 2], ['b1', 2], ['a2', 3], ['b2', 3],
  ]);
});

forEachDialect(test, 'changing one column on many rows sends one batched UPDATE', async (t, db) => {
  const { orm, sql, log } = await setup(t, db);
  const em = orm.em.fork();
  for (let i = 0; i < 3; i++) em.create(Tag, { name: `t${i}` });
  await em.flush();
  const tags = await orm.em.fork().find(Tag, {}, { orderBy: { id: 'asc' } });
  const em2 = orm.em.fork();
  const loaded = await em2.find(Tag, {}, { orderBy: { id: 'asc' } });
  for (const tag of loaded) tag.name = tag.name.toUpperCase();
  log.length = 0;
  await em2.flush();
  // One statement whatever the row count: rows joined by key where the database has UPDATE ...
  // FROM (linear; PostgreSQL one array per column, SQLite a VALUES list), CASE on MySQL/MariaDB
  // (capped per statement).
  const expected: Record<string, string> = {
    pg: 'UPDATE "tags" AS "x" SET "name" = "v"."c1" FROM unnest(CAST(? AS integer[]), CAST(? AS text[])) AS "v"("c0", "c1") WHERE "x"."id" = "v"."c0"',
    sqlite: 'UPDATE "tags" SET "name" = "v"."column2" FROM (VALUES (?, ?), (?, ?), (?, ?)) AS "v" WHERE "tags"."id" = "v"."column1"',
    mysql: 'UPDATE `tags` SET `name` = CASE WHEN `id` = ? THEN ? WHEN `id` = ? THEN ? WHEN `id` = ? THEN ? ELSE `name` END WHERE `id` IN (?, ?, ?)',
  };
  t.deepEqual(sql(), ['BEGIN;', expected[db.dialect]!, 'COMMIT;']);
  const ids = tags.map((x) => x.id);
  t.deepEqual(
    log.find((q) => /^UPDATE/.test(q.sql))!.params,
    db.dialect === 'mysql'
      ? [ids[0], 'T0', ids[1], 'T1', ids[2], 'T2', ...ids]
      : db.dialect === 'pg'
        ? [ids, ['T0', 'T1', 'T2']]
        : [ids[0], 'T0', ids[1], 'T1', ids[2], 'T2'],
  );
  const again = await orm.em.fork().find(Tag, {}, { orderBy: { id: 'asc' } });
  t.deepEqual(again.map((x) => x.name), ['T0', 'T1', 'T2']);
});

forEachDialect(test, 'removing many rows sends one DELETE per table by key list, children before parents', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const u = em.create(User, { email: 'a@x.io', passwordHash: 'h' });
  em.create(Post, { title: 'p1', author: u });
  em.create(Post, { title: 'p2', author: u });
  await em.flush();
  const em2 = orm.em.fork();
  const [user] = await em2.find(User, {}, { populate: ['posts'] });
  em2.remove(user!);
  const before = sql().length;
  await em2.flush();
  // PostgreSQL takes the keys as one array parameter.
  const inList = (n: number) => (db.dialect === 'pg' ? '= ANY(?)' : `IN (${Array(n).fill('?').join(', ')})`);
  // The user's links to cars are through entities: loaded first (their hooks run), then deleted
  // with the rest; the posts' plain join-table rows go by one DELETE before the posts.
  t.deepEqual(sql().slice(before), [
    db.dialect === 'sqlite'
      ? 'select `e0`.`user_id`, `e0`.`car_id`, `e0`.`since` from `user_cars` as `e0` where "e0"."user_id" IN (?)'
      : q(db.dialect, 'select "e0"."user_id", "e0"."car_id", "e0"."since" from "user_cars" as "e0" where "e0"."user_id" IN (?)'),
    'BEGIN;',
    q(db.dialect, `DELETE FROM "post_tag" WHERE "post_id" ${inList(2)}`),
    q(db.dialect, `DELETE FROM "posts" WHERE "id" ${inList(2)}`),
    q(db.dialect, `DELETE FROM "users" WHERE "id" ${inList(1)}`),
    'COMMIT;',
  ]);
  t.is(await orm.em.fork().count(Post), 0);
});

forEachDialect(test, 'M:N changes by bare primary key are written without loading the collection', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const u = em.create(User, { email: 'a@x.io', passwordHash: 'h' });
  const p = em.create(Post, { title: 'p', author: u });
  const tags = [1, 2, 3].map((i) => em.create(Tag, { name: `t${i}` }));
  p.tags.add(tags[0]!, tags[1]!);
  await em.flush();
  const em2 = orm.em.fork();
  const ref = em2.getReference(Post, p.id);
  ref.tags.remove(tags[0]!.id);
  ref.tags.add(tags[2]!.id);
  const before = sql().length;
  await em2.flush();
  const onConflict = db.dialect === 'mysql' ? ' ON DUPLICATE KEY UPDATE `post_id` = `post_id`' : ' ON CONFLICT DO NOTHING';
  t.deepEqual(sql().slice(before), [
    'BEGIN;',
    q(db.dialect, 'DELETE FROM "post_tag" WHERE ("post_id", "tag_id") IN ((?, ?))'),
    q(db.dialect, `INSERT INTO "post_tag" ("post_id", "tag_id") VALUES (?, ?)`) + onConflict,
    'COMMIT;',
  ]);
  t.false(ref.tags.isInitialized());
  const [loaded] = await orm.em.fork().find(Post, {}, { populate: ['tags'] });
  t.deepEqual(loaded!.tags.getItems().map((x) => x.name).sort(), ['t2', 't3']);
});

forEachDialect(test, 'a flush forgets the collection changes it wrote, on both sides: the next flush sends nothing', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const seed = orm.em.fork();
  const u = seed.create(User, { email: 'a@x.io', passwordHash: 'h' });
  const c = seed.create(Car, { model: 'c' });
  const p = seed.create(Post, { title: 'p', author: seed.create(User, { email: 'b@x.io', passwordHash: 'h' }) });
  await seed.flush();
  const em = orm.em.fork();
  const user = em.getReference(User, u.id);
  const car = em.getReference(Car, c.id);
  car.owners.add(user); // the inverse side: the owning side queues the link
  user.posts.add(em.getReference(Post, p.id));
  t.true(car.owners.contains(user) && user.cars.contains(car) && user.posts.contains(p.id), 'queued, and answered from the queue');
  const before = sql().length;
  await em.flush();
  const written = sql().length;
  t.true(written > before);
  await em.flush();
  t.is(sql().length, written, 'nothing left to write');
  // Unloaded collections answered from their queue; once written, the queue is gone.
  for (const check of [() => car.owners.contains(user), () => user.cars.contains(car), () => user.posts.contains(p.id)]) {
    t.throws(check, { code: 'COLLECTION_NOT_LOADED' });
  }
  const loaded = await orm.em.fork().findOneOrFail(User, u.id, { populate: ['cars', 'posts'] });
  t.deepEqual([loaded.cars.getItems().map((x) => x.id), loaded.posts.getItems().map((x) => x.id)], [[c.id], [p.id]]);
});

forEachDialect(test, 'a flush with nothing to do sends nothing', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  em.create(Tag, { name: 'x' });
  await em.flush();
  const before = sql().length;
  await em.flush();
  await em.find(Tag, {});
  await em.flush();
  t.is(sql().length, before + 1); // only the SELECT
});
