// orm.migrator in-process: migrations written from the diff (up and a real down) and run through
// knex's migrator, one transaction each where the dialect has transactional DDL, with the executed
// list in a table and knex's lock keeping two runners from running one migration twice.
import test from 'ava';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Entity, Joinery, ManyToOne, MigrationError, PrimaryKey, Property, type JoineryOptions, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

// ---- version 1 ----
@Entity({ tableName: 'members' })
class MemberV1 {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'string', nullable: true }) colour?: string;
}

// ---- version 2: colour renamed to color, a status with a default, a new table with an FK ----
@Entity({ tableName: 'members' })
class MemberV2 {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'string', nullable: true, renamedFrom: 'colour' }) color?: string;
  @Property({ type: 'string', default: 'active' }) status!: string;
}

@Entity({ tableName: 'notes' })
class NoteV2 {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) text!: string;
  @ManyToOne(() => MemberV2) member!: Rel<MemberV2>;
}

interface Setup {
  config: JoineryOptions;
  dir: string;
}

/** A migrations folder of the test's own, and (SQLite) a database file every ORM of the test shares. */
function setup(t: { teardown(fn: () => void): void }, db: TestDb): Setup {
  const root = mkdtempSync(join(tmpdir(), 'joinery-migrations-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'migrations');
  const base = db.dialect === 'sqlite' ? { ...db.config, connection: { filename: join(root, 'db.sqlite') } } : db.config;
  return { config: { ...base, migrations: { path: dir } }, dir };
}

async function open(t: { teardown(fn: () => Promise<void>): void }, s: Setup, entities: Function[], log?: string[]): Promise<Joinery> {
  const orm = await Joinery.init({ ...s.config, entities, logger: log ? (e) => log.push(e.sql) : undefined });
  t.teardown(() => orm.close());
  return orm;
}

async function rows(orm: Joinery, sql: string): Promise<Record<string, unknown>[]> {
  return (await orm.getDriver().execute({ sql, params: [] })).rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

async function tables(orm: Joinery, dialect: string): Promise<string[]> {
  const sql =
    dialect === 'sqlite'
      ? "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
      : `select table_name as name from information_schema.tables where table_schema = ${dialect === 'pg' ? 'current_schema()' : 'database()'}`;
  return (await rows(orm, sql)).map((r) => String(r.name ?? r.NAME ?? r.TABLE_NAME)).sort();
}

const names = (runs: readonly { name: string }[]) => runs.map((r) => r.name);

forEachDialect(test, 'migration cycle: create → edit entities → create → up → down → up; the rename keeps data', async (t, db) => {
  const s = setup(t, db);
  const v1 = await open(t, s, [MemberV1]);
  const [init, ...more] = await v1.migrator.create({ name: 'init' });
  t.deepEqual(more, []);
  t.regex(init!.name, /^\d{14}_init$/);
  t.is(init!.file, join(s.dir, `${init!.name}.ts`));
  t.deepEqual(names(await v1.migrator.pending()), [init!.name]);
  t.false((await v1.migrator.check()).upToDate);

  t.deepEqual(names(await v1.migrator.up()), [init!.name]);
  t.deepEqual(await v1.migrator.create(), [], 'the database matches v1: nothing to write');
  t.deepEqual(readdirSync(s.dir), [`${init!.name}.ts`]);
  t.deepEqual(await v1.migrator.check(), { upToDate: true, pending: [], schema: [] });
  await rows(v1, "insert into members (id, name, colour) values (1, 'Ann', 'red')");

  const v2 = await open(t, s, [MemberV2, NoteV2]);
  const check = await v2.migrator.check();
  t.false(check.upToDate, 'the entities changed: migration:check fails');
  t.deepEqual(check.pending, []);
  const [second] = await v2.migrator.create({ name: 'rename colour' });
  t.regex(second!.name, /^\d{14}_rename_colour$/);
  t.true(second!.name > init!.name);
  const text = readFileSync(second!.file, 'utf8');
  t.regex(text, /export async function up\(ctx: MigrationContext\)[\s\S]*rename column .colour. to .color.[\s\S]*export async function down[\s\S]*rename column .color. to .colour./);
  t.regex(text, /tables created by up\(\), with their rows, are dropped: notes/);

  t.deepEqual(names(await v2.migrator.up()), [second!.name]);
  t.deepEqual(await rows(v2, 'select id, name, color, status from members'), [{ id: 1, name: 'Ann', color: 'red', status: 'active' }]);
  t.true((await v2.migrator.check()).upToDate, 'v2 entities and database agree');
  t.deepEqual(
    (await v2.migrator.list()).map((m) => [m.name, m.executed, m.executedAt instanceof Date]),
    [
      [init!.name, true, true],
      [second!.name, true, true],
    ],
  );

  t.deepEqual(names(await v2.migrator.down()), [second!.name], 'one step by default');
  t.deepEqual(await rows(v2, 'select id, name, colour from members'), [{ id: 1, name: 'Ann', colour: 'red' }]);
  t.false((await tables(v2, db.dialect)).includes('notes'));
  t.deepEqual((await v1.schema.update({ dryRun: true })).statements, [], 'down restored v1 exactly');
  t.deepEqual(names(await v2.migrator.pending()), [second!.name]);

  t.deepEqual(names(await v2.migrator.up()), [second!.name]);
  t.deepEqual(await rows(v2, 'select name, color from members'), [{ name: 'Ann', color: 'red' }]);
  t.deepEqual(names(await v2.migrator.down({ to: init!.name })), [second!.name]);
  t.deepEqual(names(await v2.migrator.down({ step: 5 })), [init!.name], 'step beyond the executed ones reverts them all');
  t.deepEqual(await tables(v2, db.dialect), ['joinery_migrations', 'joinery_migrations_lock']);
  t.deepEqual(names(await v2.migrator.up({ to: init!.name })), [init!.name]);
  t.deepEqual(names(await v2.migrator.pending()), [second!.name]);
});

forEachDialect(test, 'a failing migration: rolled back on pg and SQLite, left half-done on MySQL; the executed table stays true', async (t, db) => {
  const s = setup(t, db);
  const log: string[] = [];
  const orm = await open(t, s, [], log);
  const [good] = await orm.migrator.create({ name: 'good', blank: true, format: 'js' });
  writeFileSync(good!.file, "export async function up(ctx) { await ctx.sql('create table kept (id int)'); }\nexport async function down(ctx) { await ctx.sql('drop table kept'); }\n");
  const [bad] = await orm.migrator.create({ name: 'bad', blank: true });
  writeFileSync(
    bad!.file,
    "import type { MigrationContext } from 'joinery';\n" +
      'export async function up(ctx: MigrationContext): Promise<void> {\n' +
      "  await ctx.sql('create table half (id int)');\n" +
      "  await ctx.sql('insert into half (id) values (?)', [1]);\n" +
      "  await ctx.sql('insert into no_such_table (id) values (1)');\n" +
      '}\nexport async function down(): Promise<void> {}\n',
  );

  const error = await t.throwsAsync(orm.migrator.up(), { instanceOf: MigrationError });
  t.is(error!.code, 'MIGRATION_FAILED');
  t.is(error!.migration, bad!.name);
  t.is(error!.connection, 'default');
  t.regex(error!.message, new RegExp(`^Migration ${bad!.name} \\(up, connection 'default'\\) failed at \`insert into no_such_table \\(id\\) values \\(1\\)\`: `));
  const transactional = db.dialect !== 'mysql';
  t.regex(error!.message, transactional ? /Its transaction was rolled back: the database is as it was before it\.$/ : /MySQL commits each DDL statement by itself/);

  const present = await tables(orm, db.dialect);
  t.true(present.includes('kept'), 'the migration before it committed on its own');
  t.is(present.includes('half'), !transactional, transactional ? 'rolled back' : 'MySQL: DDL is not transactional');
  t.deepEqual(
    (await orm.migrator.list()).map((m) => [m.name, m.executed]),
    [
      [good!.name, true],
      [bad!.name, false],
    ],
    'the executed table is true on every dialect',
  );
  t.deepEqual(await rows(orm, 'select is_locked from joinery_migrations_lock'), [{ is_locked: 0 }], 'the lock is released');

  // Fixed, it runs (on MySQL it must cope with what the failed attempt left).
  writeFileSync(bad!.file, "export async function up(ctx: any) { await ctx.sql('create table if not exists half (id int)'); }\nexport async function down() {}\n");
  const fixed = await Joinery.init({ ...s.config, entities: [] });
  t.teardown(() => fixed.close());
  t.deepEqual(names(await fixed.migrator.up()), [bad!.name]);
});

forEachDialect(test, 'two runners started together (two Joinery instances) run each migration once', async (t, db) => {
  const s = setup(t, db);
  const a = await open(t, s, []);
  const b = await open(t, s, []);
  if (db.dialect === 'sqlite') {
    // Both connections live in this one thread: a writer waiting on SQLite's busy timeout blocks the
    // other's progress, so give up at once and let the migrator's lock retry do the waiting.
    for (const orm of [a, b]) await rows(orm, 'pragma busy_timeout = 0');
  }
  const files = [];
  for (const name of ['one', 'two', 'three']) {
    const [f] = await a.migrator.create({ name, blank: true, format: 'js' });
    files.push(f!);
  }
  const body = (step: string) =>
    'export async function up(ctx) {\n' +
    (step === 'one' ? "  await ctx.sql('create table runs (step varchar(10))');\n" : '') +
    '  await new Promise((done) => setTimeout(done, 50));\n' +
    `  await ctx.sql('insert into runs (step) values (?)', ['${step}']);\n` +
    '}\nexport async function down() {}\n';
  files.forEach((f, i) => writeFileSync(f.file, body(['one', 'two', 'three'][i]!)));

  const [ranA, ranB] = await Promise.all([a.migrator.up(), b.migrator.up()]);
  t.deepEqual([...names(ranA!), ...names(ranB!)].sort(), files.map((f) => f.name).sort(), 'each migration ran in exactly one of them');
  t.deepEqual((await rows(a, 'select step from runs order by step')).map((r) => r.step), ['one', 'three', 'two']);
  t.deepEqual((await rows(a, 'select name from joinery_migrations order by id')).map((r) => r.name), files.map((f) => f.name));
});

forEachDialect(test, 'errors: unknown target, a recorded migration whose file is gone, a file without up/down, pending migrations block create', async (t, db) => {
  const s = setup(t, db);
  const orm = await open(t, s, [MemberV1]);
  const [init] = await orm.migrator.create({ name: 'init' });
  t.is((await t.throwsAsync(orm.migrator.create(), { instanceOf: MigrationError }))!.code, 'MIGRATIONS_PENDING');
  t.is((await t.throwsAsync(orm.migrator.up({ to: 'nope' }), { instanceOf: MigrationError }))!.code, 'MIGRATION_NOT_FOUND');
  t.is((await t.throwsAsync(orm.migrator.down({ to: init!.name }), { instanceOf: MigrationError }))!.code, 'MIGRATION_NOT_FOUND', 'not run yet');
  await t.throwsAsync(orm.migrator.down({ step: 0 }), { code: 'BAD_OPTION' });
  t.deepEqual(await orm.migrator.down(), [], 'nothing executed: nothing to revert');

  const [invalid] = await orm.migrator.create({ name: 'invalid', blank: true, format: 'js' });
  writeFileSync(invalid!.file, 'export const up = 1;\n');
  const bad = await t.throwsAsync(orm.migrator.up(), { instanceOf: MigrationError });
  t.is(bad!.code, 'MIGRATION_INVALID');
  t.regex(bad!.message, /must export functions `up` and `down`.*it exports up\./);
  t.deepEqual(names(await orm.migrator.pending()), [invalid!.name], 'the migration before it ran, each in its own transaction');

  rmSync(invalid!.file);
  t.deepEqual(await orm.migrator.up(), []);
  rmSync(init!.file);
  const [recorded, ...none] = await orm.migrator.list();
  t.deepEqual(none, []);
  t.like(recorded, { connection: 'default', name: init!.name, executed: true, file: undefined });
  const missing = await t.throwsAsync(orm.migrator.up(), { instanceOf: MigrationError });
  t.is(missing!.code, 'MIGRATION_FILES_MISSING');
  t.regex(missing!.message, new RegExp(`${init!.name}\\. Restore the files`));
});

forEachDialect(test, 'a lock another process left: up waits lockTimeout, fails with MIGRATION_LOCKED and the fix; unlock() releases it', async (t, db) => {
  const s = setup(t, db);
  s.config = { ...s.config, migrations: { ...s.config.migrations, lockTimeout: 200 } };
  const orm = await open(t, s, []);
  const [only] = await orm.migrator.create({ name: 'only', blank: true });
  t.deepEqual(names(await orm.migrator.up()), [only!.name]);
  await orm.migrator.down();
  await rows(orm, 'update joinery_migrations_lock set is_locked = 1');
  const started = Date.now();
  const locked = await t.throwsAsync(orm.migrator.up(), { instanceOf: MigrationError });
  t.is(locked!.code, 'MIGRATION_LOCKED');
  t.true(Date.now() - started >= 200, 'it waited');
  t.regex(locked!.message, /held the migration lock \(joinery_migrations_lock\) for over 200 ms.*joinery migration:unlock, orm\.migrator\.unlock\(\)/);
  t.deepEqual(names(await orm.migrator.pending()), [only!.name]);
  await orm.migrator.unlock();
  t.deepEqual(names(await orm.migrator.up()), [only!.name]);
});

forEachDialect(
  test,
  'SQLite: a migration leaving a dangling foreign key fails before COMMIT and is rolled back',
  async (t, db) => {
    const s = setup(t, db);
    const orm = await open(t, s, []);
    const [m] = await orm.migrator.create({ name: 'dangling', blank: true, format: 'js' });
    writeFileSync(
      m!.file,
      'export async function up(ctx) {\n' +
        "  await ctx.sql('create table parents (id integer primary key)');\n" +
        "  await ctx.sql('create table children (id integer primary key, parent_id integer references parents (id))');\n" +
        "  await ctx.sql('insert into children (id, parent_id) values (1, 42)');\n" +
        '}\nexport async function down() {}\n',
    );
    const error = await t.throwsAsync(orm.migrator.up(), { instanceOf: MigrationError });
    t.is(error!.code, 'MIGRATION_FAILED');
    t.is((error!.cause as { code?: string }).code, 'FOREIGN_KEY_VIOLATION');
    t.regex(error!.message, /left 1 row\(s\) have a foreign key that points nowhere \(first: children rowid 1 -> parents\)\. Its transaction was rolled back/);
    t.deepEqual(await tables(orm, db.dialect), ['joinery_migrations', 'joinery_migrations_lock']);
    t.deepEqual(await rows(orm, 'pragma foreign_keys'), [{ foreign_keys: 1 }], 'enforcement is back on');
  },
  { dialects: ['sqlite'] },
);

forEachDialect(
  test,
  'configuration mistakes: unknown connection, bad lockTimeout, two files of one name, down() across connections, nothing sent',
  async (t, db) => {
    const s = setup(t, db);
    await t.throwsAsync(Joinery.init({ ...s.config, entities: [], migrations: { connections: { nope: {} } } }), {
      code: 'BAD_OPTION',
      message: 'Joinery.init: migrations.connections.nope names no configured connection (known: default).',
    });
    await t.throwsAsync(Joinery.init({ ...s.config, entities: [], migrations: { lockTimeout: -1 } }), { code: 'BAD_OPTION', message: /lockTimeout must be a number of milliseconds/ });
    await t.throwsAsync(Joinery.init({ ...s.config, entities: [], migrations: { path: '' } }), { code: 'BAD_OPTION', message: /migrations\.path must be a non-empty string/ });

    const log: string[] = [];
    const orm = await open(t, s, [], log);
    const [m] = await orm.migrator.create({ name: 'twice', blank: true });
    writeFileSync(m!.file.replace(/\.ts$/, '.mjs'), 'export async function up() {}\nexport async function down() {}\n');
    const conflict = await t.throwsAsync(orm.migrator.up(), { instanceOf: MigrationError });
    t.is(conflict!.code, 'MIGRATION_NAME_CONFLICT');
    t.regex(conflict!.message, new RegExp(`${m!.name}\\.mjs and ${m!.name}\\.ts are both migration ${m!.name}`));
    await t.throwsAsync(orm.migrator.up({ connection: 'nope' }), { code: 'UNKNOWN_CONNECTION' });
    await t.throwsAsync(orm.migrator.down({ step: 1.5 }), { code: 'BAD_OPTION' });
    await t.throwsAsync(orm.migrator.create({ format: 'coffee' as 'js' }), { code: 'BAD_OPTION' });
    t.deepEqual(log, [], 'each mistake is found before any statement is sent');

    const root = join(s.dir, '..');
    const two = await Joinery.init({
      entities: [],
      connections: { default: { client: 'sqlite', connection: { filename: join(root, 'a.db') } }, archive: { client: 'sqlite', connection: { filename: join(root, 'b.db') } } },
      migrations: { path: join(root, 'two') },
    });
    t.teardown(() => two.close());
    const [archived] = await two.migrator.create({ connection: 'archive', blank: true });
    t.is(archived!.file, join(root, 'two', 'archive', `${archived!.name}.ts`), 'other connections use a subfolder');
    t.deepEqual(names(await two.migrator.up()), [archived!.name]);
    const required = await t.throwsAsync(two.migrator.down(), { instanceOf: MigrationError });
    t.is(required!.code, 'MIGRATION_CONNECTION_REQUIRED');
    t.deepEqual(names(await two.migrator.down({ connection: 'archive' })), [archived!.name]);
  },
  { dialects: ['sqlite'] },
);
