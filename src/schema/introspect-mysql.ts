import type { Driver } from '../drivers/driver.js';
import { emptyDraft, groupBy, placeholders, queryRows, str, type TableDraft } from './introspect.js';
import { normalizeLiveType, normalizeRule, parseMysqlDefault } from './introspection-values.js';
import type { TableSchema } from './schema-model.js';

// Lowercase aliases everywhere: MySQL 8 returns information_schema column names in uppercase.

const COLUMNS = `select TABLE_NAME as tbl, COLUMN_NAME as col, COLUMN_TYPE as col_type, IS_NULLABLE as is_nullable,
  COLUMN_DEFAULT as col_default, EXTRA as extra
from information_schema.COLUMNS
where TABLE_SCHEMA = database() and TABLE_NAME in (%s)
order by TABLE_NAME, ORDINAL_POSITION`;

// Expression indexes (MySQL 8) have no COLUMN_NAME: they are left out, and left alone.
const INDEXES = `select TABLE_NAME as tbl, INDEX_NAME as name, NON_UNIQUE as non_unique, COLUMN_NAME as col,
  SEQ_IN_INDEX as seq
from information_schema.STATISTICS
where TABLE_SCHEMA = database() and TABLE_NAME in (%s)
order by TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;

const FOREIGN_KEYS = `select k.TABLE_NAME as tbl, k.CONSTRAINT_NAME as name, k.COLUMN_NAME as col,
  k.REFERENCED_TABLE_NAME as ref_table, k.REFERENCED_COLUMN_NAME as ref_col,
  r.UPDATE_RULE as update_rule, r.DELETE_RULE as delete_rule
from information_schema.KEY_COLUMN_USAGE k
join information_schema.REFERENTIAL_CONSTRAINTS r
  on r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA and r.CONSTRAINT_NAME = k.CONSTRAINT_NAME and r.TABLE_NAME = k.TABLE_NAME
where k.TABLE_SCHEMA = database() and k.REFERENCED_TABLE_NAME is not null and k.TABLE_NAME in (%s)
order by k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/** The live definition of `tables` in the current database of a MySQL or MariaDB server. */
export async function introspectMysql(driver: Driver, tables: readonly string[]): Promise<Map<string, TableSchema>> {
  const inList = placeholders(tables);
  const version = await queryRows(driver, 'select version() as version');
  const mariadb = /mariadb/i.test(str(version[0]?.version));
  const drafts = new Map<string, TableDraft>();

  for (const [table, rows] of groupBy(await queryRows(driver, COLUMNS.replace('%s', inList), tables), (r) => str(r.tbl))) {
    const draft = emptyDraft(table);
    for (const r of rows) {
      const extra = str(r.extra);
      const def = parseMysqlDefault(r.col_default === null ? null : str(r.col_default), extra, mariadb);
      draft.columns.push({
        name: str(r.col),
        type: normalizeLiveType(str(r.col_type), 'mysql'),
        nullable: str(r.is_nullable).toUpperCase() === 'YES',
        autoincrement: /auto_increment/i.test(extra),
        ...(def ? { default: def } : {}),
      });
    }
    drafts.set(table, draft);
  }

  const indexRows = await queryRows(driver, INDEXES.replace('%s', inList), tables);
  for (const [key, rows] of groupBy(indexRows, (r) => `${str(r.tbl)}\u0000${str(r.name)}`)) {
    const draft = drafts.get(str(rows[0]!.tbl));
    if (!draft || rows.some((r) => r.col === null)) continue;
    const name = key.split('\u0000')[1]!;
    const columns = rows.map((r) => str(r.col));
    if (name === 'PRIMARY') draft.primaryKey = { columns };
    else if (Number(rows[0]!.non_unique) === 0) draft.uniques.push({ name, columns, backing: 'index' });
    else draft.indexes.push({ name, columns });
  }

  const fkRows = await queryRows(driver, FOREIGN_KEYS.replace('%s', inList), tables);
  for (const rows of groupBy(fkRows, (r) => `${str(r.tbl)}\u0000${str(r.name)}`).values()) {
    const first = rows[0]!;
    drafts.get(str(first.tbl))?.foreignKeys.push({
      name: str(first.name),
      columns: rows.map((r) => str(r.col)),
      referencedTable: str(first.ref_table),
      referencedColumns: rows.map((r) => str(r.ref_col)),
      deleteRule: normalizeRule(str(first.delete_rule)),
      updateRule: normalizeRule(str(first.update_rule)),
    });
  }
  return drafts as Map<string, TableSchema>;
}
