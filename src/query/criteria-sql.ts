import { getState } from '../entity/entity-state.js';

/** A SQL condition with `?` placeholders and its values. */
export interface Fragment {
  sql: string;
  params: unknown[];
}

/**
 * A compiled condition. `nullable` says whether it can evaluate to SQL NULL (unknown) for some row:
 * negations need to know, because `NOT (unknown)` is unknown too and would drop the row although it
 * does not match the inner condition.
 */
export interface Cond extends Fragment {
  nullable: boolean;
}

export const MATCH_ALL: Cond = Object.freeze({ sql: '1 = 1', params: [], nullable: false }) as Cond;
export const MATCH_NONE: Cond = Object.freeze({ sql: '1 = 0', params: [], nullable: false }) as Cond;

export function cond(sql: string, params: unknown[], nullable: boolean): Cond {
  return { sql, params, nullable };
}

export function and(parts: readonly Cond[]): Cond {
  const real = parts.filter((p) => p.sql !== MATCH_ALL.sql);
  if (!real.length) return MATCH_ALL;
  if (real.length === 1) return real[0]!;
  return cond(real.map((p) => `(${p.sql})`).join(' AND '), real.flatMap((p) => p.params), real.some((p) => p.nullable));
}

export function or(parts: readonly Cond[]): Cond {
  if (!parts.length) return MATCH_NONE;
  // A branch without a condition (`{ $or: [{ id: undefined }, ...] }`) makes the whole OR one: say
  // so, so that a write with it is seen to reach every row.
  if (parts.some((p) => p.sql === MATCH_ALL.sql)) return MATCH_ALL;
  if (parts.length === 1) return parts[0]!;
  return cond(`(${parts.map((p) => p.sql).join(' OR ')})`, parts.flatMap((p) => p.params), parts.some((p) => p.nullable));
}

/** `c` in parentheses, for a multi-column equality inside an OR list (readability only). */
export function paren(c: Cond): Cond {
  return c.sql.includes(' AND ') ? cond(`(${c.sql})`, c.params, c.nullable) : c;
}

/**
 * The complement of `c`: true exactly where `c` is not true. A row for which `c` is unknown (a NULL
 * compared) does not match `c`, so it matches its negation; a CASE turns unknown into false first.
 */
export function not(c: Cond): Cond {
  if (!c.nullable) return cond(`NOT (${c.sql})`, c.params, false);
  return cond(`CASE WHEN ${c.sql} THEN 1 ELSE 0 END = 0`, c.params, false);
}

/**
 * A frozen lookup table without a prototype, for tables indexed by a name from a `where` (an
 * operator): `table['constructor']` is undefined rather than Object.prototype's member.
 *
 * @example
 * const SQL_SIGN = lookupTable({ $gt: '>', $lt: '<' });
 * SQL_SIGN['toString']; // undefined
 */
export function lookupTable<T>(entries: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** A criteria object, as opposed to a bare key, an entity, a Date or an array. */
export function isPlainCriteria(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return false;
  if (getState(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A plain object whose keys are all operators (`{ $gt: 1, $lt: 5 }`). */
export function isOperatorObject(v: unknown): boolean {
  if (!isPlainCriteria(v)) return false;
  const keys = Object.keys(v as object);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** The entries of a criteria object, without `undefined` values (they mean "no condition"). */
export function definedEntries(v: object): [string, unknown][] {
  return Object.entries(v).filter(([, x]) => x !== undefined);
}

/** A value as it appears in an error message. */
export function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
