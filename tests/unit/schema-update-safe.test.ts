// The pure parts of the safe schema update: renames resolved from `renamedFrom`, dropped columns
// kept in safe mode, new NOT NULL columns that need a default, and the mapping checks on renamedFrom.
import test from 'ava';
import knex from 'knex';
import type { Dialect } from '../../src/metadata/types.js';
import { planStatements } from '../../src/schema/create-plan.js';
import { DdlBuilder } from '../../src/schema/ddl-builder.js';
import { diffSchema, isSchemaDiffEmpty } from '../../src/schema/schema-diff.js';
import type { ColumnSchema, ForeignKeySchema, TableSchema } from '../../src/schema/schema-model.js';
import { buildUpdatePlan } from '../../src/schema/update-plan.js';
import { keepDroppedColumns, requiredColumnsMessage, requiredNewColumns } from '../../src/schema/update-safety.js';
import { expectMetadataError } from '../support/metadata-errors.js';
import { Entity, PrimaryKey, Property } from '../../src/index.js';

const KNEX_CLIENT: Record<Dialect, string> = { pg: 'pg', mysql: 'mysql2', sqlite: 'better-sqlite3' };
const ddl = (d: Dialect) => new DdlBuilder(knex({ client: KNEX_CLIENT[d], useNullAsDefault: true }), d);
const DIALECTS = ['pg', 'mysql', 'sqlite'] as const;

function c(name: string, type: string, o: Partial<ColumnSchema> = {}): ColumnSchema {
  return { name, type, nullable: false, autoincrement: false, ...o };
}

function table(name: string, columns: readonly ColumnSchema[], o: Partial<TableSchema> = {}): TableSchema {
  return { name, columns, primaryKey: { name: `${name}_pkey`, columns: ['id'] }, uniques: [], indexes: [], foreignKeys: [], ...o };
}

function fk(tableName: string, column: string, referencedTable: string, referencedColumn = 'id'): ForeignKeySchema {
  const base = { columns: [column], referencedTable, referencedColumns: [referencedColumn], deleteRule: 'no action', updateRule: 'no action' } as const;
  return { name: `${tableName}_${column}_foreign`, ...base };
}

const id = c('id', 'integer', { autoincrement: true });
const liveMap = (tables: TableSchema[]) => new Map(tables.map((t) => [t.name, t]));

function update(dialect: Dialect, desired: TableSchema[], live: TableSchema[], safe = true): string[] {
  const full = diffSchema(desired, liveMap(live), dialect);
  const diff = safe ? keepDroppedColumns(full, 'default').diff : full;
  return planStatements(buildUpdatePlan(diff, ddl(dialect)));
}

test('a renamed column is one RENAME COLUMN on every dialect, and its index is not churned', (t) => {
  const live = table('products', [id, c('colour', 'varchar(20)', { nullable: true })], { indexes: [{ name: 'products_colour_index', columns: ['colour'] }] });
  const desired = table('products', [id, c('color', 'varchar(20)', { nullable: true, renamedFrom: 'colour' })], {
    indexes: [{ name: 'products_color_index', columns: ['color'] }],
  });
  t.deepEqual(update('pg', [desired], [live]), ['alter table "products" rename column "colour" to "color"']);
  t.deepEqual(update('mysql', [desired], [live]), ['alter table `products` rename column `colour` to `color`']);
  t.deepEqual(update('sqlite', [desired], [live]), ['alter table `products` rename column `colour` to `color`']);
});

test('a renamed column whose type also changed: renamed first, then altered by its new name', (t) => {
  const live = table('products', [id, c('colour', 'varchar(20)')]);
  const desired = table('products', [id, c('color', 'varchar(40)', { renamedFrom: 'colour' })]);
  t.deepEqual(update('pg', [desired], [live]), [
    'alter table "products" rename column "colour" to "color"',
    'alter table "products" alter column "color" type varchar(40) using "color"::varchar(40)',
  ]);
  // SQLite rebuilds after the rename, copying the column under its new name.
  const sqlite = update('sqlite', [desired], [live]);
  t.is(sqlite[1], 'alter table `products` rename column `colour` to `color`');
  t.true(sqlite.some((s) => s.includes('insert into `products__joinery_new` (`id`, `color`) select `id`, `color` from `products`')), sqlite.join('\n'));
});

test('renamedFrom does nothing once the rename ran, or when the old name is still wanted', (t) => {
  const done = table('products', [id, c('color', 'text', { renamedFrom: 'colour' })]);
  for (const d of DIALECTS) t.deepEqual(update(d, [done], [table('products', [id, c('color', 'text')])]), [], d);
  // Both names live: no rename; the old column is kept by the safe update.
  const both = table('products', [id, c('color', 'text'), c('colour', 'text')]);
  const diff = diffSchema([done], liveMap([both]), 'pg');
  t.deepEqual(diff.renamedColumns, []);
  t.deepEqual(keepDroppedColumns(diff, 'default').skipped.map((s) => s.column), ['colour']);
});

test('a renamed table is one RENAME TO; FKs of other tables pointing at it are not churned', (t) => {
  const oldUsers = table('members', [id, c('name', 'text')]);
  const posts = table('posts', [id, c('author_id', 'integer')], { foreignKeys: [fk('posts', 'author_id', 'members')] });
  const users = table('users', oldUsers.columns, { renamedFrom: 'members' });
  const desiredPosts = table('posts', posts.columns, { foreignKeys: [fk('posts', 'author_id', 'users')] });
  t.deepEqual(update('pg', [users, desiredPosts], [oldUsers, posts]), ['alter table "members" rename to "users"']);
  t.deepEqual(update('mysql', [users, desiredPosts], [oldUsers, posts]), ['alter table `members` rename to `users`']);
  t.deepEqual(update('sqlite', [users, desiredPosts], [oldUsers, posts]), ['alter table `members` rename to `users`']);
  const diff = diffSchema([users, desiredPosts], liveMap([oldUsers, posts]), 'pg');
  t.deepEqual(diff.renamedTables, [{ from: 'members', to: 'users' }]);
  t.false(diff.live.has('members'));
});

test('a renamed table with a renamed column: table first, then the column under the new table name', (t) => {
  const live = table('members', [id, c('colour', 'text')]);
  const desired = table('users', [id, c('color', 'text', { renamedFrom: 'colour' })], { renamedFrom: 'members' });
  t.deepEqual(update('pg', [desired], [live]), ['alter table "members" rename to "users"', 'alter table "users" rename column "colour" to "color"']);
});

test('a renamed key column carries the FKs pointing at it along', (t) => {
  const liveUsers = table('users', [c('uid', 'integer', { autoincrement: true })], { primaryKey: { name: 'users_pkey', columns: ['uid'] } });
  const livePosts = table('posts', [id, c('author_id', 'integer')], { foreignKeys: [fk('posts', 'author_id', 'users', 'uid')] });
  const users = table('users', [c('id', 'integer', { autoincrement: true, renamedFrom: 'uid' })]);
  const posts = table('posts', livePosts.columns, { foreignKeys: [fk('posts', 'author_id', 'users')] });
  t.deepEqual(update('pg', [users, posts], [liveUsers, livePosts]), ['alter table "users" rename column "uid" to "id"']);
});

test('safe: a column no property maps is kept and reported; unsafe drops it', (t) => {
  const live = table('posts', [id, c('title', 'text'), c('body', 'text')]);
  const desired = table('posts', [id, c('title', 'text')]);
  const full = diffSchema([desired], liveMap([live]), 'pg');
  const { diff, skipped } = keepDroppedColumns(full, 'main');
  t.true(isSchemaDiffEmpty(diff), 'nothing else to do');
  t.deepEqual(
    skipped.map(({ kind, connection, table: tbl, column }) => ({ kind, connection, table: tbl, column })),
    [{ kind: 'drop-column', connection: 'main', table: 'posts', column: 'body' }],
  );
  t.regex(skipped[0]!.message, /kept column posts\.body: no property maps it; it is NOT NULL without a default, so inserts will fail/);
  t.regex(skipped[0]!.message, /safe: false.*--drop/);
  for (const d of DIALECTS) t.deepEqual(update(d, [desired], [live]), [], d);
  t.deepEqual(update('pg', [desired], [live], false), ['alter table "posts" drop column "body"']);
});

test('safe on SQLite: a rebuild for another change keeps the unmapped column and its values', (t) => {
  const live = table('posts', [id, c('title', 'varchar(10)'), c('body', 'text', { nullable: true })]);
  const desired = table('posts', [id, c('title', 'varchar(99)')]);
  const sql = update('sqlite', [desired], [live]).join('\n');
  t.regex(sql, /create table `posts__joinery_new` \(.*`body` text\)/);
  t.regex(sql, /insert into `posts__joinery_new` \(`id`, `title`, `body`\) select `id`, `title`, `body` from `posts`/);
  const message = keepDroppedColumns(diffSchema([desired], liveMap([live]), 'sqlite'), 'default').skipped[0]!.message;
  t.notRegex(message, /inserts will fail/, 'a nullable kept column does not block inserts');
});

test('required new columns: NOT NULL without a default, on existing tables only, by their current name', (t) => {
  const live = table('members', [id]);
  const desired = table('users', [
    id,
    c('sku', 'text', { origin: 'User.sku' }),
    c('note', 'text', { nullable: true }),
    c('stock', 'integer', { default: { kind: 'literal', value: 0 } }),
  ], { renamedFrom: 'members' });
  const created = table('tags', [id, c('label', 'text')]);
  const required = requiredNewColumns(diffSchema([desired, created], liveMap([live]), 'mysql'));
  t.deepEqual(required.map((r) => [r.liveTable, r.table, r.column.name]), [['members', 'users', 'sku']]);
  const message = requiredColumnsMessage(required);
  t.regex(message, /User\.sku \(column users\.sku\)/);
  t.regex(message, /default/);
  t.regex(message, /nullable: true/);
  t.regex(message, /Nothing was changed/);
});

test('renamedFrom naming a column or table still mapped is a MetadataError', (t) => {
  @Entity()
  class Product {
    @PrimaryKey() id!: number;
    @Property({ renamedFrom: 'colour' }) color!: string;
    @Property() colour!: string;
  }
  expectMetadataError(t, [Product], { code: 'BAD_OPTION', entity: 'Product', property: 'color', mentions: ["renamedFrom 'colour'", 'Product.colour'] });

  @Entity({ renamedFrom: 'tags' })
  class Label { @PrimaryKey() id!: number; }
  @Entity()
  class Tag { @PrimaryKey() id!: number; }
  expectMetadataError(t, [Label, Tag], { code: 'BAD_OPTION', entity: 'Label', mentions: ["renamedFrom 'tags'", 'Tag still maps'] });

  @Entity()
  class Blank { @PrimaryKey() id!: number; @Property({ renamedFrom: ' ' }) name!: string; }
  expectMetadataError(t, [Blank], { code: 'BAD_OPTION', entity: 'Blank', property: 'name', mentions: ['non-empty string'] });
});
