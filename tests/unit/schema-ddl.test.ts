import test from 'ava';
import knex from 'knex';
import type { Driver, Statement, StatementResult } from '../../src/drivers/driver.js';
import type { JoinTableMetadata, MetadataSnapshot } from '../../src/metadata/metadata-storage-types.js';
import type {
  ColumnMetadata,
  Dialect,
  EntityMetadata,
  ForeignKeyMetadata,
  IndexMetadata,
  ManyToManyProperty,
  ScalarType,
  UniqueMetadata,
} from '../../src/metadata/types.js';
import { constraintName } from '../../src/metadata/constraint-names.js';
import { SchemaGenerator } from '../../src/schema/schema-generator.js';

// ---- hand-built metadata (what discovery would produce) ----

function col(name: string, type: ScalarType, o: Partial<ColumnMetadata> = {}): ColumnMetadata {
  return { name, type, nullable: false, primary: false, autoincrement: false, unique: false, index: false, property: name, ...o };
}

function pk(name = 'id'): ColumnMetadata {
  return col(name, 'integer', { primary: true, autoincrement: true });
}

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

interface TableOpts {
  uniques?: UniqueMetadata[];
  indexes?: IndexMetadata[];
  foreignKeys?: ForeignKeyMetadata[];
  connection?: string;
}

function entity(tableName: string, columns: ColumnMetadata[], o: TableOpts = {}): EntityMetadata {
  const primaryKeyColumns = columns.filter((c) => c.primary).map((c) => c.name);
  return {
    name: tableName,
    class: class {},
    tableName,
    connection: o.connection ?? 'default',
    properties: [],
    propertiesByName: {},
    primaryKeys: [],
    primaryKeyColumns,
    columns,
    uniques: o.uniques ?? [],
    indexes: o.indexes ?? [],
    foreignKeys: o.foreignKeys ?? [],
    hooks: { beforeCreate: [], afterCreate: [], beforeUpdate: [], afterUpdate: [], beforeDelete: [], afterDelete: [], onLoad: [] },
    autoincrementPk: columns.some((c) => c.primary && c.autoincrement),
    isPivot: false,
  };
}

function joinTable(tableName: string, left: string, right: string, connection = 'default'): JoinTableMetadata {
  const l = `${left.replace(/s$/, '')}_id`;
  const r = `${right.replace(/s$/, '')}_id`;
  return {
    tableName,
    connection,
    columns: [col(l, 'integer', { primary: true }), col(r, 'integer', { primary: true })],
    primaryKeyColumns: [l, r],
    foreignKeys: [
      fk(tableName, [l], left, { deleteRule: 'cascade', updateRule: 'cascade' }),
      fk(tableName, [r], right, { deleteRule: 'cascade', updateRule: 'cascade' }),
    ],
    owner: {} as ManyToManyProperty,
  };
}

function snapshot(entities: EntityMetadata[], joinTables: JoinTableMetadata[] = []): MetadataSnapshot {
  const find = (e: Function | string) => entities.find((x) => x.name === e || x.class === e);
  return {
    entities,
    joinTables,
    find,
    get: (e) => find(e) ?? (() => { throw new Error(`no entity ${String(e)}`); })(),
  };
}

const KNEX_CLIENT: Record<Dialect, string> = { pg: 'pg', mysql: 'mysql2', sqlite: 'better-sqlite3' };

/** A driver that records statements instead of running them. */
function fakeDriver(dialect: Dialect, connectionName = 'default'): Driver & { executed: string[] } {
  const executed: string[] = [];
  const driver = {
    dialect,
    connectionName,
    knex: knex({ client: KNEX_CLIENT[dialect], useNullAsDefault: true }),
    maxParams: 999,
    supportsReturning: true,
    executed,
    async execute(stmt: Statement): Promise<StatementResult> {
      executed.push(stmt.sql);
      return { rows: stmt.sql === 'pragma foreign_keys' ? [{ foreign_keys: 1 }] : [], affectedRows: 0 };
    },
    async query(stmt: Statement) {
      return (await driver.execute(stmt)).rows;
    },
    queryBuilder(table: string) {
      return driver.knex(table);
    },
    async transaction<T>(fn: (trx: { driver: Driver }) => Promise<T>): Promise<T> {
      executed.push('BEGIN');
      const out = await fn({ driver });
      executed.push('COMMIT');
      return out;
    },
    async close() {},
  };
  return driver;
}

function generator(meta: MetadataSnapshot, dialect: Dialect): SchemaGenerator {
  return new SchemaGenerator(meta, new Map([['default', fakeDriver(dialect)]]));
}

// ---- fixtures ----

const users = entity(
  'users',
  [pk(), col('email', 'string', { unique: true }), col('name', 'string', { length: 100, nullable: true }), col('active', 'boolean', { default: true })],
  { uniques: [{ name: 'users_email_unique', columns: ['email'] }] },
);
const posts = entity(
  'posts',
  [pk(), col('title', 'string'), col('author_id', 'integer'), col('created_at', 'datetime', { defaultRaw: 'CURRENT_TIMESTAMP' })],
  {
    foreignKeys: [fk('posts', ['author_id'], 'users', { deleteRule: 'cascade' })],
    indexes: [{ name: 'posts_created_at_index', columns: ['created_at'] }],
  },
);
const tags = entity('tags', [pk(), col('label', 'string', { length: 50 })]);
const blog = snapshot([posts, users, tags], [joinTable('post_tag', 'posts', 'tags')]);

function createSql(meta: MetadataSnapshot, dialect: Dialect): string[] {
  const groups = generator(meta, dialect).getCreateStatements();
  return groups.flatMap((g) => g.statements);
}

// ---- create ----

test('pg: tables, identity key, unique, index, FK rules, join table with composite key', (t) => {
  t.deepEqual(createSql(blog, 'pg'), [
    'create table "users" ("id" integer not null generated by default as identity, "email" varchar(255) not null, "name" varchar(100), ' +
      '"active" boolean not null default true, constraint "users_pkey" primary key ("id"), constraint "users_email_unique" unique ("email"))',
    'create table "posts" ("id" integer not null generated by default as identity, "title" varchar(255) not null, "author_id" integer not null, ' +
      '"created_at" timestamptz not null default CURRENT_TIMESTAMP, constraint "posts_pkey" primary key ("id"), ' +
      'constraint "posts_author_id_foreign" foreign key ("author_id") references "users" ("id") on delete cascade on update no action)',
    'create index "posts_created_at_index" on "posts" ("created_at")',
    'create index "posts_author_id_index" on "posts" ("author_id")',
    'create table "tags" ("id" integer not null generated by default as identity, "label" varchar(50) not null, constraint "tags_pkey" primary key ("id"))',
    'create table "post_tag" ("post_id" integer not null, "tag_id" integer not null, constraint "post_tag_pkey" primary key ("post_id", "tag_id"), ' +
      'constraint "post_tag_post_id_foreign" foreign key ("post_id") references "posts" ("id") on delete cascade on update cascade, ' +
      'constraint "post_tag_tag_id_foreign" foreign key ("tag_id") references "tags" ("id") on delete cascade on update cascade)',
    // post_id is the leading column of the key: only tag_id needs an index of its own.
    'create index "post_tag_tag_id_index" on "post_tag" ("tag_id")',
  ]);
});

test('mysql: auto_increment int key, indexes declared in the table so MySQL adds no FK index of its own', (t) => {
  t.deepEqual(createSql(blog, 'mysql'), [
    'create table `users` (`id` int not null auto_increment, `email` varchar(255) not null, `name` varchar(100), `active` tinyint(1) not null default 1, ' +
      'primary key (`id`), constraint `users_email_unique` unique (`email`))',
    'create table `posts` (`id` int not null auto_increment, `title` varchar(255) not null, `author_id` int not null, ' +
      '`created_at` datetime(3) not null default CURRENT_TIMESTAMP(3), primary key (`id`), index `posts_created_at_index` (`created_at`), ' +
      'index `posts_author_id_index` (`author_id`), ' +
      'constraint `posts_author_id_foreign` foreign key (`author_id`) references `users` (`id`) on delete cascade on update no action)',
    'create table `tags` (`id` int not null auto_increment, `label` varchar(50) not null, primary key (`id`))',
    'create table `post_tag` (`post_id` int not null, `tag_id` int not null, primary key (`post_id`, `tag_id`), index `post_tag_tag_id_index` (`tag_id`), ' +
      'constraint `post_tag_post_id_foreign` foreign key (`post_id`) references `posts` (`id`) on delete cascade on update cascade, ' +
      'constraint `post_tag_tag_id_foreign` foreign key (`tag_id`) references `tags` (`id`) on delete cascade on update cascade)',
  ]);
});

test('sqlite: rowid key inline, uniques as named unique indexes, ISO-8601 now default', (t) => {
  t.deepEqual(createSql(blog, 'sqlite'), [
    'create table `users` (`id` integer not null primary key autoincrement, `email` varchar(255) not null, `name` varchar(100), `active` integer not null default 1)',
    'create unique index `users_email_unique` on `users` (`email`)',
    'create table `posts` (`id` integer not null primary key autoincrement, `title` varchar(255) not null, `author_id` integer not null, ' +
      "`created_at` text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), " +
      'constraint `posts_author_id_foreign` foreign key (`author_id`) references `users` (`id`) on delete cascade on update no action)',
    'create index `posts_created_at_index` on `posts` (`created_at`)',
    'create index `posts_author_id_index` on `posts` (`author_id`)',
    'create table `tags` (`id` integer not null primary key autoincrement, `label` varchar(50) not null)',
    'create table `post_tag` (`post_id` integer not null, `tag_id` integer not null, primary key (`post_id`, `tag_id`), ' +
      'constraint `post_tag_post_id_foreign` foreign key (`post_id`) references `posts` (`id`) on delete cascade on update cascade, ' +
      'constraint `post_tag_tag_id_foreign` foreign key (`tag_id`) references `tags` (`id`) on delete cascade on update cascade)',
    'create index `post_tag_tag_id_index` on `post_tag` (`tag_id`)',
  ]);
});

const allTypes = snapshot([
  entity('samples', [
    pk(),
    col('s', 'string'),
    col('t', 'text'),
    col('i', 'integer'),
    col('f', 'float'),
    col('d', 'decimal'),
    col('d2', 'decimal', { precision: 12, scale: 4 }),
    col('b', 'boolean'),
    col('day', 'date'),
    col('at', 'datetime'),
    col('j', 'json'),
    col('big', 'bigint'),
    col('u', 'uuid'),
  ]),
]);

test('every scalar type, per dialect', (t) => {
  t.deepEqual(createSql(allTypes, 'pg'), [
    'create table "samples" ("id" integer not null generated by default as identity, "s" varchar(255) not null, "t" text not null, "i" integer not null, ' +
      '"f" double precision not null, "d" numeric(10,2) not null, "d2" numeric(12,4) not null, "b" boolean not null, "day" date not null, ' +
      '"at" timestamptz not null, "j" jsonb not null, "big" bigint not null, "u" uuid not null, constraint "samples_pkey" primary key ("id"))',
  ]);
  t.deepEqual(createSql(allTypes, 'mysql'), [
    'create table `samples` (`id` int not null auto_increment, `s` varchar(255) not null, `t` text not null, `i` int not null, ' +
      '`f` double not null, `d` decimal(10,2) not null, `d2` decimal(12,4) not null, `b` tinyint(1) not null, `day` date not null, ' +
      '`at` datetime(3) not null, `j` json not null, `big` bigint not null, `u` char(36) not null, primary key (`id`))',
  ]);
  t.deepEqual(createSql(allTypes, 'sqlite'), [
    'create table `samples` (`id` integer not null primary key autoincrement, `s` varchar(255) not null, `t` text not null, `i` integer not null, ' +
      '`f` real not null, `d` numeric(10,2) not null, `d2` numeric(12,4) not null, `b` integer not null, `day` text not null, ' +
      '`at` text not null, `j` text not null, `big` bigint not null, `u` text not null)',
  ]);
});

test('an FK column takes the type of the referenced key, never its autoincrement', (t) => {
  const accounts = entity('accounts', [col('id', 'bigint', { primary: true, autoincrement: true })]);
  const codes = entity('codes', [col('code', 'string', { primary: true, length: 12 })]);
  // Discovery's own column types deliberately wrong: the referenced column decides.
  const orders = entity('orders', [pk(), col('account_id', 'integer', { autoincrement: true }), col('code', 'string', { nullable: true })], {
    foreignKeys: [fk('orders', ['account_id'], 'accounts'), fk('orders', ['code'], 'codes', { referencedColumns: ['code'], deleteRule: 'set null' })],
  });
  const meta = snapshot([orders, accounts, codes]);
  t.deepEqual(createSql(meta, 'mysql'), [
    'create table `accounts` (`id` bigint not null auto_increment, primary key (`id`))',
    'create table `codes` (`code` varchar(12) not null, primary key (`code`))',
    'create table `orders` (`id` int not null auto_increment, `account_id` bigint not null, `code` varchar(12), primary key (`id`), ' +
      'index `orders_account_id_index` (`account_id`), index `orders_code_index` (`code`), ' +
      'constraint `orders_account_id_foreign` foreign key (`account_id`) references `accounts` (`id`) on delete no action on update no action, ' +
      'constraint `orders_code_foreign` foreign key (`code`) references `codes` (`code`) on delete set null on update no action)',
  ]);
  // sqlite: the rowid alias must be `integer`, whatever the declared type, and so its FKs.
  t.regex(createSql(meta, 'sqlite')[0]!, /^create table `accounts` \(`id` integer not null primary key autoincrement\)$/);
  t.regex(createSql(meta, 'sqlite')[2]!, /`account_id` integer not null/);
});

test('columnType is written as given (lowercased), and an FK to such a column takes it too', (t) => {
  const artists = entity('Artist', [col('ArtistId', 'integer', { primary: true, columnType: 'INTEGER' }), col('Name', 'string', { length: 120, columnType: 'NVARCHAR(120)' })]);
  const albums = entity('Album', [pk('AlbumId'), col('Artist', 'integer'), col('Released', 'datetime', { columnType: 'timestamp' })], {
    foreignKeys: [fk('Album', ['Artist'], 'Artist', { referencedColumns: ['ArtistId'] })],
  });
  t.deepEqual(createSql(snapshot([albums, artists]), 'pg').slice(0, 2), [
    'create table "Artist" ("ArtistId" integer not null, "Name" nvarchar(120) not null, constraint "Artist_pkey" primary key ("ArtistId"))',
    'create table "Album" ("AlbumId" integer not null generated by default as identity, "Artist" integer not null, "Released" timestamp not null, ' +
      'constraint "Album_pkey" primary key ("AlbumId"), constraint "Album_Artist_foreign" foreign key ("Artist") references "Artist" ("ArtistId") on delete no action on update no action)',
  ]);
  // joinery's own "now" for a datetime (ISO-8601 text on SQLite, datetime(3) on MySQL) does not fit a column typed by hand.
  const events = entity('events', [pk(), col('at', 'datetime', { columnType: 'datetime', defaultRaw: 'CURRENT_TIMESTAMP' })]);
  t.regex(createSql(snapshot([events]), 'sqlite')[0]!, /`at` datetime not null default \(?CURRENT_TIMESTAMP\)?[,)]/);
  t.regex(createSql(snapshot([events]), 'mysql')[0]!, /`at` datetime not null default CURRENT_TIMESTAMP,/);
});

test('defaults are escaped literals; expressions pass through (parenthesized where the dialect needs it)', (t) => {
  const meta = snapshot([
    entity('notes', [
      pk(),
      col('title', 'string', { default: "it's" }),
      col('body', 'text', { default: 'empty' }),
      col('meta', 'json', { default: '{"a":1}' }),
      col('score', 'float', { default: -1.5 }),
      col('flag', 'boolean', { default: false }),
      col('token', 'uuid', { nullable: true, defaultRaw: 'gen_random_uuid()' }),
      col('nothing', 'string', { nullable: true, default: null }),
    ]),
  ]);
  t.deepEqual(createSql(meta, 'pg'), [
    'create table "notes" ("id" integer not null generated by default as identity, "title" varchar(255) not null default \'it\'\'s\', ' +
      '"body" text not null default \'empty\', "meta" jsonb not null default \'{"a":1}\', "score" double precision not null default -1.5, ' +
      '"flag" boolean not null default false, "token" uuid default gen_random_uuid(), "nothing" varchar(255), constraint "notes_pkey" primary key ("id"))',
  ]);
  t.deepEqual(createSql(meta, 'mysql'), [
    "create table `notes` (`id` int not null auto_increment, `title` varchar(255) not null default 'it\\'s', " +
      "`body` text not null default ('empty'), `meta` json not null default ('{\\\"a\\\":1}'), `score` double not null default -1.5, " +
      '`flag` tinyint(1) not null default 0, `token` char(36) default (gen_random_uuid()), `nothing` varchar(255), primary key (`id`))',
  ]);
  t.deepEqual(createSql(meta, 'sqlite'), [
    "create table `notes` (`id` integer not null primary key autoincrement, `title` varchar(255) not null default 'it''s', " +
      "`body` text not null default 'empty', `meta` text not null default '{\"a\":1}', `score` real not null default -1.5, " +
      '`flag` integer not null default 0, `token` text default (gen_random_uuid()), `nothing` varchar(255))',
  ]);
});

// A -> B -> A: B.a_id is nullable, so inserts can break the cycle; the schema must still create it.
const cyclic = snapshot([
  entity('authors', [pk(), col('favorite_book_id', 'integer', { nullable: true })], {
    foreignKeys: [fk('authors', ['favorite_book_id'], 'books', { deleteRule: 'set null', nullable: true })],
  }),
  entity('books', [pk(), col('author_id', 'integer')], { foreignKeys: [fk('books', ['author_id'], 'authors', { deleteRule: 'cascade' })] }),
]);

test('pg and mysql: a cycle of FKs is closed with ALTER TABLE once both tables exist', (t) => {
  t.deepEqual(createSql(cyclic, 'pg'), [
    'create table "books" ("id" integer not null generated by default as identity, "author_id" integer not null, constraint "books_pkey" primary key ("id"))',
    'create index "books_author_id_index" on "books" ("author_id")',
    'create table "authors" ("id" integer not null generated by default as identity, "favorite_book_id" integer, constraint "authors_pkey" primary key ("id"), ' +
      'constraint "authors_favorite_book_id_foreign" foreign key ("favorite_book_id") references "books" ("id") on delete set null on update no action)',
    'create index "authors_favorite_book_id_index" on "authors" ("favorite_book_id")',
    'alter table "books" add constraint "books_author_id_foreign" foreign key ("author_id") references "authors" ("id") on delete cascade on update no action',
  ]);
  t.deepEqual(createSql(cyclic, 'mysql').slice(-1), [
    'alter table `books` add constraint `books_author_id_foreign` foreign key (`author_id`) references `authors` (`id`) on delete cascade on update no action',
  ]);
});

test('sqlite: a cycle of FKs is declared inline (SQLite accepts a reference to a table created later)', (t) => {
  const sql = createSql(cyclic, 'sqlite');
  t.is(sql.length, 4);
  t.true(sql.every((s) => !s.startsWith('alter')));
  t.is(
    sql[0],
    'create table `books` (`id` integer not null primary key autoincrement, `author_id` integer not null, ' +
      'constraint `books_author_id_foreign` foreign key (`author_id`) references `authors` (`id`) on delete cascade on update no action)',
  );
});

test('self-reference is declared inline everywhere', (t) => {
  const meta = snapshot([
    entity('categories', [pk(), col('parent_id', 'integer', { nullable: true })], {
      foreignKeys: [fk('categories', ['parent_id'], 'categories', { deleteRule: 'cascade', nullable: true })],
    }),
  ]);
  for (const d of ['pg', 'mysql', 'sqlite'] as const) {
    t.true(createSql(meta, d).every((s) => !s.startsWith('alter')), d);
    t.regex(createSql(meta, d)[0]!, /foreign key \(.parent_id.\) references .categories. \(.id.\) on delete cascade/);
  }
});

test('a deferrable FK is DEFERRABLE INITIALLY DEFERRED on pg and sqlite; MySQL has none and gets a plain one', (t) => {
  const meta = snapshot([
    entity('staff', [pk(), col('store_id', 'integer')], { foreignKeys: [fk('staff', ['store_id'], 'stores')] }),
    entity('stores', [pk(), col('manager_id', 'integer')], { foreignKeys: [fk('stores', ['manager_id'], 'staff', { deferrable: true })] }),
  ]);
  const clause = (d: Dialect) => createSql(meta, d).join('\n').match(/[^\n]*manager_id.\) references[^\n]*/)![0];
  t.regex(clause('pg'), /foreign key \("manager_id"\) references "staff" \("id"\) on delete no action on update no action deferrable initially deferred$/);
  t.regex(clause('sqlite'), /on update no action deferrable initially deferred\)$/);
  t.regex(clause('mysql'), /on delete no action on update no action$/);
  t.false(createSql(meta, 'pg').join('\n').includes('"store_id") references "stores" ("id") on delete no action on update no action deferrable'), 'only the FK that says so');
});

test('long names: generated index and key names stay within 63 characters, deterministically', (t) => {
  const table = 'organisation_membership_invitation_acceptances_history_records';
  const column = 'inviting_organisation_administrator_account_id';
  const meta = snapshot([
    entity('accounts', [pk()]),
    entity(table, [pk(), col(column, 'integer')], { foreignKeys: [fk(table, [column], 'accounts')] }),
  ]);
  const names = (d: Dialect) => [...createSql(meta, d).join('\n').matchAll(/(?:index|constraint) ["`]([^"`]+)["`]/g)].map((m) => m[1]!);
  const pg = names('pg');
  t.true(pg.length >= 3);
  for (const n of pg) t.true(n.length <= 63, n);
  t.true(pg.some((n) => /^organisation_membership_invitation_acceptances_hi_[0-9a-f]{8}_pkey$/.test(n)), pg.join());
  t.true(pg.some((n) => /^organisation_membership_invitation_acceptan_[0-9a-f]{8}_foreign$/.test(n)), pg.join());
  t.true(pg.some((n) => /^organisation_membership_invitation_acceptance_[0-9a-f]{8}_index$/.test(n)), pg.join());
  t.deepEqual(names('pg'), pg, 'same names on every run');
  for (const n of names('mysql')) t.true(n.length <= 64, n);

  // A name the user gave that is too long is shortened the same way.
  const given = 'x'.repeat(70) + '_unique';
  const custom = snapshot([entity('t', [pk(), col('a', 'string')], { uniques: [{ name: given, columns: ['a'] }] })]);
  t.regex(createSql(custom, 'mysql')[0]!, /constraint `x{47}_[0-9a-f]{8}_unique` unique/);
});

test('a unique or index on the primary key columns, or duplicated, is created once (or not at all)', (t) => {
  const meta = snapshot([
    entity('pairs', [col('a', 'integer', { primary: true }), col('b', 'integer', { primary: true }), col('c', 'string')], {
      uniques: [
        { name: 'pairs_a_b_unique', columns: ['a', 'b'] },
        { name: 'pairs_b_c_unique', columns: ['b', 'c'] },
        { name: 'pairs_b_c_unique2', columns: ['b', 'c'] },
      ],
      indexes: [
        { name: 'pairs_b_c_index', columns: ['b', 'c'] },
        { name: 'pairs_c_index', columns: ['c'] },
      ],
    }),
  ]);
  t.deepEqual(createSql(meta, 'pg'), [
    'create table "pairs" ("a" integer not null, "b" integer not null, "c" varchar(255) not null, constraint "pairs_pkey" primary key ("a", "b"), ' +
      'constraint "pairs_b_c_unique" unique ("b", "c"))',
    'create index "pairs_c_index" on "pairs" ("c")',
  ]);
});

test('several connections: one group per connection, labelled in the script', (t) => {
  const meta = snapshot([entity('users', [pk()]), entity('audit_logs', [pk(), col('message', 'text')], { connection: 'archive' })]);
  const gen = new SchemaGenerator(
    meta,
    new Map([
      ['default', fakeDriver('pg')],
      ['archive', fakeDriver('mysql', 'archive')],
    ]),
  );
  t.deepEqual(gen.getCreateStatements(), [
    {
      connection: 'default',
      statements: ['create table "users" ("id" integer not null generated by default as identity, constraint "users_pkey" primary key ("id"))'],
    },
    {
      connection: 'archive',
      statements: ['create table `audit_logs` (`id` int not null auto_increment, `message` text not null, primary key (`id`))'],
    },
  ]);
  t.is(
    gen.getCreateSQL(),
    '-- connection: default\n' +
      'create table "users" ("id" integer not null generated by default as identity, constraint "users_pkey" primary key ("id"));\n\n' +
      '-- connection: archive\n' +
      'create table `audit_logs` (`id` int not null auto_increment, `message` text not null, primary key (`id`));',
  );
});

test('a single connection gets a plain script', (t) => {
  t.is(
    generator(snapshot([entity('users', [pk()])]), 'sqlite').getCreateSQL(),
    'create table `users` (`id` integer not null primary key autoincrement);',
  );
});

test('a connection with no driver is a UsageError that names it', (t) => {
  const gen = new SchemaGenerator(snapshot([entity('logs', [pk()], { connection: 'archive' })]), new Map([['default', fakeDriver('pg')]]));
  const err = t.throws(() => gen.getCreateSQL());
  t.is((err as { code?: string }).code, 'UNKNOWN_CONNECTION');
  t.regex(err!.message, /'archive'/);
});

// ---- drop ----

test('drop: dependents first; CASCADE on pg, FK checks off on mysql, deferred FK checks on sqlite', (t) => {
  const drops = (d: Dialect) => generator(blog, d).getDropStatements()[0]!.statements;
  t.deepEqual(drops('pg'), [
    'drop table if exists "post_tag" cascade',
    'drop table if exists "tags" cascade',
    'drop table if exists "posts" cascade',
    'drop table if exists "users" cascade',
  ]);
  t.deepEqual(drops('mysql'), [
    'set foreign_key_checks = 0',
    'drop table if exists `post_tag`',
    'drop table if exists `tags`',
    'drop table if exists `posts`',
    'drop table if exists `users`',
    'set foreign_key_checks = 1',
  ]);
  t.deepEqual(drops('sqlite'), [
    'pragma defer_foreign_keys = on',
    'drop table if exists `post_tag`',
    'drop table if exists `tags`',
    'drop table if exists `posts`',
    'drop table if exists `users`',
  ]);
});

// ---- execution ----

test('create() runs in one transaction on pg and sqlite, statement by statement on mysql', async (t) => {
  const meta = snapshot([entity('users', [pk()]), entity('posts', [pk(), col('user_id', 'integer')], { foreignKeys: [fk('posts', ['user_id'], 'users')] })]);
  for (const d of ['pg', 'sqlite'] as const) {
    const driver = fakeDriver(d);
    await new SchemaGenerator(meta, new Map([['default', driver]])).create();
    t.is(driver.executed[0], 'BEGIN', d);
    t.is(driver.executed.at(-1), 'COMMIT', d);
    t.is(driver.executed.length, 2 + 3, d);
  }
  const mysql = fakeDriver('mysql');
  await new SchemaGenerator(meta, new Map([['default', mysql]])).create();
  t.false(mysql.executed.includes('BEGIN'));
  t.is(mysql.executed.length, 2);
});

test('drop() on mysql pins the session setting to one connection and resets it even when a drop fails', async (t) => {
  const driver = fakeDriver('mysql');
  const execute = driver.execute.bind(driver);
  driver.execute = async (stmt) => {
    if (stmt.sql.startsWith('drop table if exists `posts`')) throw new Error('boom');
    return execute(stmt);
  };
  await t.throwsAsync(() => new SchemaGenerator(blog, new Map([['default', driver]])).drop(), { message: 'boom' });
  t.deepEqual(driver.executed, ['BEGIN', 'set foreign_key_checks = 0', 'drop table if exists `post_tag`', 'drop table if exists `tags`', 'set foreign_key_checks = 1']);
});
