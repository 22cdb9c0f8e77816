import { toDatabaseValue } from '../entity/value-conversion.js';
import type { Dialect, ColumnType } from '../metadata/types.js';
import { cond, MATCH_NONE, not, type Cond } from './criteria-sql.js';
import type { KeyList } from './key-list.js';
import { placeholders, type SqlDialect } from './sql-dialect.js';

// How keys found by a cross-connection step are sent in the next statement. A step may find any
// number of keys, and the statement that uses them is the user's query itself (with its limit,
// offset, orderBy or COUNT), so it cannot be split into one statement per chunk of keys: the whole
// list goes into one statement, in a shape whose size no placeholder limit caps.
//
// - PostgreSQL, one column: `col = ANY(?)`, the keys as one array parameter. The planner treats it
//   exactly as an IN list, and there is no list of placeholders to build, bind or parse.
// - PostgreSQL, several columns (a composite key), past a small list: `(a, b) IN (SELECT * FROM
//   unnest(CAST(? AS integer[]), CAST(? AS text[])))`, one array parameter per column.
// - SQLite, past a small list: `col IN (SELECT value FROM json_each(?))` (for several columns,
//   `json_extract` of each), the keys as one JSON text parameter. Measured as fast as an IN list
//   at every size; small lists stay IN lists only because they read better in a log.
// - MySQL / MariaDB: always an IN list. mysql2 (through knex) sends statements as text with the
//   values escaped into it, so its placeholders are not bounded by the binary protocol's 65,535;
//   the bound is `max_allowed_packet` (16 MB by default: some two million integer keys). MariaDB
//   turns a long IN list into a semi-join on its own. JSON_TABLE would need MariaDB 10.6 and, for
//   text keys, a collation that matches the column's.
// - Composite keys in an IN list are a row-value list `(a, b) IN ((?, ?), ...)`: an OR of ANDs took
//   MariaDB minutes at 70,000 keys where the row list takes under a second.

/** How one key list is written into a statement. */
export type KeyListShape = 'in-list' | 'pg-any' | 'pg-unnest' | 'json-each';

/** Key values one list may bind as placeholders of their own before it becomes one parameter. */
export const INLINE_KEY_VALUES = 1000;
/**
 * Key values all the lists of one statement may bind as placeholders, far under SQLite's 32,766 and
 * PostgreSQL's 65,535, so that the user's own parameters always fit beside them.
 */
export const INLINE_STATEMENT_VALUES = 10_000;

/**
 * The shape of a list of `count` keys of `width` columns on `dialect`, when the lists compiled
 * before it in the same statement already bind `inlinedBefore` key values as placeholders.
 *
 * @example
 * keyListShape('sqlite', 1, 70_000);   // 'json-each'
 * keyListShape('sqlite', 1, 20);       // 'in-list'
 * keyListShape('pg', 1, 20);           // 'pg-any'
 * keyListShape('mysql', 2, 70_000);    // 'in-list'
 */
export function keyListShape(dialect: Dialect, width: number, count: number, inlinedBefore = 0): KeyListShape {
  if (dialect === 'mysql') return 'in-list';
  if (dialect === 'pg' && width === 1) return 'pg-any';
  const values = width * count;
  if (values <= INLINE_KEY_VALUES && inlinedBefore + values <= INLINE_STATEMENT_VALUES) return 'in-list';
  return dialect === 'pg' ? 'pg-unnest' : 'json-each';
}

/** A compiled key list, and how many placeholders it binds one key value each (for the next list's shape). */
export interface KeyListSql {
  readonly cond: Cond;
  readonly inlined: number;
}

/**
 * `columns [NOT] IN <keys>` for `list`, in the shape {@link keyListShape} picks. `columns` are quoted,
 * qualified column expressions; `types` convert the keys to bound values.
 *
 * @example
 * keyListCondition(sqlDialect('pg'), ['"e0"."owner_id"'], ['integer'], new KeyList([[1], [2]]), false);
 * // { cond: { sql: '"e0"."owner_id" = ANY(?)', params: [[1, 2]], nullable: false }, inlined: 0 }
 */
export function keyListCondition(
  d: SqlDialect,
  columns: readonly string[],
  types: readonly ColumnType[],
  list: KeyList,
  nullable: boolean,
  inlinedBefore = 0,
): KeyListSql {
  const keys = list.keys;
  if (!keys.length) return { cond: list.negate ? not(MATCH_NONE) : MATCH_NONE, inlined: 0 };
  const width = columns.length;
  const shape = keyListShape(d.dialect, width, keys.length, inlinedBefore);
  const lhs = width === 1 ? columns[0]! : `(${columns.join(', ')})`;
  const column = (i: number) => keys.map((k) => toDatabaseValue(types[i]!, k[i], d.dialect));
  let c: Cond;
  switch (shape) {
    case 'in-list': {
      const params = keys.flatMap((k) => k.map((v, i) => toDatabaseValue(types[i]!, v, d.dialect)));
      const item = width === 1 ? '?' : `(${placeholders(width)})`;
      c = cond(`${lhs} IN (${Array.from({ length: keys.length }, () => item).join(', ')})`, params, nullable);
      return { cond: list.negate ? not(c) : c, inlined: params.length };
    }
    case 'pg-any':
      c = cond(`${lhs} = ANY(?)`, [column(0)], nullable);
      break;
    case 'pg-unnest':
      c = cond(`${lhs} IN (SELECT * FROM unnest(${types.map((t) => d.pgArrayParam(t)).join(', ')}))`, types.map((_, i) => column(i)), nullable);
      break;
    case 'json-each': {
      const json = `[${keys.map((k) => (width === 1 ? jsonValue(toDatabaseValue(types[0]!, k[0], d.dialect)) : `[${k.map((v, i) => jsonValue(toDatabaseValue(types[i]!, v, d.dialect))).join(',')}]`)).join(',')}]`;
      const select = width === 1 ? 'value' : columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ');
      c = cond(`${lhs} IN (SELECT ${select} FROM json_each(?))`, [json], nullable);
      break;
    }
  }
  return { cond: list.negate ? not(c) : c, inlined: 0 };
}

/** A bound SQLite value as JSON: a bigint as its digits (json_each reads it back as a 64-bit integer). */
function jsonValue(v: unknown): string {
  return typeof v === 'bigint' ? v.toString() : JSON.stringify(v ?? null);
}
