import test from 'ava';
import { upsertStatement } from '../../src/query/upsert-sql.js';

const users = { table: 'users', columns: ['email', 'name'], rows: [['a@x', 'A'], ['b@x', 'B']], conflict: ['email'], returning: ['id', 'email', 'name'] };

test('PostgreSQL and SQLite: ON CONFLICT DO UPDATE with RETURNING, every row bound', (t) => {
  for (const dialect of ['pg', 'sqlite'] as const) {
    t.deepEqual(upsertStatement(dialect, users), {
      sql: 'insert into "users" ("email", "name") values (?, ?), (?, ?) on conflict ("email") do update set "name" = excluded."name" returning "id", "email", "name"',
      params: ['a@x', 'A', 'b@x', 'B'],
    });
  }
});

test('MySQL: ON DUPLICATE KEY UPDATE with VALUES(), no RETURNING', (t) => {
  t.deepEqual(upsertStatement('mysql', users), {
    sql: 'insert into `users` (`email`, `name`) values (?, ?), (?, ?) on duplicate key update `name` = values(`name`)',
    params: ['a@x', 'A', 'b@x', 'B'],
  });
});

test('only the conflict target given: it is set to itself, so the existing row is still returned', (t) => {
  const tags = { table: 'tags', columns: ['name'], rows: [['orm']], conflict: ['name'], returning: ['id', 'name'] };
  t.is(upsertStatement('pg', tags).sql, 'insert into "tags" ("name") values (?) on conflict ("name") do update set "name" = excluded."name" returning "id", "name"');
  t.is(upsertStatement('mysql', tags).sql, 'insert into `tags` (`name`) values (?) on duplicate key update `name` = values(`name`)');
});
