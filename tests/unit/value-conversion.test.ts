import test from 'ava';
import { boundUnchanged, toDatabaseValue } from '../../src/entity/value-conversion.js';
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
