import test, { type ExecutionContext } from 'ava';
import { createDriver } from '../../src/drivers/create-driver.js';
import type { Driver } from '../../src/drivers/driver.js';
import { constraintName } from '../../src/metadata/constraint-names.js';
import type { JoinTableMetadata, MetadataSnapshot } from '../../src/metadata/metadata-storage-types.js';
import type {
  ColumnMetadata,
  EntityMetadata,
  ForeignKeyMetadata,
  IndexMetadata,
  ManyToManyProperty,
  ScalarType,
  UniqueMetadata,
} from '../../src/metadata/types.js';
import { introspectTables } from '../../src/schema/introspect.js';
import { SchemaGenerator } from '../../src/schema/schema-generator.js';
import type { TableSchema } from '../../src/schema/schema-model.js';
import { forEachDialect, type TestDb } from '../support/databases.js';

// ---- hand-built metadata, as discovery produces it ----

function col(name: string, type: ScalarType, o: Partial<ColumnMetadata> = {}): ColumnMetadata {
  return { name, type, nullable: false, primary: false, autoincrement: false, unique: false, index: false, property: name, ...o };
}

const pk = (): ColumnMetadata => col('id', 'integer', { primary: true, autoincrement: true });

function fk(table: string, columns: string[], referencedTable: string, o: Partial<ForeignKeyMetadata> = {}): ForeignKeyMetadata {
  return {
    name: constraintName(table, columns, 'foreign'),
    columns,
    referencedTable,
    referencedColumns: ['id'],
    deleteRule: 'no action',
    updateRule: 'no action',
    property: columns[0]!,
    nullable: false,
    ...o,
  };
}

function entity(
  tableName: string,
  columns: ColumnMetadata[],
  o: { uniques?: UniqueMetadata[]; indexes?: IndexMetadata[]; foreignKeys?: ForeignKeyMetadata[] } = {},
): EntityMetadata {
  return {
    name: tableName,
    class: class {},
    tableName,
    connection: 'default',
    properties: [],
    propertiesByName: {},
    primaryKeys: [],
    primaryKeyColumns: columns.filter((c) => c.primary).map((c) => c.name),
    columns,
    uniques: o.uniques ?? columns.filter((c) => c.unique).map((c) => ({ name: constraintName(tableName, [c.name], 'unique'), columns: [c.name] })),
    indexes: o.indexes ?? columns.filter((c) => c.index).map((c) => ({ name: constraintName(tableName, [c.name], 'index'), columns: [c.name] })),
    foreignKeys: o.foreignKeys ?? [],
    hooks: { beforeCreate: [], afterCreate: [], beforeUpdate: [], afterUpdate: [], beforeDelete: [], afterDelete: [], onLoad: [] },
    autoincrementPk: columns.some((c) => c.autoincrement),
    isPivot: false,
  };
}

function joinTable(tableName: string, left: string, leftColumn: string, right: string, rightColumn: string): JoinTableMetadata {
  return {
    tableName,
    connection: 'default',
    columns: [col(leftColumn, 'integer', { primary: true }), col(rightColumn, 'integer', { primary: true })],
    primaryKeyColumns: [leftColumn, rightColumn],
    foreignKeys: [
      fk(tableName, [leftColumn], left, { deleteRule: 'cascade', updateRule: 'cascade' }),
      fk(tableName, [rightColumn], right, { deleteRule: 'cascade', updateRule: 'cascade' }),
    ],
    owner: {} as ManyToManyProperty,
  };
}

function snapshot(entities: EntityMetadata[], joinTables: JoinTableMetadata[] = []): MetadataSnapshot {
  const find = (e: Function | string) => entities.find((x) => x.name === e || x.class === e);
  return { entities, joinTables, find, get: (e) => find(e)! };
}

// ---- version 1 of a small blog, and version 2 after some changes ----

const usersV1 = entity('users', [
  pk(),
  col('email', 'string', { unique: true }),
  col('name', 'string', { length: 100, nullable: true }),
  col('active', 'boolean', { default: true }),
  col('score', 'decimal', { default: 1.5 }),
  col('motto', 'string', { default: "it's fine" }),
  col('settings', 'json', { default: '{"theme":"dark","size":2}' }),
  col('rank', 'integer', { default: -1 }),
  col('verified', 'boolean', { default: false }),
  col('born', 'date', { nullable: true }),
  col('created_at', 'datetime', { defaultRaw: 'CURRENT_TIMESTAMP' }),
  col('big', 'bigint', { nullable: true }),
  col('ratio', 'float', { nullable: true }),
  col('token', 'uuid', { nullable: true }),
  col('bio', 'text', { nullable: true, default: 'none yet' }),
]);
const postsV1 = entity('posts', [pk(), col('title', 'string'), col('body', 'text', { nullable: true }), col('author_id', 'integer')], {
  foreignKeys: [fk('posts', ['author_id'], 'users', { deleteRule: 'cascade' })],
});
const tagsV1 = entity('tags', [pk(), col('label', 'string', { length: 50 })], {
  uniques: [],
});
const postTag = joinTable('post_tag', 'posts', 'post_id', 'tags', 'tag_id');
const v1 = snapshot([usersV1, postsV1, tagsV1], [postTag]);

const usersV2 = entity('users', [
  ...usersV1.columns.map((c) => {
    if (c.name === 'name') return { ...c, nullable: false };
    if (c.name === 'motto') return { ...c, default: 'carpe diem' };
    if (c.name === 'rank') return { ...c, default: undefined, nullable: true };
    return c;
  }),
  col('nickname', 'string', { nullable: true, length: 40 }),
]);
const postsV2 = entity(
  'posts',
  [pk(), col('title', 'string', { length: 200 }), col('author_id', 'integer'), col('views', 'integer', { default: 0 })],
  {
    foreignKeys: [fk('posts', ['author_id'], 'users', { deleteRule: 'cascade' })],
    indexes: [{ name: 'posts_title_index', columns: ['title'] }],
  },
);
const tagsV2 = entity('tags', [pk(), col('label', 'string', { length: 50 })], {
  uniques: [{ name: 'tags_label_unique', columns: ['label'] }],
});
const comments = entity('comments', [pk(), col('post_id', 'integer'), col('text', 'text')], {
  foreignKeys: [fk('comments', ['post_id'], 'posts', { deleteRule: 'cascade' })],
});
const v2 = snapshot([usersV2, postsV2, tagsV2, comments], [postTag]);

// ---- helpers ----

function open(t: ExecutionContext, db: TestDb): Driver {
  const driver = createDriver('default', db.config);
  t.teardown(() => driver.close());
  return driver;
}

function schemaOf(meta: MetadataSnapshot, driver: Driver): SchemaGenerator {
  return new SchemaGenerator(meta, new Map([['default', driver]]));
}

async function live(driver: Driver, ...tables: string[]): Promise<Map<string, TableSchema>> {
  return introspectTables(driver, tables);
}

/** Raw rows, with SQLite's BigInt integers (the driver reads them safely) as numbers for comparison. */
async function run(driver: Driver, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const rows = (await driver.execute({ sql, params })).rows;
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

function column(table: TableSchema | undefined, name: string) {
  return table?.columns.find((c) => c.name === name);
}

async function unrelatedTable(driver: Driver): Promise<void> {
  await run(driver, 'create table legacy_notes (id integer primary key, note varchar(20))');
  await run(driver, 'insert into legacy_notes (id, note) values (?, ?)', [1, 'keep me']);
}

// ---- tests ----

forEachDialect(test, 'create builds what the metadata says, and update then has nothing to do', async (t, db) => {
  const driver = open(t, db);
  const schema = schemaOf(v1, driver);
  await schema.create();

  const tables = await live(driver, 'users', 'posts', 'tags', 'post_tag');
  t.deepEqual([...tables.keys()].sort(), ['post_tag', 'posts', 'tags', 'users']);
  const users = tables.get('users')!;
  t.deepEqual(users.primaryKey?.columns, ['id']);
  t.true(column(users, 'id')!.autoincrement);
  t.false(column(users, 'email')!.nullable);
  t.true(column(users, 'name')!.nullable);
  t.deepEqual(users.uniques.map((u) => u.columns), [['email']]);
  t.deepEqual(tables.get('post_tag')!.primaryKey?.columns, ['post_id', 'tag_id']);
  const postFk = tables.get('posts')!.foreignKeys[0]!;
  t.like(postFk, { columns: ['author_id'], referencedTable: 'users', referencedColumns: ['id'], deleteRule: 'cascade' });
  t.deepEqual(tables.get('posts')!.indexes.map((i) => i.columns), [['author_id']]);

  // Introspection reads back exactly what was created: types, defaults, keys all compare equal.
  t.is(await schema.getUpdateSQL(), '');

  // Defaults, FK rules and uniques work.
  await run(driver, 'insert into users (email, name) values (?, ?)', ['a@x', 'Ann']);
  const [user] = await run(driver, 'select * from users');
  t.truthy(user!.created_at);
  t.true(user!.active === true || Number(user!.active) === 1);
  t.is(user!.motto, "it's fine");
  t.is(Number(user!.score), 1.5);
  if (db.dialect === 'sqlite') t.regex(String(user!.created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  await t.throwsAsync(() => run(driver, 'insert into users (email) values (?)', ['a@x']), { code: 'UNIQUE_VIOLATION' });
  await run(driver, 'insert into posts (title, author_id) values (?, ?)', ['p', user!.id]);
  await run(driver, 'insert into tags (label) values (?)', ['t']);
  await run(driver, 'insert into post_tag (post_id, tag_id) select p.id, t.id from posts p, tags t');
  await run(driver, 'delete from users');
  t.deepEqual(await run(driver, 'select * from posts'), []);
  t.deepEqual(await run(driver, 'select * from post_tag'), []);
});

forEachDialect(test, 'update adds, alters and drops columns, adds an index, a unique and a table, and keeps other tables', async (t, db) => {
  const driver = open(t, db);
  await schemaOf(v1, driver).create();
  await unrelatedTable(driver);
  await run(driver, 'insert into users (email, name) values (?, ?)', ['a@x', 'Ann']);
  const [{ id: userId }] = (await run(driver, 'select id from users')) as [{ id: number }];
  await run(driver, 'insert into posts (title, body, author_id) values (?, ?, ?)', ['Hello', 'text', userId]);
  await run(driver, 'insert into tags (label) values (?)', ['news']);
  await run(driver, 'insert into post_tag (post_id, tag_id) select p.id, t.id from posts p, tags t');

  const schema = schemaOf(v2, driver);
  const sql = await schema.getUpdateSQL({ safe: false });
  t.notRegex(sql, /legacy_notes/);
  // (sqlite rebuilds a table by copying it into a new one and dropping the old one.)
  if (db.dialect !== 'sqlite') t.notRegex(sql, /drop table/);
  await schema.update({ safe: false });

  const tables = await live(driver, 'users', 'posts', 'tags', 'post_tag', 'comments', 'legacy_notes');
  const users = tables.get('users')!;
  t.false(column(users, 'name')!.nullable, 'name became NOT NULL');
  t.deepEqual(column(users, 'motto')!.default, { kind: 'literal', value: 'carpe diem' }, 'default changed');
  t.like(column(users, 'rank'), { nullable: true, default: undefined }, 'default dropped');
  t.true(column(users, 'nickname')!.nullable, 'nickname added');
  const posts = tables.get('posts')!;
  t.is(column(posts, 'body'), undefined, 'body dropped');
  t.is(column(posts, 'title')!.type, 'varchar(200)');
  t.like(column(posts, 'views'), { nullable: false, default: { kind: 'literal' } });
  t.true(posts.indexes.some((i) => i.name === 'posts_title_index' && i.columns.join() === 'title'), 'index added');
  t.true(tables.get('tags')!.uniques.some((u) => u.columns.join() === 'label'), 'unique added');
  t.like(tables.get('comments')!.foreignKeys[0], { referencedTable: 'posts', deleteRule: 'cascade' });
  t.true(tables.has('legacy_notes'), 'unrelated table kept');
  t.deepEqual(await run(driver, 'select note from legacy_notes'), [{ note: 'keep me' }]);

  // Data survived (on sqlite the tables were rebuilt), FKs still enforce and cascade.
  t.like((await run(driver, 'select * from posts'))[0], { title: 'Hello', author_id: userId, views: 0 });
  t.is((await run(driver, 'select * from post_tag')).length, 1);
  await t.throwsAsync(() => run(driver, 'insert into posts (title, author_id) values (?, ?)', ['x', 999]), { code: 'FOREIGN_KEY_VIOLATION' });
  await run(driver, 'insert into comments (post_id, text) select id, ? from posts', ['c']);
  await run(driver, 'delete from users');
  t.deepEqual(await run(driver, 'select * from comments'), []);
  t.deepEqual(await run(driver, 'select * from post_tag'), []);

  // Idempotent.
  t.is(await schema.getUpdateSQL(), '');

  // And back: v1 drops what v2 added (not the comments table: update never drops tables).
  await schemaOf(v1, driver).update({ safe: false });
  t.is(await schemaOf(v1, driver).getUpdateSQL(), '');
  const back = await live(driver, 'users', 'posts', 'tags', 'comments');
  t.is(column(back.get('users'), 'nickname'), undefined);
  t.true(column(back.get('users'), 'name')!.nullable);
  t.deepEqual(back.get('tags')!.uniques, []);
  t.true(back.has('comments'));
});

forEachDialect(test, 'update on an empty database creates everything', async (t, db) => {
  const driver = open(t, db);
  const schema = schemaOf(v2, driver);
  await schema.update();
  t.is((await live(driver, 'users', 'posts', 'tags', 'post_tag', 'comments')).size, 5);
  t.is(await schema.getUpdateSQL(), '');
});

forEachDialect(test, 'drop removes only the known tables, and tolerates missing ones', async (t, db) => {
  const driver = open(t, db);
  const schema = schemaOf(v2, driver);
  await schema.create();
  await unrelatedTable(driver);
  await run(driver, 'insert into users (email, name) values (?, ?)', ['a@x', 'Ann']);
  await run(driver, 'insert into posts (title, author_id) select ?, id from users', ['p']);
  await schema.drop();
  t.deepEqual([...(await live(driver, 'users', 'posts', 'tags', 'post_tag', 'comments', 'legacy_notes')).keys()], ['legacy_notes']);
  await schema.drop();
  t.pass();
});

// authors.favorite_book_id -> books, books.author_id -> authors
const cycle = snapshot([
  entity('authors', [pk(), col('favorite_book_id', 'integer', { nullable: true })], {
    foreignKeys: [fk('authors', ['favorite_book_id'], 'books', { deleteRule: 'set null', nullable: true })],
  }),
  entity('books', [pk(), col('author_id', 'integer')], { foreignKeys: [fk('books', ['author_id'], 'authors', { deleteRule: 'cascade' })] }),
]);

forEachDialect(test, 'a cycle of FKs is created, enforced, and dropped with rows in it', async (t, db) => {
  const driver = open(t, db);
  const schema = schemaOf(cycle, driver);
  await schema.create();
  const tables = await live(driver, 'authors', 'books');
  t.is(tables.get('authors')!.foreignKeys.length, 1);
  t.is(tables.get('books')!.foreignKeys.length, 1);
  t.is(await schema.getUpdateSQL(), '');

  await run(driver, 'insert into authors (id) values (1)');
  await run(driver, 'insert into books (id, author_id) values (1, 1)');
  await run(driver, 'update authors set favorite_book_id = 1');
  await t.throwsAsync(() => run(driver, 'update authors set favorite_book_id = 2'), { code: 'FOREIGN_KEY_VIOLATION' });
  await schema.drop();
  t.is((await live(driver, 'authors', 'books')).size, 0);
});

forEachDialect(
  test,
  'sqlite: a rebuild keeps the FKs of other tables pointing at the rebuilt table',
  async (t, db) => {
    const driver = open(t, db);
    await schemaOf(v1, driver).create();
    await run(driver, 'insert into users (id, email) values (?, ?)', [7, 'a@x']);
    await run(driver, 'insert into posts (title, author_id) values (?, ?)', ['p', 7]);
    const usersNoBio = entity('users', usersV1.columns.filter((c) => c.name !== 'bio'));
    const meta = snapshot([usersNoBio, postsV1, tagsV1], [postTag]);
    const sql = await schemaOf(meta, driver).getUpdateSQL({ safe: false });
    t.regex(sql, /^pragma foreign_keys = off;\ncreate table `users__joinery_new`/);
    t.regex(sql, /pragma foreign_key_check;\npragma foreign_keys = on;$/);
    await schemaOf(meta, driver).update({ safe: false });
    t.deepEqual(await run(driver, 'pragma foreign_keys'), [{ foreign_keys: 1 }]);
    t.like((await live(driver, 'posts')).get('posts')!.foreignKeys[0], { referencedTable: 'users' });
    // The rebuilt table kept its rows and its AUTOINCREMENT sequence.
    await run(driver, 'insert into users (email) values (?)', ['b@x']);
    t.deepEqual(await run(driver, 'select id from users order by id'), [{ id: 7 }, { id: 8 }]);
    await run(driver, 'delete from users where id = 7');
    t.deepEqual(await run(driver, 'select * from posts'), [], 'cascade still works');
  },
  { dialects: ['sqlite'] },
);

forEachDialect(
  test,
  'pg and mysql: changing a key column type drops and restores the FKs that point at it',
  async (t, db) => {
    const driver = open(t, db);
    await schemaOf(v1, driver).create();
    const bigUsers = entity('users', usersV1.columns.map((c) => (c.name === 'id' ? { ...c, type: 'bigint' as const } : c)));
    const meta = snapshot([bigUsers, postsV1, tagsV1], [postTag]);
    await schemaOf(meta, driver).update();
    const tables = await live(driver, 'users', 'posts');
    t.is(column(tables.get('users'), 'id')!.type, 'bigint');
    t.is(column(tables.get('posts'), 'author_id')!.type, 'bigint', 'the FK column follows the key');
    t.is(tables.get('posts')!.foreignKeys.length, 1);
    t.is(await schemaOf(meta, driver).getUpdateSQL(), '');
  },
  { dialects: ['pg', 'mysql'] },
);

forEachDialect(test, 'every DDL statement goes through the driver, so the logger sees it', async (t, db) => {
  const log: string[] = [];
  const driver = createDriver('default', db.config, { logger: (e) => log.push(e.sql) });
  t.teardown(() => driver.close());
  const schema = schemaOf(v1, driver);
  await schema.create();
  const created = schema.getCreateStatements()[0]!.statements;
  t.deepEqual(
    log.filter((s) => /^(create|alter)/i.test(s)),
    created,
  );
});

forEachDialect(
  test,
  'pg: a "?" in a default is not taken for a placeholder',
  async (t, db) => {
    const driver = open(t, db);
    const meta = snapshot([entity('faq', [pk(), col('question', 'string', { default: 'why?' })])]);
    await schemaOf(meta, driver).create();
    await run(driver, 'insert into faq default values');
    t.deepEqual(await run(driver, 'select question from faq'), [{ question: 'why?' }]);
    t.is(await schemaOf(meta, driver).getUpdateSQL(), '');
  },
  // knex's `\?` escape is undone only by its pg client; see schema-executor.ts.
  { dialects: ['pg'] },
);
