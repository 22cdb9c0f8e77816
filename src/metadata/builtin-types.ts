import { formatDatetime, parseDatetime } from '../entity/datetime-text.js';
import { Type, type TypeContext } from './type.js';

// The built-in types beyond the plain ones (string, integer, datetime, ... which the hydrator and
// the change detector inline for speed). Each is an ordinary `Type`: what a user type can do, these do.

/** A value in a message: strings quoted, the rest as JS prints them. */
function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}n` : String(v);
}

const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/;

/** `Buffer` ↔ `bytea` (pg), `longblob` (MySQL), `blob` (SQLite). */
export class BlobType extends Type<Buffer, Buffer> {
  override convertToJSValue(value: Buffer | Uint8Array | string): Buffer {
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    // pg's bytea text form, should a raw parser be in place.
    return typeof value === 'string' && value.startsWith('\\x') ? Buffer.from(value.slice(2), 'hex') : Buffer.from(String(value));
  }
  override getColumnType(c: TypeContext): string {
    return c.dialect === 'pg' ? 'bytea' : c.dialect === 'mysql' ? 'longblob' : 'blob';
  }
  override castType(): string {
    return 'bytea';
  }
  override validate(value: unknown): string | undefined {
    return value instanceof Uint8Array ? undefined : `must be a Buffer, got ${typeof value}`;
  }
}

/** Item types an {@link ArrayType} column holds. */
export type ArrayItemType = 'text' | 'integer' | 'double';

/**
 * A JS array: a native array column on PostgreSQL (`text[]`, `integer[]`, `double precision[]`),
 * JSON text elsewhere. Criteria: `$contains` (has every given item) and `$overlap` (has one of them).
 *
 * @example
 * @Property({ type: 'array' }) tags!: string[];                    // text[] on pg
 * @Property({ type: new ArrayType('integer') }) scores!: number[]; // integer[] on pg
 */
export class ArrayType extends Type<unknown[], unknown> {
  constructor(readonly itemType: ArrayItemType = 'text') {
    super();
  }
  override convertToDatabaseValue(value: unknown[], c: TypeContext): unknown {
    // node-postgres writes a JS array as an array literal; the others store JSON text.
    return c.dialect === 'pg' ? value : JSON.stringify(value);
  }
  override convertToJSValue(value: unknown): unknown[] {
    if (Array.isArray(value)) return value;
    const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
    return JSON.parse(text) as unknown[];
  }
  override getColumnType(c: TypeContext): string {
    if (c.dialect === 'pg') return `${this.pgItemType()}[]`;
    return c.dialect === 'mysql' ? 'json' : 'text';
  }
  override castType(c: TypeContext): string {
    return this.getColumnType(c);
  }
  override compare(a: unknown[], b: unknown[]): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  override validate(value: unknown): string | undefined {
    if (!Array.isArray(value)) return `must be an array, got ${typeof value}`;
    for (const item of value) {
      if (item === null) continue;
      const ok = this.itemType === 'text' ? typeof item === 'string' : this.itemType === 'integer' ? Number.isInteger(item) : typeof item === 'number' && Number.isFinite(item);
      if (!ok) return `must be an array of ${this.itemType === 'text' ? 'strings' : this.itemType === 'integer' ? 'integers' : 'finite numbers'}, got an item ${show(item)}`;
    }
    return undefined;
  }
  /** The PostgreSQL type of one item. */
  pgItemType(): string {
    return this.itemType === 'integer' ? 'integer' : this.itemType === 'double' ? 'double precision' : 'text';
  }
}

/**
 * One of `@Property({ enum: [...] })`'s strings: a native enum on PostgreSQL (`CREATE TYPE <table>_<column>
 * AS ENUM (...)`, or `nativeEnumName`) and MySQL (`enum('a','b')`), text on SQLite. Values outside
 * the list are a `ValidationError` before any SQL.
 */
export class EnumType extends Type<string, string> {
  override getColumnType(c: TypeContext): string {
    const items = (c.items ?? []).map((i) => `'${String(i).replace(/'/g, "''")}'`);
    if (c.dialect === 'pg') return pgEnumTypeSql(c);
    return c.dialect === 'mysql' ? `enum(${items.join(',')})` : 'text';
  }
  override castType(c: TypeContext): string | undefined {
    return c.dialect === 'pg' ? pgEnumTypeSql(c) : undefined;
  }
  override convertToJSValue(value: unknown): string {
    return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  override validate(value: unknown): string | undefined {
    return typeof value === 'string' ? undefined : `must be a string, got ${typeof value}`;
  }
  override get textual(): boolean {
    return true;
  }
}

/** The PostgreSQL enum type of a column: `nativeEnumName`, else `<table>_<column>` (lowercase). */
export function pgEnumName(c: Pick<TypeContext, 'nativeEnumName' | 'table' | 'column'>): string {
  return c.nativeEnumName ?? `${c.table}_${c.column}`.toLowerCase();
}

/** The enum type name as a column type: quoted when PostgreSQL would print it quoted (format_type). */
function pgEnumTypeSql(c: TypeContext): string {
  const name = pgEnumName(c);
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A time of day as `'HH:MM:SS'` text (`'HH:MM:SS.ffffff'` with fractions): `time` (pg, MySQL), text (SQLite). */
export class TimeType extends Type<string, string> {
  override getColumnType(c: TypeContext): string {
    return c.dialect === 'sqlite' ? 'text' : 'time';
  }
  override convertToJSValue(value: unknown): string {
    return String(value);
  }
  override validate(value: unknown): string | undefined {
    return typeof value === 'string' && TIME.test(value) ? undefined : `must be a time of day such as '13:45:00', got ${show(value)}`;
  }
}

/** Options of {@link CharType}. */
export interface CharTypeOptions {
  /** Remove trailing blanks on read (PostgreSQL pads `char(n)` to n; MySQL strips them). Default true. */
  trimEnd?: boolean;
}

/**
 * Fixed-length text, `char(n)` (`length`, default 1). Trailing blanks are trimmed on read, so a
 * value reads back the same on every dialect; `new CharType({ trimEnd: false })` keeps them.
 */
export class CharType extends Type<string, string> {
  readonly trimEnd: boolean;
  constructor(options: CharTypeOptions = {}) {
    super();
    this.trimEnd = options.trimEnd ?? true;
  }
  override getColumnType(c: TypeContext): string {
    return `char(${c.length ?? 1})`;
  }
  override castType(): string {
    return 'text';
  }
  override convertToJSValue(value: unknown): string {
    const s = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
    return this.trimEnd ? s.replace(/ +$/, '') : s;
  }
  override validate(value: unknown, c: TypeContext): string | undefined {
    if (typeof value !== 'string') return `must be a string, got ${typeof value}`;
    const max = c.length ?? 1;
    return [...value].length <= max ? undefined : `is ${[...value].length} characters long, but the column is char(${max}); shorten it or raise \`length\``;
  }
  override get textual(): boolean {
    return true;
  }
}

/** A 16-bit integer, `smallint` (-32768 to 32767). */
export class SmallIntType extends Type<number, number> {
  override getColumnType(): string {
    return 'smallint';
  }
  override convertToJSValue(value: unknown): number {
    return typeof value === 'number' ? value : Number(value);
  }
  override compare(a: number, b: number): boolean {
    return a === b;
  }
  override validate(value: unknown): string | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `must be an integer, got ${show(value)}`;
    return value >= -32768 && value <= 32767 ? undefined : `is ${value}, outside the smallint range -32768 to 32767`;
  }
}

/** A double-precision float: `double precision` (pg), `double` (MySQL), `real` (SQLite). */
export class DoubleType extends Type<number, number> {
  override getColumnType(c: TypeContext): string {
    return c.dialect === 'pg' ? 'double precision' : c.dialect === 'mysql' ? 'double' : 'real';
  }
  override convertToJSValue(value: unknown): number {
    return typeof value === 'number' ? value : Number(value);
  }
  override compare(a: number, b: number): boolean {
    return a === b || (Number.isNaN(a) && Number.isNaN(b));
  }
  override validate(value: unknown): string | undefined {
    return typeof value === 'number' && Number.isFinite(value) ? undefined : `must be a finite number, got ${show(value)}`;
  }
}

/** A PostgreSQL `interval`, as the text PostgreSQL prints (`'1 day 02:00:00'`); other databases have no such type. */
export class IntervalType extends Type<string, string> {
  override getColumnType(c: TypeContext): string | undefined {
    return c.dialect === 'pg' ? 'interval' : undefined;
  }
  override convertToJSValue(value: unknown): string {
    return String(value);
  }
  override validate(value: unknown): string | undefined {
    return typeof value === 'string' ? undefined : `must be an interval as text such as '1 day 02:00:00', got ${typeof value}`;
  }
}

/**
 * `datetime` (or `timestamptz`) on a connection whose `timezone` is not UTC: zone-less values are
 * wall time at that offset. Under UTC, the default, these are plain types on the fast path.
 */
export class DatetimeType extends Type<Date, unknown> {
  constructor(
    readonly name: 'datetime' | 'timestamptz',
    readonly offsetMinutes: number,
  ) {
    super();
  }
  override convertToDatabaseValue(value: Date | string | number, c: TypeContext): unknown {
    const d = value instanceof Date ? value : new Date(value);
    if (c.dialect === 'sqlite') return d.toISOString();
    return formatDatetime(d, this.offsetMinutes, c.dialect === 'pg');
  }
  override convertToJSValue(value: unknown): Date {
    if (value instanceof Date) return value;
    return typeof value === 'string' ? parseDatetime(value, this.offsetMinutes) : new Date(value as number);
  }
  override getColumnType(c: TypeContext): string | undefined {
    if (c.dialect === 'pg') return 'timestamptz';
    if (c.dialect === 'mysql') return this.name === 'timestamptz' ? undefined : 'datetime(3)';
    return 'text';
  }
  override castType(): string {
    return 'timestamptz';
  }
  override compare(a: Date, b: Date): boolean {
    return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : String(a) === String(b);
  }
  override validate(value: unknown): string | undefined {
    if (!(value instanceof Date)) return `must be a valid Date, got ${typeof value}`;
    return Number.isNaN(value.getTime()) ? 'is an invalid Date' : undefined;
  }
}

/** The built-in type names that are {@link Type}s, each to a new instance (one per property). */
export const BUILTIN_TYPES: Readonly<Record<string, () => Type>> = Object.freeze({
  array: () => new ArrayType(),
  blob: () => new BlobType(),
  enum: () => new EnumType(),
  time: () => new TimeType(),
  char: () => new CharType(),
  smallint: () => new SmallIntType(),
  double: () => new DoubleType(),
  interval: () => new IntervalType(),
});
