import { isType } from '../metadata/type.js';
import type { ColumnType, Dialect } from '../metadata/types.js';

// Each driver returns its own shapes (SQLite 0/1 for booleans, pg strings for int8, MariaDB strings
// for JSON, ...). These two functions are the single place where values cross between JS and SQL,
// so a property of a given type reads back as the same JS type on every dialect.

/** JS value → bound parameter for `dialect`. `null`/`undefined` become SQL NULL. */
export function toDatabaseValue(type: ColumnType, value: unknown, dialect: Dialect): unknown {
  if (value === null || value === undefined) return null;
  if (isType(type)) return type.convertToDatabaseValue(value, type.context ?? { dialect, label: '', table: '', column: '' });
  switch (type) {
    case 'boolean':
      return dialect === 'pg' ? Boolean(value) : value ? 1 : 0;
    case 'datetime':
    case 'timestamptz': {
      const d = value instanceof Date ? value : new Date(value as string | number);
      // SQLite has no datetime type: ISO-8601 UTC text sorts and compares correctly. node-postgres
      // would write a Date in the process's local zone, rounding away the seconds of historical
      // offsets (local mean time before 1883); mysql2 writes it in UTC ('Z') as it is.
      return dialect === 'mysql' ? d : d.toISOString();
    }
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    case 'json':
      return JSON.stringify(value);
    case 'bigint':
      return dialect === 'sqlite' ? BigInt(value as bigint) : String(value);
    case 'decimal':
      return String(value);
    case 'integer':
    case 'float':
    case 'string':
    case 'text':
    case 'uuid':
      return value;
    default:
      return assertNever(type);
  }
}

/** Whether {@link toDatabaseValue} binds a non-null value of `type` as it is, on every dialect. */
export function boundUnchanged(type: ColumnType): boolean {
  return type === 'integer' || type === 'float' || type === 'string' || type === 'text' || type === 'uuid';
}

/** Raw driver value → the JS type of `type`. */
export function fromDatabaseValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isType(type)) return type.convertToJSValue(value, type.context);
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : value === 1 || value === '1' || value === 1n || value === 't' || value === 'true';
    case 'datetime':
    case 'timestamptz':
      return value instanceof Date ? value : typeof value === 'string' ? parseDatetime(value) : new Date(value as number);
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
    case 'json':
      return typeof value === 'string' ? JSON.parse(value) : Buffer.isBuffer(value) ? JSON.parse(value.toString('utf8')) : value;
    case 'bigint':
      return typeof value === 'bigint' ? value : BigInt(value as string | number);
    case 'decimal':
      return String(value);
    case 'integer':
    case 'float':
      return typeof value === 'number' ? value : Number(value);
    case 'string':
    case 'text':
    case 'uuid':
      return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
    default:
      return assertNever(type);
  }
}

/**
 * A datetime as text: MySQL's `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC, the session zone joinery sets)
 * or ISO-8601 with a zone (SQLite, PostgreSQL text). Years 1–99 stay years 1–99.
 */
function parseDatetime(s: string): Date {
  if (s.length < 19 || s.charCodeAt(10) !== 32) return new Date(s);
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  // MySQL's zero date, as mysql2 reads it.
  if (month === 0 || day === 0) return new Date(Number.NaN);
  let ms = 0;
  if (s.length > 20) ms = s.length >= 23 ? digits(s, 20, 3) : digits(s, 20, s.length - 20) * 10 ** (23 - s.length);
  const d = new Date(Date.UTC(year, month - 1, day, digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2), ms));
  // Date.UTC maps years 0–99 to 1900–1999.
  if (year < 100) d.setUTCFullYear(year);
  return d;
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

/** Equality the way the database sees it, for change detection against the snapshot. */
export function sameValue(type: ColumnType, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (isType(type)) return type.compare(a, b, type.context);
  switch (type) {
    case 'datetime':
    case 'timestamptz':
      return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : String(a) === String(b);
    case 'json':
      try {
        return JSON.stringify(a) === JSON.stringify(b);
      } catch {
        // A value JSON cannot encode (BigInt, a cycle) counts as changed: validation reports it.
        return false;
      }
    case 'bigint':
    case 'decimal':
      return String(a) === String(b);
    default:
      return false;
  }
}

/** A copy safe to keep as a snapshot (mutable values are cloned so later edits show as changes). */
export function snapshotValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isType(type)) return type.snapshot(value, type.context);
  if (type === 'json') return JSON.parse(JSON.stringify(value));
  if ((type === 'datetime' || type === 'timestamptz') && value instanceof Date) return new Date(value.getTime());
  return value;
}

function assertNever(x: never): never {
  throw new Error(`unknown scalar type ${String(x)}`);
}
