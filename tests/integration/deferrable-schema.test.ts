// Deferrable FKs (`deferrable: true`) through the schema tooling: introspection reads them (pg
// catalog, SQLite CREATE TABLE text), the generator writes them back, and the schema diff treats a
// change of deferrability as an FK change. MySQL has no deferrable constraints: there the flag changes nothing.
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Entity, Joinery, ManyToOne, PrimaryKey, Property, type JoineryOptions, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

// What the generator writes for the legacy tables below (asserted line by line in the first test).
@Entity({ tableName: 'staff' })
class Staff {
  @PrimaryKey({ type: 'integer', autoincrement: false }) id!: number;
  @Property({ type: 'string', length: 50 }) name!: string;
}

@Entity({ tableName: 'stores' })
class Store {
  @PrimaryKey({ type: 'integer', autoincrement: false }) id!: number;
  @ManyToOne(() => Staff, { deferrable: true }) manager!: Rel<Staff>;
}

// The same table with a constraint checked at once.
@Entity({ tableName: 'stores' })
class ImmediateStore {
  @PrimaryKey({ type: 'integer', autoincrement: false }) id!: number;
  @ManyToOne(() => Staff) manager!: Rel<Staff>;
}

@Entity({ tableName: 'tokens' })
class PgToken {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()', generated: 'insert' }) id!: string;
  @Property({ type: 'string', length: 50 }) label!: string;
}

@Entity({ tableName: 'tokens' })
class SqliteToken {
  @PrimaryKey({ type: 'text', defaultRaw: 'lower(hex(randomblob(16)))', generated: 'insert' }) id!: string;
  @Property({ type: 'string', length: 50 }) label!: string;
}

type Dialect = 'sqlite' | 'pg';

const LEGACY: Record<Dialect, string[]> = {
  sqlite: [
    'create table staff (id integer primary key, name varchar(50) not null)',
    'create table stores (id integer primary key, manager_id integer not null, ' +
      'constraint stores_manager foreign key (manager_id) references staff (id) on update cascade deferrable initially deferred)',
    'create index stores_manager_id_index on stores (manager_id)',
    'create table tokens (id text not null primary key default (lower(hex(randomblob(16)))), label varchar(50) not null)',
  ],
  pg: [
    'create table staff (id integer primary key, name varchar(50) not null)',
    'create table stores (id integer primary key, manager_id integer not null, ' +
      'constraint stores_manager foreign key (manager_id) references staff (id) on update cascade deferrable initially deferred)',
    'create index stores_manager_id_index on stores (manager_id)',
    'create table tokens (id uuid primary key default gen_random_uuid(), label varchar(50) not null)',
  ],
};

/** Every ORM of a test shares one database: SQLite needs a file for that. */
function config(t: { teardown(fn: () => void): void }, db: TestDb): JoineryOptions {
  const root = mkdtempSync(join(tmpdir(), 'joinery-deferrable-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const base = db.dialect === 'sqlite' ? { ...db.config, connection: { filename: join(root, 'db.sqlite') } } : db.config;
  return { ...base, migrations: { path: join(root, 'migrations') } };
}

async function open(t: { teardown(fn: () => Promise<void>): void }, c: JoineryOptions, entities: Function[]): Promise<Joinery> {
  const orm = await Joinery.init({ ...c, entities });
  t.teardown(() => orm.close());
  return orm;
}

async function storesSource(orm: Joinery): Promise<string> {
  return (await orm.schema.generateEntities()).files.find((f) => f.fileName === 'store.ts')!.source;
}

const ONLY: { dialects: Dialect[] } = { dialects: ['sqlite', 'pg'] };
const MANAGER_LINE = '@ManyToOne(() => Staff, { deferrable: true }) manager!: Rel<Staff>;';

forEachDialect(
  test,
  'a legacy deferrable FK and a database-filled uuid key: generated as deferrable and generated: insert, then no difference',
  async (t, db) => {
    const c = config(t, db);
    const plain = await open(t, c, []);
    for (const sql of LEGACY[db.dialect as Dialect]) await plain.getDriver().execute({ sql, params: [] });
    const generated = await plain.schema.generateEntities();
    const source = (file: string) => generated.files.find((f) => f.fileName === file)!.source;
    t.true(source('store.ts').includes(MANAGER_LINE), source('store.ts'));
    t.true(source('store.ts').includes("@PrimaryKey({ type: 'integer', autoincrement: false }) id!: number;"));
    const tokenKey =
      db.dialect === 'pg'
        ? "@PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()', generated: 'insert' }) id!: string;"
        : "@PrimaryKey({ type: 'text', defaultRaw: 'lower(hex(randomblob(16)))', generated: 'insert' }) id!: string;";
    t.true(source('token.ts').includes(tokenKey), source('token.ts'));

    const orm = await open(t, c, [Staff, Store, db.dialect === 'pg' ? PgToken : SqliteToken]);
    t.deepEqual(await orm.migrator.check(), { upToDate: true, pending: [], schema: [] });
  },
  ONLY,
);

forEachDialect(
  test,
  'schema.create with deferrable: true diffs clean; flipping deferrable either way is an update that then diffs clean',
  async (t, db) => {
    const c = config(t, db);
    const deferred = await open(t, c, [Staff, Store]);
    await deferred.schema.create();
    t.deepEqual(await deferred.migrator.check(), { upToDate: true, pending: [], schema: [] }, 'right after create');
    t.true((await storesSource(deferred)).includes(MANAGER_LINE), 'introspection reads the constraint schema.create wrote');

    const immediate = await open(t, c, [Staff, ImmediateStore]);
    const toImmediate = (await immediate.migrator.check()).schema.flatMap((s) => s.statements);
    if (db.dialect === 'pg') {
      t.deepEqual(toImmediate, [
        'alter table "stores" drop constraint "stores_manager_id_foreign"',
        'alter table "stores" add constraint "stores_manager_id_foreign" foreign key ("manager_id") references "staff" ("id") on delete no action on update cascade',
      ]);
    } else {
      t.true(toImmediate.some((s) => /^create table .*references .staff. \(.id.\) on delete no action on update cascade\)$/.test(s)), toImmediate.join('\n'));
    }
    // migration:create writes the change, and a down() that makes the constraint deferrable again.
    const [migration, ...more] = await immediate.migrator.create({ name: 'immediate manager' });
    t.deepEqual(more, []);
    t.regex(readFileSync(migration!.file, 'utf8'), /export async function down[\s\S]*on update cascade deferrable initially deferred/);
    t.is((await immediate.migrator.up()).length, 1);
    t.deepEqual(await immediate.migrator.check(), { upToDate: true, pending: [], schema: [] }, 'after the migration to immediate');
    t.false((await storesSource(immediate)).includes('deferrable'));

    // And back: the update restores the deferrable constraint.
    const toDeferred = (await deferred.migrator.check()).schema.flatMap((s) => s.statements);
    t.true(toDeferred.some((s) => s.endsWith('on update cascade deferrable initially deferred') || s.endsWith('deferrable initially deferred)')), toDeferred.join('\n'));
    await deferred.schema.update();
    t.deepEqual(await deferred.migrator.check(), { upToDate: true, pending: [], schema: [] }, 'after the update back to deferred');
    t.true((await storesSource(deferred)).includes(MANAGER_LINE));
  },
  ONLY,
);

forEachDialect(
  test,
  'MySQL has no deferrable constraints: deferrable: true creates a plain FK, diffs clean, and is not generated back',
  async (t, db) => {
    const c = config(t, db);
    const orm = await open(t, c, [Staff, Store]);
    await orm.schema.create();
    t.deepEqual(await orm.migrator.check(), { upToDate: true, pending: [], schema: [] });
    const immediate = await open(t, c, [Staff, ImmediateStore]);
    t.deepEqual(await immediate.migrator.check(), { upToDate: true, pending: [], schema: [] }, 'nor does dropping the flag change anything');
    t.false((await storesSource(orm)).includes('deferrable'));
  },
  { dialects: ['mysql'] },
);
