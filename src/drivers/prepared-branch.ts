import { acquireConnection, discardConnection, holdForTransaction, poolOf } from './knex-pool.js';
import { DriverError, TransactionError, UsageError } from '../errors/index.js';
import type { Dialect } from '../metadata/types.js';
import type { Driver, FinishPreparedResult, IsolationLevel, PreparableTransaction, Statement, PreparedTransactionSupport } from './driver.js';
import { isolationSql } from './isolation-level.js';

type PreparingDialect = Extract<Dialect, 'pg' | 'mysql'>;

/**
 * Global ids go into the SQL as literals: PostgreSQL takes no parameters in PREPARE TRANSACTION /
 * COMMIT PREPARED, and one spelling for both dialects keeps the logs comparable. MySQL caps a gtrid
 * at 64 bytes; the character set rules out quoting problems.
 */
const XID = /^[A-Za-z0-9_]{1,64}$/;

function checkXid(xid: string): string {
  if (!XID.test(xid)) {
    throw new UsageError('BAD_XID', `'${xid}' cannot be a global transaction id: use 1 to 64 letters, digits or '_'.`);
  }
  return xid;
}

const raw = (sql: string): Statement => ({ sql, params: [] });

/** The statements of each phase, per dialect. */
const SQL = {
  pg: {
    begin: (_x: string, level?: IsolationLevel) => [raw(level ? `BEGIN ISOLATION LEVEL ${isolationSql(level)};` : 'BEGIN;')],
    prepare: (x: string) => [raw(`PREPARE TRANSACTION '${x}'`)],
    commitPrepared: (x: string) => raw(`COMMIT PREPARED '${x}'`),
    rollbackPrepared: (x: string) => raw(`ROLLBACK PREPARED '${x}'`),
    list: raw(`select gid from pg_prepared_xacts where database = current_database() order by prepared`),
  },
  mysql: {
    // SET TRANSACTION (without SESSION) applies to the next transaction only.
    begin: (x: string, level?: IsolationLevel) => [...(level ? [raw(`SET TRANSACTION ISOLATION LEVEL ${isolationSql(level)}`)] : []), raw(`XA START '${x}'`)],
    prepare: (x: string) => [raw(`XA END '${x}'`), raw(`XA PREPARE '${x}'`)],
    commitPrepared: (x: string) => raw(`XA COMMIT '${x}'`),
    rollbackPrepared: (x: string) => raw(`XA ROLLBACK '${x}'`),
    list: raw('XA RECOVER'),
  },
} as const;

/** The driver's own error behind a mapped {@link DriverError}. */
function driverCause(e: unknown): { code?: string; errno?: number; message?: string } {
  const cause = e instanceof DriverError ? e.cause : e;
  return typeof cause === 'object' && cause !== null ? (cause as { code?: string; errno?: number; message?: string }) : {};
}

/** pg 42704 / MySQL 1397 XAER_NOTA: no such prepared transaction (here). */
export function isUnknownXid(e: unknown): boolean {
  const c = driverCause(e);
  return c.code === '42704' || c.errno === 1397;
}

/**
 * Turns the errors PostgreSQL raises when it is not set up for prepared transactions into errors
 * that say which setting to change; everything else is returned as it is.
 */
function explainPrepareError(e: unknown, connection: string): unknown {
  const c = driverCause(e);
  if (c.code === '55000' && /prepared transactions are disabled/i.test(c.message ?? '')) {
    return new TransactionError(
      'PREPARED_TRANSACTIONS_DISABLED',
      `PostgreSQL on connection '${connection}' has prepared transactions disabled (max_prepared_transactions = 0, the default), ` +
        "which twoPhaseCommit needs. Run ALTER SYSTEM SET max_prepared_transactions = 20 as a superuser and restart the server, or turn twoPhaseCommit off.",
      {},
      e,
    );
  }
  if (c.code === '53400' && /prepared transactions/i.test(c.message ?? '')) {
    return new TransactionError(
      'PREPARED_TRANSACTIONS_DISABLED',
      `PostgreSQL on connection '${connection}' has no free prepared-transaction slot (max_prepared_transactions is reached). ` +
        'Raise max_prepared_transactions (restart needed), and run orm.recoverPreparedTransactions() in case old ones were left behind.',
      {},
      e,
    );
  }
  return e;
}

/**
 * A branch on a connection of its own, taken from the pool and pinned, like the driver's own
 * transactions, but opened with XA START on MySQL and, once prepared, left to whoever finishes it
 * (no COMMIT or ROLLBACK when the callback ends). Statements still go through
 * `driver.execute`, so they are logged and their errors mapped like every other statement.
 */
export class KnexBranch implements PreparableTransaction {
  #state: 'active' | 'prepared' | 'ended' = 'active';
  /** MySQL: XA END has been sent (the branch is IDLE: XA PREPARE or XA ROLLBACK may follow). */
  #xaEnded = false;

  private constructor(
    readonly driver: Driver,
    readonly xid: string,
    readonly connection: object,
    /** Ends the pool's count of this branch's connection as held by a transaction. */
    private readonly released: () => void,
  ) {}

  /** Takes a connection from the pool and sends BEGIN / XA START on it. */
  static async begin(driver: Driver, xid: string, isolationLevel?: IsolationLevel): Promise<KnexBranch> {
    checkXid(xid);
    const dialect = preparing(driver);
    const pool = poolOf(driver.knex);
    const connection = await acquireConnection(pool, driver.connectionName);
    const branch = new KnexBranch(driver, xid, connection, holdForTransaction(pool));
    try {
      for (const s of SQL[dialect].begin(xid, isolationLevel)) await driver.execute(s, branch);
    } catch (e) {
      await branch.#end(e);
      throw e;
    }
    return branch;
  }

  get state(): 'active' | 'prepared' | 'ended' {
    return this.#state;
  }

  async prepare(): Promise<void> {
    this.#expect('active', 'prepare');
    const dialect = preparing(this.driver);
    try {
      for (const s of SQL[dialect].prepare(this.xid)) {
        await this.driver.execute(s, this);
        if (s.sql.startsWith('XA END')) this.#xaEnded = true;
      }
    } catch (e) {
      // PostgreSQL turns a failed PREPARE TRANSACTION into a ROLLBACK by itself; MySQL may leave
      // the branch active or idle, and rolling back is the only way on from either.
      if (dialect === 'pg') await this.#end();
      else await this.rollback().catch(() => undefined);
      throw explainPrepareError(e, this.driver.connectionName);
    }
    this.#state = 'prepared';
  }

  async commit(): Promise<void> {
    this.#expect('prepared', 'commit');
    await this.#finish(SQL[preparing(this.driver)].commitPrepared(this.xid));
  }

  async rollback(): Promise<void> {
    if (this.#state === 'ended') return;
    const dialect = preparing(this.driver);
    if (this.#state === 'prepared') return this.#finish(SQL[dialect].rollbackPrepared(this.xid));
    if (dialect === 'pg') return this.#finish(raw('ROLLBACK'));
    if (!this.#xaEnded) {
      try {
        await this.driver.execute(raw(`XA END '${this.xid}'`), this);
      } catch {
        // The server may have rolled the branch back already (deadlock, XA_RB*): XA ROLLBACK
        // below ends it either way, and dropping the connection is the last resort.
      }
      this.#xaEnded = true;
    }
    return this.#finish(SQL.mysql.rollbackPrepared(this.xid));
  }

  /**
   * Sends the statement that ends the branch and gives the connection back. When that statement
   * fails the connection is dropped: an unprepared branch dies with it, a prepared one is kept by
   * the server for whoever finishes it next (the coordinator, or recovery).
   */
  async #finish(stmt: Statement): Promise<void> {
    try {
      await this.driver.execute(stmt, this);
    } catch (e) {
      if (isUnknownXid(e)) {
        // Someone else (recovery) finished it; what they did follows the same recorded decision.
        await this.#end();
        return;
      }
      await this.#end(e);
      throw e;
    }
    await this.#end();
  }

  async #end(failure?: unknown): Promise<void> {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.released();
    const pool = poolOf(this.driver.knex);
    if (failure !== undefined) await discardConnection(pool, this.connection, failure);
    else await pool.releaseConnection(this.connection);
  }

  #expect(state: 'active' | 'prepared', action: string): void {
    if (this.#state !== state) {
      throw new UsageError(
        'TRANSACTION_COMPLETED',
        `Cannot ${action} transaction ${this.xid} on connection '${this.driver.connectionName}': it is ${this.#state}, not ${state}.`,
      );
    }
  }
}

function preparing(driver: Driver): PreparingDialect {
  if (driver.dialect === 'sqlite') {
    throw new UsageError('TWO_PHASE_COMMIT_UNSUPPORTED', `Connection '${driver.connectionName}' is SQLite, which cannot prepare a transaction.`);
  }
  return driver.dialect;
}

/** {@link PreparedTransactionSupport} for a pg or mysql KnexDriver. */
export class KnexPreparedTransactions implements PreparedTransactionSupport {
  constructor(private readonly driver: Driver) {}

  begin(xid: string, options: { readonly isolationLevel?: IsolationLevel } = {}): Promise<KnexBranch> {
    return KnexBranch.begin(this.driver, xid, options.isolationLevel);
  }

  async list(): Promise<string[]> {
    const dialect = preparing(this.driver);
    const { rows } = await this.driver.execute(SQL[dialect].list);
    if (dialect === 'pg') return rows.map((r) => String(r.gid));
    // XA RECOVER: `data` is gtrid followed by bqual; joinery's ids have no bqual.
    return rows.map((r) => {
      const data = Buffer.isBuffer(r.data) ? r.data.toString('utf8') : String(r.data);
      return data.slice(0, Number(r.gtrid_length));
    });
  }

  async finish(xid: string, outcome: 'commit' | 'rollback'): Promise<FinishPreparedResult> {
    const sql = SQL[preparing(this.driver)];
    checkXid(xid);
    try {
      await this.driver.execute(outcome === 'commit' ? sql.commitPrepared(xid) : sql.rollbackPrepared(xid));
      return 'done';
    } catch (e) {
      if (isUnknownXid(e)) return 'not-found';
      throw e;
    }
  }
}
