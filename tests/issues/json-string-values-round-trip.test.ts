// Regression: a `json` property holding a plain string was bound as its JSON text ('"hello"'), but
// PostgreSQL (and MySQL 8) hand json back already parsed, so the reader's JSON.parse('hello') threw
// a SyntaxError on every read of the row, and '5' read back as the number 5. Every JSON value is
// now encoded on the way in and decoded exactly once on the way out, on every dialect; what
// JSON.stringify cannot encode (BigInt, cycles, a function) is a ValidationError before any SQL.
import test from 'ava';
import { Entity, Joinery, PrimaryKey, Property, UsageError, ValidationError, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

/** Any JSON value; a string index signature makes the object case data, not a relation. */
type JsonValue = string | number | boolean | null | readonly unknown[] | { [key: string]: unknown };

@Entity()
class Setting {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'json', nullable: true }) value?: JsonValue | (() => number) | bigint;
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Setting], ...db.config, logger: (e) => log.push(e) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  return { orm, log };
}

const VALUES: [string, JsonValue][] = [
  ['plain string', 'hello'],
  ['numeric string', '5'],
  ['string "null"', 'null'],
  ['empty string', ''],
  ['string with quotes and a backslash', 'say "hi" \\ there'],
  ['number', 5],
  ['negative fraction', -1.25],
  ['zero', 0],
  ['true', true],
  ['false', false],
  ['array', [1, 'a', null, { b: [true] }]],
  ['empty array', []],
  ['object', { a: { b: ['c', 2] }, s: 'x' }],
  ['empty object', {}],
];

forEachDialect(test, 'every JSON value reads back as the same JS value and type', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  for (const [name, value] of VALUES) em.create(Setting, { name, value });
  em.create(Setting, { name: 'sql null', value: null });
  await em.flush();
  const read = await orm.em.fork().find(Setting, {}, { orderBy: { id: 'asc' } });
  t.deepEqual(
    read.map((s) => [s.name, s.value]),
    [...VALUES, ['sql null', null]],
  );
  t.is(typeof read.find((s) => s.name === 'numeric string')!.value, 'string');
  t.is(typeof read.find((s) => s.name === 'number')!.value, 'number');
});

forEachDialect(test, 'a JS null on a nullable json property is SQL NULL', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  em.create(Setting, { name: 'none', value: null });
  em.create(Setting, { name: 'string null', value: 'null' });
  await em.flush();
  const found = await orm.em.fork().find(Setting, { value: null });
  t.deepEqual(found.map((s) => s.name), ['none']);
});

forEachDialect(test, 'updates, criteria and nativeUpdate encode JSON strings the same way', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const s = em.create(Setting, { name: 'greeting', value: 'hello' });
  em.create(Setting, { name: 'count', value: 5 });
  await em.flush();
  s.value = 'world';
  await em.flush();
  t.is((await orm.em.fork().findOneOrFail(Setting, { name: 'greeting' })).value, 'world');

  t.deepEqual((await orm.em.fork().find(Setting, { value: 'world' })).map((x) => x.name), ['greeting']);
  t.deepEqual((await orm.em.fork().find(Setting, { value: 5 })).map((x) => x.name), ['count']);
  t.deepEqual((await orm.em.fork().find(Setting, { value: { $in: ['world', 5] } }, { orderBy: { id: 'asc' } })).map((x) => x.name), ['greeting', 'count']);

  t.is(await orm.em.fork().nativeUpdate(Setting, { name: 'count' }, { value: '6' }), 1);
  const count = await orm.em.fork().findOneOrFail(Setting, { name: 'count' });
  t.is(count.value, '6');
});

forEachDialect(test, 'values JSON cannot encode are a ValidationError naming Entity.property, before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const em = orm.em.fork();
  em.create(Setting, { name: 'big', value: { n: 10n } });
  em.create(Setting, { name: 'cyclic', value: cyclic });
  em.create(Setting, { name: 'fn', value: () => 1 });
  em.create(Setting, { name: 'top-level bigint', value: 1n });
  log.length = 0;
  const err = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(err!.failures.map((f) => `${f.entity}.${f.property}:${f.rule}`), ['Setting.value:json', 'Setting.value:json', 'Setting.value:json', 'Setting.value:json']);
  t.regex(err!.failures[0]!.message, /Setting\.value/);
  t.regex(err!.failures[0]!.message, /BigInt/);
  t.regex(err!.failures[1]!.message, /circular/);
  t.deepEqual(log, []);

  const nu = await t.throwsAsync(orm.em.fork().nativeUpdate(Setting, { name: 'x' }, { value: { n: 1n } }), { instanceOf: ValidationError });
  t.deepEqual(nu!.failures.map((f) => `${f.entity}.${f.property}:${f.rule}`), ['Setting.value:json']);
  await t.throwsAsync(orm.em.fork().find(Setting, { value: cyclic }), { instanceOf: UsageError, code: 'BAD_CRITERIA', message: /Setting\.value/ });
  t.deepEqual(log, []);
});

forEachDialect(test, 'a json value changed to one JSON cannot encode fails validation, not change detection', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const s = em.create(Setting, { name: 'x', value: { a: 1 } });
  await em.flush();
  s.value = { a: 2n };
  log.length = 0;
  const err = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(err!.failures.map((f) => f.rule), ['json']);
  t.deepEqual(log, []);
});
