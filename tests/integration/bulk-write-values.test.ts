// Every column type survives a flush that writes several rows at once: on PostgreSQL those rows go
// as one array per column through unnest (values serialised into array literals, then cast to the
// column's type), elsewhere as a multi-row VALUES list. Text that array literals treat specially
// (quotes, backslashes, braces, commas, the word NULL, the empty string), NULLs, binary data, JSON,
// enums, user Types and a non-UTC time zone must come back as they went in, after INSERT and UPDATE.
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { Entity, Joinery, PrimaryKey, Property, Type, type QueryLogEntry, type TypeContext } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

/** A user type with no cast of its own: stored as 'x;y' text in a varchar column. */
class PairType extends Type<[number, number], string> {
  override convertToDatabaseValue(p: [number, number]): string {
    return `${p[0]};${p[1]}`;
  }
  override convertToJSValue(s: string): [number, number] {
    const [a, b] = s.split(';').map(Number);
    return [a!, b!];
  }
  override getColumnType(c: TypeContext): string {
    return c.dialect === 'sqlite' ? 'text' : 'varchar(40)';
  }
}

@Entity({ tableName: 'samples' })
class Sample {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', nullable: true }) label?: string | null;
  @Property({ type: 'text', nullable: true }) body?: string | null;
  @Property({ type: 'integer', nullable: true }) count?: number | null;
  @Property({ type: 'float', nullable: true }) ratio?: number | null;
  @Property({ type: 'decimal', precision: 12, scale: 3, nullable: true }) price?: string | null;
  @Property({ type: 'boolean', nullable: true }) flag?: boolean | null;
  @Property({ type: 'date', nullable: true }) day?: string | null;
  @Property({ type: 'datetime', nullable: true }) at?: Date | null;
  @Property({ type: 'json', nullable: true }) doc?: unknown;
  @Property({ type: 'bigint', nullable: true }) big?: bigint | null;
  @Property({ type: 'uuid', nullable: true }) ref?: string | null;
  @Property({ type: 'blob', nullable: true }) bytes?: Buffer | null;
  @Property({ type: 'enum', enum: ['a', "b'c", 'd"e'], nullable: true }) kind?: string | null;
  @Property({ type: 'time', nullable: true }) opens?: string | null;
  @Property({ type: 'char', length: 3, nullable: true }) code?: string | null;
  @Property({ type: 'smallint', nullable: true }) rank?: number | null;
  @Property({ type: 'double', nullable: true }) exact?: number | null;
  @Property({ type: PairType, nullable: true }) pair?: [number, number] | null;
}

type Values = Omit<Sample, 'id'>;

const TRICKY = ['"quoted" \\ back\\slash', '{braces},commas', 'NULL', '', 'üñí © 😀', 'tab\there\nline'];

function rowValues(i: number, variant: number): Values {
  return {
    label: TRICKY[(i + variant) % TRICKY.length]!,
    body: `${TRICKY[(i + variant + 1) % TRICKY.length]} ${'x'.repeat(i)}`,
    count: -2147483648 + i + variant,
    ratio: i + variant + 0.25,
    price: `${1234.5 + i + variant}00`.slice(0, 8),
    flag: (i + variant) % 2 === 0,
    day: `2024-0${1 + i}-1${variant}`,
    at: new Date(Date.UTC(2001 + i, variant, 2, 3, 4, 5, 678)),
    doc: { text: TRICKY[i % TRICKY.length], list: [1, null, 'x"y'], nested: { ok: variant === 0 } },
    big: 9007199254740993n + BigInt(i + variant),
    ref: randomUUID(),
    bytes: Buffer.from([0, 255, 34, 92, 123, i, variant]),
    kind: ['a', "b'c", 'd"e'][(i + variant) % 3]!,
    opens: `0${i}:3${variant}:00`,
    code: `c${i}${variant}`,
    rank: -32768 + i + variant,
    exact: 0.1 + 0.2 + i + variant,
    pair: [i, -variant - 0.5],
  };
}

const NULLS: Values = {
  label: null, body: null, count: null, ratio: null, price: null, flag: null, day: null, at: null, doc: null,
  big: null, ref: null, bytes: null, kind: null, opens: null, code: null, rank: null, exact: null, pair: null,
};

function comparable(v: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = x instanceof Date ? x.toISOString() : Buffer.isBuffer(x) ? x.toString('hex') : typeof x === 'bigint' ? x.toString() : k === 'price' && x !== null ? Number(x) : x;
  }
  return out;
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb, timezone?: string) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Sample], ...db.config, ...(timezone ? { timezone } : {}), logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  return { orm, log };
}

async function roundTrip(t: import('ava').ExecutionContext, db: TestDb, timezone?: string) {
  const { orm, log } = await setup(t, db, timezone);
  const em = orm.em.fork();
  const written = [rowValues(0, 0), rowValues(1, 0), NULLS, rowValues(2, 0)];
  const made = written.map((v) => em.create(Sample, v as never));
  log.length = 0;
  await em.flush();
  const inserts = log.filter((q) => /^insert into .samples./i.test(q.sql));
  t.is(inserts.length, 1, 'one INSERT for the four rows');
  if (db.dialect === 'pg') t.regex(inserts[0]!.sql, /SELECT \* FROM unnest\(/, 'PostgreSQL sends one array per column');
  const read = async () => (await orm.em.fork().find(Sample, {}, { orderBy: { id: 'asc' } })).map((s) => comparable(({ ...s, id: undefined } as unknown) as Values));
  const strip = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'id'));
  t.deepEqual((await read()).map(strip), written.map(comparable));

  // Every column of every row changes (the NULL row gets values, one row becomes NULLs): one UPDATE.
  const next = [rowValues(0, 1), NULLS, rowValues(1, 1), rowValues(2, 1)];
  made.forEach((entity, i) => Object.assign(entity, next[i]));
  log.length = 0;
  await em.flush();
  const updates = log.filter((q) => /^update .samples./i.test(q.sql));
  t.is(updates.length, 1, 'one UPDATE for the four rows that change the same columns');
  if (db.dialect === 'pg') t.regex(updates[0]!.sql, /FROM unnest\(/);
  t.deepEqual((await read()).map(strip), next.map(comparable));
  log.length = 0;
  await em.flush();
  t.deepEqual(log.map((q) => q.sql), [], 'what was written is what memory holds: nothing left to write');
}

forEachDialect(test, 'several rows of every column type, tricky text and NULLs, written in one INSERT and one UPDATE, read back as given', async (t, db) => {
  await roundTrip(t, db);
});

forEachDialect(test, 'the same under a non-UTC time zone: datetimes keep their instant', async (t, db) => {
  await roundTrip(t, db, '+05:30');
});
