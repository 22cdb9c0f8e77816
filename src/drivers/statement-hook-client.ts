import { knex, type Knex } from 'knex';
import { withPgArrayLiterals } from './pg-array-literal.js';
import { runSqliteStatement } from './sqlite-statement-cache.js';
import { StatementLru } from './statement-lru.js';
import { forgetStatements, isStaleStatementError, noteStatement, statementName, takeDeallocations, type PgClient } from './pg-named-statements.js';

/** One statement as it went to the database, reported after it settled. */
export interface SentStatement {
  /** SQL as sent: native placeholders (`$1` on pg, `?` on sqlite and mysql). */
  readonly sql: string;
  readonly params: unknown[];
  readonly ms: number;
  /** Set when the database rejected the statement. */
  readonly error?: unknown;
}

/** The knex client internals this file relies on (knex does not type them). */
export interface QueryObject {
  sql: string;
  bindings?: unknown[];
  /** What the driver returned, set by `_query`. */
  response?: unknown;
  /** The statement's {@link Statement.oneRow}: SQLite reads it with `get`. */
  oneRow?: boolean;
  /** better-sqlite3: what a write did, for knex's `processResponse`. */
  context?: { lastID: unknown; changes: unknown };
}
export interface ClientInternals {
  _query(connection: unknown, obj: QueryObject): Promise<unknown>;
  query(connection: unknown, obj: QueryObject | string): Promise<unknown>;
  /**
   * SQLite's client only: `_query` done before it returns (better-sqlite3 answers in-process), for
   * the driver's own statements; reported like `_query`. Sets `obj.response`; throws what the
   * statement threw.
   */
  _queryNow?(connection: unknown, obj: QueryObject): void;
}
type ClientClass = new (config: Knex.Config) => ClientInternals;

/** The listener for connections without `logger` or `debug`: the client skips reporting for it. */
export const ignoreStatements = (_s: SentStatement): void => {};

/** The driver's own message, saved before knex rewrites `err.message`. */
const failures = new WeakMap<object, { message: string }>();

/**
 * A subclass of the dialect's knex client that reports every statement it sends.
 *
 * Why a subclass and not knex's `query` / `query-response` events: the driver sends its statements,
 * BEGIN, COMMIT and ROLLBACK included, straight to `_query`, where no event fires, and the SQL that
 * needs knex's raw runner (`??` identifiers) reaches `_query` too. `Client#_query` is the single
 * place every statement passes through, and on SQLite its synchronous twin `_queryNow` (which the
 * driver uses when a connection is at hand), reporting alike. Connection set-up queries
 * (knex's pg `select version()`, joinery's own pragmas) go around both and are not reported.
 */
export function statementHookClient(
  knexClientName: 'better-sqlite3' | 'pg' | 'mysql2',
  onSent: (s: SentStatement) => void,
  /** Most named (pg) or server-side prepared (mysql) statements per connection; 0 turns them off. */
  preparedMax = 0,
): Knex.Config['client'] {
  const Base = dialectClient(knexClientName);
  const cachedSqlite = knexClientName === 'better-sqlite3';

  const baseQuery = Base.prototype._query;
  const pg = knexClientName === 'pg';
  const mysql = knexClientName === 'mysql2';
  // Not a method (let alone a private one): knex builds each transaction's client with
  // Object.create(prototype), without running the constructor.
  const send = (client: ClientInternals, connection: unknown, obj: QueryObject): Promise<unknown> => {
    // What knex's pg `_query` does, with the text and values passed as they are: a config object
    // makes node-postgres copy it, property descriptors and all, for every statement.
    if (pg && !(obj as { options?: unknown }).options) return sendPg(connection as PgClient, obj, preparedMax);
    if (mysql && preparedMax > 0 && preparableOnMysql(obj) && repeats(connection as object, obj.sql, preparedMax)) {
      return executeMysql(connection as MysqlConnection, obj).catch((error: unknown) => {
        // Refused before anything ran: the server cannot prepare the statement, or not with a
        // parameter where mysql2's query() puts a quoted literal (`SHOW VARIABLES LIKE ?`). It goes
        // as a plain query, now and from then on; a statement that is wrong either way fails again.
        if (!MYSQL_NOT_PREPARABLE.has((error as { errno?: unknown } | null)?.errno)) throw error;
        unpreparable(connection as object, obj.sql);
        return baseQuery.call(client, connection, obj);
      });
    }
    if (!cachedSqlite) return baseQuery.call(client, connection, obj);
    // The dialect's own `_query`, except on SQLite, where prepared statements are reused.
    try {
      runSqlite(connection, obj);
      return Promise.resolve(obj);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  class StatementHookClient extends Base {

    override async _query(connection: unknown, obj: QueryObject): Promise<unknown> {
      if (onSent === ignoreStatements) {
        // Nobody listens: no clock, no copy of the parameters, no report.
        try {
          return await send(this, connection, obj);
        } catch (error) {
          if (error instanceof Error) failures.set(error, { message: error.message });
          throw error;
        }
      }
      const started = performance.now();
      const report = (error?: unknown) =>
        onSent({ sql: obj.sql, params: [...(obj.bindings ?? [])], ms: performance.now() - started, ...(error ? { error } : {}) });
      let result: unknown;
      try {
        result = await send(this, connection, obj);
      } catch (error) {
        report(error ?? new Error('unknown database error'));
        if (error instanceof Error) failures.set(error, { message: error.message });
        throw error;
      }
      report();
      return result;
    }

    override query(connection: unknown, obj: QueryObject | string): Promise<unknown> {
      // knex prefixes the driver's message with the SQL after `_query` rejects; put the driver's
      // own message back so `cause.message` is what the driver said.
      return super.query(connection, obj).catch((error: unknown) => {
        const saved = error instanceof Error ? failures.get(error) : undefined;
        if (saved && error instanceof Error) error.message = saved.message;
        throw error;
      });
    }
  }
  if (cachedSqlite) {
    StatementHookClient.prototype._queryNow = function (connection: unknown, obj: QueryObject): void {
      if (onSent === ignoreStatements) return runSqlite(connection, obj);
      const started = performance.now();
      try {
        runSqlite(connection, obj);
      } catch (error) {
        onSent({ sql: obj.sql, params: [...(obj.bindings ?? [])], ms: performance.now() - started, error: error ?? new Error('unknown database error') });
        throw error;
      }
      onSent({ sql: obj.sql, params: [...(obj.bindings ?? [])], ms: performance.now() - started });
    };
  }
  return StatementHookClient as unknown as Knex.Config['client'];
}

/** SQLite's `_query`, synchronous: on a cached prepared statement (see sqlite-statement-cache.ts). */
function runSqlite(connection: unknown, obj: QueryObject): void {
  const response = runSqliteStatement(connection as Parameters<typeof runSqliteStatement>[0], obj.sql, obj.bindings, obj.oneRow);
  obj.response = response;
  // What knex's own better-sqlite3 `_query` leaves for its query builders (`insert` gives lastID,
  // `update`/`del` the count); knex's migrator updates its tables through them.
  if (!Array.isArray(response)) {
    const run = response as { lastInsertRowid?: unknown; changes?: unknown };
    obj.context = { lastID: run.lastInsertRowid, changes: run.changes };
  }
}

/**
 * Repeating statement texts with parameters go as named statements (parsed and planned once per
 * connection, see pg-named-statements.ts). When the server no longer has a statement or its cached
 * plan no longer fits the tables, the connection's names are dropped and, outside a transaction,
 * the statement is sent once more unnamed; inside one the error stands, as the transaction is
 * aborted by then.
 */
function sendPg(connection: PgClient, obj: QueryObject, preparedMax: number): Promise<unknown> {
  if (!obj.sql) return Promise.reject(new Error('The query is empty'));
  // Loggers have seen the arrays as given (obj.bindings); the wire gets their literals.
  const values = obj.bindings ? withPgArrayLiterals(obj.bindings) : [];
  noteStatement(obj.sql);
  if (preparedMax === 0) return pgQuery(connection, { text: obj.sql, values }, obj);
  const name = statementName(connection, obj.sql, values.length > 0, preparedMax);
  const owed = takeDeallocations(connection);
  // One statement at a time on a connection (node-postgres deprecates queueing): the DEALLOCATE
  // first, its failure ignored (see takeDeallocations).
  const ready = owed === undefined ? undefined : new Promise<void>((resolve) => connection.query(owed, () => resolve()));
  const send = (): Promise<unknown> => {
    if (name === undefined) return pgQuery(connection, { text: obj.sql, values }, obj);
    return pgQuery(connection, { name, text: obj.sql, values }, obj).catch((error: unknown) => {
      if (!isStaleStatementError(error)) throw error;
      forgetStatements(connection);
      if (connection.getTransactionStatus?.() !== 'I') throw error;
      return sendPg(connection, obj, 0);
    });
  };
  return ready ? ready.then(send) : send();
}

/** node-postgres' `Query` (`Client.Query`), made from a text, its values and a callback. */
type PgQueryClass = new (text: string, values: unknown[], callback: (err: Error | null, result: unknown) => void) => { name?: string };

function pgQuery(connection: PgClient, config: { text: string; values: unknown[]; name?: string }, obj: QueryObject): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, result: unknown) => {
      if (err) return reject(err);
      obj.response = result;
      resolve(obj);
    };
    // A Query made from the text, not from a config object: node-postgres copies a config object
    // property descriptor by property descriptor (into a slow, dictionary-mode object), which cost
    // more client CPU per lookup by key than anything else on the way. The name is what a config
    // object's `name` would have set.
    const Query = (connection.constructor as { Query?: PgQueryClass }).Query;
    if (Query === undefined) return connection.query(config, done);
    const query = new Query(config.text, config.values, done);
    if (config.name !== undefined) query.name = config.name;
    connection.query(query as never, done);
  });
}

/** The part of a mysql2 Connection that prepared statements go through. */
interface MysqlConnection {
  execute(sql: string, values: unknown[], callback: (err: Error | null, rows: unknown, fields: unknown) => void): void;
}

/**
 * mysql2's `execute` (binary protocol, statement prepared once per connection and cached by mysql2,
 * which closes the ones it evicts) for a text this connection has sent before: the first time, a
 * prepared statement costs a round trip more than a query. The response has the shape of knex's
 * mysql `_query`'s.
 */
function executeMysql(connection: MysqlConnection, obj: QueryObject): Promise<unknown> {
  const values = obj.bindings ?? [];
  return new Promise((resolve, reject) => {
    connection.execute(obj.sql, values, (err, rows, fields) => {
      if (err) return reject(err);
      obj.response = [rows, fields];
      resolve(obj);
    });
  });
}

/**
 * Most parameters of a statement sent with `execute`. Measured against the same statements sent as
 * queries: a lookup by key took about a third less time and CPU, a 500-key IN list half the time;
 * 1,500- and 5,000-parameter statements (CASE updates, 1,000-row INSERTs) took as long either way
 * but more client CPU, as mysql2 encodes and writes binary parameters one by one.
 */
const MYSQL_MAX_PREPARED_PARAMS = 1_000;

/**
 * ER_PARSE_ERROR, ER_UNSUPPORTED_PS, ER_WRONG_ARGUMENTS ("Incorrect arguments to
 * mysqld_stmt_execute"), ER_NEED_REPREPARE.
 */
const MYSQL_NOT_PREPARABLE = new Set<unknown>([1064, 1295, 1210, 1615]);

function preparableOnMysql(obj: QueryObject): boolean {
  const n = obj.bindings?.length ?? 0;
  return n > 0 && n <= MYSQL_MAX_PREPARED_PARAMS && !(obj as { options?: unknown }).options;
}

/** Texts sent once on a mysql connection (not yet prepared), those prepared since, and those the server cannot prepare. */
const mysqlSeen = new WeakMap<object, { once: StatementLru<true>; prepared: StatementLru<true>; never: StatementLru<true> }>();

function unpreparable(connection: object, sql: string): void {
  const seen = mysqlSeen.get(connection);
  if (!seen) return;
  seen.prepared.delete(sql);
  seen.never.set(sql, true);
}

/** Whether `sql` was sent on `connection` before (and so is worth preparing). */
function repeats(connection: object, sql: string, max: number): boolean {
  let seen = mysqlSeen.get(connection);
  if (!seen) {
    seen = { once: new StatementLru<true>(max * 4), prepared: new StatementLru<true>(max), never: new StatementLru<true>(max) };
    mysqlSeen.set(connection, seen);
  }
  if (seen.prepared.get(sql)) return true;
  if (seen.never.has(sql)) return false;
  if (seen.once.delete(sql)) {
    seen.prepared.set(sql, true);
    return true;
  }
  seen.once.set(sql, true);
  return false;
}

const baseClients = new Map<string, ClientClass>();

function dialectClient(knexClientName: string): ClientClass {
  let Base = baseClients.get(knexClientName);
  if (!Base) {
    // A knex instance without a connection loads neither driver nor pool: a cheap way to reach the
    // dialect's client class without importing knex's undocumented file layout.
    Base = knex({ client: knexClientName, useNullAsDefault: true }).client.constructor as unknown as ClientClass;
    baseClients.set(knexClientName, Base);
  }
  return Base;
}
