import type { Driver } from '../drivers/driver.js';
import { emptyDraft, placeholders, queryRows, str, type TableDraft } from './introspect.js';
import { normalizeLiveType, normalizeRule, parseSqliteDefault } from './introspection-values.js';
import type { TableSchema } from './schema-model.js';
import { deferredForeignKeys, foreignKeyKey } from './sqlite-fk-clauses.js';

/**
 * The live definition of `tables` in a SQLite database, read with the table-valued PRAGMA functions
 * (they take bound arguments). SQLite keeps no FK constraint names; FKs are compared by definition.
 */
export async function introspectSqlite(driver: Driver, tables: readonly string[]): Promise<Map<string, TableSchema>> {
  const found = await queryRows(
    driver,
    `select name, sql from sqlite_master where type = 'table' and name in (${placeholders(tables)}) order by name`,
    tables,
  );
  const drafts = new Map<string, TableDraft>();
  for (const t of found) {
    const name = str(t.name);
    drafts.set(name, await introspectTable(driver, name, str(t.sql)));
  }
  return drafts as Map<string, TableSchema>;
}

async function introspectTable(driver: Driver, table: string, createSql: string): Promise<TableDraft> {
  const draft = emptyDraft(table);
  const info = await queryRows(driver, 'select * from pragma_table_info(?) order by cid', [table]);
  const pk = info.filter((c) => Number(c.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk));
  // Only the AUTOINCREMENT keyword tells a generated key from a plain `integer primary key`.
  const autoincrement = /\bautoincrement\b/i.test(createSql);
  const rowid = pk.length === 1 && str(pk[0]!.type).toLowerCase() === 'integer' ? str(pk[0]!.name) : undefined;
  for (const c of info) {
    const name = str(c.name);
    const def = parseSqliteDefault(c.dflt_value === null ? null : str(c.dflt_value));
    draft.columns.push({
      name,
      type: normalizeLiveType(str(c.type), 'sqlite'),
      // The rowid alias can never hold NULL, whether declared NOT NULL or not.
      nullable: Number(c.notnull) === 0 && name !== rowid,
      autoincrement: autoincrement && name === rowid,
      ...(def ? { default: def } : {}),
    });
  }
  if (pk.length) draft.primaryKey = { columns: pk.map((c) => str(c.name)) };

  for (const index of await queryRows(driver, 'select * from pragma_index_list(?)', [table])) {
    const origin = str(index.origin);
    if (origin === 'pk' || Number(index.partial) === 1) continue;
    const name = str(index.name);
    const cols = await queryRows(driver, 'select * from pragma_index_info(?) order by seqno', [name]);
    if (cols.some((c) => c.name === null)) continue;
    const entry = { name, columns: cols.map((c) => str(c.name)) };
    if (Number(index.unique) === 1) draft.uniques.push({ ...entry, backing: origin === 'u' ? 'table' : 'index' });
    else draft.indexes.push(entry);
  }
  draft.uniques.sort(byName);
  draft.indexes.sort(byName);

  const fkRows = await queryRows(driver, 'select * from pragma_foreign_key_list(?) order by id, seq', [table]);
  const deferred = deferredForeignKeys(createSql);
  const byId = new Map<number, Record<string, unknown>[]>();
  for (const r of fkRows) byId.set(Number(r.id), [...(byId.get(Number(r.id)) ?? []), r]);
  for (const rows of byId.values()) {
    const first = rows[0]!;
    const referencedTable = str(first.table);
    // `to` is NULL when the FK names only the table: it then means that table's primary key.
    const to = rows.some((r) => r.to === null) ? await primaryKeyOf(driver, referencedTable) : rows.map((r) => str(r.to));
    const columns = rows.map((r) => str(r.from));
    draft.foreignKeys.push({
      name: '',
      columns,
      referencedTable,
      referencedColumns: to,
      deleteRule: normalizeRule(str(first.on_delete)),
      updateRule: normalizeRule(str(first.on_update)),
      ...(deferred.has(foreignKeyKey(columns, referencedTable)) ? { deferrable: true } : {}),
    });
  }
  return draft;
}

async function primaryKeyOf(driver: Driver, table: string): Promise<string[]> {
  const info = await queryRows(driver, 'select * from pragma_table_info(?) where pk > 0 order by pk', [table]);
  return info.map((c) => str(c.name));
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
