import type { Driver } from '../drivers/driver.js';
import { queryRows, str } from './introspect.js';

/**
 * The base tables of the driver's database (current schema on PostgreSQL, current database on
 * MySQL), sorted by name; views and SQLite's own tables are left out.
 */
export async function listTables(driver: Driver): Promise<string[]> {
  let sql: string;
  switch (driver.dialect) {
    case 'pg':
      sql = "select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'";
      break;
    case 'mysql':
      sql = "select TABLE_NAME as name from information_schema.TABLES where TABLE_SCHEMA = database() and TABLE_TYPE = 'BASE TABLE'";
      break;
    case 'sqlite':
      sql = "select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'";
      break;
  }
  const names = (await queryRows(driver, sql)).map((r) => str(r.name ?? r.NAME));
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
