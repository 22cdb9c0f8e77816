import { isType } from '../metadata/type.js';
import type { ColumnType, Dialect, ScalarType } from '../metadata/types.js';

// DML is written by hand rather than through knex's builder: flushes send a handful of large
// statements and the builder's per-row overhead shows at 10k rows. Identifiers come only from
// metadata and are quoted here; every value is a bound `?` parameter.

const PG_CAST: Record<ScalarType, string> = {
  string: 'text',
  text: 'text',
  integer: 'integer',
  float: 'double precision',
  decimal: 'numeric',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamptz',
  json: 'jsonb',
  bigint: 'bigint',
  uuid: 'uuid',
  timestamptz: 'timestamptz',
};

/** The PostgreSQL type a parameter of `type` is cast to; a `Type` names its own (text when it has none). */
function pgCast(type: ColumnType): string {
  if (isType(type)) return type.castType(type.context) ?? 'text';
  return PG_CAST[type];
}

/** Identifier quoting and parameter typing for one dialect. */
export class SqlDialect {
  constructor(readonly dialect: Dialect) {}

  quote(identifier: string): string {
    if (this.dialect === 'mysql') return '`' + identifier.replace(/`/g, '``') + '`';
    return '"' + identifier.replace(/"/g, '""') + '"';
  }

  /** `table.column`, both quoted. */
  column(table: string, column: string): string {
    return `${this.quote(table)}.${this.quote(column)}`;
  }

  /**
   * A placeholder whose type the database can infer where context does not tell it (inside
   * CASE ... THEN on PostgreSQL, which would otherwise guess text).
   */
  typedParam(type: ColumnType): string {
    return this.dialect === 'pg' ? `CAST(? AS ${pgCast(type)})` : '?';
  }

  /** A PostgreSQL array parameter of `type`'s values, `CAST(? AS integer[])`, for where no column gives the type. */
  pgArrayParam(type: ColumnType): string {
    return `CAST(? AS ${pgCast(type)}[])`;
  }

  /**
   * `CAST(? AS integer[])` for a PostgreSQL array parameter holding one column's values of many rows
   * (see `unnestable` in dml.ts), or undefined when `type`'s values are arrays themselves, which
   * `unnest` would flatten.
   */
  pgColumnArrayParam(type: ColumnType): string | undefined {
    const cast = pgCast(type);
    return cast.includes('[') ? undefined : `CAST(? AS ${cast}[])`;
  }

  /** Row-value comparison `(a, b) IN ((?, ?), ...)` or `a IN (?, ...)` for a single column. */
  inList(columns: readonly string[], rows: number, tableAlias?: string): string {
    const col = (c: string) => (tableAlias ? `${this.quote(tableAlias)}.${this.quote(c)}` : this.quote(c));
    if (columns.length === 1) return `${col(columns[0]!)} IN (${placeholders(rows)})`;
    const tuple = `(${placeholders(columns.length)})`;
    return `(${columns.map(col).join(', ')}) IN (${Array.from({ length: rows }, () => tuple).join(', ')})`;
  }
}

const dialects = new Map<Dialect, SqlDialect>();

/** The (stateless) SqlDialect of `dialect`, shared: loaders ask for one per statement. */
export function sqlDialect(dialect: Dialect): SqlDialect {
  let d = dialects.get(dialect);
  if (!d) dialects.set(dialect, (d = new SqlDialect(dialect)));
  return d;
}

export function placeholders(n: number): string {
  if (n <= 0) return '';
  return '?' + ', ?'.repeat(n - 1);
}
