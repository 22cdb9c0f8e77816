import type { Knex } from 'knex';
import { UsageError } from '../errors/index.js';
import type { ConnectionConfig, ConnectionOptions } from './connection-config.js';
import { statementHookClient, type SentStatement } from './statement-hook-client.js';
import { offsetText, parseDatetime, parseTimezoneOption } from '../entity/datetime-text.js';

/** The connection's `timezone` in minutes east of UTC (Joinery.init has checked it). */
function timezoneOffset(config: ConnectionConfig): number {
  return parseTimezoneOption(config.timezone) ?? 0;
}

/**
 * The knex configuration for one joinery connection: the dialect's client (with the statement hook),
 * connection settings joinery relies on, and the pool.
 */
export function knexConfig(config: ConnectionConfig, onSent: (s: SentStatement) => void): Knex.Config {
  checkAcquireTimeout(config.pool?.acquireTimeoutMillis);
  const prepared = preparedMax(config.preparedStatements);
  const common = {
    // Without this knex inlines the bound values into error messages, which puts user data
    // (password hashes, tokens) into logs.
    compileSqlOnError: false,
  };
  switch (config.client) {
    case 'sqlite':
      return { ...common, ...sqliteConfig(config), client: statementHookClient('better-sqlite3', onSent) };
    case 'pg':
      return { ...common, ...pgConfig(config), client: statementHookClient('pg', onSent, prepared) };
    case 'mysql':
      return { ...common, ...mysqlConfig(config, prepared), client: statementHookClient('mysql2', onSent, prepared) };
    default: {
      const client: never = config.client;
      throw new UsageError(
        'BAD_CONNECTION_CONFIG',
        `Unknown client '${String(client)}' in the connection config: use 'sqlite', 'pg' or 'mysql' (for MySQL and MariaDB).`,
      );
    }
  }
}

/** Server-side prepared statements kept per connection when `preparedStatements` does not say. */
export const DEFAULT_PREPARED_STATEMENTS = 256;

/** `preparedStatements` as the most statements a connection keeps (0: off). */
function preparedMax(option: ConnectionConfig['preparedStatements']): number {
  if (option === undefined || option === true) return DEFAULT_PREPARED_STATEMENTS;
  if (option === false) return 0;
  const max = typeof option === 'object' && option !== null ? option.max ?? DEFAULT_PREPARED_STATEMENTS : undefined;
  if (typeof max === 'number' && Number.isSafeInteger(max) && max >= 0) return max;
  throw new UsageError(
    'BAD_CONNECTION_CONFIG',
    `preparedStatements must be true, false or { max: <whole number >= 0> }, not ${JSON.stringify(option) ?? String(option)}: e.g. preparedStatements: { max: 100 }.`,
  );
}

/** knex hands `pool.acquireTimeoutMillis` to its pool (tarn), which would throw a message of its own. */
function checkAcquireTimeout(ms: unknown): void {
  if (ms === undefined || (typeof ms === 'number' && Number.isSafeInteger(ms) && ms > 0)) return;
  throw new UsageError(
    'BAD_CONNECTION_CONFIG',
    `pool.acquireTimeoutMillis must be a whole number of milliseconds above 0, not ${JSON.stringify(ms) ?? String(ms)}: e.g. pool: { acquireTimeoutMillis: 5000 }.`,
  );
}

function acquireTimeoutOnly(config: ConnectionConfig): { acquireTimeoutMillis?: number } {
  const ms = config.pool?.acquireTimeoutMillis;
  return ms === undefined ? {} : { acquireTimeoutMillis: ms };
}

type Done = (err: unknown, conn: unknown) => void;

function sqliteConfig(config: ConnectionConfig): Knex.Config {
  const connection: ConnectionOptions =
    typeof config.connection === 'string' ? { filename: config.connection } : { ...config.connection };
  if (typeof connection.filename !== 'string') {
    throw new UsageError(
      'BAD_CONNECTION_CONFIG',
      "The sqlite connection needs a file name: connection: { filename: 'app.db' } (or ':memory:').",
    );
  }
  const inMemory = connection.filename === ':memory:' || connection.filename === '';
  return {
    connection: connection as Knex.Sqlite3ConnectionConfig,
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      // Every connection to :memory: opens a separate, empty database: there must be exactly one.
      ...(inMemory ? acquireTimeoutOnly(config) : config.pool),
      afterCreate(conn: { pragma(sql: string): unknown; defaultSafeIntegers(on: boolean): unknown }, done: Done) {
        try {
          // Off by default in SQLite builds other than better-sqlite3's own; FK rules are part of the contract.
          conn.pragma('foreign_keys = ON');
          // 64-bit integers come back as BigInt so `bigint` columns keep every digit; the hydrator
          // turns `integer` columns back into numbers.
          conn.defaultSafeIntegers(true);
          done(null, conn);
        } catch (e) {
          done(e, conn);
        }
      },
    },
  };
}

/** pg type oids whose text form joinery wants untouched. */
const PG_RAW_OIDS = new Set([
  1082, // date: the calendar day as 'YYYY-MM-DD', never shifted by the process's time zone
  20, // int8: may exceed Number.MAX_SAFE_INTEGER; the hydrator converts
  1700, // numeric: exact decimals; the hydrator converts
  114, // json and
  3802, // jsonb: the JSON text; the hydrator decodes it once (pg's parse would make a JSON string
  // 'hello' indistinguishable from JSON text on the other dialects)
  1186, // interval: PostgreSQL's own text ('1 day 02:00:00'), not pg's object
]);
const PG_TIMESTAMP = 1114;
const PG_TIMESTAMPTZ = 1184;

function pgConfig(config: ConnectionConfig): Knex.Config {
  const connection: Record<string, unknown> =
    typeof config.connection === 'string' ? { connectionString: config.connection } : { ...config.connection };
  // Per connection, not pg.types.setTypeParser: the global would change the results of every other
  // pg user in the process. Pinning int8/numeric here also shields joinery from such globals.
  const offset = timezoneOffset(config);
  connection.types = pgTypeParsers(offset);
  // The session zone decides what now() writes into a `timestamp` column and how `timestamptz`
  // prints: make it the configured one, not the server's. Set per new connection rather than as a
  // startup `options` parameter, which connection poolers such as PgBouncer refuse.
  const zone = `SET TIME ZONE INTERVAL '${offsetText(offset)}' HOUR TO MINUTE`;
  return {
    connection: connection as Knex.PgConnectionConfig,
    pool: {
      min: 0,
      max: 10,
      ...config.pool,
      afterCreate(conn: { query(sql: string, cb: (err: unknown) => void): void }, done: Done) {
        conn.query(zone, (err) => done(err ?? null, conn));
      },
    },
  };
}

function pgTypeParsers(offset: number): { getTypeParser(oid: number, format?: string): unknown } {
  // Required lazily so that a sqlite-only application never loads pg.
  const { types } = require('pg') as typeof import('pg');
  const raw = (value: string): string => value;
  // pg's own parsers read a `timestamp` in the process's local zone (TZ-dependent instants).
  const timestamp = (value: string): Date => parseDatetime(value, offset);
  return {
    getTypeParser(oid: number, format?: string) {
      if (format !== 'binary' && PG_RAW_OIDS.has(oid)) return raw;
      if (format !== 'binary' && (oid === PG_TIMESTAMP || oid === PG_TIMESTAMPTZ)) return timestamp;
      return (types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
    },
  };
}

function mysqlConfig(config: ConnectionConfig, prepared: number): Knex.Config {
  const connection: Record<string, unknown> =
    typeof config.connection === 'string' ? parseMysqlUrl(config.connection) : { ...config.connection };
  Object.assign(connection, {
    // DATETIME/TIMESTAMP are read and written as UTC; the session time zone is set to match below.
    timezone: 'Z',
    // BIGINT and DECIMAL as strings: no silent precision loss; the hydrator converts.
    supportBigNumbers: true,
    bigNumberStrings: true,
    // A DATE is a calendar day, not an instant: keep 'YYYY-MM-DD'. A DATETIME comes as its text
    // too, read by the hydrator: mysql2 builds Dates of years 0–99 as 19xx.
    dateStrings: ['DATE', 'DATETIME'],
    // JSON as its text, decoded once by the hydrator (as on every dialect).
    jsonStrings: true,
    multipleStatements: false,
    // mysql2's own cache of `execute` statements (it closes the ones it evicts). Its default, 16,000
    // per connection, would exhaust the server's max_prepared_stmt_count (16,382 for all sessions).
    maxPreparedStatements: Math.max(prepared, 1),
  });
  return {
    connection: connection as Knex.MySql2ConnectionConfig,
    pool: {
      min: 0,
      max: 10,
      ...config.pool,
      afterCreate(conn: { query(sql: string, cb: (err: unknown) => void): void }, done: Done) {
        // mysql2's `timezone: 'Z'` only converts on the client; NOW(), CURRENT_TIMESTAMP defaults and
        // TIMESTAMP columns use the session zone, which must be UTC too. NO_AUTO_VALUE_ON_ZERO: an
        // explicit key of 0 is stored as 0, as on the other databases, not replaced by a new id.
        conn.query(
          `SET time_zone = '${offsetText(timezoneOffset(config))}', sql_mode = CONCAT_WS(',', NULLIF(@@sql_mode, ''), 'NO_AUTO_VALUE_ON_ZERO')`,
          (err) => done(err ?? null, conn),
        );
      },
    },
  };
}

/** `mysql://user:pass@host:3306/db?ssl=...` to mysql2 options (query parameters as JSON when they parse). */
function parseMysqlUrl(url: string): Record<string, unknown> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('BAD_CONNECTION_CONFIG', `The mysql connection '${url}' is not a URL: use mysql://user:password@host:3306/database or an options object.`);
  }
  const options: Record<string, unknown> = {};
  if (parsed.hostname) options.host = parsed.hostname;
  if (parsed.port) options.port = Number(parsed.port);
  if (parsed.username) options.user = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database) options.database = database;
  for (const [key, value] of parsed.searchParams) {
    try {
      options[key] = JSON.parse(value);
    } catch {
      options[key] = value;
    }
  }
  return options;
}

