import test from 'ava';
import {
  forgetStatements,
  isStaleStatementError,
  namedStatementCount,
  noteStatement,
  statementName,
  takeDeallocations,
  type PgClient,
} from '../../src/drivers/pg-named-statements.js';

/** Stands in for a node-postgres Client: only its record of parsed statements is used. */
function fakeClient(): PgClient & { connection: { parsedStatements: Record<string, string> } } {
  return {
    query: () => undefined,
    connection: { parsedStatements: {} },
  } as unknown as PgClient & { connection: { parsedStatements: Record<string, string> } };
}

const SQL = 'select name from items where id = $1';

test('a text gets a name from its second use on, the same name after that', (t) => {
  const client = fakeClient();
  t.is(statementName(client, SQL, true, 10), undefined);
  const name = statementName(client, SQL, true, 10);
  t.regex(name ?? '', /^joinery_\d+$/);
  t.is(statementName(client, SQL, true, 10), name);
  t.is(namedStatementCount(client), 1);
});

test('statements without parameters, and any statement with max 0, are never named', (t) => {
  const client = fakeClient();
  for (let i = 0; i < 3; i++) t.is(statementName(client, 'COMMIT;', false, 10), undefined);
  for (let i = 0; i < 3; i++) t.is(statementName(client, SQL, true, 0), undefined);
});

test('names are per connection', (t) => {
  const a = fakeClient();
  const b = fakeClient();
  statementName(a, SQL, true, 10);
  t.truthy(statementName(a, SQL, true, 10));
  t.is(statementName(b, SQL, true, 10), undefined);
});

test('the least recently used name is evicted beyond max, deallocated before the next statement and never reused', (t) => {
  const client = fakeClient();
  const nameOf = (sql: string) => {
    statementName(client, sql, true, 2);
    return statementName(client, sql, true, 2)!;
  };
  const first = nameOf('select 1 where $1');
  client.connection.parsedStatements[first] = 'select 1 where $1';
  const second = nameOf('select 2 where $1');
  t.is(takeDeallocations(client), undefined);
  const third = nameOf('select 3 where $1');
  t.is(takeDeallocations(client), `DEALLOCATE ${first}`);
  t.is(takeDeallocations(client), undefined, 'owed once');
  t.false(first in client.connection.parsedStatements, "node-postgres' own record forgets it too");
  t.is(namedStatementCount(client), 2);
  t.deepEqual(new Set([first, second, third]).size, 3);
  const again = nameOf('select 1 where $1');
  t.not(again, first);
});

test('DDL noted on any connection makes every connection drop its names and deallocate them all', (t) => {
  const client = fakeClient();
  statementName(client, SQL, true, 10);
  const before = statementName(client, SQL, true, 10)!;
  client.connection.parsedStatements[before] = SQL;
  client.connection.parsedStatements.other = 'a statement not named by joinery';
  noteStatement('select 1');
  t.is(statementName(client, SQL, true, 10), before, 'not DDL');
  noteStatement('  ALTER TABLE items ADD COLUMN note text');
  t.is(statementName(client, SQL, true, 10), undefined, 'seen afresh');
  t.is(takeDeallocations(client), 'DEALLOCATE ALL');
  t.deepEqual(client.connection.parsedStatements, { other: 'a statement not named by joinery' });
  const after = statementName(client, SQL, true, 10);
  t.truthy(after);
  t.not(after, before);
});

test('DDL is recognised after leading comments, and only at the start of a statement', (t) => {
  const client = fakeClient();
  const named = () => {
    statementName(client, SQL, true, 10);
    return statementName(client, SQL, true, 10);
  };
  for (const ddl of ['-- add a column\n/* why */ alter table items add column x int', 'CREATE INDEX i ON items (name)', 'drop table t', 'truncate items']) {
    named();
    noteStatement(ddl);
    t.is(statementName(client, SQL, true, 10), undefined, ddl);
  }
  for (const dml of ["select 'drop table t'", "update items set note = 'create' where id = $1", 'with x as (select 1) select * from x']) {
    const name = named();
    noteStatement(dml);
    t.is(statementName(client, SQL, true, 10), name, dml);
  }
});

test('forgetStatements drops the names of one connection and owes a DEALLOCATE ALL', (t) => {
  const client = fakeClient();
  statementName(client, SQL, true, 10);
  statementName(client, SQL, true, 10);
  forgetStatements(client);
  t.is(namedStatementCount(client), 0);
  t.is(takeDeallocations(client), 'DEALLOCATE ALL');
});

test('isStaleStatementError: a lost statement or a stale cached plan, nothing else', (t) => {
  t.true(isStaleStatementError({ code: '26000', message: 'prepared statement "joinery_1" does not exist' }));
  t.true(isStaleStatementError({ code: '0A000', message: 'cached plan must not change result type' }));
  t.false(isStaleStatementError({ code: '0A000', message: 'unsupported feature' }));
  t.false(isStaleStatementError({ code: '23505', message: 'duplicate key' }));
  t.false(isStaleStatementError(null));
  t.false(isStaleStatementError('26000'));
});
