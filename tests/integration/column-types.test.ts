// The column types real schemas use (arrays, binary, native enums, time, char(n), smallint, double,
// uuid, interval, timestamptz, user-defined Types), on every dialect that has them: round trips
// through schema.create and through tables created by hand as a legacy database has them, change
// detection by value, criteria, and the errors where a database lacks a type.
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArrayType,
  CharType,
  Entity,
  Joinery,
  MetadataError,
  PrimaryKey,
  Property,
  Type,
  UsageError,
  ValidationError,
  type QueryLogEntry,
  type TypeContext,
} from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

/** A user type: a point stored as 'x,y' text. */
class PointType extends Type<{ x: number; y: number }, string> {
  override convertToDatabaseValue(p: { x: number; y: number }): string {
    return `${p.x},${p.y}`;
  }
  override convertToJSValue(s: string): { x: number; y: number } {
    const [x, y] = s.split(',').map(Number);
    return { x: x!, y: y! };
  }
  override getColumnType(c: TypeContext): string {
    return c.dialect === 'sqlite' ? 'text' : 'varchar(50)';
  }
}

@Entity({ tableName: 'things' })
class Thing {
  @PrimaryKey() id!: number;
  @Property({ type: 'array' }) tags!: string[];
  @Property({ type: new ArrayType('integer') }) scores!: number[];
  @Property({ type: 'blob', nullable: true }) data?: Buffer | null;
  @Property({ type: 'enum', enum: ['draft', 'published', "it's"] }) status!: string;
  @Property({ type: 'time' }) opensAt!: string;
  @Property({ type: 'char', length: 5 }) code!: string;
  @Property({ type: new CharType({ trimEnd: false }), length: 4 }) padded!: string;
  @Property({ type: 'smallint' }) rank!: number;
  @Property({ type: 'double' }) ratio!: number;
  @Property({ type: 'uuid' }) ref!: string;
  @Property({ type: PointType }) at!: { x: number; y: number };
}

function thingValues() {
  return {
    tags: ['a', 'b c', 'd"e'],
    scores: [3, 1, 2],
    data: Buffer.from([0, 1, 2, 255]),
    status: 'draft',
    opensAt: '09:30:00',
    code: 'AB',
    padded: 'xy',
    rank: -32768,
    ratio: 0.1 + 0.2,
    ref: randomUUID(),
    at: { x: 1.5, y: -2 },
  };
}

async function init(t: { teardown(fn: () => unknown): void }, db: TestDb, entities: Function[], log?: QueryLogEntry[], config = db.config) {
  const orm = await Joinery.init({ entities, ...config, ...(log ? { logger: (q: QueryLogEntry) => log.push(q) } : {}) });
  t.teardown(() => orm.close());
  return orm;
}

forEachDialect(test, 'the new types round-trip through schema.create, and a loaded entity has no changes', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const orm = await init(t, db, [Thing], log);
  await orm.schema.create();
  const values = thingValues();
  const em = orm.em.fork();
  const thing = em.create(Thing, values);
  await em.flush();

  const loaded = await orm.em.fork().findOneOrFail(Thing, thing.id);
  t.deepEqual(loaded.tags, values.tags);
  t.deepEqual(loaded.scores, values.scores);
  t.true(Buffer.isBuffer(loaded.data));
  t.deepEqual([...loaded.data!], [0, 1, 2, 255]);
  t.is(loaded.status, 'draft');
  t.is(loaded.opensAt, '09:30:00');
  t.is(loaded.code, 'AB', 'char(5) padding is trimmed on read');
  // PostgreSQL pads char(n) with blanks; MySQL strips them; SQLite stores the text as given.
  t.is(loaded.padded, db.dialect === 'pg' ? 'xy  ' : 'xy');
  t.is(loaded.rank, -32768);
  t.is(loaded.ratio, 0.1 + 0.2);
  t.is(loaded.ref, values.ref);
  t.deepEqual(loaded.at, { x: 1.5, y: -2 });

  // Nothing changed: no UPDATE (Buffers, arrays and user types compare by value).
  const em2 = orm.em.fork();
  const again = await em2.findOneOrFail(Thing, thing.id);
  log.length = 0;
  await em2.flush();
  t.deepEqual(log.filter((q) => /^update/i.test(q.sql)), []);

  // In-place edits are changes.
  again.tags.push('new');
  again.data![0] = 9;
  again.at = { x: 1.5, y: -2 };
  again.status = 'published';
  await em2.flush();
  const updates = log.filter((q) => /^update/i.test(q.sql));
  t.is(updates.length, 1);
  const reread = await orm.em.fork().findOneOrFail(Thing, thing.id);
  t.deepEqual(reread.tags, [...values.tags, 'new']);
  t.deepEqual([...reread.data!], [9, 1, 2, 255]);
  t.is(reread.status, 'published');
});

forEachDialect(test, 'a batched UPDATE of several rows binds each Type value (typed parameters on PostgreSQL)', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const orm = await init(t, db, [Thing], log);
  await orm.schema.create();
  const em = orm.em.fork();
  const things = [em.create(Thing, thingValues()), em.create(Thing, thingValues())];
  await em.flush();
  things[0]!.tags = ['x'];
  things[1]!.tags = ['y', 'z'];
  things[0]!.status = 'published';
  things[1]!.status = "it's";
  things[0]!.at = { x: 9, y: 9 };
  things[1]!.at = { x: 8, y: 8 };
  things[0]!.data = Buffer.from([7]);
  things[1]!.data = null;
  log.length = 0;
  await em.flush();
  t.is(log.filter((q) => /^update/i.test(q.sql)).length, 1, 'one UPDATE for both rows');
  const rows = await orm.em.fork().find(Thing, {}, { orderBy: { id: 'asc' } });
  t.deepEqual(
    rows.map((r) => [r.tags, r.status, r.at, r.data ? [...r.data] : null]),
    [
      [['x'], 'published', { x: 9, y: 9 }, [7]],
      [['y', 'z'], "it's", { x: 8, y: 8 }, null],
    ],
  );
});

forEachDialect(test, 'schema.update finds no difference for freshly created columns of each new type', async (t, db) => {
  const orm = await init(t, db, [Thing]);
  await orm.schema.create();
  t.is((await orm.schema.getUpdateSQL()).trim(), '');
});

forEachDialect(test, 'array criteria: $contains holds every item, $overlap one of them; enum $like', async (t, db) => {
  const orm = await init(t, db, [Thing]);
  await orm.schema.create();
  const em = orm.em.fork();
  const a = em.create(Thing, { ...thingValues(), tags: ['red', 'green'], status: 'draft' });
  const b = em.create(Thing, { ...thingValues(), tags: ['green', 'blue'], status: 'published' });
  em.create(Thing, { ...thingValues(), tags: [], status: "it's" });
  await em.flush();
  const ids = async (where: Record<string, unknown>) => (await orm.em.fork().find(Thing, where as never, { orderBy: { id: 'asc' } })).map((x) => x.id);
  t.deepEqual(await ids({ tags: { $contains: ['green'] } }), [a.id, b.id]);
  t.deepEqual(await ids({ tags: { $contains: ['green', 'red'] } }), [a.id]);
  t.deepEqual(await ids({ tags: { $overlap: ['red', 'blue'] } }), [a.id, b.id]);
  t.deepEqual(await ids({ tags: { $overlap: ['yellow'] } }), []);
  t.deepEqual(await ids({ scores: { $contains: [3, 2] } }), [a.id, b.id, a.id + 2]);
  t.deepEqual(await ids({ status: { $like: 'pub%' } }), [b.id]);
  t.deepEqual(await ids({ status: { $ilike: 'DRA%' } }), [a.id]);
  t.deepEqual(await ids({ status: { $in: ['draft', "it's"] } }), [a.id, a.id + 2]);
  await t.throwsAsync(orm.em.fork().find(Thing, { status: { $contains: ['x'] } } as never), { instanceOf: UsageError, message: /Thing\.status is not an array column/ });
  await t.throwsAsync(orm.em.fork().find(Thing, { tags: { $contains: 'x' } as never }), { instanceOf: UsageError, message: /takes an array/ });
});

forEachDialect(test, 'values are checked before any SQL: enum values, smallint range, array items, Buffers, times', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const orm = await init(t, db, [Thing], log);
  await orm.schema.create();
  const em = orm.em.fork();
  em.create(Thing, { ...thingValues(), status: 'archived', rank: 40000, tags: [1] as never, data: 'x' as never, opensAt: '9am', code: 'TOOLONG' });
  log.length = 0;
  const err = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(err!.failures.map((f) => f.property).sort(), ['code', 'data', 'opensAt', 'rank', 'status', 'tags']);
  t.regex(err!.message, /Thing\.status must be one of "draft", "published", "it's", got "archived"/);
  t.regex(err!.message, /Thing\.rank is 40000, outside the smallint range/);
  t.deepEqual(log, [], 'no SQL was sent');
});

@Entity({ tableName: 'legacy_rows' })
class LegacyRow {
  @PrimaryKey() id!: number;
  @Property({ type: 'enum', enum: ['happy', 'sad'], nativeEnumName: 'mood' }) mood!: string;
  @Property({ type: 'array', nullable: true }) labels?: string[] | null;
  @Property({ type: 'blob', nullable: true }) payload?: Buffer | null;
  @Property({ type: 'char', length: 3 }) country!: string;
  @Property({ type: 'time', nullable: true }) startsAt?: string | null;
  @Property({ type: 'smallint' }) level!: number;
  @Property({ type: 'double' }) score!: number;
  @Property({ type: 'uuid', nullable: true }) token?: string | null;
  @Property({ type: 'json', nullable: true }) extra?: unknown;
}

const LEGACY_DDL: Record<TestDb['dialect'], string[]> = {
  pg: [
    `create type mood as enum ('happy', 'sad')`,
    `create table legacy_rows (id serial primary key, mood mood not null, labels text[], payload bytea, country char(3) not null,
      starts_at time, level smallint not null, score double precision not null, token uuid default gen_random_uuid(), extra jsonb)`,
    `insert into legacy_rows (mood, labels, payload, country, starts_at, level, score, extra)
      values ('sad', '{"x","y z"}', '\\x00ff', 'DE', '07:15:00', 3, 2.5, '["a"]')`,
  ],
  mysql: [
    `create table legacy_rows (id int auto_increment primary key, mood enum('happy','sad') not null, labels json, payload blob,
      country char(3) not null, starts_at time, level smallint not null, score double not null, token char(36), extra json)`,
    `insert into legacy_rows (mood, labels, payload, country, starts_at, level, score, token, extra)
      values ('sad', '["x","y z"]', x'00ff', 'DE', '07:15:00', 3, 2.5, uuid(), '["a"]')`,
  ],
  sqlite: [
    `create table legacy_rows (id integer primary key autoincrement, mood text not null, labels text, payload blob,
      country char(3) not null, starts_at text, level smallint not null, score real not null, token text, extra text)`,
    `insert into legacy_rows (mood, labels, payload, country, starts_at, level, score, token, extra)
      values ('sad', '["x","y z"]', x'00ff', 'DE', '07:15:00', 3, 2.5, lower(hex(randomblob(4))) || '-0000-4000-8000-000000000000', '["a"]')`,
  ],
};

forEachDialect(test, 'tables created by hand as a legacy database has them read and write through the new types', async (t, db) => {
  const orm = await init(t, db, [LegacyRow]);
  for (const sql of LEGACY_DDL[db.dialect]) await orm.em.fork().execute(sql);
  const em = orm.em.fork();
  const row = await em.findOneOrFail(LegacyRow, { mood: 'sad' });
  t.is(row.mood, 'sad');
  t.deepEqual(row.labels, ['x', 'y z']);
  t.deepEqual([...row.payload!], [0, 255]);
  t.is(row.country, 'DE');
  t.is(row.startsAt, '07:15:00');
  t.is(row.level, 3);
  t.is(row.score, 2.5);
  t.regex(row.token!, /^[0-9a-f]{8}-[0-9a-f]{4}-/, 'a uuid generated by the database');
  t.deepEqual(row.extra, ['a'], 'a JSON array stays JSON');

  row.labels = ['only'];
  row.mood = 'happy';
  row.extra = ['b', 'c'];
  em.create(LegacyRow, { mood: 'sad', country: 'FR', level: 1, score: 0, labels: null, token: randomUUID(), extra: ['z'] });
  await em.flush();
  const all = await orm.em.fork().find(LegacyRow, {}, { orderBy: { id: 'asc' } });
  t.deepEqual(all.map((r) => [r.mood, r.labels, r.country, r.extra]), [
    ['happy', ['only'], 'DE', ['b', 'c']],
    ['sad', null, 'FR', ['z']],
  ]);
  // A JSON array on a json column is JSON text, not an array literal.
  const [raw] = await orm.em.fork().execute<{ extra: unknown }>(`select extra from legacy_rows where country = 'FR'`);
  t.deepEqual(typeof raw!.extra === 'string' ? JSON.parse(raw!.extra) : raw!.extra, ['z']);
  t.deepEqual(await orm.em.fork().count(LegacyRow, { labels: { $contains: ['only'] } }), 1);
});

forEachDialect(
  test,
  'an enum type name of a legacy PostgreSQL database is created, updated and dropped by the schema',
  async (t, db) => {
    const orm = await init(t, db, [LegacyRow]);
    const sql = orm.schema.getCreateSQL();
    t.regex(sql, /create type "mood" as enum \('happy', 'sad'\)/);
    t.regex(sql, /"mood" mood not null/);
    await orm.schema.create();
    t.is((await orm.schema.getUpdateSQL()).trim(), '');
    t.regex(orm.schema.getDropSQL(), /drop type if exists "mood"/);
    await orm.schema.drop();
    const [left] = await orm.em.fork().execute<{ n: number }>(`select count(*) as n from pg_type where typname = 'mood'`);
    t.is(left!.n, 0);
  },
  { dialects: ['pg'] },
);

@Entity({ tableName: 'spans' })
class Span {
  @PrimaryKey() id!: number;
  @Property({ type: 'interval' }) length!: string;
  @Property({ type: 'timestamptz' }) at!: Date;
}

forEachDialect(
  test,
  'interval reads as PostgreSQL text, timestamptz as a Date',
  async (t, db) => {
    const orm = await init(t, db, [Span]);
    await orm.schema.create();
    t.is((await orm.schema.getUpdateSQL()).trim(), '');
    const em = orm.em.fork();
    const s = em.create(Span, { length: '1 day 02:00:00', at: new Date('2020-01-01T05:03:00.123Z') });
    await em.flush();
    const loaded = await orm.em.fork().findOneOrFail(Span, s.id);
    t.is(loaded.length, '1 day 02:00:00');
    t.is(loaded.at.toISOString(), '2020-01-01T05:03:00.123Z');
  },
  { dialects: ['pg'] },
);

forEachDialect(test, 'a type the database lacks is a MetadataError at init', async (t, db) => {
  @Entity({ tableName: 'spans2' })
  class Span2 {
    @PrimaryKey() id!: number;
    @Property({ type: 'interval' }) length!: string;
  }
  @Entity({ tableName: 'stamps' })
  class Stamp {
    @PrimaryKey() id!: number;
    @Property({ type: 'timestamptz' }) at!: Date;
  }
  if (db.dialect === 'pg') {
    const orm = await init(t, db, [Span2, Stamp]);
    t.truthy(orm);
    return;
  }
  const err = await t.throwsAsync(Joinery.init({ entities: [Span2], ...db.config }), { instanceOf: MetadataError });
  t.is(err!.code, 'UNSUPPORTED_TYPE');
  t.regex(err!.message, new RegExp(`Span2\\.length: ${db.dialect === 'mysql' ? 'MySQL' : 'SQLite'} has no column type for IntervalType`));
  if (db.dialect === 'mysql') {
    const e2 = await t.throwsAsync(Joinery.init({ entities: [Stamp], ...db.config }), { instanceOf: MetadataError });
    t.is(e2!.code, 'UNSUPPORTED_TYPE');
    t.regex(e2!.message, /Stamp\.at: MySQL has no time-zone-aware timestamp type; use type 'datetime'/);
  } else {
    const orm = await init(t, db, [Stamp]);
    t.truthy(orm);
  }
});

test('an enum without its values is a MetadataError naming the property', async (t) => {
  @Entity({ tableName: 'bad_enums' })
  class BadEnum {
    @PrimaryKey() id!: number;
    @Property({ type: 'enum' }) status!: string;
  }
  const err = await t.throwsAsync(Joinery.init({ entities: [BadEnum], client: 'sqlite', connection: { filename: ':memory:' } }), { instanceOf: MetadataError });
  t.is(err!.code, 'BAD_OPTION');
  t.regex(err!.message, /BadEnum\.status has type 'enum' but no list of string values/);
});

test('an unknown type name lists the new names and Type classes', async (t) => {
  @Entity({ tableName: 'bad_types' })
  class BadType {
    @PrimaryKey() id!: number;
    @Property({ type: 'varchar' as never }) name!: string;
  }
  const err = await t.throwsAsync(Joinery.init({ entities: [BadType], client: 'sqlite', connection: { filename: ':memory:' } }), { instanceOf: MetadataError });
  t.is(err!.code, 'UNKNOWN_TYPE');
  t.regex(err!.message, /array, blob, enum, time, char, smallint, double, interval, or a Type class/);
});

forEachDialect(test, 'schema.update adds an enum column, then a new value of its enum', async (t, db) => {
  @Entity({ tableName: 'tickets' })
  class TicketV1 {
    @PrimaryKey() id!: number;
    @Property({ type: 'string' }) title!: string;
  }
  @Entity({ tableName: 'tickets' })
  class TicketV2 {
    @PrimaryKey() id!: number;
    @Property({ type: 'string' }) title!: string;
    @Property({ type: 'enum', enum: ['open', 'closed'], default: 'open' }) state!: string;
  }
  @Entity({ tableName: 'tickets' })
  class TicketV3 {
    @PrimaryKey() id!: number;
    @Property({ type: 'string' }) title!: string;
    @Property({ type: 'enum', enum: ['open', 'closed', 'wontfix'], default: 'open' }) state!: string;
  }
  // Three Joinery instances on one database: SQLite needs a file for that.
  let config = db.config;
  if (db.dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'joinery-types-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    config = { client: 'sqlite', connection: { filename: join(dir, 'tickets.db') } };
  }
  const v1 = await init(t, db, [TicketV1], undefined, config);
  await v1.schema.create();
  const seed = v1.em.fork();
  seed.create(TicketV1, { title: 'old' });
  await seed.flush();

  const v2 = await init(t, db, [TicketV2], undefined, config);
  await v2.schema.update();
  t.is((await v2.schema.getUpdateSQL()).trim(), '', 'nothing left to do after the update');
  t.is((await v2.em.fork().findOneOrFail(TicketV2, { title: 'old' })).state, 'open');

  const v3 = await init(t, db, [TicketV3], undefined, config);
  const sql = await v3.schema.getUpdateSQL();
  if (db.dialect === 'pg') t.regex(sql, /alter type "tickets_state" add value if not exists 'wontfix'/);
  if (db.dialect === 'sqlite') t.is(sql.trim(), '', 'SQLite stores enums as text');
  await v3.schema.update();
  t.is((await v3.schema.getUpdateSQL()).trim(), '');
  const em = v3.em.fork();
  em.create(TicketV3, { title: 'new', state: 'wontfix' });
  await em.flush();
  t.deepEqual((await v3.em.fork().find(TicketV3, {}, { orderBy: { id: 'asc' } })).map((x) => x.state), ['open', 'wontfix']);
});
