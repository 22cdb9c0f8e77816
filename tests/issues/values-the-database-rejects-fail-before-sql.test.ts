// Regression: values the database rejects (or worse, silently changes) reached SQL. An integer past
// 32 bits, '2020-02-30', a decimal too wide for its column, NaN or Infinity (on MariaDB they became
// SQL text: "Unknown column 'Infinity'"), a string with NUL on PostgreSQL, '' as a foreign key, or
// `{ age: 'abc' }` (an error on PostgreSQL, `age = 0` on MariaDB) each failed differently per
// database, some half-way through a flush. Now each is a typed joinery error naming Entity.property,
// before any statement is sent: a ValidationError listing every failure for a flush or nativeUpdate,
// a UsageError (BAD_CRITERIA / BAD_OPTION) for a query.
import test from 'ava';
import { Collection, Entity, Joinery, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, UsageError, ValidationError, type QueryLogEntry, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity()
class Owner {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', length: 5 }) code!: string;
  @OneToMany(() => Gauge, (g) => g.owner) gauges = new Collection<Gauge>(this);
  @ManyToMany(() => Gauge) favourites = new Collection<Gauge>(this);
}

@Entity()
class Gauge {
  @PrimaryKey() id!: number;
  @Property({ type: 'integer', nullable: true }) level?: number | null;
  @Property({ type: 'bigint', nullable: true }) total?: bigint | number | string | null;
  @Property({ type: 'float', nullable: true }) ratio?: number | null;
  @Property({ type: 'decimal', precision: 5, scale: 2, nullable: true }) price?: string | number | null;
  @Property({ type: 'date', nullable: true }) day?: string | Date | null;
  @Property({ type: 'datetime', nullable: true }) at?: Date | null;
  @Property({ type: 'string', length: 4, nullable: true }) tag?: string | null;
  @Property({ type: 'text', nullable: true }) note?: string | null;
  @Property({ type: 'uuid', nullable: true }) ref?: string | null;
  @ManyToOne(() => Owner, { nullable: true }) owner?: Rel<Owner> | null;
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Owner, Gauge], ...db.config, logger: (e) => log.push(e) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const owner = em.create(Owner, { code: 'own' });
  em.create(Gauge, { level: 1, owner });
  await em.flush();
  log.length = 0;
  return { orm, log, ownerId: owner.id };
}

const rulesOf = (e: ValidationError | undefined) => e!.failures.map((f) => `${f.entity}.${f.property}:${f.rule}`);

forEachDialect(test, 'a flush with every kind of rejected value fails at once, before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const bad: [keyof Gauge, unknown, string][] = [
    ['level', 2 ** 31, 'range'],
    ['level', -(2 ** 31) - 1, 'range'],
    ['level', Number.NaN, 'not_finite'],
    ['level', Number.POSITIVE_INFINITY, 'not_finite'],
    ['total', 2n ** 63n, 'range'],
    ['total', '-9223372036854775809', 'range'],
    ['total', Number.NaN, 'not_finite'],
    ['ratio', Number.NEGATIVE_INFINITY, 'not_finite'],
    ['ratio', Number.NaN, 'not_finite'],
    ['price', 1000, 'precision'],
    ['price', '12.345', 'precision'],
    ['price', Number.POSITIVE_INFINITY, 'not_finite'],
    ['day', '2020-02-30', 'invalid_date'],
    ['day', '2021-02-29', 'invalid_date'],
    ['day', '0000-01-01', 'range'],
    ['day', new Date(Number.NaN), 'invalid_date'],
    ['at', new Date('nope'), 'invalid_date'],
    ['at', new Date(Date.UTC(10_000, 0, 1)), 'range'],
    ['tag', '12345', 'max_length'],
    ['ref', 'not-a-uuid', 'type'],
  ];
  for (const [prop, value] of bad) em.create(Gauge, { [prop]: value });
  const err = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(rulesOf(err), bad.map(([p, , rule]) => `Gauge.${p}:${rule}`));
  for (const f of err!.failures) t.true(f.message.startsWith(`Gauge.${f.property} `), f.message);
  t.deepEqual(log, []);
});

forEachDialect(test, 'values at the edge of each column are accepted and read back', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const edge = {
    level: -(2 ** 31),
    total: 2n ** 63n - 1n,
    ratio: -1.5e300,
    price: '-999.99',
    day: '2024-02-29',
    at: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
    tag: '😀😀😀😀', // four characters (eight UTF-16 units) fit varchar(4)
    note: 'ü'.repeat(30_000),
    ref: '0E0C6A9B-4C3E-4B5E-9C5F-2D6B9A1F0E11'.toLowerCase(),
  };
  const g = em.create(Gauge, edge);
  const top = em.create(Gauge, { level: 2 ** 31 - 1, total: -(2n ** 63n), price: 999.99 });
  await em.flush();
  const [a, b] = [await orm.em.fork().findOneOrFail(Gauge, g.id), await orm.em.fork().findOneOrFail(Gauge, top.id)];
  t.like(a, { ...edge, at: edge.at });
  t.is(a.total, 2n ** 63n - 1n);
  t.is(b.level, 2 ** 31 - 1);
  t.is(b.total, -(2n ** 63n));
  t.is(b.price, '999.99');
});

forEachDialect(test, "'' as a foreign key is a ValidationError naming the relation, before any SQL", async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  em.create(Gauge, { owner: '' as never });
  em.create(Gauge, { owner: 'abc' as never });
  const err = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(rulesOf(err), ['Gauge.owner:type', 'Gauge.owner:type']);
  t.regex(err!.failures[0]!.message, /Gauge\.owner/);
  t.regex(err!.failures[0]!.message, /Owner/);
  t.deepEqual(log, []);
});

forEachDialect(test, 'a numeric string key for an integer foreign key still works', async (t, db) => {
  const { orm, ownerId } = await setup(t, db);
  const em = orm.em.fork();
  const g = em.create(Gauge, { level: 3, owner: String(ownerId) as never });
  await em.flush();
  const read = await orm.em.fork().findOneOrFail(Gauge, g.id, { populate: ['owner'] });
  t.is(read.owner!.id, ownerId);
});

forEachDialect(test, 'NUL in a string is rejected on PostgreSQL only, and round-trips elsewhere', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const g = em.create(Gauge, { tag: 'a\u0000b', note: 'x\u0000y' });
  if (db.dialect !== 'pg') {
    await em.flush();
    const read = await orm.em.fork().findOneOrFail(Gauge, g.id);
    t.is(read.tag, 'a\u0000b');
    t.is(read.note, 'x\u0000y');
    return;
  }
  const err = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(rulesOf(err), ['Gauge.tag:nul_byte', 'Gauge.note:nul_byte']);
  await t.throwsAsync(orm.em.fork().find(Gauge, { note: 'x\u0000' }), { instanceOf: UsageError, code: 'BAD_CRITERIA' });
  t.deepEqual(log, []);
});

forEachDialect(test, 'text longer than 65,535 UTF-8 bytes is rejected on MySQL only', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const g = em.create(Gauge, { note: 'é'.repeat(40_000) }); // 40,000 characters, 80,000 bytes
  if (db.dialect !== 'mysql') {
    await em.flush();
    t.is((await orm.em.fork().findOneOrFail(Gauge, g.id)).note!.length, 40_000);
    return;
  }
  const err = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(rulesOf(err), ['Gauge.note:max_length']);
  t.regex(err!.failures[0]!.message, /80000 bytes/);
  t.deepEqual(log, []);
});

forEachDialect(test, 'criteria values of the wrong type or out of range are BAD_CRITERIA before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const bad: [string, Record<string, unknown>][] = [
    ['non-numeric string on an integer', { level: 'abc' }],
    ['empty string on an integer', { level: '' }],
    ['fraction on an integer', { level: 1.5 }],
    ['NaN', { level: Number.NaN }],
    ['Infinity in $gt', { level: { $gt: Number.POSITIVE_INFINITY } }],
    ['Infinity on a float', { ratio: Number.POSITIVE_INFINITY }],
    ['out of range in $in', { level: { $in: [1, 2 ** 31] } }],
    ['bigint out of range', { total: 2n ** 64n }],
    ['non-numeric decimal', { price: '1,5' }],
    ['impossible date', { day: '2020-02-30' }],
    ['number on a date', { day: 20200101 }],
    ['invalid datetime', { at: 'yesterday' }],
    ['number on a string', { tag: 5 }],
    ['boolean on a text', { note: true }],
    ['malformed uuid', { ref: 'x' }],
    ["'' as a relation key", { owner: '' }],
    ['non-numeric relation key', { owner: { $in: ['x'] } }],
  ];
  for (const [what, where] of bad) {
    await t.throwsAsync(em.find(Gauge, where as never), { instanceOf: UsageError, code: 'BAD_CRITERIA', message: /Gauge\.\w+/ }, what);
  }
  await t.throwsAsync(em.findOne(Gauge, 'abc' as never), { instanceOf: UsageError, code: 'BAD_CRITERIA', message: /Gauge\.id/ });
  await t.throwsAsync(em.findOne(Gauge, '' as never), { instanceOf: UsageError, code: 'BAD_CRITERIA' });
  await t.throwsAsync(em.nativeDelete(Gauge, { level: 'abc' } as never), { instanceOf: UsageError, code: 'BAD_CRITERIA' });
  t.deepEqual(log, []);
});

forEachDialect(test, 'numeric strings compare with numeric columns the same way everywhere', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  em.create(Gauge, { level: 5, total: 7n, ratio: 0.5, price: '1.50' });
  await em.flush();
  const found = await orm.em.fork().find(Gauge, { level: '5', total: '7', ratio: '0.5', price: '1.5' } as never);
  t.is(found.length, 1);
  t.is((await orm.em.fork().find(Gauge, { level: { $gte: '2', $lt: '6' } } as never)).length, 1);
});

forEachDialect(test, 'limit and offset must be safe non-negative integers, before any SQL', async (t, db) => {
  const { orm, log, ownerId } = await setup(t, db);
  const em = orm.em.fork();
  const owner = await em.findOneOrFail(Owner, ownerId);
  log.length = 0;
  for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '5' as never]) {
    await t.throwsAsync(em.find(Gauge, {}, { limit: n }), { instanceOf: UsageError, code: 'BAD_OPTION' }, `limit ${String(n)}`);
    await t.throwsAsync(em.find(Gauge, {}, { offset: n }), { instanceOf: UsageError, code: 'BAD_OPTION' }, `offset ${String(n)}`);
    await t.throwsAsync(em.findAndCount(Gauge, {}, { limit: n }), { instanceOf: UsageError, code: 'BAD_OPTION' }, `findAndCount ${String(n)}`);
    await t.throwsAsync(owner.gauges.matching({ limit: n }), { instanceOf: UsageError, code: 'BAD_OPTION' }, `1:N matching ${String(n)}`);
    await t.throwsAsync(owner.favourites.matching({ offset: n }), { instanceOf: UsageError, code: 'BAD_OPTION' }, `M:N matching ${String(n)}`);
  }
  t.deepEqual(log, []);
});

forEachDialect(test, 'nativeUpdate data is validated like a flush: every failure at once, before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const err = await t.throwsAsync(
    orm.em.fork().nativeUpdate(Gauge, { level: 1 }, { level: 2 ** 40, ratio: Number.NaN, day: '2020-13-01', tag: 'toolong', owner: '' as never }),
    { instanceOf: ValidationError },
  );
  t.deepEqual(rulesOf(err), ['Gauge.level:range', 'Gauge.ratio:not_finite', 'Gauge.day:invalid_date', 'Gauge.tag:max_length', 'Gauge.owner:type']);
  t.deepEqual(log, []);
  t.is(await orm.em.fork().nativeUpdate(Gauge, { level: 1 }, { level: 2, price: '12.5' }), 1);
});
