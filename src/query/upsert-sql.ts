import type { Statement } from '../drivers/driver.js';
import type { Dialect } from '../metadata/types.js';
import { placeholders, sqlDialect } from './sql-dialect.js';

/** One multi-row upsert into one table: every row gives the same columns, in `columns` order. */
export interface UpsertSql {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  /** The conflict target: the primary key's or a unique constraint's columns. */
  readonly conflict: readonly string[];
  /** Columns to return (PostgreSQL and SQLite, RETURNING); MySQL reads the rows back instead. */
  readonly returning: readonly string[];
}

/**
 * `INSERT ... ON CONFLICT (target) DO UPDATE SET c = excluded.c ... RETURNING ...` (PostgreSQL,
 * SQLite) or `INSERT ... ON DUPLICATE KEY UPDATE c = VALUES(c)` (MySQL/MariaDB). Every given column
 * but the target's is updated; with none left, the target is set to itself, so that the existing
 * row is still returned (PostgreSQL's `DO NOTHING` returns no row for it). Pure.
 *
 * @example
 * upsertStatement('pg', { table: 'users', columns: ['email', 'name'], rows: [['a@x', 'A']], conflict: ['email'], returning: ['id', 'email', 'name'] });
 * // insert into "users" ("email", "name") values (?, ?) on conflict ("email") do update set "name" = excluded."name" returning "id", "email", "name"
 */
export function upsertStatement(dialect: Dialect, u: UpsertSql): Statement {
  const d = sqlDialect(dialect);
  const q = (c: string) => d.quote(c);
  const target = new Set(u.conflict);
  const updated = u.columns.filter((c) => !target.has(c));
  const set = updated.length ? updated : [u.conflict[0]!];
  const values = u.rows.map(() => `(${placeholders(u.columns.length)})`).join(', ');
  let sql = `insert into ${q(u.table)} (${u.columns.map(q).join(', ')}) values ${values}`;
  if (dialect === 'mysql') {
    sql += ` on duplicate key update ${set.map((c) => `${q(c)} = values(${q(c)})`).join(', ')}`;
  } else {
    sql += ` on conflict (${u.conflict.map(q).join(', ')}) do update set ${set.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
    sql += ` returning ${u.returning.map(q).join(', ')}`;
  }
  return { sql, params: u.rows.flat() };
}
