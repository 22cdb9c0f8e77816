import test from 'ava';
import { pgArrayLiteral, withPgArrayLiterals } from '../../src/drivers/pg-array-literal.js';

// node-postgres' own conversion, which the literal must match byte for byte.
const { prepareValue } = require('pg/lib/utils') as { prepareValue(v: unknown): unknown };

const CASES: unknown[][] = [
  [],
  ['a', 'b'],
  ['"quoted"', 'back\\slash', '\\"both\\"', '{braces}', 'a,b', 'NULL', '', ' spaced ', 'üñí 😀', 'line\nbreak\ttab'],
  [1, -2, 0, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, -0],
  [true, false],
  [9007199254740993n, -1n],
  [null, 'x', undefined, 3],
];

test('arrays of strings, numbers, booleans, bigints and NULLs: the literal node-postgres would send', (t) => {
  for (const values of CASES) t.is(pgArrayLiteral(values), prepareValue(values) as string, JSON.stringify(values, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
});

test('anything else is left to node-postgres', (t) => {
  t.is(pgArrayLiteral([new Date(0)]), undefined);
  t.is(pgArrayLiteral([Buffer.from([1])]), undefined);
  t.is(pgArrayLiteral([[1, 2]]), undefined);
  t.is(pgArrayLiteral([{ a: 1 }]), undefined);
});

test('withPgArrayLiterals replaces array parameters it can write, and copies nothing when there is none', (t) => {
  const plain = [1, 'a', null];
  t.is(withPgArrayLiterals(plain), plain);
  const dates = [[new Date(0)]];
  t.is(withPgArrayLiterals(dates), dates);
  const mixed = [[1, 2], 'x', ['a"b']];
  const out = withPgArrayLiterals(mixed);
  t.deepEqual(out, ['{"1","2"}', 'x', '{"a\\"b"}']);
  t.deepEqual(mixed, [[1, 2], 'x', ['a"b']], 'the given parameters (what loggers see) are left alone');
});
