import type { Dialect } from '../metadata/types.js';
import type { StatementResult } from './driver.js';
import { StatementKinds } from './statement-kind.js';

type Row = Record<string, unknown>;

/**
 * Turns what `knex.raw` resolved to into a {@link StatementResult}. knex hands back the driver's
 * own result for raw statements, and each driver has its own shape:
 *
 * - better-sqlite3: an array of rows when the statement returns data (`stmt.reader`: SELECT and any
 *   `... RETURNING`), else `{ changes, lastInsertRowid }`.
 * - pg: a `pg.Result` (`{ command, rowCount, rows }`) for every statement.
 * - mysql2: `[rows, fields]` for a SELECT, `[ResultSetHeader, undefined]` for writes.
 *
 * `affectedRows` is 0 for reads. For UPDATE it counts matched rows on all three (mysql2 sets
 * CLIENT_FOUND_ROWS), which is what an optimistic-lock check needs.
 */
export function normalizeResult(dialect: Dialect, sql: string, raw: unknown): StatementResult {
  switch (dialect) {
    case 'sqlite':
      return sqliteResult(sql, raw);
    case 'pg':
      return pgResult(raw);
    case 'mysql':
      return mysqlResult(raw);
    default: {
      const never: never = dialect;
      throw new Error(`Unknown dialect ${String(never)}`);
    }
  }
}

/** SQLite's results are read by what their statement does (the other drivers say it themselves). */
const sqliteKinds = new StatementKinds();

function sqliteResult(sql: string, raw: unknown): StatementResult {
  if (Array.isArray(raw)) {
    const rows = raw as Row[];
    // A RETURNING statement runs as a reader: one row per affected row is the only count there is.
    return { rows, affectedRows: sqliteKinds.of(sql) === 'other' ? 0 : rows.length };
  }
  const run = raw as { changes?: number; lastInsertRowid?: number | bigint };
  const affectedRows = Number(run.changes ?? 0);
  // lastInsertRowid is the LAST id and is left over from earlier inserts on UPDATE/DELETE; it names
  // the first (only) new row just when exactly one row was inserted. Multi-row inserts use RETURNING.
  if (affectedRows === 1 && sqliteKinds.of(sql) === 'insert' && run.lastInsertRowid !== undefined) {
    return { rows: [], affectedRows, insertId: Number(run.lastInsertRowid) };
  }
  return { rows: [], affectedRows };
}

interface PgResult {
  command?: string;
  rowCount?: number | null;
  rows?: Row[];
}

const PG_WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

function pgResult(raw: unknown): StatementResult {
  // Several ';'-separated statements without parameters come back as an array of results.
  const results = (Array.isArray(raw) ? raw : [raw]) as PgResult[];
  let affectedRows = 0;
  for (const r of results) {
    if (r.command && PG_WRITE_COMMANDS.has(r.command)) affectedRows += r.rowCount ?? 0;
  }
  return { rows: results[results.length - 1]?.rows ?? [], affectedRows };
}

interface ResultSetHeader {
  affectedRows?: number;
  insertId?: number | string;
}

function mysqlResult(raw: unknown): StatementResult {
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (Array.isArray(first)) return { rows: first as Row[], affectedRows: 0 };
  const header = (first ?? {}) as ResultSetHeader;
  const affectedRows = Number(header.affectedRows ?? 0);
  // With bigNumberStrings an insert id beyond 2^53 arrives as a string; 0 means "no auto id".
  const insertId = Number(header.insertId ?? 0);
  return insertId > 0 && affectedRows > 0 ? { rows: [], affectedRows, insertId } : { rows: [], affectedRows };
}
