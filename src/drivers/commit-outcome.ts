import { randomBytes } from 'node:crypto';
import { CommitOutcomeUnknownError, DriverError } from '../errors/index.js';
import type { Dialect } from '../metadata/types.js';

/**
 * Settling a COMMIT whose reply never came.
 *
 * When the connection dies after COMMIT was sent, the transaction may have committed (the reply was
 * lost on the way back) or not (the COMMIT never arrived, or the server was killed first). Retrying
 * the work would then write it twice. So every server transaction records, without a round trip of
 * its own where the database allows, what a new connection can later ask:
 *
 * - PostgreSQL: the transaction id, taken in the same message as BEGIN
 *   (`BEGIN; SELECT txid_current()`), later looked up with `txid_status()`. Taking the id early
 *   assigns it early, which any transaction that writes does anyway.
 * - MySQL/MariaDB: neither keeps a queryable record of finished transactions, so the transaction
 *   writes one: the row of its pooled connection in {@link MARKER_TABLE} gets the transaction's
 *   sequence number, one statement after BEGIN. The row commits or rolls back with the work; after
 *   the old session is killed, a locking read (which waits for it to finish) tells which. One row
 *   per pooled connection, overwritten by each transaction: the table does not grow with flushes.
 *   (XA would need two more round trips per flush, and a one-phase XA commit leaves no trace either.)
 * - SQLite is in-process: a failed COMMIT is a definite answer.
 */

/** What a transaction recorded when it began. */
export type CommitTicket =
  /** pg: the 64-bit transaction id (with epoch), and the backend that ran it. */
  | { readonly kind: 'xid'; readonly xid: string; readonly pid?: number }
  /** mysql: the marker row's key and the value this transaction wrote to it, and the session's thread id. */
  | { readonly kind: 'marker'; readonly token: string; readonly seq: string; readonly threadId?: number };

/** What became of a transaction whose COMMIT failed. */
export type CommitOutcome = { readonly outcome: 'committed' } | { readonly outcome: 'rolled-back' } | { readonly outcome: 'unknown'; readonly reason: string };

/** PostgreSQL's BEGIN: one simple-query message, one round trip. */
export const PG_BEGIN = 'BEGIN; SELECT txid_current() AS joinery_xid';

/** The transaction id from the reply to {@link PG_BEGIN} (node-postgres: one result per statement). */
export function pgTicket(response: unknown, connection: object): CommitTicket | undefined {
  const results = Array.isArray(response) ? (response as { rows?: Record<string, unknown>[] }[]) : [];
  const xid = results[1]?.rows?.[0]?.joinery_xid;
  if (xid === undefined || xid === null) return undefined;
  const pid = (connection as { processID?: unknown }).processID;
  return { kind: 'xid', xid: String(xid), pid: typeof pid === 'number' ? pid : undefined };
}

/** The table of MySQL/MariaDB commit markers: one row per pooled connection that ran a transaction. */
export const MARKER_TABLE = 'joinery_commit_markers';

export const MARKER_EXISTS = 'select count(*) as found from information_schema.tables where table_schema = database() and table_name = ?';
export const MARKER_CREATE =
  `create table if not exists ${MARKER_TABLE} (connection_token char(24) not null primary key, seq bigint not null, ` +
  'written_at timestamp(3) not null default current_timestamp(3)) engine = InnoDB';
/** Rows of connections that have not run a transaction for a day: long gone (pools recycle idle connections). */
export const MARKER_CLEANUP = `delete from ${MARKER_TABLE} where written_at < current_timestamp(3) - interval 1 day`;
export const MARKER_WRITE =
  `insert into ${MARKER_TABLE} (connection_token, seq) values (?, ?) on duplicate key update seq = ?, written_at = current_timestamp(3)`;

const markerKeys = new WeakMap<object, { token: string; seq: number }>();

/** The marker row this transaction writes on `connection`: its token, and the next sequence number. */
export function nextMarker(connection: object): CommitTicket & { kind: 'marker' } {
  let key = markerKeys.get(connection);
  if (!key) markerKeys.set(connection, (key = { token: randomBytes(12).toString('hex'), seq: 0 }));
  key.seq++;
  const threadId = (connection as { threadId?: unknown }).threadId;
  return { kind: 'marker', token: key.token, seq: String(key.seq), threadId: typeof threadId === 'number' ? threadId : undefined };
}

/** pg SQLSTATE classes that say the session or server failed, not that the COMMIT was refused. */
const PG_IN_DOUBT_CLASSES = new Set(['08', '53', '57', '58', 'XX']);
/** MySQL/MariaDB server errors that mean the session was ended (killed, shut down, network). */
const MYSQL_IN_DOUBT_ERRNOS = new Set([1053, 1077, 1078, 1079, 1080, 1152, 1153, 1154, 1155, 1156, 1157, 1158, 1159, 1160, 1161, 1317, 1927]);

/**
 * Whether a failed COMMIT is known to have rolled back: the server answered with an error about the
 * transaction itself (a deferred constraint, a serialization failure) on a live session. Anything
 * else (a lost connection, a killed session, a client-side error) leaves the outcome to be settled.
 */
export function commitFailureIsDefinite(dialect: Dialect, error: unknown): boolean {
  if (dialect === 'sqlite') return true;
  const e = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; errno?: unknown; fatal?: unknown };
  if (dialect === 'pg') {
    return typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && !PG_IN_DOUBT_CLASSES.has(e.code.slice(0, 2));
  }
  // mysql2: server errors carry their errno (client-side ones are 2000-2999, system ones negative).
  const errno = e.errno;
  if (typeof errno !== 'number' || e.fatal === true) return false;
  return errno >= 1000 && !(errno >= 2000 && errno < 3000) && !MYSQL_IN_DOUBT_ERRNOS.has(errno);
}

/** A connection opened only to settle a COMMIT: statements and their rows. */
export type AskFn = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How often pg is asked again while the old session still runs the transaction (about 2 s in all). */
const PG_STATUS_ATTEMPTS = 12;
/** MySQL: the longest wait for the old transaction's lock on its marker row. */
const MYSQL_LOCK_WAIT_S = 5;

/**
 * Asks, on a new connection, what became of the transaction of `ticket`.
 *
 * pg: `txid_status` says committed, aborted or in progress. In progress means its session has not
 * yet noticed that our connection is gone; that backend (only while it still runs this very
 * transaction) is terminated, which settles the transaction one way or the other, and asked again.
 * `null` (the id is too old for the commit log) is unknown.
 *
 * mysql: the old session is killed (an error when it is gone already is ignored), then a locking
 * read of the marker row waits for its transaction to end and reads what committed.
 */
export async function settleCommit(ticket: CommitTicket, ask: AskFn): Promise<CommitOutcome> {
  if (ticket.kind === 'xid') {
    for (let attempt = 1; attempt <= PG_STATUS_ATTEMPTS; attempt++) {
      const [row] = await ask('select txid_status($1) as status', [ticket.xid]);
      const status = row?.status;
      if (status === 'committed') return { outcome: 'committed' };
      if (status === 'aborted') return { outcome: 'rolled-back' };
      if (status !== 'in progress') return { outcome: 'unknown', reason: `PostgreSQL no longer knows transaction ${ticket.xid}` };
      if (attempt === 1 && ticket.pid !== undefined) {
        await ask(
          'select pg_terminate_backend(pid) from pg_stat_activity where pid = $1 and backend_xid::text = ($2::bigint % 4294967296)::text',
          [ticket.pid, ticket.xid],
        );
      }
      await sleep(30 * attempt);
    }
    return { outcome: 'unknown', reason: `transaction ${ticket.xid} was still in progress` };
  }
  await ask(`set session innodb_lock_wait_timeout = ${MYSQL_LOCK_WAIT_S}`, []);
  if (ticket.threadId !== undefined) {
    await ask(`kill connection ${Math.trunc(ticket.threadId)}`, []).catch(() => undefined);
  }
  const rows = await ask(`select seq from ${MARKER_TABLE} where connection_token = ? lock in share mode`, [ticket.token]);
  return rows.length && String(rows[0]!.seq) === ticket.seq ? { outcome: 'committed' } : { outcome: 'rolled-back' };
}

const why = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function commitRolledBack(connection: string, cause: unknown): DriverError {
  return new DriverError(
    'COMMIT_ROLLED_BACK',
    `The connection '${connection}' failed during COMMIT (${why(cause)}). Asked on a new connection, the database says the ` +
      'transaction did not commit: nothing of it was written, and retrying it (flush() again) is safe.',
    { connection, sql: 'COMMIT;' },
    cause,
  );
}

export function commitOutcomeUnknown(connection: string, cause: unknown, reason: string): CommitOutcomeUnknownError {
  return new CommitOutcomeUnknownError(
    `The connection '${connection}' failed during COMMIT (${why(cause)}), and whether the transaction committed could not be ` +
      `found out (${reason}): its changes may be saved or not, and a plain retry could write them twice. The EntityManager ` +
      "of this flush refuses flush() until told: check the database, then call em.resolveInDoubt('committed') or " +
      "em.resolveInDoubt('rolled-back'), or em.clear() and reload.",
    { inDoubt: [connection] },
    cause,
  );
}
