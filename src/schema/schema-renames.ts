import type { DdlBuilder } from './ddl-builder.js';
import type { SchemaDiff } from './schema-diff.js';
import type { ForeignKeySchema, IndexSchema, TableSchema } from './schema-model.js';

export interface TableRename {
  readonly from: string;
  readonly to: string;
}

export interface ColumnRename {
  /** The table's desired (new) name: renames run after table renames. */
  readonly table: string;
  readonly from: string;
  readonly to: string;
}

export interface ResolvedRenames {
  readonly tables: readonly TableRename[];
  readonly columns: readonly ColumnRename[];
  /**
   * The live tables as they will be once the renames ran: keyed and named by their new names, with
   * renamed columns (and the keys, indexes and FKs over them, here and in other tables) under their
   * new names. The rest of the diff compares against this, so a rename is not also an add and a drop.
   */
  readonly live: ReadonlyMap<string, TableSchema>;
}

/**
 * Which `renamedFrom` declarations apply to this database: a table (column) is renamed when its new
 * name is missing, its old name exists, and the metadata does not also want the old name. Once the
 * rename ran, the new name exists and the declaration does nothing, so the update stays idempotent.
 */
export function resolveRenames(desired: readonly TableSchema[], live: ReadonlyMap<string, TableSchema>): ResolvedRenames {
  const desiredNames = new Set(desired.map((t) => t.name));
  const tables: TableRename[] = [];
  for (const t of desired) {
    const from = t.renamedFrom;
    if (from !== undefined && !live.has(t.name) && live.has(from) && !desiredNames.has(from) && !tables.some((r) => r.from === from)) {
      tables.push({ from, to: t.name });
    }
  }
  const tableTo = new Map(tables.map((r) => [r.from, r.to]));
  const byNewName = new Map<string, TableSchema>();
  for (const [name, table] of live) {
    const to = tableTo.get(name);
    if (to !== undefined) byNewName.set(to, { ...table, name: to });
    else if (!byNewName.has(name)) byNewName.set(name, table);
  }

  const columns: ColumnRename[] = [];
  for (const t of desired) {
    const current = byNewName.get(t.name);
    if (!current) continue;
    const liveNames = new Set(current.columns.map((c) => c.name));
    const wanted = new Set(t.columns.map((c) => c.name));
    for (const c of t.columns) {
      const from = c.renamedFrom;
      if (from !== undefined && !liveNames.has(c.name) && liveNames.has(from) && !wanted.has(from)) {
        columns.push({ table: t.name, from, to: c.name });
      }
    }
  }

  const renamed = new Map<string, TableSchema>();
  for (const [name, table] of byNewName) renamed.set(name, applyRenames(table, tableTo, columns));
  return { tables, columns, live: renamed };
}

/** One live table with the renames applied to its columns and to the targets of its FKs. */
function applyRenames(table: TableSchema, tableTo: ReadonlyMap<string, string>, columns: readonly ColumnRename[]): TableSchema {
  if (tableTo.size === 0 && columns.length === 0) return table;
  const own = columnMap(columns, table.name);
  const rename = (cols: readonly string[], map: ReadonlyMap<string, string>) => cols.map((c) => map.get(c) ?? c);
  const index = (i: IndexSchema): IndexSchema => ({ ...i, columns: rename(i.columns, own) });
  const fk = (f: ForeignKeySchema): ForeignKeySchema => {
    const target = tableTo.get(f.referencedTable) ?? f.referencedTable;
    return { ...f, columns: rename(f.columns, own), referencedTable: target, referencedColumns: rename(f.referencedColumns, columnMap(columns, target)) };
  };
  return {
    ...table,
    columns: table.columns.map((c) => (own.has(c.name) ? { ...c, name: own.get(c.name)! } : c)),
    primaryKey: table.primaryKey && { ...table.primaryKey, columns: rename(table.primaryKey.columns, own) },
    uniques: table.uniques.map(index),
    indexes: table.indexes.map(index),
    foreignKeys: table.foreignKeys.map(fk),
  };
}

function columnMap(columns: readonly ColumnRename[], table: string): Map<string, string> {
  return new Map(columns.filter((r) => r.table === table).map((r) => [r.from, r.to]));
}

/**
 * Renames run before anything else, as everything after them names tables and columns by their new
 * names. Each dialect carries keys, indexes and FKs (its own and those pointing at it) along.
 */
export function renameStatements(diff: Pick<SchemaDiff, 'renamedTables' | 'renamedColumns'>, ddl: DdlBuilder): string[] {
  return [
    ...diff.renamedTables.map((r) => ddl.renameTable(r.from, r.to)),
    ...diff.renamedColumns.map((r) => ddl.renameColumn(r.table, r.from, r.to)),
  ];
}
