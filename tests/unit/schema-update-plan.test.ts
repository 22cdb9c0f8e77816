import test from 'ava';
import knex from 'knex';
import type { Dialect } from '../../src/metadata/types.js';
import { planStatements } from '../../src/schema/create-plan.js';
import { DdlBuilder } from '../../src/schema/ddl-builder.js';
import { diffSchema, diffTable, isTableDiffEmpty } from '../../src/schema/schema-diff.js';
import type { ColumnSchema, ForeignKeySchema, TableSchema } from '../../src/schema/schema-model.js';
import { buildUpdatePlan } from '../../src/schema/update-plan.js';

// Desired and live tables are both plain TableSchema values here: the diff and the update plan are
// pure functions of them. Introspection is covered by tests/integration/schema.test.ts.

const KNEX_CLIENT: Record<Dialect, string> = { pg: 'pg', mysql: 'mysql2', sqlite: 'better-sqlite3' };
const ddl = (d: Dialect) => new DdlBuilder(knex({ client: KNEX_CLIENT[d], useNullAsDefault: true }), d);

function c(name: string, type: string, o: Partial<ColumnSchema> = {}): ColumnSchema {
  return { name, type, nullable: false, autoincrement: false, ...o };
}

function table(name: string, columns: readonly ColumnSchema[], o: Partial<TableSchema> = {}): TableSchema {
  return { name, columns, primaryKey: { name: `${name}_pkey`, columns: ['id'] }, uniques: [], indexes: [], foreignKeys: [], ...o };
}

function fk(tableName: string, column: string, referencedTable: string, o: Partial<ForeignKeySchema> = {}): ForeignKeySchema {
  return {
    name: `${tableName}_${column}_foreign`,
    columns: [column],
    referencedTable,
    referencedColumns: ['id'],
    deleteRule: 'no action',
    updateRule: 'no action',
    ...o,
  };
}

/** The update statements that turn `live` into `desired`. */
function update(dialect: Dialect, desired: TableSchema[], live: TableSchema[]): string[] {
  const liveMap = new Map(live.map((t) => [t.name, t]));
  return planStatements(buildUpdatePlan(diffSchema(desired, liveMap, dialect), ddl(dialect)));
}

const id = (type = 'integer') => c('id', type, { autoincrement: true });
const users = (dialect: Dialect) =>
  table('users', [id(dialect === 'mysql' ? 'int' : 'integer'), c('email', 'varchar(255)'), c('name', 'varchar(100)', { nullable: true })], {
    uniques: [{ name: 'users_email_unique', columns: ['email'] }],
  });

test('identical tables: nothing to do on any dialect', (t) => {
  for (const d of ['pg', 'mysql', 'sqlite'] as const) t.deepEqual(update(d, [users(d)], [users(d)]), [], d);
});

test('uniques, indexes and FKs match by definition, not by name (a legacy schema is not churned)', (t) => {
  const desired = table('posts', [id(), c('author_id', 'integer')], {
    indexes: [{ name: 'posts_author_id_index', columns: ['author_id'] }],
    foreignKeys: [fk('posts', 'author_id', 'users')],
  });
  const live = table('posts', desired.columns, {
    indexes: [{ name: 'idx_legacy', columns: ['author_id'] }],
    foreignKeys: [fk('posts', 'author_id', 'users', { name: 'fk_legacy' })],
  });
  t.true(isTableDiffEmpty(diffTable(desired, live, 'pg')));
});

test('mysql: RESTRICT and NO ACTION are the same rule; MariaDB json is longtext', (t) => {
  const desired = table('posts', [id('int'), c('author_id', 'int'), c('meta', 'json')], { foreignKeys: [fk('posts', 'author_id', 'users')] });
  const live = table('posts', [id('int'), c('author_id', 'int'), c('meta', 'longtext')], {
    foreignKeys: [fk('posts', 'author_id', 'users', { deleteRule: 'restrict', updateRule: 'restrict' })],
  });
  t.true(isTableDiffEmpty(diffTable(desired, live, 'mysql')));
  t.false(isTableDiffEmpty(diffTable(desired, live, 'pg')));
});

test('pg: column changes, one ALTER per aspect', (t) => {
  const live = table('users', [
    id(),
    c('email', 'varchar(100)'),
    c('name', 'varchar(100)', { nullable: true }),
    c('active', 'boolean', { default: { kind: 'literal', value: true } }),
    c('old', 'text'),
  ]);
  const desired = table('users', [
    id('bigint'),
    c('email', 'varchar(255)', { nullable: true }),
    c('name', 'varchar(100)'),
    c('active', 'boolean'),
    c('nick', 'varchar(40)', { default: { kind: 'literal', value: 'anon' } }),
  ]);
  t.deepEqual(update('pg', [desired], [live]), [
    'alter table "users" add column "nick" varchar(40) not null default \'anon\'',
    'alter table "users" alter column "id" type bigint using "id"::bigint',
    'alter table "users" alter column "email" type varchar(255) using "email"::varchar(255)',
    'alter table "users" alter column "email" drop not null',
    'alter table "users" alter column "name" set not null',
    'alter table "users" alter column "active" drop default',
    'alter table "users" drop column "old"',
  ]);
});

test('pg: identity added to and removed from a column', (t) => {
  const plain = table('t', [c('id', 'integer', { default: { kind: 'literal', value: 0 } })]);
  const generated = table('t', [c('id', 'integer', { autoincrement: true })]);
  t.deepEqual(update('pg', [generated], [plain]), [
    'alter table "t" alter column "id" drop default',
    'alter table "t" alter column "id" set not null',
    'alter table "t" alter column "id" add generated by default as identity',
  ]);
  t.deepEqual(update('pg', [table('t', [c('id', 'integer')])], [generated]), ['alter table "t" alter column "id" drop identity if exists']);
});

test('pg: a new primary key replaces the old one by its live name, around the column changes', (t) => {
  const live = table('memberships', [c('id', 'integer'), c('group_id', 'integer'), c('user_id', 'integer')], {
    primaryKey: { name: 'legacy_pk', columns: ['id'] },
  });
  const desired = table('memberships', [c('group_id', 'integer'), c('user_id', 'integer')], {
    primaryKey: { name: 'memberships_pkey', columns: ['group_id', 'user_id'] },
  });
  t.deepEqual(update('pg', [desired], [live]), [
    'alter table "memberships" drop constraint "legacy_pk"',
    'alter table "memberships" drop column "id"',
    'alter table "memberships" add constraint "memberships_pkey" primary key ("group_id", "user_id")',
  ]);
});

test('pg: FK rule changed, index and unique swapped: drops first, adds last', (t) => {
  const live = table('posts', [id(), c('author_id', 'integer'), c('slug', 'text')], {
    uniques: [
      { name: 'posts_slug_key', columns: ['slug'], backing: 'constraint' },
      { name: 'posts_slug_idx', columns: ['author_id', 'slug'], backing: 'index' },
    ],
    indexes: [{ name: 'posts_author_id_index', columns: ['author_id'] }],
    foreignKeys: [fk('posts', 'author_id', 'users')],
  });
  const desired = table('posts', live.columns, {
    uniques: [],
    indexes: [{ name: 'posts_slug_index', columns: ['slug'] }, { name: 'posts_author_id_index', columns: ['author_id'] }],
    foreignKeys: [fk('posts', 'author_id', 'users', { deleteRule: 'cascade' })],
  });
  t.deepEqual(update('pg', [desired], [live]), [
    'alter table "posts" drop constraint "posts_author_id_foreign"',
    'alter table "posts" drop constraint "posts_slug_key"',
    'drop index "posts_slug_idx"',
    'create index "posts_slug_index" on "posts" ("slug")',
    'alter table "posts" add constraint "posts_author_id_foreign" foreign key ("author_id") references "users" ("id") on delete cascade on update no action',
  ]);
});

test('pg and mysql: new tables that reference each other get their FKs once both exist', (t) => {
  const a = table('a', [id(), c('b_id', 'integer')], { foreignKeys: [fk('a', 'b_id', 'b')] });
  const b = table('b', [id(), c('a_id', 'integer')], { foreignKeys: [fk('b', 'a_id', 'a')] });
  t.deepEqual(update('pg', [a, b], []), [
    'create table "a" ("id" integer not null generated by default as identity, "b_id" integer not null, constraint "a_pkey" primary key ("id"))',
    'create table "b" ("id" integer not null generated by default as identity, "a_id" integer not null, constraint "b_pkey" primary key ("id"), ' +
      'constraint "b_a_id_foreign" foreign key ("a_id") references "a" ("id") on delete no action on update no action)',
    'alter table "a" add constraint "a_b_id_foreign" foreign key ("b_id") references "b" ("id") on delete no action on update no action',
  ]);
});

test('mysql: MODIFY restates the column; an FK is lifted while a column at either end changes type', (t) => {
  const liveUsers = table('users', [id('int'), c('name', 'varchar(100)', { nullable: true })]);
  const livePosts = table('posts', [id('int'), c('author_id', 'int')], {
    indexes: [{ name: 'posts_author_id_index', columns: ['author_id'] }],
    foreignKeys: [fk('posts', 'author_id', 'users', { deleteRule: 'cascade' })],
  });
  const users = table('users', [id('bigint'), c('name', 'varchar(100)', { default: { kind: 'literal', value: 'n/a' } })]);
  const posts = table('posts', [id('int'), c('author_id', 'bigint')], { indexes: livePosts.indexes, foreignKeys: livePosts.foreignKeys });
  t.deepEqual(update('mysql', [users, posts], [liveUsers, livePosts]), [
    'alter table `posts` drop foreign key `posts_author_id_foreign`',
    'alter table `users` modify column `id` bigint not null auto_increment',
    "alter table `users` modify column `name` varchar(100) not null default 'n/a'",
    'alter table `posts` modify column `author_id` bigint not null',
    'alter table `posts` add constraint `posts_author_id_foreign` foreign key (`author_id`) references `users` (`id`) on delete cascade on update no action',
  ]);
});

test('mysql: uniques and indexes are dropped with DROP INDEX, added before FKs', (t) => {
  const live = table('tags', [id('int'), c('label', 'varchar(50)'), c('post_id', 'int')], {
    uniques: [{ name: 'tags_label_unique', columns: ['label'], backing: 'index' }],
  });
  const desired = table('tags', live.columns, {
    indexes: [{ name: 'tags_post_id_index', columns: ['post_id'] }],
    foreignKeys: [fk('tags', 'post_id', 'posts')],
  });
  t.deepEqual(update('mysql', [desired], [live]), [
    'alter table `tags` drop index `tags_label_unique`',
    'create index `tags_post_id_index` on `tags` (`post_id`)',
    'alter table `tags` add constraint `tags_post_id_foreign` foreign key (`post_id`) references `posts` (`id`) on delete no action on update no action',
  ]);
});

test('sqlite: nullable or defaulted columns and indexes change in place, without a rebuild', (t) => {
  const live = table('users', [id(), c('email', 'varchar(255)')], { indexes: [{ name: 'users_email_index', columns: ['email'] }] });
  const desired = table('users', [id(), c('email', 'varchar(255)'), c('nick', 'text', { nullable: true }), c('level', 'integer', { default: { kind: 'literal', value: 1 } })], {
    uniques: [{ name: 'users_email_unique', columns: ['email'] }],
  });
  t.deepEqual(update('sqlite', [desired], [live]), [
    'drop index `users_email_index`',
    'alter table `users` add column `nick` text',
    'alter table `users` add column `level` integer not null default 1',
    'create unique index `users_email_unique` on `users` (`email`)',
  ]);
});

test('sqlite: anything else rebuilds the table with FK enforcement off, and checks FKs before COMMIT', (t) => {
  const live = table('posts', [id(), c('title', 'text'), c('author_id', 'integer'), c('body', 'text', { nullable: true })], {
    indexes: [{ name: 'posts_author_id_index', columns: ['author_id'] }],
  });
  const desired = table('posts', [id(), c('title', 'varchar(200)'), c('author_id', 'integer'), c('at', 'text', { default: { kind: 'expression', sql: 'CURRENT_TIMESTAMP' } })], {
    indexes: [{ name: 'posts_author_id_index', columns: ['author_id'] }],
    foreignKeys: [fk('posts', 'author_id', 'users', { deleteRule: 'cascade' })],
  });
  t.deepEqual(update('sqlite', [desired], [live]), [
    'pragma foreign_keys = off',
    'create table `posts__joinery_new` (`id` integer not null primary key autoincrement, `title` varchar(200) not null, `author_id` integer not null, ' +
      '`at` text not null default CURRENT_TIMESTAMP, constraint `posts_author_id_foreign` foreign key (`author_id`) references `users` (`id`) on delete cascade on update no action)',
    'insert into `posts__joinery_new` (`id`, `title`, `author_id`) select `id`, `title`, `author_id` from `posts`',
    'drop table `posts`',
    'alter table `posts__joinery_new` rename to `posts`',
    'create index `posts_author_id_index` on `posts` (`author_id`)',
    'pragma foreign_key_check',
    'pragma foreign_keys = on',
  ]);
});

test('sqlite: a NOT NULL column without a default, or a key column, cannot be added in place', (t) => {
  const live = table('t', [id()]);
  const rebuilds = (col: ColumnSchema) => update('sqlite', [table('t', [id(), col])], [live])[0] === 'pragma foreign_keys = off';
  t.true(rebuilds(c('x', 'text')));
  t.true(rebuilds(c('x', 'text', { default: { kind: 'expression', sql: 'CURRENT_TIMESTAMP' } })));
  t.false(rebuilds(c('x', 'text', { default: { kind: 'literal', value: '' } })));
  t.false(rebuilds(c('x', 'text', { nullable: true })));
});

test('sqlite: AUTOINCREMENT versus a plain rowid key is not worth a rebuild', (t) => {
  const live = table('t', [c('id', 'integer')]);
  t.true(isTableDiffEmpty(diffTable(table('t', [id()]), live, 'sqlite')));
});

test('a change of deferrability is an FK change: pg drops and re-adds the constraint, sqlite rebuilds, mysql ignores it', (t) => {
  const posts = (deferrable: boolean) =>
    table('posts', [id(), c('author_id', 'integer')], { foreignKeys: [fk('posts', 'author_id', 'users', deferrable ? { deferrable: true } : {})] });
  t.deepEqual(update('pg', [posts(true)], [posts(false)]), [
    'alter table "posts" drop constraint "posts_author_id_foreign"',
    'alter table "posts" add constraint "posts_author_id_foreign" foreign key ("author_id") references "users" ("id") on delete no action on update no action deferrable initially deferred',
  ]);
  t.deepEqual(update('pg', [posts(false)], [posts(true)]), [
    'alter table "posts" drop constraint "posts_author_id_foreign"',
    'alter table "posts" add constraint "posts_author_id_foreign" foreign key ("author_id") references "users" ("id") on delete no action on update no action',
  ]);
  const sqlite = update('sqlite', [posts(true)], [posts(false)]);
  t.true(sqlite.some((s) => /^create table .* deferrable initially deferred\)$/.test(s)), sqlite.join('\n'));
  t.true(sqlite.includes('pragma foreign_key_check'));
  t.true(isTableDiffEmpty(diffTable(posts(true), posts(false), 'mysql')));
  t.true(isTableDiffEmpty(diffTable(posts(true), posts(true), 'pg')));
});
