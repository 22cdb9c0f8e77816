import { isType } from '../metadata/type.js';
import { parseDatetime } from './datetime-text.js';
import type { ColumnType, Dialect } from '../metadata/types.js';

// Each driver returns its own shapes (SQLite 0/1 for booleans, pg strings for int8, MariaDB strings
// for JSON, ...). These two functions are the single place where values cross between JS and SQL,
// so a property of a given type reads back as the same JS type on every dialect.

/** JS value → bound parameter for `dialect`. `null`/`undefined` become SQL NULL. */
export function toDatabaseValue(type: ColumnType, value: unknown, dialect: Dialect): unknown {
  if (value === null || value === undefined) return null;
  if (isType(type)) return type.convertToDatabaseValue(value, type.context);
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

/** Equality the way the database sees it, for change detection against the snapshot. */
export function sameValue(type: ColumnType, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (isType(type)) return type.compare(a, b, type.context);
  switch (type) {
    case 'datetime':
    case 'timestamptz':
      // Snapshots keep an instant as its epoch milliseconds (see snapshotValue).
      if (a instanceof Date) {
        if (typeof b === 'number') return a.getTime() === b;
        if (b instanceof Date) return a.getTime() === b.getTime();
      }
      return String(a) === String(b);
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

/**
 * A copy safe to keep as a snapshot (mutable values are cloned so later edits show as changes). An
 * instant is kept as its epoch milliseconds: a number cannot be edited in place, and it spares a
 * second Date per loaded datetime ({@link sameValue} and `sameKey` compare it with a Date).
 */
export function snapshotValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isType(type)) return type.snapshot(value, type.context);
  if (type === 'json') return JSON.parse(JSON.stringify(value));
  if ((type === 'datetime' || type === 'timestamptz') && value instanceof Date) return value.getTime();
  return value;
}

function assertNever(x: never): never {
  throw new Error(`unknown scalar type ${String(x)}`);
}
