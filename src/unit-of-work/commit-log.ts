import type { Driver, DriverTransaction } from '../drivers/driver.js';
import type { Dialect } from '../metadata/types.js';
import { connectionTag } from './two-phase-ids.js';

/**
 * The commit log of two-phase commit: one small table on the coordinator connection of a flush,
 * holding at most one row per flush id, `commit` or `rollback`. The row is the decision: whoever
 * inserts it first (the flush, inside the coordinator's own transaction; or recovery, on its own)
 * decides for every branch, and the primary key makes a second decision impossible.
 */
export const COMMIT_LOG_TABLE = 'joinery_commit_decisions';

const CREATE: Record<Dialect, string> = {
  pg:
    `create table if not exists ${COMMIT_LOG_TABLE} (flush_id varchar(40) primary key, outcome varchar(8) not null, ` +
    'decided_at timestamptz not null default now())',
  mysql:
    `create table if not exists ${COMMIT_LOG_TABLE} (flush_id varchar(40) primary key, outcome varchar(8) not null, ` +
    'decided_at timestamp(3) not null default current_timestamp(3)) engine = InnoDB',
  sqlite:
    `create table if not exists ${COMMIT_LOG_TABLE} (flush_id text primary key, outcome text not null, ` +
    'decided_at text not null default current_timestamp)',
};

/** One row with `found` > 0 when the table exists (in the connection's default schema). */
const EXISTS: Record<Dialect, string> = {
  pg: 'select count(*) as found from pg_catalog.pg_tables where schemaname = current_schema() and tablename = ?',
  mysql: 'select count(*) as found from information_schema.tables where table_schema = database() and table_name = ?',
  sqlite: "select count(*) as found from sqlite_master where type = 'table' and name = ?",
};

/** Inserts a decision unless the flush has one already (then waits for, and keeps, that one). */
const INSERT_IF_ABSENT: Record<Dialect, string> = {
  pg: `insert into ${COMMIT_LOG_TABLE} (flush_id, outcome) values (?, ?) on conflict (flush_id) do nothing`,
  mysql: `insert ignore into ${COMMIT_LOG_TABLE} (flush_id, outcome) values (?, ?)`,
  sqlite: `insert or ignore into ${COMMIT_LOG_TABLE} (flush_id, outcome) values (?, ?)`,
};

export type Decision = 'commit' | 'rollback';

/** What two-phase commit needs to know about a connection; read once per driver. */
export interface ParticipantInfo {
  /** See `connectionTag`. */
  readonly tag: string;
  /** The database as the server names it (SQLite: the main file, '' in memory). */
  readonly database: string;
  /** pg: `max_prepared_transactions` (0 means PREPARE TRANSACTION is refused). */
  readonly maxPreparedTransactions?: number;
  /** SQLite in memory: a commit decision written there does not outlive the process. */
  readonly inMemory: boolean;
}

const participants = new WeakMap<Driver, Promise<ParticipantInfo>>();
const logsReady = new WeakMap<Driver, Promise<void>>();

/** The connection's {@link ParticipantInfo}, read with one statement the first time. */
export function participantInfo(driver: Driver): Promise<ParticipantInfo> {
  return once(participants, driver, () => probe(driver));
}

async function probe(driver: Driver): Promise<ParticipantInfo> {
  const info = (database: string, extra: Partial<ParticipantInfo> = {}): ParticipantInfo => ({
    tag: connectionTag(driver.connectionName, driver.dialect, database),
    database,
    inMemory: false,
    ...extra,
  });
  switch (driver.dialect) {
    case 'pg': {
      const { rows } = await driver.execute({
        sql: "select current_database() as db, current_setting('max_prepared_transactions') as max_prepared",
        params: [],
      });
      return info(String(rows[0]?.db ?? ''), { maxPreparedTransactions: Number(rows[0]?.max_prepared ?? 0) });
    }
    case 'mysql': {
      const { rows } = await driver.execute({ sql: 'select database() as db', params: [] });
      return info(String(rows[0]?.db ?? ''));
    }
    case 'sqlite': {
      const { rows } = await driver.execute({ sql: "select file from pragma_database_list where name = 'main'", params: [] });
      const file = String(rows[0]?.file ?? '');
      return info(file, { inMemory: file === '' });
    }
    default: {
      const never: never = driver.dialect;
      throw new Error(`joinery: unknown dialect ${String(never)}`);
    }
  }
}

/**
 * Creates the commit log table if it is missing, once per driver. Looking first lets an application
 * whose database user may not run DDL use a table created in advance (PostgreSQL checks the CREATE
 * privilege even for CREATE TABLE IF NOT EXISTS). DDL runs outside any transaction: MySQL would
 * commit an open one around it.
 */
export function ensureCommitLog(driver: Driver): Promise<void> {
  return once(logsReady, driver, async () => {
    const { rows } = await driver.execute({ sql: EXISTS[driver.dialect], params: [COMMIT_LOG_TABLE] });
    if (Number(rows[0]?.found ?? 0) > 0) return;
    const create = { sql: CREATE[driver.dialect], params: [] };
    try {
      await driver.execute(create);
    } catch {
      // Two processes creating it at once: PostgreSQL may reject the loser (a duplicate type
      // name) although the table now exists. Asking again settles it either way.
      await driver.execute(create);
    }
  });
}

/** The commit point: records `commit` inside the coordinator's transaction, so it commits with it. */
export async function recordCommit(driver: Driver, trx: DriverTransaction, flushId: string): Promise<void> {
  await driver.execute({ sql: `insert into ${COMMIT_LOG_TABLE} (flush_id, outcome) values (?, ?)`, params: [flushId, 'commit'] }, trx);
}

/**
 * The decision for a flush, deciding `rollback` if none was made. The insert waits for a flush that
 * is committing the same key right now, so the answer is final: a flush that has not recorded
 * `commit` by then never will (its own insert then fails on the key).
 */
export async function settleDecision(driver: Driver, flushId: string): Promise<Decision> {
  await ensureCommitLog(driver);
  await driver.execute({ sql: INSERT_IF_ABSENT[driver.dialect], params: [flushId, 'rollback'] });
  const { rows } = await driver.execute({ sql: `select outcome from ${COMMIT_LOG_TABLE} where flush_id = ?`, params: [flushId] });
  const outcome = rows[0]?.outcome;
  if (outcome !== 'commit' && outcome !== 'rollback') {
    throw new Error(`joinery: ${COMMIT_LOG_TABLE} on connection '${driver.connectionName}' has no usable decision for flush ${flushId}`);
  }
  return outcome;
}

/**
 * Removes a `commit` row once no branch of its flush is left prepared. (`rollback` rows stay: a
 * stalled flush that wakes up must still find its way blocked.)
 */
export async function forgetDecision(driver: Driver, flushId: string): Promise<void> {
  await driver.execute({ sql: `delete from ${COMMIT_LOG_TABLE} where flush_id = ? and outcome = ?`, params: [flushId, 'commit'] });
}

/**
 * The flushes with a `commit` decision on this connection (none when it has no commit log: it was
 * never a coordinator, and recovery does not create the table just to look).
 */
export async function committedFlushes(driver: Driver): Promise<string[]> {
  const { rows: found } = await driver.execute({ sql: EXISTS[driver.dialect], params: [COMMIT_LOG_TABLE] });
  if (Number(found[0]?.found ?? 0) === 0) return [];
  const { rows } = await driver.execute({ sql: `select flush_id from ${COMMIT_LOG_TABLE} where outcome = ?`, params: ['commit'] });
  return rows.map((r) => String(r.flush_id));
}

/** Memoises a per-driver promise; a failure is forgotten so that the next call tries again. */
function once<T>(cache: WeakMap<Driver, Promise<T>>, driver: Driver, make: () => Promise<T>): Promise<T> {
  let p = cache.get(driver);
  if (!p) {
    p = make();
    cache.set(driver, p);
    p.catch(() => cache.delete(driver));
  }
  return p;
}
