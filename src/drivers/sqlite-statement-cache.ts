import { StatementLru } from './statement-lru.js';

/** The parts of a better-sqlite3 `Database` and `Statement` the cache uses. */
interface SqliteStatement {
  readonly reader: boolean;
  all(params: readonly unknown[]): unknown[];
  get(params: readonly unknown[]): unknown;
  run(params: readonly unknown[]): { changes: number; lastInsertRowid: number | bigint };
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

/** Statements kept per connection; the least recently used one goes first. */
const MAX_STATEMENTS = 256;
/**
 * Longer statements (the multi-row INSERTs and UPDATEs of large flushes) are kept apart, fewer of
 * them: each compiled program is large, but a flush sends the same chunk shape again and again
 * (every full 1,000-row chunk of an INSERT), and compiling one costs about a millisecond.
 */
const LONG_SQL_LENGTH = 16_384;
const MAX_LONG_STATEMENTS = 8;
/** Longer still: prepared each time, never pinned. */
const MAX_CACHED_SQL_LENGTH = 1_048_576;

interface Caches {
  short: StatementLru<SqliteStatement>;
  long: StatementLru<SqliteStatement>;
}
const caches = new WeakMap<object, Caches>();

/**
 * The prepared statement for `sql` on `connection`, compiled once and reused.
 *
 * better-sqlite3 compiles a statement on every `prepare`, which costs more than running a lookup by
 * primary key; knex prepares on every query. SQLite re-compiles a cached statement by itself when
 * the schema changes under it, so reuse is safe across DDL.
 */
export function preparedStatement(connection: SqliteConnection, sql: string): SqliteStatement {
  if (sql.length > MAX_CACHED_SQL_LENGTH) return connection.prepare(sql);
  let perConnection = caches.get(connection);
  if (!perConnection) {
    perConnection = { short: new StatementLru(MAX_STATEMENTS), long: new StatementLru(MAX_LONG_STATEMENTS) };
    caches.set(connection, perConnection);
  }
  const cache = sql.length > LONG_SQL_LENGTH ? perConnection.long : perConnection.short;
  let statement = cache.get(sql);
  if (statement) return statement;
  statement = connection.prepare(sql);
  cache.set(sql, statement);
  return statement;
}

/**
 * Runs one statement the way knex's better-sqlite3 client does (readers with `all`, the rest with
 * `run`; the same binding conversions), on a cached prepared statement. `oneRow`: the statement
 * returns one row at most (`limit 1`), read with `get`, which spares `all`'s step to the end of
 * the result (about an eighth of a lookup by key); still an array of rows.
 */
export function runSqliteStatement(connection: SqliteConnection, sql: string, bindings: readonly unknown[] | undefined, oneRow = false): unknown {
  const statement = preparedStatement(connection, sql);
  const values = sqliteBindings(bindings);
  if (!statement.reader) return statement.run(values);
  if (!oneRow) return statement.all(values);
  const row = statement.get(values);
  return row === undefined ? [] : [row];
}

/**
 * better-sqlite3 binds neither `Date` nor `boolean`: epoch milliseconds and 0/1, as knex stores them.
 * The bindings themselves (not a copy) when none needs converting, as with most statements:
 * better-sqlite3 only reads them.
 */
export function sqliteBindings(bindings: readonly unknown[] | undefined): readonly unknown[] {
  if (!bindings) return NO_BINDINGS;
  let i = 0;
  while (i < bindings.length && !needsConversion(bindings[i])) i++;
  if (i === bindings.length) return bindings;
  const out = bindings.slice();
  for (; i < out.length; i++) {
    const b = out[i];
    if (needsConversion(b)) out[i] = b instanceof Date ? b.valueOf() : Number(b);
  }
  return out;
}

const NO_BINDINGS: readonly unknown[] = Object.freeze([]);

function needsConversion(b: unknown): boolean {
  return typeof b === 'boolean' || b instanceof Date;
}
