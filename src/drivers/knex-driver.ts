import type { Knex } from 'knex';
import { UsageError } from '../errors/index.js';
import type { Dialect } from '../metadata/types.js';
import {
  commitFailureIsDefinite, commitOutcomeUnknown, commitRolledBack, MARKER_CLEANUP, MARKER_CREATE, MARKER_EXISTS, MARKER_TABLE, MARKER_WRITE, nextMarker, PG_BEGIN, pgTicket, settleCommit,
  type CommitOutcome, type CommitTicket,
} from './commit-outcome.js';
import type { Driver, DriverTransaction, QueryBuilder, Statement, StatementResult, PreparedTransactionSupport, TransactionOptions } from './driver.js';
import { mapDriverError } from './error-mapping.js';
import { isolationSql } from './isolation-level.js';
import { acquireConnection, discardConnection, holdForTransaction, isAcquireTimeout, poolExhausted, type KnexPool } from './knex-pool.js';
import { KnexBranch, KnexPreparedTransactions } from './prepared-branch.js';
import { normalizeResult } from './result-normalizer.js';
import { rawRows } from './raw-rows.js';
import { nativePlaceholders } from './native-placeholders.js';
import { type ClientInternals, type QueryObject } from './statement-hook-client.js';

/** knex's client: its pool and the `_query` every statement goes through. */
type PooledClient = ClientInternals & KnexPool;

/** What `#sendNow` answers for a statement that has to go the asynchronous way. */
const LATER: unique symbol = Symbol('later');

/** Most bound parameters per statement, per dialect. */
const MAX_PARAMS: Record<Dialect, number> = {
  // SQLITE_MAX_VARIABLE_NUMBER: 32766 since SQLite 3.32 and in better-sqlite3's build (checked by test).
  sqlite: 32766,
  // The wire protocols count parameters in an unsigned 16-bit field.
  pg: 65535,
  mysql: 65535,
};

/**
 * A statement without parameters (DDL) may hold a literal `?`, e.g. in a default `'why?'`. knex.raw
 * without bindings leaves it alone on sqlite and mysql, but knex's pg client still numbers every
 * `?` as `$n` unless it is escaped as `\?`.
 */
function literalQuestionMarks(sql: string, dialect: Dialect): string {
  return dialect === 'pg' ? sql.replace(/\?/g, '\\?') : sql;
}

/**
 * A transaction on one pooled connection, begun and ended by the driver itself: statements go to that
 * connection directly, like every other statement. knex's transaction object (a client clone, an
 * event emitter and a promise chain per transaction) cost about twice the CPU of BEGIN and COMMIT
 * sent by hand, on every flush.
 */
export class PooledTransaction implements DriverTransaction {
  /** Set once COMMIT or ROLLBACK has been sent: the connection may be someone else's from then on. */
  ended = false;

  constructor(
    readonly driver: KnexDriver,
    /** The pooled connection the transaction holds from BEGIN until it ends. */
    readonly connection: object,
  ) {}
}

/** The {@link Driver} for sqlite, pg and mysql, all on knex. Built by `createDriver`. */
export class KnexDriver implements Driver {
  readonly maxParams: number;
  readonly supportsReturning: boolean;
  readonly preparedTransactions?: PreparedTransactionSupport;

  constructor(
    readonly dialect: Dialect,
    readonly connectionName: string,
    readonly knex: Knex,
  ) {
    this.maxParams = MAX_PARAMS[dialect];
    // SQLite has RETURNING since 3.35 (better-sqlite3 12 ships 3.50+); MariaDB has it for INSERT and
    // DELETE only and MySQL not at all, so mysql relies on insertId.
    this.supportsReturning = dialect !== 'mysql';
    if (dialect !== 'sqlite') this.preparedTransactions = new KnexPreparedTransactions(this);
  }

  #closed = false;

  get closed(): boolean {
    return this.#closed;
  }

  /** Statements after `close()` would fail deep in knex's pool ("Unable to acquire a connection"). */
  #assertOpen(): void {
    if (this.#closed) throw closedError(this.connectionName);
  }

  async checkConnection(): Promise<void> {
    this.#assertOpen();
    const client = this.knex.client as PooledClient;
    // A connection of its own, outside the pool: knex's pool would print each failure as a warning
    // with a stack trace, next to the error this check throws.
    const connection = await client.acquireRawConnection();
    await client.destroyRawConnection(connection).catch(() => undefined);
  }

  execute(stmt: Statement, trx?: DriverTransaction): Promise<StatementResult> {
    return this.#run(stmt, trx, false) as Promise<StatementResult>;
  }

  query(stmt: Statement, trx?: DriverTransaction): Promise<Record<string, unknown>[]> {
    return this.#run(stmt, trx, true) as Promise<Record<string, unknown>[]>;
  }

  /**
   * Runs `stmt` at once where it can (see `#sendNow`), else through the asynchronous path; the
   * result as rows only (`query`) or as a {@link StatementResult} (`execute`).
   */
  #run(stmt: Statement, trx: DriverTransaction | undefined, rowsOnly: boolean): Promise<StatementResult | Record<string, unknown>[]> {
    if (this.#closed) return Promise.reject(closedError(this.connectionName));
    let raw: unknown;
    try {
      raw = this.#sendNow(stmt, trx);
    } catch (err) {
      return Promise.reject(this.#mapError(err, stmt));
    }
    if (raw === LATER) return this.#runLater(stmt, trx, rowsOnly);
    return Promise.resolve(this.#shape(stmt, raw, rowsOnly));
  }

  async #runLater(stmt: Statement, trx: DriverTransaction | undefined, rowsOnly: boolean): Promise<StatementResult | Record<string, unknown>[]> {
    let raw: unknown;
    try {
      raw = await this.#send(stmt, trx);
    } catch (err) {
      throw this.#mapError(err, stmt);
    }
    return this.#shape(stmt, raw, rowsOnly);
  }

  #shape(stmt: Statement, raw: unknown, rowsOnly: boolean): StatementResult | Record<string, unknown>[] {
    return rowsOnly ? rawRows(this.dialect, raw) : normalizeResult(this.dialect, stmt.sql, raw);
  }

  /** A driver's error as joinery's. */
  #mapError(err: unknown, stmt: Statement): Error {
    // knex's own runner (the `#raw` path) acquires from the pool by itself.
    if (isAcquireTimeout(err)) return poolExhausted(this.knex.client as PooledClient, this.connectionName, err);
    return mapDriverError(err, this.dialect, this.connectionName, stmt.sql);
  }

  queryBuilder(table: string, trx?: DriverTransaction): QueryBuilder {
    this.#assertOpen();
    // knex takes its connection from the pool itself: the spare one must be back there (on SQLite
    // it is the only one).
    this.#returnSpare();
    const builder = this.knex(table);
    return trx ? builder.connection(this.#connectionOf(trx)) : builder;
  }

  /**
   * SQLite: the statement run before this returns, on the transaction's connection or the spare one
   * (see `#spare`), and its driver result; `LATER` when it has to wait for a pooled connection (or
   * needs knex's raw runner), for `#send`. A lookup by key takes a few microseconds on SQLite: the
   * promises and awaits of the asynchronous path, four deep, cost about as much as the lookup.
   */
  #sendNow(stmt: Statement, trx: DriverTransaction | undefined): unknown {
    const client = this.knex.client as PooledClient;
    if (client._queryNow === undefined) return LATER;
    const { params } = stmt;
    let sql = stmt.sql;
    if (params.length) {
      const native = nativePlaceholders(this.dialect, sql, params);
      if ('needsKnex' in native) return LATER;
      sql = native.sql;
    }
    const query: QueryObject = { sql, bindings: params as unknown[], oneRow: stmt.oneRow };
    if (trx) {
      client._queryNow(this.#connectionOf(trx), query);
      return query.response;
    }
    const connection = this.#takeSpare(client);
    if (!connection) return LATER;
    try {
      client._queryNow(connection, query);
    } catch (error) {
      // As in #send: a connection that just failed a statement goes back through the pool.
      void client.releaseConnection(connection);
      throw error;
    }
    this.#keepSpare(client, connection);
    return query.response;
  }

  /**
   * Sends the statement to the driver on a connection from knex's pool (or the transaction's),
   * through the client's `_query`, where statements are logged: knex's raw-query runner costs more
   * per statement than a lookup by primary key takes, and its placeholder rewriting more than the
   * rest of a large flush's SQL building.
   */
  async #send(stmt: Statement, trx: DriverTransaction | undefined): Promise<unknown> {
    const { params } = stmt;
    let sql = stmt.sql;
    if (params.length) {
      const native = nativePlaceholders(this.dialect, sql, params);
      if ('needsKnex' in native) return this.#raw(stmt, trx);
      sql = native.sql;
    }
    const query: QueryObject = { sql, bindings: params as unknown[], oneRow: stmt.oneRow };
    const client = this.knex.client as PooledClient;
    if (trx) {
      const connection = this.#connectionOf(trx);
      await client._query(connection, query);
      return query.response;
    }
    const connection = this.#takeSpare(client) ?? (await acquireConnection(client, this.connectionName));
    try {
      await client._query(connection, query);
    } catch (error) {
      // A connection that just failed a statement goes back through the pool, which checks it.
      void client.releaseConnection(connection);
      throw error;
    }
    this.#keepSpare(client, connection);
    return query.response;
  }

  /**
   * A pooled connection kept after a statement outside a transaction, until the event loop's next
   * check phase: the statements an application sends one after another (`await findOne` in a loop, a
   * request handler's lookups) reuse it instead of a pool round trip each (knex's pool arms a timer
   * and a promise chain per acquire, which cost more than a lookup by key on SQLite). It is back in
   * the pool before any timer or I/O callback runs, and at once when a transaction or knex itself
   * needs the pool.
   */
  #spare: object | undefined;
  #spareScheduled = false;

  #takeSpare(client: PooledClient): object | undefined {
    const connection = this.#spare;
    if (!connection) return undefined;
    this.#spare = undefined;
    // Closed by the server or failed since (knex marks such connections): the pool replaces it.
    if ((connection as { __knex__disposed?: unknown }).__knex__disposed || !client.validateConnection(connection)) {
      void client.releaseConnection(connection);
      return undefined;
    }
    return connection;
  }

  #keepSpare(client: PooledClient, connection: object): void {
    if (this.#spare) {
      // Statements ran side by side: one spare is enough.
      void client.releaseConnection(connection);
      return;
    }
    this.#spare = connection;
    if (this.#spareScheduled) return;
    this.#spareScheduled = true;
    setImmediate(() => {
      this.#spareScheduled = false;
      this.#returnSpare();
    });
  }

  /** Gives the spare connection back to knex's pool (before anything else takes from the pool). */
  #returnSpare(): void {
    const connection = this.#spare;
    if (!connection) return;
    this.#spare = undefined;
    void (this.knex.client as PooledClient).releaseConnection(connection);
  }

  #connectionOf(trx: DriverTransaction): object {
    if (trx instanceof KnexBranch && trx.driver === this) {
      // Once ended, the connection is back in the pool and may be someone else's.
      if (trx.state === 'ended') throw completedError(this.connectionName);
      return trx.connection;
    }
    return this.#pooled(trx).connection;
  }

  /**
   * BEGIN on a pooled connection (the spare one, when a statement just ran), `fn`, then COMMIT, or
   * ROLLBACK when `fn` throws. An error thrown by `fn` is rethrown untouched (it is already mapped, or
   * is the caller's own), even when the ROLLBACK after it fails too; only failures of BEGIN and
   * COMMIT themselves are mapped here. A connection whose ROLLBACK or COMMIT failed is not handed
   * out again. A COMMIT that failed with the connection is settled (see commit-outcome.ts).
   */
  async transaction<T>(fn: (trx: DriverTransaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    this.#assertOpen();
    const isolation = options.isolationLevel === undefined ? undefined : isolationSql(options.isolationLevel);
    const client = this.knex.client as PooledClient;
    const settle = options.settleLostCommit !== false && this.dialect !== 'sqlite';
    const markers = settle && this.dialect === 'mysql' && (await this.#markersReady());
    let connection: object;
    try {
      connection = this.#takeSpare(client) ?? (await acquireConnection(client, this.connectionName));
    } catch (error) {
      throw mapDriverError(error, this.dialect, this.connectionName, undefined);
    }
    const release = holdForTransaction(client);
    try {
      return await this.#transactionOn(client, connection, fn, settle, markers, isolation);
    } finally {
      release();
    }
  }

  async #transactionOn<T>(
    client: PooledClient,
    connection: object,
    fn: (trx: DriverTransaction) => Promise<T>,
    settle: boolean,
    markers: boolean,
    isolation: string | undefined,
  ): Promise<T> {
    const trx = new PooledTransaction(this, connection);
    let ticket: CommitTicket | undefined;
    let sent = 'BEGIN;';
    try {
      ticket = await this.#begin(client, connection, settle, markers, isolation, (sql) => (sent = sql));
    } catch (error) {
      trx.ended = true;
      await this.#giveBackFailed(client, connection, error);
      throw mapDriverError(error, this.dialect, this.connectionName, sent);
    }
    let result: T;
    try {
      result = await fn(trx);
    } catch (error) {
      trx.ended = true;
      await this.#rollback(client, connection);
      throw error;
    }
    try {
      await client._query(connection, { sql: 'COMMIT;', bindings: [] });
    } catch (error) {
      trx.ended = true;
      // SQLite keeps a transaction open after a failed COMMIT (SQLITE_BUSY) and answers in-process:
      // the failure is the outcome.
      if (this.dialect === 'sqlite') {
        await this.#rollback(client, connection);
        throw mapDriverError(error, this.dialect, this.connectionName, 'COMMIT;');
      }
      // PostgreSQL and MySQL end a transaction whose COMMIT failed; the connection may be dead or
      // mid-reply, so it never serves another statement.
      await discardConnection(client, connection, error);
      if (!settle || commitFailureIsDefinite(this.dialect, error)) throw mapDriverError(error, this.dialect, this.connectionName, 'COMMIT;');
      const settled: CommitOutcome = ticket ? await this.#settle(ticket) : { outcome: 'unknown', reason: 'nothing was recorded when the transaction began' };
      if (settled.outcome === 'committed') return result;
      if (settled.outcome === 'rolled-back') throw commitRolledBack(this.connectionName, error);
      throw commitOutcomeUnknown(this.connectionName, error, settled.reason);
    }
    trx.ended = true;
    void client.releaseConnection(connection);
    return result;
  }

  /** Sends BEGIN (pg: with the transaction id; mysql: then the marker row) and returns the ticket. */
  async #begin(
    client: PooledClient,
    connection: object,
    settle: boolean,
    markers: boolean,
    isolation: string | undefined,
    sending: (sql: string) => void,
  ): Promise<CommitTicket | undefined> {
    // PostgreSQL takes the level with BEGIN; MySQL/MariaDB before it (SET TRANSACTION without
    // SESSION applies to the next transaction only); SQLite is always serializable.
    const begin = isolation && this.dialect === 'pg' ? `BEGIN ISOLATION LEVEL ${isolation};` : 'BEGIN;';
    if (settle && this.dialect === 'pg') {
      const sql = begin === 'BEGIN;' ? PG_BEGIN : PG_BEGIN.replace('BEGIN;', begin);
      sending(sql);
      const query: QueryObject = { sql, bindings: [] };
      await client._query(connection, query);
      return pgTicket(query.response, connection);
    }
    if (isolation && this.dialect === 'mysql') {
      const set = `SET TRANSACTION ISOLATION LEVEL ${isolation}`;
      sending(set);
      await client._query(connection, { sql: set, bindings: [] });
    }
    sending(begin);
    await client._query(connection, { sql: begin, bindings: [] });
    if (!markers) return undefined;
    const ticket = nextMarker(connection);
    sending(MARKER_WRITE);
    try {
      await client._query(connection, { sql: MARKER_WRITE, bindings: [ticket.token, ticket.seq, ticket.seq] });
    } catch (error) {
      // Refused (the table was dropped meanwhile): the transaction goes on without a marker, and
      // the table is looked for again next time. A dead connection is a failed BEGIN.
      if (!commitFailureIsDefinite(this.dialect, error)) throw error;
      this.#markers = undefined;
      return undefined;
    }
    return ticket;
  }

  /**
   * MySQL/MariaDB: whether the commit marker table is there, created on first use (outside any
   * transaction: DDL would commit one). Looked at again a day later, when stale rows are removed.
   * A database user who may not create it gets one warning, and transactions without markers.
   */
  #markers: { ready: Promise<boolean>; at: number } | undefined;

  #markersReady(): Promise<boolean> {
    const now = Date.now();
    if (this.#markers && now - this.#markers.at < 24 * 3600 * 1000) return this.#markers.ready;
    const ready = (async () => {
      const { rows } = await this.execute({ sql: MARKER_EXISTS, params: [MARKER_TABLE] });
      if (Number(rows[0]?.found ?? 0) > 0) {
        await this.execute({ sql: MARKER_CLEANUP, params: [] });
        return true;
      }
      try {
        await this.execute({ sql: MARKER_CREATE, params: [] });
        return true;
      } catch (error) {
        console.warn(
          `[joinery] connection '${this.connectionName}': could not create ${MARKER_TABLE} (${(error as Error).message}). ` +
            'Without it, a COMMIT whose reply is lost cannot be settled and fails with CommitOutcomeUnknownError. Create it as ' +
            `an administrator: ${MARKER_CREATE}`,
        );
        return false;
      }
    })();
    const entry = { ready, at: now };
    this.#markers = entry;
    // A failure to look is forgotten: the next transaction tries again.
    ready.catch(() => {
      if (this.#markers === entry) this.#markers = undefined;
    });
    return ready.catch(() => false);
  }

  /** Asks a new connection (outside the pool, which may be full or hold dead ones) what became of `ticket`. */
  async #settle(ticket: CommitTicket): Promise<CommitOutcome> {
    const client = this.knex.client as PooledClient;
    let connection: object;
    try {
      connection = await withTimeout(client.acquireRawConnection(), SETTLE_CONNECT_TIMEOUT_MS, (late) => client.destroyRawConnection(late));
    } catch (error) {
      return { outcome: 'unknown', reason: `a new connection to ask could not be opened: ${(error as Error).message}` };
    }
    try {
      return await settleCommit(ticket, async (sql, params) => {
        const query: QueryObject = { sql, bindings: params };
        await client._query(connection, query);
        return normalizeResult(this.dialect, sql, query.response).rows;
      });
    } catch (error) {
      return { outcome: 'unknown', reason: `asking failed: ${(error as Error).message}` };
    } finally {
      await client.destroyRawConnection(connection).catch(() => undefined);
    }
  }

  async #rollback(client: PooledClient, connection: object): Promise<void> {
    try {
      await client._query(connection, { sql: 'ROLLBACK', bindings: [] });
    } catch (error) {
      await this.#giveBackFailed(client, connection, error);
      return;
    }
    void client.releaseConnection(connection);
  }

  /**
   * Gives back a connection on which BEGIN or ROLLBACK failed: on a server it is in doubt and is
   * discarded. SQLite's one in-process connection, maybe an in-memory database, is kept: there such
   * a failure means a transaction was already open, or none was left to end.
   */
  async #giveBackFailed(client: PooledClient, connection: object, failure: unknown): Promise<void> {
    if (this.dialect === 'sqlite') {
      await client.releaseConnection(connection);
      return;
    }
    await discardConnection(client, connection, failure);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#returnSpare();
    await this.knex.destroy();
  }

  /** knex's own raw-query path, for the statements whose SQL uses knex's `??` or `\\?` spellings. */
  #raw(stmt: Statement, trx: DriverTransaction | undefined): Knex.Raw {
    this.#returnSpare();
    const build = (runner: Knex) =>
      stmt.params.length ? runner.raw(stmt.sql, stmt.params as Knex.RawBinding[]) : runner.raw(literalQuestionMarks(stmt.sql, this.dialect));
    if (!trx) return build(this.knex);
    if (trx instanceof KnexBranch && trx.driver === this) {
      // Once ended, the connection is back in the pool and may be someone else's.
      if (trx.state === 'ended') throw completedError(this.connectionName);
      return build(this.knex).connection(trx.connection);
    }
    return build(this.knex).connection(this.#pooled(trx).connection);
  }

  #pooled(trx: DriverTransaction): PooledTransaction {
    if (!(trx instanceof PooledTransaction) || trx.driver !== this) {
      throw new UsageError(
        'WRONG_TRANSACTION',
        `A transaction of connection '${trx.driver.connectionName}' was passed to connection '${this.connectionName}': ` +
          'run each statement in a transaction of its own connection.',
      );
    }
    if (trx.ended) throw completedError(this.connectionName);
    return trx;
  }
}

function closedError(connection: string): UsageError {
  return new UsageError(
    'ORM_CLOSED',
    `Connection '${connection}' is closed (orm.close() was called), so no statement can be sent. ` +
      'Close the Joinery instance only at shutdown, after the last request and flush have finished; ' +
      'to connect again, create a new one with Joinery.init.',
  );
}

function completedError(connection: string): UsageError {
  return new UsageError(
    'TRANSACTION_COMPLETED',
    `The transaction on connection '${connection}' has already been committed or rolled back: ` +
      'run the statement inside the transaction callback, before it returns.',
  );
}

/** How long settling a COMMIT waits for its new connection. */
const SETTLE_CONNECT_TIMEOUT_MS = 10_000;

/** `promise`, or a rejection after `ms`; what arrives late is handed to `dispose`. */
function withTimeout<T>(promise: Promise<T>, ms: number, dispose: (late: T) => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`no connection after ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) void Promise.resolve(dispose(value)).catch(() => undefined);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
