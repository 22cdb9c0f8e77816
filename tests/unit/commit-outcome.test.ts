// Which failed COMMITs need settling, and how a ticket is read and settled, without a database.
import test from 'ava';
import { commitFailureIsDefinite, nextMarker, pgTicket, settleCommit, type AskFn } from '../../src/drivers/commit-outcome.js';

test('pg: a COMMIT refused by a live server (deferred constraint, serialization failure) is definite; a lost or killed session is not', (t) => {
  t.true(commitFailureIsDefinite('pg', { code: '23505' }));
  t.true(commitFailureIsDefinite('pg', { code: '40001' }));
  t.false(commitFailureIsDefinite('pg', { code: '57P01' }), 'terminated by an administrator');
  t.false(commitFailureIsDefinite('pg', { code: '08006' }), 'connection failure');
  t.false(commitFailureIsDefinite('pg', { code: 'XX000' }));
  t.false(commitFailureIsDefinite('pg', { code: 'ECONNRESET' }));
  t.false(commitFailureIsDefinite('pg', new Error('Connection terminated unexpectedly')));
  t.false(commitFailureIsDefinite('pg', undefined));
});

test('mysql: a server error on a live session is definite; client-side, fatal, killed and network errors are not', (t) => {
  t.true(commitFailureIsDefinite('mysql', { errno: 1213 }), 'deadlock');
  t.true(commitFailureIsDefinite('mysql', { errno: 3100 }));
  t.false(commitFailureIsDefinite('mysql', { errno: 1213, fatal: true }));
  t.false(commitFailureIsDefinite('mysql', { errno: 2013 }), 'lost connection during query');
  t.false(commitFailureIsDefinite('mysql', { errno: 1927 }), 'connection killed');
  t.false(commitFailureIsDefinite('mysql', { errno: 1053 }), 'server shutdown');
  t.false(commitFailureIsDefinite('mysql', { errno: -104, code: 'ECONNRESET' }));
  t.false(commitFailureIsDefinite('mysql', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }));
});

test('sqlite: every COMMIT failure is definite (in-process)', (t) => {
  t.true(commitFailureIsDefinite('sqlite', new Error('database is locked')));
});

test('pg: the ticket is the id the BEGIN message returned, and the backend pid', (t) => {
  const response = [{ rows: [] }, { rows: [{ joinery_xid: '4294967301' }] }];
  t.deepEqual(pgTicket(response, { processID: 42 }), { kind: 'xid', xid: '4294967301', pid: 42 });
  t.is(pgTicket({ rows: [] }, {}), undefined);
});

test('mysql: one marker key per connection, its sequence counting transactions', (t) => {
  const a = {};
  const b = { threadId: 7 };
  const a1 = nextMarker(a);
  const a2 = nextMarker(a);
  const b1 = nextMarker(b);
  t.is(a1.token, a2.token);
  t.not(a1.token, b1.token);
  t.regex(a1.token, /^[0-9a-f]{24}$/);
  t.deepEqual([a1.seq, a2.seq, b1.seq], ['1', '2', '1']);
  t.is(b1.threadId, 7);
});

/** An AskFn for pg: txid_status answers the next of `statuses` each time; what was asked is recorded. */
function pgAnswers(statuses: (string | null)[], asked: string[] = []): AskFn {
  return async (sql) => {
    asked.push(sql);
    return /^select txid_status/.test(sql) ? [{ status: statuses.shift() ?? null }] : [];
  };
}

test('pg settling: committed, aborted, too old; a transaction still in progress has its backend ended, then is asked again', async (t) => {
  const ticket = { kind: 'xid', xid: '77', pid: 9 } as const;
  t.deepEqual(await settleCommit(ticket, pgAnswers(['committed'])), { outcome: 'committed' });
  t.deepEqual(await settleCommit(ticket, pgAnswers(['aborted'])), { outcome: 'rolled-back' });
  t.is((await settleCommit(ticket, pgAnswers([null]))).outcome, 'unknown');

  const asked: string[] = [];
  t.deepEqual(await settleCommit(ticket, pgAnswers(['in progress', 'in progress', 'committed'], asked)), { outcome: 'committed' });
  t.is(asked.length, 4);
  t.regex(asked[1]!, /pg_terminate_backend\(pid\) .* where pid = \$1 and backend_xid/);
  t.is(asked.filter((q) => /pg_terminate_backend/.test(q)).length, 1, 'ended once');
});

test('mysql settling: the old session is killed, then the marker row read with a lock decides', async (t) => {
  const ticket = { kind: 'marker', token: 'abc', seq: '5', threadId: 31 } as const;
  const asked: string[] = [];
  const answer = (seq: string | undefined): AskFn => async (sql) => {
    asked.push(sql);
    return /select seq/.test(sql) && seq !== undefined ? [{ seq }] : [];
  };
  t.deepEqual(await settleCommit(ticket, answer('5')), { outcome: 'committed' });
  t.deepEqual(asked, [
    'set session innodb_lock_wait_timeout = 5',
    'kill connection 31',
    'select seq from joinery_commit_markers where connection_token = ? lock in share mode',
  ]);
  t.deepEqual(await settleCommit(ticket, answer('4')), { outcome: 'rolled-back' });
  t.deepEqual(await settleCommit(ticket, answer(undefined)), { outcome: 'rolled-back' }, 'the connection\'s first transaction did not commit');
});
