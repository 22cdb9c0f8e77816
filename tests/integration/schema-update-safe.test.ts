// orm.schema.update() keeps data: a column no property maps is kept (and reported) unless
// { safe: false }; `renamedFrom` renames a column or a table with its rows; a new NOT NULL column
// takes its default on a table with rows, and without one fails before any DDL.
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Entity, Joinery, ManyToOne, PrimaryKey, Property, UsageError, type JoineryOptions, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

// ---- version 1 ----
@Entity({ tableName: 'members' })
class MemberV1 {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'string', nullable: true }) colour?: string;
  @Property({ type: 'string', nullable: true }) bio?: string;
}

@Entity({ tableName: 'notes' })
class NoteV1 {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) text!: string;
  @ManyToOne(() => MemberV1) member!: Rel<MemberV1>;
}

// ---- version 2: members renamed to users, colour to color, bio no longer mapped ----
@Entity({ tableName: 'users', renamedFrom: 'members' })
class UserV2 {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'string', nullable: true, renamedFrom: 'colour' }) color?: string;
}

@Entity({ tableName: 'notes' })
class NoteV2 {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) text!: string;
  @ManyToOne(() => UserV2, { joinColumn: 'member_id' }) member!: Rel<UserV2>;
}

// ---- new NOT NULL columns on notes ----
@Entity({ tableName: 'notes' })
class NoteWithDefault {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) text!: string;
  @Property({ type: 'integer' }) memberId!: number;
  @Property({ type: 'string', default: 'draft' }) status!: string;
}

@Entity({ tableName: 'notes' })
class NoteWithRequired {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) text!: string;
  @Property({ type: 'integer' }) memberId!: number;
  @Property({ type: 'string' }) slug!: string;
}

/** Every ORM of a test must see the same database: SQLite gets a file instead of `:memory:`. */
function configFor(t: { teardown(fn: () => void): void }, db: TestDb): JoineryOptions {
  if (db.dialect !== 'sqlite') return db.config;
  const dir = mkdtempSync(join(tmpdir(), 'joinery-safe-update-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return { ...db.config, connection: { filename: join(dir, 'db.sqlite') } };
}

async function open(t: { teardown(fn: () => Promise<void>): void }, config: JoineryOptions, entities: Function[], log?: string[]): Promise<Joinery> {
  const orm = await Joinery.init({ ...config, entities, logger: log ? (e) => log.push(e.sql) : undefined });
  t.teardown(() => orm.close());
  return orm;
}

async function rows(orm: Joinery, sql: string): Promise<Record<string, unknown>[]> {
  return (await orm.getDriver().execute({ sql, params: [] })).rows;
}

async function columns(orm: Joinery, dialect: string, table: string): Promise<string[]> {
  const sql =
    dialect === 'sqlite'
      ? `select name from pragma_table_info('${table}') order by cid`
      : dialect === 'pg'
        ? `select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = '${table}' order by ordinal_position`
        : `select column_name as name from information_schema.columns where table_schema = database() and table_name = '${table}' order by ordinal_position`;
  return (await rows(orm, sql)).map((r) => String(r.name ?? r.NAME ?? r.COLUMN_NAME));
}

forEachDialect(test, 'safe by default: an unmapped column is kept with its data and reported; safe: false drops it', async (t, db) => {
  const config = configFor(t, db);
  const v1 = await open(t, config, [MemberV1, NoteV1]);
  await v1.schema.create();
  await rows(v1, "insert into members (name, colour, bio) values ('Ann', 'red', 'likes SQL')");

  const v2 = await open(t, config, [UserV2, NoteV2]);
  const plan = await v2.schema.update({ dryRun: true });
  t.deepEqual(await columns(v2, db.dialect, 'members'), ['id', 'name', 'colour', 'bio'], 'a dry run changes nothing');
  const result = await v2.schema.update();
  t.deepEqual(result.statements, plan.statements);
  t.deepEqual(
    result.skipped.map((s) => [s.kind, s.connection, s.table, s.column]),
    [['drop-column', 'default', 'users', 'bio']],
  );
  t.regex(result.skipped[0]!.message, /kept column users\.bio: no property maps it \(drop it with/);
  t.notRegex(result.sql, /drop column/i);
  t.deepEqual(await columns(v2, db.dialect, 'users'), ['id', 'name', 'color', 'bio']);
  t.deepEqual(await rows(v2, 'select name, color, bio from users'), [{ name: 'Ann', color: 'red', bio: 'likes SQL' }]);
  // Idempotent: nothing left to run, and still saying what it keeps.
  const again = await v2.schema.update();
  t.is(again.sql, '');
  t.is(again.skipped.length, 1);

  const unsafe = await v2.schema.update({ safe: false });
  t.regex(unsafe.sql, /drop column ["`]bio["`]|create table `users__joinery_new`/);
  t.deepEqual(unsafe.skipped, []);
  t.deepEqual(await columns(v2, db.dialect, 'users'), ['id', 'name', 'color']);
  t.deepEqual(await rows(v2, 'select name, color from users'), [{ name: 'Ann', color: 'red' }]);
});

forEachDialect(test, 'renamedFrom renames a table and a column with their rows; FKs pointing at the table keep working', async (t, db) => {
  const config = configFor(t, db);
  const v1 = await open(t, config, [MemberV1, NoteV1]);
  await v1.schema.create();
  await rows(v1, "insert into members (id, name, colour) values (1, 'Ann', 'red'), (2, 'Bob', 'blue')");
  await rows(v1, "insert into notes (text, member_id) values ('hi', 2)");

  const log: string[] = [];
  const v2 = await open(t, config, [UserV2, NoteV2], log);
  const { sql } = await v2.schema.update();
  t.regex(sql, /alter table ["`]members["`] rename to ["`]users["`]/);
  t.regex(sql, /alter table ["`]users["`] rename column ["`]colour["`] to ["`]color["`]/);
  t.notRegex(sql, /create table ["`]users["`]|add column ["`]color["`]/);
  t.true(log.some((s) => /rename to/.test(s)), 'the statements went through the driver');

  const em = v2.em.fork();
  const users = await em.find(UserV2, {}, { orderBy: { id: 'asc' } });
  t.deepEqual(users.map((u) => [u.id, u.name, u.color]), [[1, 'Ann', 'red'], [2, 'Bob', 'blue']]);
  const note = await em.findOneOrFail(NoteV2, { text: 'hi' }, { populate: ['member'] });
  t.is(note.member.name, 'Bob');
  await t.throwsAsync(() => rows(v2, "insert into notes (text, member_id) values ('x', 99)"), { code: 'FOREIGN_KEY_VIOLATION' });
  t.is(await v2.schema.getUpdateSQL(), '', 'the renames are done: nothing more to run');
});

forEachDialect(test, 'a new NOT NULL column takes its default on a table with rows', async (t, db) => {
  const config = configFor(t, db);
  const v1 = await open(t, config, [MemberV1, NoteV1]);
  await v1.schema.create();
  await rows(v1, "insert into members (id, name) values (1, 'Ann')");
  await rows(v1, "insert into notes (text, member_id) values ('a', 1), ('b', 1)");

  const next = await open(t, config, [NoteWithDefault]);
  await next.schema.update();
  t.deepEqual(await rows(next, 'select text, status from notes order by text'), [{ text: 'a', status: 'draft' }, { text: 'b', status: 'draft' }]);
});

forEachDialect(test, 'a new NOT NULL column without a default on a table with rows fails before any DDL, naming Entity.property', async (t, db) => {
  const config = configFor(t, db);
  const v1 = await open(t, config, [MemberV1, NoteV1]);
  await v1.schema.create();
  await rows(v1, "insert into members (id, name) values (1, 'Ann')");
  await rows(v1, "insert into notes (text, member_id) values ('a', 1)");

  const log: string[] = [];
  const next = await open(t, config, [NoteWithRequired, UserV2], log);
  const err = await t.throwsAsync(() => next.schema.update(), { instanceOf: UsageError });
  t.is(err!.code, 'SCHEMA_NOT_NULL_WITHOUT_DEFAULT');
  t.regex(err!.message, /NoteWithRequired\.slug \(column notes\.slug\)/);
  t.regex(err!.message, /default.*nullable: true/);
  t.deepEqual(log.filter((s) => /^\s*(alter|create|drop|rename)\b/i.test(s)), [], 'no DDL was sent, not even the rename of members');
  t.deepEqual(await columns(next, db.dialect, 'notes'), ['id', 'text', 'member_id']);
  t.deepEqual(await columns(next, db.dialect, 'members'), ['id', 'name', 'colour', 'bio']);
  await t.throwsAsync(() => next.schema.getUpdateSQL(), { instanceOf: UsageError }, 'the dry run says so too');

  // On an empty table the same column is fine.
  await rows(next, 'delete from notes');
  await next.schema.update();
  t.deepEqual(await columns(next, db.dialect, 'notes'), ['id', 'text', 'member_id', 'slug']);
});
