import type { Statement } from '../drivers/driver.js';
import { toDatabaseValue } from '../entity/value-conversion.js';
import type { ColumnType } from '../metadata/types.js';
import { placeholders, type SqlDialect } from './sql-dialect.js';

/** How many rows of `paramsPerRow` values fit one statement. */
export function rowsPerStatement(paramsPerRow: number, maxParams: number): number {
  return Math.max(1, Math.floor(maxParams / Math.max(1, paramsPerRow)));
}

/**
 * Rows per statement when the columns travel as arrays (`unnest`, PostgreSQL): a statement's
 * parameters are one array per column whatever the row count, so only memory bounds it.
 */
export const UNNEST_ROWS = 10_000;

/**
 * Whether rows of columns of `types` go to PostgreSQL as one array parameter per column, read back
 * as rows by `unnest(...)`: instead of thousands of placeholders to bind and parse, a few arrays,
 * and a statement text that does not change with the row count (so a named statement serves every
 * batch). Not for types whose values are arrays (unnest would flatten them), nor off PostgreSQL.
 */
export function unnestable(d: SqlDialect, types: readonly ColumnType[]): boolean {
  if (d.dialect !== 'pg') return false;
  for (const t of types) if (d.pgColumnArrayParam(t) === undefined) return false;
  return true;
}

/** `unnest(CAST(? AS t1[]), ...)` and its parameters: `values` (rows end to end) regrouped per column. */
function unnestSource(d: SqlDialect, types: readonly ColumnType[], values: readonly unknown[]): { sql: string; arrays: unknown[][] } {
  const width = types.length;
  const rows = values.length / width;
  const arrays: unknown[][] = [];
  for (let c = 0; c < width; c++) {
    const column = new Array<unknown>(rows);
    for (let r = 0, i = c; r < rows; r++, i += width) column[r] = values[i];
    arrays.push(column);
  }
  return { sql: `unnest(${types.map((t) => d.pgColumnArrayParam(t)!).join(', ')})`, arrays };
}

/** Splits `items` into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!items.length) return [];
  if (items.length <= size) return [items as T[]];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Multi-row INSERT. With no columns at all (a table of only a generated key) each row is
 * `DEFAULT` (PostgreSQL) or `NULL` for `keyColumn`.
 */
export function insertStatement(d: SqlDialect, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], options: InsertOptions = {}): Statement {
  if (columns.length === 0) {
    const key = options.keyColumn!;
    // NULL makes SQLite and MySQL generate the key (MySQL's DEFAULT is 0, stored as 0 under the
    // session's NO_AUTO_VALUE_ON_ZERO); a PostgreSQL identity column rejects NULL.
    const empty = d.dialect === 'pg' ? '(DEFAULT)' : '(NULL)';
    return insertTail(d, `INSERT INTO ${d.quote(table)} (${d.quote(key)}) VALUES ${rows.map(() => empty).join(', ')}`, [], options);
  }
  const values: unknown[] = [];
  for (const r of rows) for (const v of r) values.push(v);
  return insertValuesStatement(d, table, columns, values, options);
}

/** Options of {@link insertStatement}. */
export interface InsertOptions {
  returning?: readonly string[];
  /** The generated key column, named when a row sets no column at all. */
  keyColumn?: string;
  ignoreDuplicates?: readonly string[];
  /** On a duplicate of `conflict`, set `update` columns to the new row's values. */
  upsert?: { conflict: readonly string[]; update: readonly string[] };
  /**
   * The type of each column: given, and {@link unnestable}, the rows go as one array per column,
   * `INSERT ... SELECT * FROM unnest(...)`.
   */
  types?: readonly ColumnType[];
}

/**
 * {@link insertStatement} for rows already laid end to end in `values` (`columns.length` values a
 * row, at least one column): a flush that builds its rows this way allocates no array per row.
 */
export function insertValuesStatement(d: SqlDialect, table: string, columns: readonly string[], values: unknown[], options: InsertOptions = {}): Statement {
  const names = columns.map((c) => d.quote(c)).join(', ');
  // One row reads best as VALUES (the common single insert stays the statement users expect).
  if (options.types && values.length > columns.length && unnestable(d, options.types)) {
    // Rows come out of unnest in array order, as they do out of a VALUES list.
    const source = unnestSource(d, options.types, values);
    return insertTail(d, `INSERT INTO ${d.quote(table)} (${names}) SELECT * FROM ${source.sql}`, source.arrays, options);
  }
  const rows = values.length / columns.length;
  const tuple = `(${placeholders(columns.length)})`;
  const sql = `INSERT INTO ${d.quote(table)} (${names}) VALUES ${rows ? tuple + `, ${tuple}`.repeat(rows - 1) : ''}`;
  return insertTail(d, sql, values, options);
}

/** The conflict and RETURNING clauses of an INSERT. */
function insertTail(d: SqlDialect, head: string, params: unknown[], options: InsertOptions): Statement {
  let sql = head;
  if (options.upsert) {
    const { conflict, update } = options.upsert;
    if (d.dialect === 'mysql') {
      sql += ` ON DUPLICATE KEY UPDATE ${update.map((c) => `${d.quote(c)} = VALUES(${d.quote(c)})`).join(', ')}`;
    } else {
      sql += ` ON CONFLICT (${conflict.map((c) => d.quote(c)).join(', ')}) DO UPDATE SET ${update.map((c) => `${d.quote(c)} = excluded.${d.quote(c)}`).join(', ')}`;
    }
  } else if (options.ignoreDuplicates) {
    // A link that already exists is not an error: adding to a collection is idempotent.
    if (d.dialect === 'mysql') {
      const first = d.quote(options.ignoreDuplicates[0]!);
      sql += ` ON DUPLICATE KEY UPDATE ${first} = ${first}`;
    } else {
      sql += ' ON CONFLICT DO NOTHING';
    }
  }
  if (options.returning?.length) sql += ` RETURNING ${options.returning.map((c) => d.quote(c)).join(', ')}`;
  return { sql, params };
}

export interface UpdateRow {
  readonly key: readonly unknown[];
  readonly values: readonly unknown[];
  /** Version the row must still have (optimistic lock). */
  readonly version?: unknown;
}

/** A column and its type (PostgreSQL needs the type to read a VALUES list). */
export interface TypedColumn {
  readonly name: string;
  readonly type: ColumnType;
}

/** Most rows one CASE-based UPDATE should carry: matching each row against the WHEN list is quadratic. */
export const MAX_CASE_UPDATE_ROWS = 500;

/**
 * UPDATE of many rows that change the same columns to different values, in one statement. A single
 * row gets a plain UPDATE. Several rows join a VALUES list on SQLite
 * (`UPDATE t SET c = v.c FROM (VALUES ...) v WHERE t.k = v.k`), which the database matches by key
 * in linear time, and one array per column on PostgreSQL (`FROM unnest(?, ?) AS v(...)`, a VALUES
 * list where a type cannot be an array element, see {@link unnestable}); MySQL/MariaDB get `SET c = CASE WHEN k = ? THEN ? ... END` (callers keep those
 * to {@link MAX_CASE_UPDATE_ROWS} rows). With `version`, each row also matches its expected
 * version and the column is incremented (an integer) or set to `version.next` (a datetime, already
 * converted for the dialect; the current time when not given).
 */
export function updateStatement(
  d: SqlDialect,
  table: string,
  keyColumns: readonly TypedColumn[],
  setColumns: readonly TypedColumn[],
  rows: readonly UpdateRow[],
  version?: TypedColumn & { next?: unknown },
  returning?: readonly string[],
): Statement {
  const versionNext =
    version?.type === 'datetime' ? (version.next !== undefined ? version.next : toDatabaseValue('datetime', new Date(), d.dialect)) : undefined;
  if (rows.length > 1 && d.dialect !== 'mysql') return withReturning(d, updateFrom(d, table, keyColumns, setColumns, rows, version, versionNext), returning, d.dialect === 'pg' ? 'x' : table);
  const params: unknown[] = [];
  const keyMatch = keyColumns.map((c) => `${d.quote(c.name)} = ?`).join(' AND ');
  const sets: string[] = [];
  if (rows.length === 1) {
    const row = rows[0]!;
    setColumns.forEach((c, i) => {
      sets.push(`${d.quote(c.name)} = ?`);
      params.push(row.values[i]);
    });
  } else {
    setColumns.forEach((c, i) => {
      const whens = rows.map((r) => {
        params.push(...r.key, r.values[i]);
        return `WHEN ${keyColumns.length > 1 ? `(${keyMatch})` : keyMatch} THEN ${d.typedParam(c.type)}`;
      });
      sets.push(`${d.quote(c.name)} = CASE ${whens.join(' ')} ELSE ${d.quote(c.name)} END`);
    });
  }
  if (version) {
    const v = d.quote(version.name);
    sets.push(version.type === 'datetime' ? `${v} = ?` : `${v} = ${v} + 1`);
    // Bound like every other datetime of the dialect (ISO text on SQLite, where a bare Date would be
    // bound as epoch milliseconds), so the next update's `version = ?` compares like with like.
    if (version.type === 'datetime') params.push(versionNext);
  }
  let where: string;
  if (version) {
    where = rows.map(() => `(${keyMatch} AND ${d.quote(version.name)} = ?)`).join(' OR ');
    for (const r of rows) params.push(...r.key, r.version);
  } else {
    where = d.inList(keyColumns.map((c) => c.name), rows.length);
    for (const r of rows) params.push(...r.key);
  }
  return withReturning(d, { sql: `UPDATE ${d.quote(table)} SET ${sets.join(', ')} WHERE ${where}`, params }, returning);
}

/** Appends `RETURNING` of `columns` (of the target table, qualified by `target` where a FROM list could make them ambiguous). */
function withReturning(d: SqlDialect, stmt: Statement, columns: readonly string[] | undefined, target?: string): Statement {
  if (!columns?.length) return stmt;
  const col = (c: string) => (target ? `${d.quote(target)}.${d.quote(c)}` : d.quote(c));
  return { sql: `${stmt.sql} RETURNING ${columns.map(col).join(', ')}`, params: stmt.params };
}

/**
 * `SELECT` of `columns` from the rows of `table` whose key is among `keys` (laid end to end,
 * `keyColumns.length` values a row): how values the database made are read back where a write
 * cannot return them.
 */
export function selectByKeysStatement(d: SqlDialect, table: string, keyColumns: readonly string[], columns: readonly string[], keys: readonly unknown[]): Statement {
  const list = [...keyColumns, ...columns.filter((c) => !keyColumns.includes(c))].map((c) => d.quote(c)).join(', ');
  return { sql: `SELECT ${list} FROM ${d.quote(table)} WHERE ${d.inList(keyColumns, keys.length / keyColumns.length)}`, params: keys as unknown[] };
}

/** The UPDATE ... FROM of {@link updateStatement}: rows from a VALUES list, or from `unnest` of one array per column. */
function updateFrom(
  d: SqlDialect,
  table: string,
  keyColumns: readonly TypedColumn[],
  setColumns: readonly TypedColumn[],
  rows: readonly UpdateRow[],
  version: TypedColumn | undefined,
  versionNext: unknown,
): Statement {
  const pg = d.dialect === 'pg';
  const columns: TypedColumn[] = [...keyColumns, ...setColumns, ...(version ? [version] : [])];
  const unnest = unnestable(d, columns.map((c) => c.type));
  // SQLite names VALUES columns column1, column2, ...; PostgreSQL takes an alias list.
  const names = columns.map((_, i) => (pg ? `c${i}` : `column${i + 1}`));
  const ref = (i: number) => `${d.quote('v')}.${d.quote(names[i]!)}`;
  const target = pg ? d.quote('x') : d.quote(table);
  const params: unknown[] = [];
  const sets = setColumns.map((c, i) => `${d.quote(c.name)} = ${ref(keyColumns.length + i)}`);
  if (version) {
    const v = d.quote(version.name);
    if (version.type === 'datetime') {
      sets.push(`${v} = ?`);
      params.push(versionNext);
    } else {
      sets.push(`${v} = ${target}.${v} + 1`);
    }
  }
  const values: unknown[] = unnest ? [] : params;
  for (const r of rows) {
    for (const v of r.key) values.push(v);
    for (const v of r.values) values.push(v);
    if (version) values.push(r.version);
  }
  let source: string;
  if (unnest) {
    const u = unnestSource(d, columns.map((c) => c.type), values);
    for (const a of u.arrays) params.push(a);
    source = u.sql;
  } else {
    // Only the first row's placeholders need a type: PostgreSQL resolves each VALUES column from it.
    const first = `(${columns.map((c) => (pg ? d.typedParam(c.type) : '?')).join(', ')})`;
    const rest = `(${placeholders(columns.length)})`;
    source = `(VALUES ${rows.length ? first + `, ${rest}`.repeat(rows.length - 1) : ''})`;
  }
  const match = keyColumns.map((c, i) => `${target}.${d.quote(c.name)} = ${ref(i)}`);
  if (version) match.push(`${target}.${d.quote(version.name)} = ${ref(columns.length - 1)}`);
  const alias = pg ? ` AS ${d.quote('v')}(${names.map((n) => d.quote(n)).join(', ')})` : ` AS ${d.quote('v')}`;
  const head = pg ? `UPDATE ${d.quote(table)} AS ${target}` : `UPDATE ${d.quote(table)}`;
  return { sql: `${head} SET ${sets.join(', ')} FROM ${source}${alias} WHERE ${match.join(' AND ')}`, params };
}

/**
 * DELETE of rows by key: `WHERE k IN (...)` or `(k1, k2) IN ((?, ?), ...)`; on PostgreSQL a
 * single-column key is one array parameter, `WHERE k = ANY(?)`, which spares binding and parsing
 * thousands of placeholders.
 */
export function deleteStatement(d: SqlDialect, table: string, keyColumns: readonly string[], keys: readonly (readonly unknown[])[]): Statement {
  const flat: unknown[] = [];
  for (const k of keys) for (const v of k) flat.push(v);
  return deleteKeysStatement(d, table, keyColumns, flat);
}

/**
 * {@link deleteStatement} for keys written end to end (`keyColumns.length` values a row), as a flush
 * collects them: no array per row. On PostgreSQL a single-column key list is the parameter itself.
 */
export function deleteKeysStatement(d: SqlDialect, table: string, keyColumns: readonly string[], values: readonly unknown[]): Statement {
  if (d.dialect === 'pg' && keyColumns.length === 1) {
    return { sql: `DELETE FROM ${d.quote(table)} WHERE ${d.quote(keyColumns[0]!)} = ANY(?)`, params: [values] };
  }
  return { sql: `DELETE FROM ${d.quote(table)} WHERE ${d.inList(keyColumns, values.length / keyColumns.length)}`, params: values as unknown[] };
}
