import test from 'ava';
import { boundUnchanged, fromDatabaseValue, sameValue, toDatabaseValue } from '../../src/entity/value-conversion.js';
import { SCALAR_TYPES, type ScalarType } from '../../src/metadata/types.js';

/** Values of each type as an application may hold them. */
const SAMPLES: Record<ScalarType, unknown[]> = {
  string: ['ann', ''],
  text: ['a longer text'],
  integer: [42, 0, -7],
  float: [1.5, 0],
  decimal: ['10.25', 10.25],
  boolean: [true, false],
  date: ['2026-11-22', new Date('2026-11-22T00:00:00Z')],
  datetime: [new Date('2026-11-22T10:00:00Z')],
  timestamptz: [new Date('2026-11-22T10:00:00Z')],
  json: [{ a: 1 }, [1, 2]],
  bigint: ['9007199254740993', 5n],
  uuid: ['0b6f5a64-3d44-4c0e-9d5b-1f0f4f7c2a11'],
};

// The flush binds keys of these types without converting them (deletes of many rows): the shortcut
// must agree with toDatabaseValue on every dialect, for every type.
test('boundUnchanged is true exactly for the types toDatabaseValue passes through on every dialect', (t) => {
  for (const type of SCALAR_TYPES) {
    const unchanged = SAMPLES[type].every((value) => (['sqlite', 'pg', 'mysql'] as const).every((d) => toDatabaseValue(type, value, d) === value));
    t.is(boundUnchanged(type), unchanged, type);
  }
});

test("MySQL's datetime text reads back as the same instant, years 1–99 included", (t) => {
  const cases: [string, string][] = [
    ['0001-01-02 03:04:05.006', '0001-01-02T03:04:05.006Z'],
    ['0050-06-15 12:34:56.789', '0050-06-15T12:34:56.789Z'],
    ['0099-12-31 23:59:59.999', '0099-12-31T23:59:59.999Z'],
    ['0004-02-29 00:00:00.000', '0004-02-29T00:00:00.000Z'],
    ['2024-05-01 10:00:00', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01 10:00:00.5', '2024-05-01T10:00:00.500Z'],
    ['2024-05-01 10:00:00.123456', '2024-05-01T10:00:00.123Z'],
    ['0050-06-15T12:34:56.789Z', '0050-06-15T12:34:56.789Z'],
  ];
  for (const [text, iso] of cases) t.is((fromDatabaseValue('datetime', text) as Date).toISOString(), iso, text);
  t.true(Number.isNaN((fromDatabaseValue('datetime', '0000-00-00 00:00:00') as Date).getTime()));
});

test('a datetime is bound as ISO text on PostgreSQL and SQLite, as a Date for mysql2', (t) => {
  const d = new Date(Date.UTC(2000, 0, 1));
  d.setUTCFullYear(7);
  t.is(toDatabaseValue('datetime', d, 'pg'), '0007-01-01T00:00:00.000Z');
  t.is(toDatabaseValue('datetime', d, 'sqlite'), '0007-01-01T00:00:00.000Z');
  t.is(toDatabaseValue('datetime', d, 'mysql'), d);
});

test('JSON is encoded on the way in and decoded once on the way out, whatever the value', (t) => {
  for (const value of ['hello', '5', 'null', '', 5, 0, true, false, [1, 'a'], { a: { b: null } }]) {
    const bound = toDatabaseValue('json', value, 'pg');
    t.is(bound, JSON.stringify(value));
    t.deepEqual(fromDatabaseValue('json', bound), value, JSON.stringify(value));
    t.deepEqual(fromDatabaseValue('json', Buffer.from(bound as string)), value);
  }
});

test('sameValue: a JSON value that cannot be encoded counts as changed instead of throwing', (t) => {
  t.false(sameValue('json', { n: 1n }, { n: 1 }));
  t.true(sameValue('json', { n: 1 }, { n: 1 }));
});
