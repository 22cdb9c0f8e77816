import test from 'ava';
import { nativePlaceholders } from '../../src/drivers/native-placeholders.js';

test('pg: each ? becomes $n in order', (t) => {
  t.deepEqual(nativePlaceholders('pg', 'select * from t where a = ? and b in (?, ?)', [1, 2, 3]), {
    sql: 'select * from t where a = $1 and b in ($2, $3)',
  });
  t.deepEqual(nativePlaceholders('pg', 'update t set a = ?', ['x']), { sql: 'update t set a = $1' });
});

test('pg: numbering goes past one digit without mixing up $1 and $10', (t) => {
  const params = Array.from({ length: 12 }, (_, i) => i);
  const { sql } = nativePlaceholders('pg', `values ${params.map(() => '(?)').join(', ')}`, params) as { sql: string };
  t.is(sql, `values ${params.map((i) => `($${i + 1})`).join(', ')}`);
});

test('sqlite and mysql keep ? as it is', (t) => {
  const sql = 'insert into t (a, b) values (?, ?)';
  t.deepEqual(nativePlaceholders('sqlite', sql, [1, 2]), { sql });
  t.deepEqual(nativePlaceholders('mysql', sql, [1, 2]), { sql });
});

test("knex's ?? and \\? spellings are left to knex", (t) => {
  for (const dialect of ['pg', 'sqlite', 'mysql'] as const) {
    t.deepEqual(nativePlaceholders(dialect, 'select ?? from t where a = ?', ['name', 1]), { needsKnex: true });
    t.deepEqual(nativePlaceholders(dialect, "select '\\?' as q, ? as v", [1]), { needsKnex: true });
  }
});

test('a placeholder count that is not the parameter count is an error, as with knex.raw', (t) => {
  t.throws(() => nativePlaceholders('pg', 'select ? as a, ? as b', [1]), { message: 'Expected 1 bindings, saw 2' });
  t.throws(() => nativePlaceholders('sqlite', 'select ? as a', [1, 2]), { message: 'Expected 2 bindings, saw 1' });
});

test('an undefined parameter is an error naming its position, not a silent NULL', (t) => {
  const e = t.throws(() => nativePlaceholders('mysql', 'insert into t (a, b, c) values (?, ?, ?)', [1, undefined, undefined]));
  t.regex(e!.message, /^Undefined binding\(s\) detected for keys \[1,2\] when compiling RAW query: insert into t/);
});

test('a statement seen before is rewritten the same way, and its parameters are still checked every time', (t) => {
  const sql = 'select * from seen_twice where a = ? and b = ?';
  t.deepEqual(nativePlaceholders('pg', sql, [1, 2]), { sql: 'select * from seen_twice where a = $1 and b = $2' });
  t.deepEqual(nativePlaceholders('pg', sql, [3, 4]), { sql: 'select * from seen_twice where a = $1 and b = $2' });
  t.throws(() => nativePlaceholders('pg', sql, [1]), { message: 'Expected 1 bindings, saw 2' });
  t.throws(() => nativePlaceholders('pg', sql, [1, undefined]), { message: /^Undefined binding\(s\) detected for keys \[1\]/ });
  // The same text on another dialect keeps its own form.
  t.deepEqual(nativePlaceholders('mysql', sql, [1, 2]), { sql });
  t.deepEqual(nativePlaceholders('pg', 'select ?? from seen_twice', ['a']), { needsKnex: true });
  t.deepEqual(nativePlaceholders('pg', 'select ?? from seen_twice', ['a']), { needsKnex: true });
});

test('a large multi-row statement is numbered to the end', (t) => {
  const rows = 2_000;
  const params = Array.from({ length: rows * 3 }, (_, i) => i);
  const sql = `insert into t (a, b, c) values ${Array.from({ length: rows }, () => '(?, ?, ?)').join(', ')}`;
  const out = nativePlaceholders('pg', sql, params) as { sql: string };
  t.true(out.sql.endsWith(`($${rows * 3 - 2}, $${rows * 3 - 1}, $${rows * 3})`));
  t.false(out.sql.includes('?'));
  t.is(nativePlaceholders('pg', sql, params), out);
});
