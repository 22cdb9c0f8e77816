import test from 'ava';
import { chunk, deleteKeysStatement, deleteStatement, insertStatement, insertValuesStatement, rowsPerStatement, selectByKeysStatement, unnestable, updateStatement } from '../../src/query/dml.js';
import { ArrayType } from '../../src/metadata/builtin-types.js';
import { placeholders, SqlDialect } from '../../src/query/sql-dialect.js';

const sqlite = new SqlDialect('sqlite');
const pg = new SqlDialect('pg');
const mysql = new SqlDialect('mysql');

// ---- SqlDialect ----

test('identifiers are quoted per dialect, embedded quotes doubled', (t) => {
  t.is(sqlite.quote('users'), '"users"');
  t.is(pg.quote('we"ird'), '"we""ird"');
  t.is(mysql.quote('users'), '`users`');
  t.is(mysql.quote('we`ird'), '`we``ird`');
  t.is(pg.column('users', 'id'), '"users"."id"');
  t.is(mysql.column('users', 'id'), '`users`.`id`');
});

test('placeholders', (t) => {
  t.is(placeholders(0), '');
  t.is(placeholders(1), '?');
  t.is(placeholders(3), '?, ?, ?');
});

test('typed parameters: CAST on PostgreSQL only, to the column type the schema uses', (t) => {
  t.is(sqlite.typedParam('integer'), '?');
  t.is(mysql.typedParam('json'), '?');
  const casts = {
    string: 'text', text: 'text', integer: 'integer', float: 'double precision', decimal: 'numeric', boolean: 'boolean',
    date: 'date', datetime: 'timestamptz', json: 'jsonb', bigint: 'bigint', uuid: 'uuid',
  } as const;
  for (const [type, cast] of Object.entries(casts)) t.is(pg.typedParam(type as keyof typeof casts), `CAST(? AS ${cast})`);
});

test('IN lists: one column, row values for several, optional table alias', (t) => {
  t.is(sqlite.inList(['id'], 3), '"id" IN (?, ?, ?)');
  t.is(pg.inList(['user_id', 'car_id'], 2), '("user_id", "car_id") IN ((?, ?), (?, ?))');
  t.is(mysql.inList(['id'], 1, 'e0'), '`e0`.`id` IN (?)');
  t.is(pg.inList(['a', 'b'], 1, 'p'), '("p"."a", "p"."b") IN ((?, ?))');
});

// ---- chunking ----

test('rowsPerStatement fits whole rows under the parameter limit, at least one', (t) => {
  t.is(rowsPerStatement(3, 999), 333);
  t.is(rowsPerStatement(4, 999), 249);
  t.is(rowsPerStatement(2, 65535), 32767);
  t.is(rowsPerStatement(2000, 999), 1);
  t.is(rowsPerStatement(0, 10), 10);
});

test('chunk splits in order into pieces of at most size', (t) => {
  t.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  t.deepEqual(chunk([1, 2, 3, 4], 2), [[1, 2], [3, 4]]);
  t.deepEqual(chunk([1, 2], 5), [[1, 2]]);
  t.deepEqual(chunk([1], 1), [[1]]);
});

test('chunk of nothing is no chunk (an empty one would become IN ())', (t) => {
  t.deepEqual(chunk([], 10), []);
});

test('chunked rows of a 10k-row insert stay under the SQLite parameter limit', (t) => {
  const rows = Array.from({ length: 10_000 }, (_, i) => [i, `n${i}`, i % 2 === 0]);
  const size = rowsPerStatement(3, 999);
  const parts = chunk(rows, size);
  t.is(parts.length, Math.ceil(10_000 / 333));
  for (const part of parts) {
    const stmt = insertStatement(sqlite, 't', ['a', 'b', 'c'], part);
    t.true(stmt.params.length <= 999);
    t.is(stmt.sql.split('?').length - 1, stmt.params.length);
  }
  t.deepEqual(parts.flat(), rows);
});

// ---- INSERT ----

test('multi-row insert with RETURNING (SQLite, PostgreSQL)', (t) => {
  const rows = [['Ann', 'a@x'], ['Bob', 'b@x']];
  t.deepEqual(insertStatement(sqlite, 'users', ['name', 'email'], rows, { returning: ['id'] }), {
    sql: 'INSERT INTO "users" ("name", "email") VALUES (?, ?), (?, ?) RETURNING "id"',
    params: ['Ann', 'a@x', 'Bob', 'b@x'],
  });
  t.deepEqual(insertStatement(pg, 'users', ['name', 'email'], rows, { returning: ['id'] }), {
    sql: 'INSERT INTO "users" ("name", "email") VALUES (?, ?), (?, ?) RETURNING "id"',
    params: ['Ann', 'a@x', 'Bob', 'b@x'],
  });
});

test('multi-row insert on MySQL: backticks, no RETURNING', (t) => {
  t.deepEqual(insertStatement(mysql, 'users', ['name', 'email'], [['Ann', 'a@x'], ['Bob', 'b@x']]), {
    sql: 'INSERT INTO `users` (`name`, `email`) VALUES (?, ?), (?, ?)',
    params: ['Ann', 'a@x', 'Bob', 'b@x'],
  });
});

test('values are always bound, never inlined', (t) => {
  const evil = "x'); DROP TABLE users; --";
  const stmt = insertStatement(pg, 'users', ['name'], [[evil], [null]]);
  t.is(stmt.sql, 'INSERT INTO "users" ("name") VALUES (?), (?)');
  t.deepEqual(stmt.params, [evil, null]);
});

test('insert of rows with no column but the generated key', (t) => {
  t.deepEqual(insertStatement(sqlite, 'tokens', [], [[], []], { keyColumn: 'id', returning: ['id'] }), {
    sql: 'INSERT INTO "tokens" ("id") VALUES (NULL), (NULL) RETURNING "id"',
    params: [],
  });
  t.is(insertStatement(pg, 'tokens', [], [[], []], { keyColumn: 'id', returning: ['id'] }).sql, 'INSERT INTO "tokens" ("id") VALUES (DEFAULT), (DEFAULT) RETURNING "id"');
  t.is(insertStatement(mysql, 'tokens', [], [[]], { keyColumn: 'id' }).sql, 'INSERT INTO `tokens` (`id`) VALUES (NULL)');
});

test('ignoreDuplicates: ON CONFLICT DO NOTHING, or a no-op ON DUPLICATE KEY UPDATE on MySQL', (t) => {
  const rows = [[1, 2], [1, 3]];
  const opts = { ignoreDuplicates: ['car_id', 'user_id'] };
  t.deepEqual(insertStatement(sqlite, 'car_user', ['car_id', 'user_id'], rows, opts), {
    sql: 'INSERT INTO "car_user" ("car_id", "user_id") VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING',
    params: [1, 2, 1, 3],
  });
  t.is(insertStatement(pg, 'car_user', ['car_id', 'user_id'], rows, opts).sql, 'INSERT INTO "car_user" ("car_id", "user_id") VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING');
  t.deepEqual(insertStatement(mysql, 'car_user', ['car_id', 'user_id'], rows, opts), {
    sql: 'INSERT INTO `car_user` (`car_id`, `user_id`) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE `car_id` = `car_id`',
    params: [1, 2, 1, 3],
  });
});

test('ignoreDuplicates with RETURNING: the conflict clause comes first', (t) => {
  t.is(
    insertStatement(pg, 'tags', ['name'], [['a']], { ignoreDuplicates: ['name'], returning: ['id'] }).sql,
    'INSERT INTO "tags" ("name") VALUES (?) ON CONFLICT DO NOTHING RETURNING "id"',
  );
});

test('rows given end to end make the same INSERT as rows given one by one', (t) => {
  const rows = [[1, 2, 'a'], [1, 3, 'b'], [4, 2, null]];
  const upsert = { upsert: { conflict: ['car_id', 'user_id'], update: ['since'] } };
  for (const d of [sqlite, pg, mysql]) {
    t.deepEqual(insertValuesStatement(d, 'car_user', ['car_id', 'user_id', 'since'], rows.flat()), insertStatement(d, 'car_user', ['car_id', 'user_id', 'since'], rows));
    t.deepEqual(insertValuesStatement(d, 'car_user', ['car_id', 'user_id', 'since'], rows.flat(), upsert), insertStatement(d, 'car_user', ['car_id', 'user_id', 'since'], rows, upsert));
  }
  t.deepEqual(insertValuesStatement(pg, 'users', ['name'], ['Ann', 'Bob'], { returning: ['id'] }), {
    sql: 'INSERT INTO "users" ("name") VALUES (?), (?) RETURNING "id"',
    params: ['Ann', 'Bob'],
  });
});

// ---- UPDATE ----

const nameAge = [
  { name: 'name', type: 'string' as const },
  { name: 'age', type: 'integer' as const },
];

const id = [{ name: 'id', type: 'integer' as const }];
const userCar = [
  { name: 'user_id', type: 'integer' as const },
  { name: 'car_id', type: 'integer' as const },
];

test('a single row is a plain UPDATE', (t) => {
  t.deepEqual(updateStatement(sqlite, 'users', id, nameAge, [{ key: [1], values: ['Ann', 30] }]), {
    sql: 'UPDATE "users" SET "name" = ?, "age" = ? WHERE "id" IN (?)',
    params: ['Ann', 30, 1],
  });
  t.deepEqual(updateStatement(mysql, 'users', id, nameAge.slice(0, 1), [{ key: [1], values: ['Ann'] }]), {
    sql: 'UPDATE `users` SET `name` = ? WHERE `id` IN (?)',
    params: ['Ann', 1],
  });
});

const twoRows = [
  { key: [1], values: ['Ann', 30] },
  { key: [2], values: ['Bob', 40] },
];

test('several rows on SQLite: UPDATE ... FROM a VALUES list joined by key', (t) => {
  t.deepEqual(updateStatement(sqlite, 'users', id, nameAge, twoRows), {
    sql:
      'UPDATE "users" SET "name" = "v"."column2", "age" = "v"."column3" ' +
      'FROM (VALUES (?, ?, ?), (?, ?, ?)) AS "v" WHERE "users"."id" = "v"."column1"',
    params: [1, 'Ann', 30, 2, 'Bob', 40],
  });
});

test('several rows on PostgreSQL: one typed array per column, read as rows by unnest', (t) => {
  t.deepEqual(updateStatement(pg, 'users', id, nameAge, twoRows), {
    sql:
      'UPDATE "users" AS "x" SET "name" = "v"."c1", "age" = "v"."c2" ' +
      'FROM unnest(CAST(? AS integer[]), CAST(? AS text[]), CAST(? AS integer[])) AS "v"("c0", "c1", "c2") ' +
      'WHERE "x"."id" = "v"."c0"',
    params: [[1, 2], ['Ann', 'Bob'], [30, 40]],
  });
});

test('on PostgreSQL a column whose values are arrays keeps the VALUES list: unnest would flatten them', (t) => {
  const arrayType = new ArrayType('text');
  arrayType.context = { dialect: 'pg', label: 'Post.tags', table: 'posts', column: 'tags' };
  const tags = [{ name: 'tags', type: arrayType }];
  const rows = [{ key: [1], values: [['a', 'b']] }, { key: [2], values: [['c']] }];
  t.false(unnestable(pg, [tags[0]!.type]));
  t.true(unnestable(pg, ['integer', 'string', 'json', 'datetime', 'bigint', 'boolean']));
  t.false(unnestable(sqlite, ['integer']), 'PostgreSQL only');
  t.deepEqual(updateStatement(pg, 'posts', id, tags, rows), {
    sql: 'UPDATE "posts" AS "x" SET "tags" = "v"."c1" FROM (VALUES (CAST(? AS integer), CAST(? AS text[])), (?, ?)) AS "v"("c0", "c1") WHERE "x"."id" = "v"."c0"',
    params: [1, ['a', 'b'], 2, ['c']],
  });
  t.deepEqual(insertValuesStatement(pg, 'posts', ['id', 'tags'], [1, ['a'], 2, ['b']], { types: ['integer', tags[0]!.type] }).sql, 'INSERT INTO "posts" ("id", "tags") VALUES (?, ?), (?, ?)');
});

test('INSERT of several rows on PostgreSQL given the column types: SELECT * FROM unnest of one array per column; one row stays VALUES', (t) => {
  t.deepEqual(insertValuesStatement(pg, 'users', ['name', 'age'], ['Ann', 30, 'Bob', 40], { types: ['string', 'integer'], returning: ['id'] }), {
    sql: 'INSERT INTO "users" ("name", "age") SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS integer[])) RETURNING "id"',
    params: [['Ann', 'Bob'], [30, 40]],
  });
  t.deepEqual(insertValuesStatement(pg, 'user_cars', ['user_id', 'car_id'], [1, 10, 2, 20], { types: ['integer', 'integer'], ignoreDuplicates: ['user_id', 'car_id'] }).sql,
    'INSERT INTO "user_cars" ("user_id", "car_id") SELECT * FROM unnest(CAST(? AS integer[]), CAST(? AS integer[])) ON CONFLICT DO NOTHING');
  t.deepEqual(insertValuesStatement(pg, 'users', ['name', 'age'], ['Ann', 30], { types: ['string', 'integer'] }), {
    sql: 'INSERT INTO "users" ("name", "age") VALUES (?, ?)',
    params: ['Ann', 30],
  });
  t.is(insertValuesStatement(sqlite, 'users', ['name', 'age'], ['Ann', 30, 'Bob', 40], { types: ['string', 'integer'] }).sql, 'INSERT INTO "users" ("name", "age") VALUES (?, ?), (?, ?)');
});

test('several rows on MySQL: one CASE per column', (t) => {
  t.deepEqual(updateStatement(mysql, 'users', id, nameAge.slice(1), twoRows.map((r) => ({ key: r.key, values: [r.values[1]] }))), {
    sql: 'UPDATE `users` SET `age` = CASE WHEN `id` = ? THEN ? WHEN `id` = ? THEN ? ELSE `age` END WHERE `id` IN (?, ?)',
    params: [1, 30, 2, 40, 1, 2],
  });
});

test('composite keys: every key column joins (VALUES) or is matched in CASE', (t) => {
  const rows = [
    { key: [1, 10], values: [2020] },
    { key: [2, 20], values: [2021] },
  ];
  t.deepEqual(updateStatement(pg, 'user_cars', userCar, [{ name: 'since', type: 'integer' }], rows), {
    sql:
      'UPDATE "user_cars" AS "x" SET "since" = "v"."c2" ' +
      'FROM unnest(CAST(? AS integer[]), CAST(? AS integer[]), CAST(? AS integer[])) AS "v"("c0", "c1", "c2") ' +
      'WHERE "x"."user_id" = "v"."c0" AND "x"."car_id" = "v"."c1"',
    params: [[1, 2], [10, 20], [2020, 2021]],
  });
  t.deepEqual(updateStatement(mysql, 'user_cars', userCar, [{ name: 'since', type: 'integer' }], rows), {
    sql:
      'UPDATE `user_cars` SET `since` = CASE ' +
      'WHEN (`user_id` = ? AND `car_id` = ?) THEN ? ' +
      'WHEN (`user_id` = ? AND `car_id` = ?) THEN ? ' +
      'ELSE `since` END WHERE (`user_id`, `car_id`) IN ((?, ?), (?, ?))',
    params: [1, 10, 2020, 2, 20, 2021, 1, 10, 2, 20],
  });
  t.deepEqual(updateStatement(sqlite, 'user_cars', userCar, [{ name: 'since', type: 'integer' }], rows.slice(0, 1)), {
    sql: 'UPDATE "user_cars" SET "since" = ? WHERE ("user_id", "car_id") IN ((?, ?))',
    params: [2020, 1, 10],
  });
});

test('integer version column: incremented, and each row must still have the version it was read with', (t) => {
  const version = { name: 'version', type: 'integer' as const };
  t.deepEqual(updateStatement(sqlite, 'docs', id, [{ name: 'title', type: 'string' }], [{ key: [1], values: ['T'], version: 3 }], version), {
    sql: 'UPDATE "docs" SET "title" = ?, "version" = "version" + 1 WHERE ("id" = ? AND "version" = ?)',
    params: ['T', 1, 3],
  });
  const rows = [
    { key: [1], values: ['A'], version: 3 },
    { key: [2], values: ['B'], version: 7 },
  ];
  t.deepEqual(updateStatement(mysql, 'docs', id, [{ name: 'title', type: 'string' }], rows, version), {
    sql:
      'UPDATE `docs` SET `title` = CASE WHEN `id` = ? THEN ? WHEN `id` = ? THEN ? ELSE `title` END, `version` = `version` + 1 ' +
      'WHERE (`id` = ? AND `version` = ?) OR (`id` = ? AND `version` = ?)',
    params: [1, 'A', 2, 'B', 1, 3, 2, 7],
  });
  t.deepEqual(updateStatement(pg, 'docs', id, [{ name: 'title', type: 'string' }], rows, version), {
    sql:
      'UPDATE "docs" AS "x" SET "title" = "v"."c1", "version" = "x"."version" + 1 ' +
      'FROM unnest(CAST(? AS integer[]), CAST(? AS text[]), CAST(? AS integer[])) AS "v"("c0", "c1", "c2") ' +
      'WHERE "x"."id" = "v"."c0" AND "x"."version" = "v"."c2"',
    params: [[1, 2], ['A', 'B'], [3, 7]],
  });
});

test('datetime version column: set to the given new value, matched against the old one', (t) => {
  const old = '2024-01-01T00:00:00.000Z';
  const next = '2024-01-02T00:00:00.000Z';
  t.deepEqual(
    updateStatement(sqlite, 'docs', id, [{ name: 'title', type: 'string' }], [{ key: [1], values: ['T'], version: old }], { name: 'updated_at', type: 'datetime', next }),
    {
      sql: 'UPDATE "docs" SET "title" = ?, "updated_at" = ? WHERE ("id" = ? AND "updated_at" = ?)',
      params: ['T', next, 1, old],
    },
  );
  const two = [
    { key: [1], values: ['A'], version: old },
    { key: [2], values: ['B'], version: old },
  ];
  t.deepEqual(updateStatement(sqlite, 'docs', id, [{ name: 'title', type: 'string' }], two, { name: 'updated_at', type: 'datetime', next }), {
    sql:
      'UPDATE "docs" SET "title" = "v"."column2", "updated_at" = ? FROM (VALUES (?, ?, ?), (?, ?, ?)) AS "v" ' +
      'WHERE "docs"."id" = "v"."column1" AND "docs"."updated_at" = "v"."column3"',
    params: [next, 1, 'A', old, 2, 'B', old],
  });
});

test('datetime version column without a given value: now, bound as the dialect stores datetimes', (t) => {
  const before = Date.now();
  const stmt = updateStatement(sqlite, 'docs', id, [], [{ key: [1], values: [], version: 'x' }], { name: 'updated_at', type: 'datetime' });
  t.is(stmt.sql, 'UPDATE "docs" SET "updated_at" = ? WHERE ("id" = ? AND "updated_at" = ?)');
  // SQLite keeps datetimes as ISO-8601 text (a bare Date would be bound as epoch milliseconds and
  // never equal the ISO text the next optimistic-lock check sends).
  t.is(typeof stmt.params[0], 'string');
  t.true(Date.parse(stmt.params[0] as string) >= before);
  // PostgreSQL gets ISO text too: node-postgres would write a Date in the process's local zone.
  t.true(Date.parse(updateStatement(pg, 'docs', id, [], [{ key: [1], values: [] }], { name: 'updated_at', type: 'datetime' }).params[0] as string) >= before);
});

// ---- DELETE ----

test('delete by key: IN list, or one array parameter on PostgreSQL', (t) => {
  t.deepEqual(deleteStatement(sqlite, 'users', ['id'], [[1], [2], [3]]), { sql: 'DELETE FROM "users" WHERE "id" IN (?, ?, ?)', params: [1, 2, 3] });
  t.deepEqual(deleteStatement(pg, 'users', ['id'], [[1], [2]]), { sql: 'DELETE FROM "users" WHERE "id" = ANY(?)', params: [[1, 2]] });
  t.deepEqual(deleteStatement(mysql, 'users', ['id'], [[1], [2]]), { sql: 'DELETE FROM `users` WHERE `id` IN (?, ?)', params: [1, 2] });
});

test('delete by keys end to end: the same statements, the pg parameter is the key list itself', (t) => {
  const ids = [1, 2, 3];
  const pgStmt = deleteKeysStatement(pg, 'users', ['id'], ids);
  t.deepEqual(pgStmt, { sql: 'DELETE FROM "users" WHERE "id" = ANY(?)', params: [[1, 2, 3]] });
  t.is(pgStmt.params[0], ids);
  t.deepEqual(deleteKeysStatement(sqlite, 'users', ['id'], ids), deleteStatement(sqlite, 'users', ['id'], [[1], [2], [3]]));
  t.deepEqual(deleteKeysStatement(mysql, 'car_user', ['car_id', 'user_id'], [1, 2, 3, 4]), {
    sql: 'DELETE FROM `car_user` WHERE (`car_id`, `user_id`) IN ((?, ?), (?, ?))',
    params: [1, 2, 3, 4],
  });
});

test('delete by composite key: row-value IN', (t) => {
  t.deepEqual(deleteStatement(pg, 'car_user', ['car_id', 'user_id'], [[1, 2], [3, 4]]), {
    sql: 'DELETE FROM "car_user" WHERE ("car_id", "user_id") IN ((?, ?), (?, ?))',
    params: [1, 2, 3, 4],
  });
  t.deepEqual(deleteStatement(mysql, 'car_user', ['car_id', 'user_id'], [[1, 2]]), {
    sql: 'DELETE FROM `car_user` WHERE (`car_id`, `user_id`) IN ((?, ?))',
    params: [1, 2],
  });
});

// ---- reading back what the database made ----

test('UPDATE ... RETURNING: the target qualified where a VALUES list joins it, plain for one row and on MySQL not at all asked', (t) => {
  const key = [{ name: 'id', type: 'integer' as const }];
  const set = [{ name: 'name', type: 'string' as const }];
  const rows = [{ key: [1], values: ['a'] }, { key: [2], values: ['b'] }];
  t.is(
    updateStatement(pg, 'actors', key, set, rows, undefined, ['id', 'last_update']).sql,
    'UPDATE "actors" AS "x" SET "name" = "v"."c1" FROM unnest(CAST(? AS integer[]), CAST(? AS text[])) AS "v"("c0", "c1") WHERE "x"."id" = "v"."c0" RETURNING "x"."id", "x"."last_update"',
  );
  t.is(
    updateStatement(sqlite, 'actors', key, set, rows, undefined, ['id', 'last_update']).sql,
    'UPDATE "actors" SET "name" = "v"."column2" FROM (VALUES (?, ?), (?, ?)) AS "v" WHERE "actors"."id" = "v"."column1" RETURNING "actors"."id", "actors"."last_update"',
  );
  t.deepEqual(updateStatement(pg, 'actors', key, set, rows.slice(0, 1), undefined, ['id', 'last_update']), {
    sql: 'UPDATE "actors" SET "name" = ? WHERE "id" IN (?) RETURNING "id", "last_update"',
    params: ['a', 1],
  });
  t.is(updateStatement(pg, 'actors', key, set, rows.slice(0, 1), undefined, []).sql, 'UPDATE "actors" SET "name" = ? WHERE "id" IN (?)', 'nothing to return: no clause');
});

test('selectByKeysStatement: key columns first (once), then the columns to read, by an IN list', (t) => {
  t.deepEqual(selectByKeysStatement(mysql, 'actors', ['id'], ['status', 'id', 'last_update'], [1, 2]), {
    sql: 'SELECT `id`, `status`, `last_update` FROM `actors` WHERE `id` IN (?, ?)',
    params: [1, 2],
  });
  t.deepEqual(selectByKeysStatement(sqlite, 'film_actor', ['actor_id', 'film_id'], ['since'], [1, 10, 2, 20]), {
    sql: 'SELECT "actor_id", "film_id", "since" FROM "film_actor" WHERE ("actor_id", "film_id") IN ((?, ?), (?, ?))',
    params: [1, 10, 2, 20],
  });
});
