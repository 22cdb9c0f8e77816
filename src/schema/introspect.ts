import type { Driver } from '../drivers/driver.js';
import { introspectMysql } from './introspect-mysql.js';
import { introspectPg } from './introspect-pg.js';
import { introspectSqlite } from './introspect-sqlite.js';
import type { TableSchema } from './schema-model.js';

/**
 * The live definition of those of `tables` that exist on the driver's database (current schema on
 * PostgreSQL, current database on MySQL), keyed by name. Other tables are never read.
 */
export async function introspectTables(driver: Driver, tables: readonly string[]): Promise<Map<string, TableSchema>> {
  if (tables.length === 0) return new Map();
  switch (driver.dialect) {
    case 'pg':
      return introspectPg(driver, tables);
    case 'mysql':
      return introspectMysql(driver, tables);
    case 'sqlite':
      return introspectSqlite(driver, tables);
  }
}

/** Runs one catalog query through the driver (so the user's logger sees it too). */
export async function queryRows(driver: Driver, sql: string, params: readonly unknown[] = []): Promise<Record<string, unknown>[]> {
  return (await driver.execute({ sql, params })).rows;
}

/** `?, ?, ?` for an IN list: one bound parameter per value, whatever the driver does with arrays. */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** Groups rows by a key, keeping the first-seen order of keys and of rows. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Mutable table under construction by an introspector. */
export interface TableDraft {
  name: string;
  columns: TableSchema['columns'][number][];
  primaryKey?: TableSchema['primaryKey'];
  uniques: TableSchema['uniques'][number][];
  indexes: TableSchema['indexes'][number][];
  foreignKeys: TableSchema['foreignKeys'][number][];
}

export function emptyDraft(name: string): TableDraft {
  return { name, columns: [], uniques: [], indexes: [], foreignKeys: [] };
}

export function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}
