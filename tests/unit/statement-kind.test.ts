import test from 'ava';
import { classifyStatement, leadingKeyword, StatementKinds } from '../../src/drivers/statement-kind.js';

test('leadingKeyword skips whitespace, comments and opening parentheses', (t) => {
  t.is(leadingKeyword('  SELECT 1'), 'select');
  t.is(leadingKeyword('-- note\n/* block\n */ (Insert into t values (1))'), 'insert');
  t.is(leadingKeyword(''), '');
  t.is(leadingKeyword('?'), '');
});

test('classifyStatement tells inserts, other writes and everything else apart', (t) => {
  t.is(classifyStatement('insert into t (a) values (?) returning id'), 'insert');
  t.is(classifyStatement('UPDATE t SET a = ? WHERE id = ?'), 'write');
  t.is(classifyStatement('delete from t where id = ?'), 'write');
  t.is(classifyStatement('replace into t (a) values (?)'), 'write');
  t.is(classifyStatement('with x as (select 1) update t set a = 1 returning id'), 'write');
  t.is(classifyStatement('with x as (select 1) select * from x'), 'other');
  t.is(classifyStatement('select * from returning_log'), 'other');
  t.is(classifyStatement('BEGIN'), 'other');
});

test('StatementKinds answers as classifyStatement does and remembers each short text', (t) => {
  const kinds = new StatementKinds();
  const texts = ['select 1', 'insert into t values (1)', 'update t set a = 1', 'with a as (select 1) delete from t returning *'];
  for (const sql of texts) t.is(kinds.of(sql), classifyStatement(sql));
  t.is(kinds.size, texts.length);
  for (const sql of texts) t.is(kinds.of(sql), classifyStatement(sql));
  t.is(kinds.size, texts.length);
});

test('StatementKinds keeps no text longer than maxTextLength, and starts afresh beyond maxChars', (t) => {
  const kinds = new StatementKinds(40, 20);
  t.is(kinds.of(`insert into t values ${'(1), '.repeat(10)}(1)`), 'insert');
  t.is(kinds.size, 0);
  kinds.of('select 1 from a'); // 15 characters
  kinds.of('select 1 from bb'); // 16: 31 in all
  t.is(kinds.size, 2);
  kinds.of('delete from ccc'); // 15 more would pass 40: the cache is cleared first
  t.is(kinds.size, 1);
  t.is(kinds.of('select 1 from a'), 'other');
  t.is(kinds.size, 2);
});
