import type { Dialect, ScalarType } from '../metadata/types.js';

// Each driver returns its own shapes (SQLite 0/1 for booleans, pg strings for int8, MariaDB strings
// for JSON, ...). These two functions are the single place where values cross between JS and SQL,
// so a property of a given type reads back as the same JS type on every dialect.

/** JS value → bound parameter for `dialect`. `null`/`undefined` become SQL NULL. */
export function toDatabaseValue(type: ScalarType, value: unknown, dialect: Dialect): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'boolean':
      return dialect === 'pg' ? Boolean(value) : value ? 1 : 0;
    case 'datetime': {
      const d = value instanceof Date ? value : new Date(value as string | number);
      // SQLite has no datetime type: ISO-8601 UTC text sorts and compares correctly.
      return dialect === 'sqlite' ? d.toISOString() : d;
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
export function boundUnchanged(type: ScalarType): boolean {
  return type === 'integer' || type === 'float' || type === 'string' || type === 'text' || type === 'uuid';
}

/** Raw driver value → the JS type of `type`. */
export function fromDatabaseValue(type: ScalarType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : value === 1 || value === '1' || value === 1n || value === 't' || value === 'true';
    case 'datetime':
      return value instanceof Date ? value : new Date(value as string | number);
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
export function sameValue(type: ScalarType, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  switch (type) {
    case 'datetime':
      return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : String(a) === String(b);
    case 'json':
      return JSON.stringify(a) === JSON.stringify(b);
    case 'bigint':
    case 'decimal':
      return String(a) === String(b);
    default:
      return false;
  }
}

/** A copy safe to keep as a snapshot (mutable values are cloned so later edits show as changes). */
export function snapshotValue(type: ScalarType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'json') return JSON.parse(JSON.stringify(value));
  if (type === 'datetime' && value instanceof Date) return new Date(value.getTime());
  return value;
}

function assertNever(x: never): never {
  throw new Error(`unknown scalar type ${String(x)}`);
}
