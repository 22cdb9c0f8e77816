import test from 'ava';
import { isCount, valueProblem, type ValueUse } from '../../src/entity/value-rules.js';
import type { Dialect } from '../../src/metadata/types.js';
import type { ColumnTypeSpec } from '../../src/schema/column-types.js';

const rule = (spec: ColumnTypeSpec, value: unknown, use: ValueUse = 'write', dialect: Dialect = 'sqlite') => valueProblem(spec, value, dialect, use)?.rule;

test('criteria accept numeric strings for numeric columns, and nothing else that is not a number', (t) => {
  const integer = { type: 'integer' } as const;
  t.is(rule(integer, '5', 'criteria'), undefined);
  t.is(rule(integer, '-2147483648', 'criteria'), undefined);
  t.is(rule(integer, '2147483648', 'criteria'), 'range');
  for (const v of ['abc', '', '5.5', ' 5', '0x10', true]) t.is(rule(integer, v, 'criteria'), 'type', String(v));
  t.is(rule(integer, '5', 'write'), 'type');

  const float = { type: 'float' } as const;
  for (const v of ['0.5', '-1e3', '.5', '5.']) t.is(rule(float, v, 'criteria'), undefined, v);
  t.is(rule(float, '1e400', 'criteria'), 'not_finite');
  t.is(rule(float, 'Infinity', 'criteria'), 'type');
  t.is(rule(float, '0.5', 'write'), 'type');
});

test('criteria do not check sizes: comparing with a longer string or a wider decimal matches nothing', (t) => {
  t.is(rule({ type: 'string', length: 3 }, 'abcdef', 'criteria'), undefined);
  t.is(rule({ type: 'decimal', precision: 5, scale: 2 }, '123456.789', 'criteria'), undefined);
  t.is(rule({ type: 'text' }, 'x'.repeat(70_000), 'criteria', 'mysql'), undefined);
  // ... but what the database cannot take at all still fails.
  t.is(rule({ type: 'text' }, 'a\u0000', 'criteria', 'pg'), 'nul_byte');
  t.is(rule({ type: 'decimal' }, '1,5', 'criteria'), 'type');
});

test('criteria take datetimes as Dates, ISO strings or timestamps; booleans as 0/1 too', (t) => {
  const datetime = { type: 'datetime' } as const;
  t.is(rule(datetime, '2024-01-01T00:00:00Z', 'criteria'), undefined);
  t.is(rule(datetime, 0, 'criteria'), undefined);
  t.is(rule(datetime, 'yesterday', 'criteria'), 'invalid_date');
  t.is(rule(datetime, '2024-01-01T00:00:00Z', 'write'), 'type');
  t.is(rule({ type: 'boolean' }, 1, 'criteria'), undefined);
  t.is(rule({ type: 'boolean' }, 1, 'write'), 'type');
  t.is(rule({ type: 'date' }, 20200101, 'criteria'), 'type');
});

test("a key must fit its column: '' is never a key, a numeric string is", (t) => {
  t.is(rule({ type: 'string' }, '', 'key'), 'type');
  t.is(rule({ type: 'string' }, '', 'criteria'), undefined);
  t.is(rule({ type: 'integer' }, '', 'key'), 'type');
  t.is(rule({ type: 'integer' }, '42', 'key'), undefined);
  t.is(rule({ type: 'bigint' }, '9223372036854775808', 'key'), 'range');
  t.is(rule({ type: 'string', length: 3 }, 'abcd', 'key'), 'max_length');
});

test('decimal digits: leading and trailing zeros do not count; JS exponent forms are understood', (t) => {
  const money = { type: 'decimal', precision: 5, scale: 2 } as const;
  for (const v of ['999.99', '-999.99', '000999.990', '.5', '5.', '0', 0.1, -0, 1e-2, '1.5e2']) t.is(rule(money, v), undefined, String(v));
  for (const v of ['1000', '0.001', 1e21, 1.5e-7, 1000.5, '1.2345e1']) t.is(rule(money, v), 'precision', String(v));
  for (const v of ['-', '.', '', '1.2.3', '1e', 'e5', '12e2', '--1', '1 ']) t.is(rule(money, v), 'type', JSON.stringify(v));
  t.is(rule({ type: 'decimal', precision: 30, scale: 0 }, 1e21), undefined);
  t.is(rule({ type: 'decimal', precision: 20, scale: 10 }, 1.5e-7), undefined);
  // The default is decimal(10,2).
  t.is(rule({ type: 'decimal' }, '12345678.9'), undefined);
  t.is(rule({ type: 'decimal' }, '123456789'), 'precision');
});

test('varchar length counts characters, not UTF-16 units', (t) => {
  t.is(rule({ type: 'string', length: 2 }, '😀😀'), undefined);
  t.is(rule({ type: 'string', length: 2 }, '😀😀😀'), 'max_length');
  t.is(rule({ type: 'string' }, 'x'.repeat(255)), undefined);
  t.is(rule({ type: 'string' }, 'x'.repeat(256)), 'max_length');
});

test('limit and offset counts are safe non-negative integers', (t) => {
  for (const n of [0, 1, Number.MAX_SAFE_INTEGER]) t.true(isCount(n), String(n));
  for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '5', 5n, null]) t.false(isCount(n), String(n));
});
