// The built-in Types and the Type API without a database: column types per dialect, conversions
// both ways, comparison and snapshots for change detection, value checks, and where a dialect lacks a type.
import test from 'ava';
import { ArrayType, BlobType, CharType, DoubleType, EnumType, IntervalType, SmallIntType, TimeType } from '../../src/metadata/builtin-types.js';
import { bindType, resolveScalarType } from '../../src/metadata/scalar-types.js';
import { Type, sameDatabaseValue, type TypeContext } from '../../src/metadata/type.js';
import type { Dialect } from '../../src/metadata/types.js';
import { getCastType, getColumnType, unsupportedType } from '../../src/schema/column-types.js';
import { fromDatabaseValue, sameValue, snapshotValue, toDatabaseValue } from '../../src/entity/value-conversion.js';
import { valueProblem } from '../../src/entity/value-rules.js';

const DIALECTS: Dialect[] = ['pg', 'mysql', 'sqlite'];

function bound(type: Type, dialect: Dialect, extra: Partial<TypeContext> = {}): Type {
  return bindType(type, { dialect, label: 'T.p', table: 'things', column: 'p', ...extra }) as Type;
}

test('column types per dialect', (t) => {
  const table = (make: () => Type, extra: Partial<TypeContext> = {}) =>
    DIALECTS.map((d) => {
      const type = bound(make(), d, extra);
      return unsupportedType(type, d) ? undefined : getColumnType({ type }, d);
    });
  t.deepEqual(table(() => new ArrayType()), ['text[]', 'json', 'text']);
  t.deepEqual(table(() => new ArrayType('integer')), ['integer[]', 'json', 'text']);
  t.deepEqual(table(() => new BlobType()), ['bytea', 'longblob', 'blob']);
  t.deepEqual(table(() => new EnumType(), { items: ['a', "it's"] }), ['things_p', "enum('a','it''s')", 'text']);
  t.deepEqual(table(() => new EnumType(), { items: ['a'], nativeEnumName: 'Mood' }), ['"mood"', "enum('a')", 'text']);
  t.deepEqual(table(() => new TimeType()), ['time', 'time', 'text']);
  t.deepEqual(table(() => new CharType(), { length: 3 }), ['char(3)', 'char(3)', 'char(3)']);
  t.deepEqual(table(() => new SmallIntType()), ['smallint', 'smallint', 'smallint']);
  t.deepEqual(table(() => new DoubleType()), ['double precision', 'double', 'real']);
  t.deepEqual(table(() => new IntervalType()), ['interval', undefined, undefined]);
  t.is(unsupportedType(bound(new IntervalType(), 'mysql'), 'mysql'), 'MySQL has no column type for IntervalType');
  t.regex(unsupportedType('timestamptz', 'mysql')!, /use type 'datetime'/);
  t.is(unsupportedType('timestamptz', 'pg'), undefined);
  t.is(getCastType(bound(new ArrayType('integer'), 'pg'), 'pg'), 'integer[]');
  t.is(getCastType(bound(new EnumType(), 'pg', { items: ['a'] }), 'pg'), 'things_p');
  t.is(getCastType(bound(new CharType(), 'pg', { length: 3 }), 'pg'), 'text', 'a cast never truncates');
  class Code extends Type<string, string> {
    override getColumnType(): string {
      return 'varchar(5)';
    }
  }
  t.is(getCastType(bound(new Code(), 'pg'), 'pg'), 'varchar', 'the default cast drops the length');
});

test('arrays: native on pg, JSON text elsewhere; read back from either', (t) => {
  t.deepEqual(toDatabaseValue(bound(new ArrayType(), 'pg'), ['a', 'b'], 'pg'), ['a', 'b']);
  t.is(toDatabaseValue(bound(new ArrayType(), 'mysql'), ['a', '"b'], 'mysql'), '["a","\\"b"]');
  t.deepEqual(fromDatabaseValue(bound(new ArrayType(), 'sqlite'), '["a"]'), ['a']);
  t.deepEqual(fromDatabaseValue(bound(new ArrayType(), 'mysql'), Buffer.from('[1,2]')), [1, 2]);
  t.deepEqual(fromDatabaseValue(bound(new ArrayType(), 'pg'), ['x']), ['x']);
  t.is(fromDatabaseValue(bound(new ArrayType(), 'pg'), null), null);
});

test('blobs read back as Buffers from Buffers, Uint8Arrays and bytea text', (t) => {
  const type = bound(new BlobType(), 'pg');
  const fromUint8 = fromDatabaseValue(type, new Uint8Array([1, 2])) as Buffer;
  t.true(Buffer.isBuffer(fromUint8));
  t.deepEqual([...fromUint8], [1, 2]);
  t.deepEqual([...(fromDatabaseValue(type, '\\x00ff') as Buffer)], [0, 255]);
});

test('char(n): trailing blanks trimmed on read unless trimEnd is false', (t) => {
  t.is(fromDatabaseValue(bound(new CharType(), 'pg', { length: 5 }), 'ab   '), 'ab');
  t.is(fromDatabaseValue(bound(new CharType(), 'pg', { length: 5 }), ' ab'), ' ab', 'leading blanks are data');
  t.is(fromDatabaseValue(bound(new CharType({ trimEnd: false }), 'pg', { length: 5 }), 'ab   '), 'ab   ');
});

test('change detection compares by value and snapshots are copies', (t) => {
  const blob = bound(new BlobType(), 'pg');
  const a = Buffer.from([1, 2, 3]);
  const snap = snapshotValue(blob, a) as Buffer;
  t.not(snap, a);
  t.true(sameValue(blob, a, snap));
  a[0] = 9;
  t.false(sameValue(blob, a, snap), 'an in-place edit is a change');
  const arr = bound(new ArrayType(), 'pg');
  const list = ['a'];
  const listSnap = snapshotValue(arr, list);
  list.push('b');
  t.false(sameValue(arr, list, listSnap));
  t.true(sameValue(arr, ['a', 'b'], ['a', 'b']));
  t.true(sameValue(bound(new DoubleType(), 'pg'), Number.NaN, Number.NaN));
  t.true(sameDatabaseValue(new Date(5), new Date(5)));
  t.false(sameDatabaseValue({ a: 1 }, { a: 2 }));
});

test('a user Type: converts both ways and compares by its database value unless it overrides compare', (t) => {
  class Csv extends Type<string[], string> {
    override convertToDatabaseValue(v: string[]): string {
      return v.join(',');
    }
    override convertToJSValue(v: string): string[] {
      return v.split(',');
    }
    override getColumnType(): string {
      return 'text';
    }
  }
  const type = resolveScalarType('T', 'p', Csv as never, undefined, false);
  t.true(type instanceof Csv);
  const b = bound(type as Type, 'mysql');
  t.is(toDatabaseValue(b, ['a', 'b'], 'mysql'), 'a,b');
  t.deepEqual(fromDatabaseValue(b, 'a,b'), ['a', 'b']);
  t.true(sameValue(b, ['a', 'b'], ['a', 'b']));
  t.false(sameValue(b, ['a', 'b'], ['a']));
  // An instance shared by two properties is bound once per property.
  const shared = new Csv();
  const one = bound(shared, 'pg', { column: 'one' });
  const two = bound(shared, 'pg', { column: 'two' });
  t.is(one.context.column, 'one');
  t.is(two.context.column, 'two');
  t.true(two instanceof Csv);
});

test('value checks of the built-in Types (write use; criteria values are not checked by them)', (t) => {
  const problem = (type: Type, v: unknown, extra: Partial<TypeContext> = {}) => valueProblem({ type: bound(type, 'pg', extra) }, v, 'pg', 'write')?.message('T.p');
  t.is(problem(new SmallIntType(), 32767), undefined);
  t.is(problem(new SmallIntType(), 32768), 'T.p is 32768, outside the smallint range -32768 to 32767.');
  t.is(problem(new SmallIntType(), 1.5), 'T.p must be an integer, got 1.5.');
  t.is(problem(new TimeType(), '25h'), "T.p must be a time of day such as '13:45:00', got \"25h\".");
  t.is(problem(new TimeType(), '23:59:59.123456'), undefined);
  t.is(problem(new ArrayType('integer'), [1, 2.5]), 'T.p must be an array of integers, got an item 2.5.');
  t.is(problem(new ArrayType(), 'a'), 'T.p must be an array, got string.');
  t.is(problem(new BlobType(), 'a'), 'T.p must be a Buffer, got string.');
  t.is(problem(new CharType(), 'ab', { length: 2 }), undefined);
  t.is(problem(new CharType(), 'abc', { length: 2 }), 'T.p is 3 characters long, but the column is char(2); shorten it or raise `length`.');
  t.is(problem(new DoubleType(), Number.POSITIVE_INFINITY), 'T.p must be a finite number, got Infinity.');
  t.is(valueProblem({ type: bound(new SmallIntType(), 'pg') }, 99999, 'pg', 'criteria'), undefined);
});
