import test from 'ava';
import Database from 'better-sqlite3';
import { preparedStatement, runSqliteStatement, sqliteBindings } from '../../src/drivers/sqlite-statement-cache.js';

function db(): Database.Database {
  const d = new Database(':memory:');
  d.exec('create table t (id integer primary key, name text, flag integer, at integer)');
  d.exec("insert into t (name, flag, at) values ('a', 1, 0), ('b', 0, 0)");
  return d;
}

test('sqliteBindings hands back the bindings themselves when none needs converting', (t) => {
  const bindings = [1, 'x', null, 2.5, Buffer.from('b')];
  t.is(sqliteBindings(bindings), bindings);
  t.deepEqual(sqliteBindings(undefined), []);
});

test('sqliteBindings converts Dates and booleans in a copy, leaving the caller\'s array alone', (t) => {
  const at = new Date(86_400_000);
  const bindings = ['x', true, at, false, 3];
  const out = sqliteBindings(bindings);
  t.not(out, bindings);
  t.deepEqual(out, ['x', 1, 86_400_000, 0, 3]);
  t.deepEqual(bindings, ['x', true, at, false, 3]);
});

test('a statement is prepared once per connection and text', (t) => {
  const d = db();
  t.is(preparedStatement(d, 'select name from t where id = ?'), preparedStatement(d, 'select name from t where id = ?'));
  t.not(preparedStatement(d, 'select name from t where id = ?'), preparedStatement(db(), 'select name from t where id = ?'));
});

test('oneRow reads a reader as one row at most, still as an array of rows', (t) => {
  const d = db();
  t.deepEqual(runSqliteStatement(d, 'select name from t where id = ? limit 1', [2], true), [{ name: 'b' }]);
  t.deepEqual(runSqliteStatement(d, 'select name from t where id = ? limit 1', [99], true), []);
  t.deepEqual(runSqliteStatement(d, 'select name from t order by id', [], false), [{ name: 'a' }, { name: 'b' }]);
});

test('writes run whatever oneRow says; RETURNING writes give their rows', (t) => {
  const d = db();
  const run = runSqliteStatement(d, 'update t set flag = ? where id = ?', [true, 1], true) as { changes: number };
  t.is(run.changes, 1);
  t.deepEqual(runSqliteStatement(d, 'select flag from t where id = ?', [1]), [{ flag: 1 }]);
  t.deepEqual(runSqliteStatement(d, 'insert into t (name) values (?), (?) returning name', ['c', 'd'], false), [{ name: 'c' }, { name: 'd' }]);
});
