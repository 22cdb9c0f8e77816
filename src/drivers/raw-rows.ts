import type { Dialect } from '../metadata/types.js';

type Row = Record<string, unknown>;

/**
 * The rows of a statement the application wrote itself (`em.execute`), with integers the same on
 * every dialect. The drivers disagree on them: better-sqlite3 (with safe integers on) gives every
 * integer as a `bigint`; pg gives `bigint` columns and `count(*)` as text; mysql2 gives BIGINT
 * (`COUNT(*)`) and DECIMAL (`SUM` of integers) as text. The rule:
 *
 * - an integer (SQLite integer, PostgreSQL int8, MySQL BIGINT) is a `number`, or a `bigint` when it
 *   is beyond `Number.MAX_SAFE_INTEGER`;
 * - an exact decimal (PostgreSQL numeric, MySQL DECIMAL) with no fractional digits is an integer
 *   by the same rule (so `SUM(int_column)` is a number everywhere); one with fractional digits
 *   stays the exact text (`AVG`, sums of decimal columns);
 * - every other value is the driver's own (dates, booleans, JSON text: see docs-site/raw-sql.md).
 *
 * `raw` is what the driver returned: better-sqlite3 an array of rows (or run info for a statement
 * without rows), pg a `Result` (an array of them for several statements), mysql2 `[rows, fields]`.
 */
export function rawRows(dialect: Dialect, raw: unknown): Row[] {
  switch (dialect) {
    case 'sqlite':
      return sqliteRows(raw);
    case 'pg':
      return pgRows(raw);
    case 'mysql':
      return mysqlRows(raw);
    default: {
      const never: never = dialect;
      throw new Error(`Unknown dialect ${String(never)}`);
    }
  }
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function fromBigInt(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

function fromIntegerText(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

const WHOLE = /^-?\d+$/;

function fromDecimalText(text: string): unknown {
  return WHOLE.test(text) ? fromIntegerText(text) : text;
}

function sqliteRows(raw: unknown): Row[] {
  if (!Array.isArray(raw)) return [];
  for (const row of raw as Row[]) {
    for (const key in row) {
      const value = row[key];
      if (typeof value === 'bigint') row[key] = fromBigInt(value);
    }
  }
  return raw as Row[];
}

/** Converts the named columns of every row (the columns whose type needs it, found once per result). */
function convertColumns(rows: Row[], columns: [name: string, convert: (text: string) => unknown][]): Row[] {
  if (!columns.length) return rows;
  for (const row of rows) {
    for (const [name, convert] of columns) {
      const value = row[name];
      if (typeof value === 'string') row[name] = convert(value);
    }
  }
  return rows;
}

const PG_INT8 = 20;
const PG_NUMERIC = 1700;

interface PgResult {
  rows?: Row[];
  fields?: { name: string; dataTypeID: number }[];
}

function pgRows(raw: unknown): Row[] {
  // Several ';'-separated statements without parameters come back as an array of results.
  const results = (Array.isArray(raw) ? raw : [raw]) as PgResult[];
  const last = results[results.length - 1];
  const rows = last?.rows ?? [];
  const columns: [string, (text: string) => unknown][] = [];
  for (const f of last?.fields ?? []) {
    if (f.dataTypeID === PG_INT8) columns.push([f.name, fromIntegerText]);
    else if (f.dataTypeID === PG_NUMERIC) columns.push([f.name, fromDecimalText]);
  }
  return convertColumns(rows, columns);
}

const MYSQL_DECIMAL = 0x00;
const MYSQL_LONGLONG = 0x08;
const MYSQL_NEWDECIMAL = 0xf6;

function mysqlRows(raw: unknown): Row[] {
  const [rows, fields] = Array.isArray(raw) ? raw : [raw, undefined];
  // A write answers with a ResultSetHeader, not rows.
  if (!Array.isArray(rows)) return [];
  const columns: [string, (text: string) => unknown][] = [];
  for (const f of (fields ?? []) as { name: string; columnType: number }[]) {
    if (f.columnType === MYSQL_LONGLONG) columns.push([f.name, fromIntegerText]);
    else if (f.columnType === MYSQL_NEWDECIMAL || f.columnType === MYSQL_DECIMAL) columns.push([f.name, fromDecimalText]);
  }
  return convertColumns(rows as Row[], columns);
}
