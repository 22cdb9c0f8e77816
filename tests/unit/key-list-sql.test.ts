// How the keys a cross-connection step found are written into the next statement, per dialect:
// the shape chosen for a list's size, and the exact SQL and parameters of each shape.
import test from 'ava';
import { KeyList } from '../../src/query/key-list.js';
import { INLINE_KEY_VALUES, INLINE_STATEMENT_VALUES, keyListCondition, keyListShape } from '../../src/query/key-list-sql.js';
import { SqlDialect } from '../../src/query/sql-dialect.js';

const sqlite = new SqlDialect('sqlite');
const pg = new SqlDialect('pg');
const mysql = new SqlDialect('mysql');
const ints = (n: number) => new KeyList(Array.from({ length: n }, (_, i) => [i + 1]));

test('shape: small lists stay IN lists, long ones become one parameter, MySQL always lists', (t) => {
  t.is(keyListShape('sqlite', 1, 1), 'in-list');
  t.is(keyListShape('sqlite', 1, INLINE_KEY_VALUES), 'in-list');
  t.is(keyListShape('sqlite', 1, INLINE_KEY_VALUES + 1), 'json-each');
  t.is(keyListShape('sqlite', 2, INLINE_KEY_VALUES / 2 + 1), 'json-each', 'composite keys count every column');
  t.is(keyListShape('sqlite', 1, 70_000), 'json-each');
  t.is(keyListShape('pg', 1, 1), 'pg-any');
  t.is(keyListShape('pg', 1, 70_000), 'pg-any');
  t.is(keyListShape('pg', 2, 10), 'in-list');
  t.is(keyListShape('pg', 2, 70_000), 'pg-unnest');
  t.is(keyListShape('mysql', 1, 70_000), 'in-list');
  t.is(keyListShape('mysql', 3, 70_000), 'in-list');
});

test('shape: the lists of one statement share a placeholder budget', (t) => {
  t.is(keyListShape('sqlite', 1, 500, INLINE_STATEMENT_VALUES - 500), 'in-list');
  t.is(keyListShape('sqlite', 1, 500, INLINE_STATEMENT_VALUES - 499), 'json-each');
  t.is(keyListShape('pg', 2, 10, INLINE_STATEMENT_VALUES), 'pg-unnest');
  t.is(keyListShape('mysql', 1, 10, 1_000_000), 'in-list');
});

test('in-list: one placeholder per value, composite keys as a row-value list', (t) => {
  const one = keyListCondition(sqlite, ['"e0"."owner_id"'], ['integer'], ints(3), false);
  t.deepEqual(one, { cond: { sql: '"e0"."owner_id" IN (?, ?, ?)', params: [1, 2, 3], nullable: false }, inlined: 3 });
  const two = keyListCondition(mysql, ['`e0`.`airline`', '`e0`.`number`'], ['string', 'integer'], new KeyList([['LH', 1], ['AF', 2]]), true);
  t.deepEqual(two, { cond: { sql: '(`e0`.`airline`, `e0`.`number`) IN ((?, ?), (?, ?))', params: ['LH', 1, 'AF', 2], nullable: true }, inlined: 4 });
  const big = keyListCondition(mysql, ['`e0`.`id`'], ['integer'], ints(70_000), false);
  t.is(big.cond.params.length, 70_000);
  t.true(big.cond.sql.startsWith('`e0`.`id` IN (?, ?, '));
});

test('pg: one array parameter for one column, unnest of typed arrays for several', (t) => {
  const one = keyListCondition(pg, ['"e0"."id"'], ['bigint'], new KeyList([[1n], [9007199254740993n]]), false);
  t.deepEqual(one, { cond: { sql: '"e0"."id" = ANY(?)', params: [['1', '9007199254740993']], nullable: false }, inlined: 0 });
  const keys = new KeyList(Array.from({ length: 600 }, (_, i) => [`A${i}`, i]));
  const two = keyListCondition(pg, ['"e0"."airline"', '"e0"."number"'], ['string', 'integer'], keys, false);
  t.is(two.cond.sql, '("e0"."airline", "e0"."number") IN (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS integer[])))');
  t.is(two.cond.params.length, 2);
  t.deepEqual((two.cond.params[0] as unknown[]).slice(0, 2), ['A0', 'A1']);
  t.deepEqual((two.cond.params[1] as unknown[]).slice(0, 2), [0, 1]);
  t.is(two.inlined, 0);
});

test('sqlite: json_each over one JSON parameter, bigints as exact digits, json_extract per column', (t) => {
  const keys = new KeyList([...ints(INLINE_KEY_VALUES).keys, [9007199254740993n]]);
  const one = keyListCondition(sqlite, ['"e0"."id"'], ['bigint'], keys, false);
  t.is(one.cond.sql, '"e0"."id" IN (SELECT value FROM json_each(?))');
  t.is(one.cond.params.length, 1);
  t.true((one.cond.params[0] as string).startsWith('[1,2,3,'));
  t.true((one.cond.params[0] as string).endsWith(',1000,9007199254740993]'));
  const pairs = new KeyList(Array.from({ length: 501 }, (_, i) => [`A"${i}`, i]));
  const two = keyListCondition(sqlite, ['"e0"."airline"', '"e0"."number"'], ['string', 'integer'], pairs, false);
  t.is(two.cond.sql, `("e0"."airline", "e0"."number") IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))`);
  t.true((two.cond.params[0] as string).startsWith('[["A\\"0",0],["A\\"1",1],'));
});

test('negated lists wrap every shape in NOT, or CASE when the column is nullable', (t) => {
  const list = new KeyList([[1], [2]], true);
  t.is(keyListCondition(sqlite, ['"e0"."id"'], ['integer'], list, false).cond.sql, 'NOT ("e0"."id" IN (?, ?))');
  t.is(keyListCondition(pg, ['"e0"."owner_id"'], ['integer'], list, true).cond.sql, 'CASE WHEN "e0"."owner_id" = ANY(?) THEN 1 ELSE 0 END = 0');
  const long = new KeyList(ints(2000).keys, true);
  t.is(keyListCondition(sqlite, ['"e0"."id"'], ['integer'], long, false).cond.sql, 'NOT ("e0"."id" IN (SELECT value FROM json_each(?)))');
});

test('an empty list matches nothing, or everything when negated, on every dialect', (t) => {
  for (const d of [sqlite, pg, mysql]) {
    t.is(keyListCondition(d, ['x'], ['integer'], new KeyList([]), false).cond.sql, '1 = 0');
    t.is(keyListCondition(d, ['x'], ['integer'], new KeyList([], true), false).cond.sql, 'NOT (1 = 0)');
  }
});

test('datetime keys are converted per dialect inside the one parameter', (t) => {
  const at = new Date('2024-05-01T10:00:00.000Z');
  const keys = new KeyList(Array.from({ length: 1001 }, () => [at]));
  t.true((keyListCondition(sqlite, ['c'], ['datetime'], keys, false).cond.params[0] as string).startsWith('["2024-05-01T10:00:00.000Z",'));
  t.deepEqual((keyListCondition(pg, ['c'], ['datetime'], keys, false).cond.params[0] as unknown[])[0], '2024-05-01T10:00:00.000Z');
});
