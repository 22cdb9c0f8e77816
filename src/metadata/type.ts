import type { Dialect } from './types.js';

/** What a {@link Type} knows about the column it maps, set by joinery at `Joinery.init`. */
export interface TypeContext {
  /** The dialect of the property's connection. */
  readonly dialect: Dialect;
  /** `Entity.property`, for messages. */
  readonly label: string;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  /** `@Property({ enum })`: the allowed values. */
  readonly items?: readonly (string | number)[];
  /** The table and column, for names a type derives from them (a PostgreSQL enum type). */
  readonly table: string;
  readonly column: string;
  /** `@Property({ nativeEnumName })`. */
  readonly nativeEnumName?: string;
}

/**
 * A column type: how a JS value is stored (`convertToDatabaseValue`), read back
 * (`convertToJSValue`), declared (`getColumnType`, per dialect) and compared for change detection
 * (`compare`). Pass the class (or an instance, to give it options) as `@Property({ type })`.
 * joinery binds one instance per property at `Joinery.init`, so `this.context` tells the dialect.
 *
 * The built-in `'array' 'blob' 'enum' 'time' 'char' 'smallint' 'double' 'interval' 'timestamptz'`
 * are `Type`s too.
 *
 * @example
 * class PointType extends Type<{ x: number; y: number }, string> {
 *   convertToDatabaseValue(p: { x: number; y: number }) { return `${p.x},${p.y}`; }
 *   convertToJSValue(s: string) { const [x, y] = s.split(',').map(Number); return { x: x!, y: y! }; }
 *   getColumnType() { return 'varchar(50)'; }
 * }
 * // @Property({ type: PointType }) location!: { x: number; y: number };
 */
export abstract class Type<JS = unknown, DB = unknown> {
  /** Set by joinery on the per-property instance before first use. */
  context!: TypeContext;

  /** The JS value (never null or undefined) as the bound parameter. Default: unchanged. */
  convertToDatabaseValue(value: JS, _context: TypeContext): DB {
    return value as unknown as DB;
  }

  /** The driver's value (never null or undefined) as the JS value. Default: unchanged. */
  convertToJSValue(value: DB, _context: TypeContext): JS {
    return value as unknown as JS;
  }

  /**
   * The SQL type of the column on `context.dialect`, as the schema generator writes it (lowercase,
   * e.g. `varchar(50)`), or `undefined` when the database has no such type: `Joinery.init` then
   * fails with `MetadataError` `UNSUPPORTED_TYPE`.
   */
  abstract getColumnType(context: TypeContext): string | undefined;

  /**
   * Whether two JS values are the same for change detection (the snapshot against the current
   * value). Default: their database values are equal (Buffers by bytes, anything else by JSON).
   */
  compare(a: JS, b: JS, context: TypeContext): boolean {
    return sameDatabaseValue(this.convertToDatabaseValue(a, context), this.convertToDatabaseValue(b, context));
  }

  /**
   * A copy of a value to keep as the snapshot: mutable values must be copied, or an in-place change
   * would change the snapshot too. Default: Buffers, Dates, arrays and plain objects are copied.
   */
  snapshot(value: JS, _context: TypeContext): JS {
    return copyValue(value) as JS;
  }

  /** Why a value does not fit the column (a message completing "Entity.property ..."), checked before any SQL. */
  validate(_value: unknown, _context: TypeContext): string | undefined {
    return undefined;
  }

  /** Whether `$like` / `$ilike` apply; the SQL then compares the column as text. */
  get textual(): boolean {
    return false;
  }

  /**
   * The type a bound parameter is cast to on PostgreSQL where nothing else types it (a batched
   * UPDATE's `CASE ... THEN CAST(? AS <type>)`). Default: the column type without a length, since
   * `CAST(? AS varchar(5))` would silently truncate (the column still checks on assignment).
   */
  castType(context: TypeContext): string | undefined {
    const type = this.getColumnType(context);
    return type?.replace(/^(?:char|character|bpchar)\(\d+\)$/i, 'text').replace(/^(varchar|character varying)\(\d+\)$/i, 'varchar');
  }
}

/** Whether `x` is a {@link Type} instance (rather than a built-in type name). */
export function isType(x: unknown): x is Type {
  return x instanceof Type;
}

/** Equality of two bound parameters: Buffers by bytes, Dates by time, arrays and objects by JSON. */
export function sameDatabaseValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === 'object' && typeof b === 'object') {
    try {
      return JSON.stringify(a) === JSON.stringify(b);
    } catch {
      return false;
    }
  }
  return false;
}

function copyValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(copyValue);
  if (Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyValue(v);
    return out;
  }
  return value;
}
