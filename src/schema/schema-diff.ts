import type { Dialect } from '../metadata/types.js';
import type { ColumnChange } from './ddl-builder.js';
import { sameColumns } from './desired-schema.js';
import { defaultsEqual } from './introspection-values.js';
import type { ColumnSchema, ForeignKeySchema, IndexSchema, TableSchema } from './schema-model.js';
import { resolveRenames, type ColumnRename, type TableRename } from './schema-renames.js';

export interface ColumnDiff {
  readonly desired: ColumnSchema;
  readonly live: ColumnSchema;
  readonly changes: ReadonlySet<ColumnChange>;
}

/** What differs between one table of the metadata and the same table in the database. */
export interface TableDiff {
  readonly desired: TableSchema;
  readonly live: TableSchema;
  readonly addedColumns: readonly ColumnSchema[];
  /** Live columns the metadata no longer maps. */
  readonly droppedColumns: readonly ColumnSchema[];
  readonly changedColumns: readonly ColumnDiff[];
  readonly primaryKeyChanged: boolean;
  readonly addedUniques: readonly IndexSchema[];
  readonly droppedUniques: readonly IndexSchema[];
  readonly addedIndexes: readonly IndexSchema[];
  readonly droppedIndexes: readonly IndexSchema[];
  readonly addedForeignKeys: readonly ForeignKeySchema[];
  readonly droppedForeignKeys: readonly ForeignKeySchema[];
}

export interface SchemaDiff {
  /** Tables renamed (`@Entity({ renamedFrom })`); they run first, and everything below uses the new names. */
  readonly renamedTables: readonly TableRename[];
  /** Columns renamed (`@Property({ renamedFrom })`), after the tables. */
  readonly renamedColumns: readonly ColumnRename[];
  /** Tables of the metadata missing from the database, in creation order. */
  readonly createdTables: readonly TableSchema[];
  /** Existing tables that differ; unchanged tables are not listed. */
  readonly alteredTables: readonly TableDiff[];
  /** Every live table the metadata maps, as it is once the renames ran (see {@link resolveRenames}). */
  readonly live: ReadonlyMap<string, TableSchema>;
}

/**
 * Compares the desired tables with the live ones (only tables known to the metadata, and the old
 * names of renamed ones, are ever in `live`). Uniques, indexes and FKs match by definition, not by
 * name, so a legacy schema whose constraints carry other names is not churned.
 */
export function diffSchema(desired: readonly TableSchema[], liveTables: ReadonlyMap<string, TableSchema>, dialect: Dialect): SchemaDiff {
  const { tables: renamedTables, columns: renamedColumns, live } = resolveRenames(desired, liveTables);
  const createdTables: TableSchema[] = [];
  const alteredTables: TableDiff[] = [];
  for (const table of desired) {
    const current = live.get(table.name);
    if (!current) createdTables.push(table);
    else {
      const diff = diffTable(table, current, dialect);
      if (!isTableDiffEmpty(diff)) alteredTables.push(diff);
    }
  }
  return { renamedTables, renamedColumns, createdTables, alteredTables, live };
}

/** Whether the diff has anything to run. */
export function isSchemaDiffEmpty(d: SchemaDiff): boolean {
  return d.renamedTables.length + d.renamedColumns.length + d.createdTables.length + d.alteredTables.length === 0;
}

export function diffTable(desired: TableSchema, live: TableSchema, dialect: Dialect): TableDiff {
  const liveColumns = new Map(live.columns.map((c) => [c.name, c]));
  const desiredNames = new Set(desired.columns.map((c) => c.name));
  const changedColumns: ColumnDiff[] = [];
  for (const col of desired.columns) {
    const current = liveColumns.get(col.name);
    if (!current) continue;
    const changes = diffColumn(col, current, dialect);
    if (changes.size) changedColumns.push({ desired: col, live: current, changes });
  }
  const uniques = matchBy(desired.uniques, live.uniques, (u) => u.columns.join('\u0000'));
  const indexes = matchBy(desired.indexes, live.indexes, (i) => i.columns.join('\u0000'));
  const fks = matchBy(desired.foreignKeys, live.foreignKeys, (f) => foreignKeySignature(f, dialect));
  return {
    desired,
    live,
    addedColumns: desired.columns.filter((c) => !liveColumns.has(c.name)),
    droppedColumns: live.columns.filter((c) => !desiredNames.has(c.name)),
    changedColumns,
    primaryKeyChanged: !sameColumns(desired.primaryKey?.columns ?? [], live.primaryKey?.columns ?? []),
    addedUniques: uniques.added,
    droppedUniques: uniques.dropped,
    addedIndexes: indexes.added,
    droppedIndexes: indexes.dropped,
    addedForeignKeys: fks.added,
    droppedForeignKeys: fks.dropped,
  };
}

export function isTableDiffEmpty(d: TableDiff): boolean {
  return (
    !d.primaryKeyChanged &&
    [d.addedColumns, d.droppedColumns, d.changedColumns, d.addedUniques, d.droppedUniques, d.addedIndexes, d.droppedIndexes, d.addedForeignKeys, d.droppedForeignKeys].every(
      (list) => list.length === 0,
    )
  );
}

function diffColumn(desired: ColumnSchema, live: ColumnSchema, dialect: Dialect): Set<ColumnChange> {
  const changes = new Set<ColumnChange>();
  if (!typesEqual(desired.type, live.type, dialect)) changes.add('type');
  // A PostgreSQL enum type that lacks values the metadata lists (values are only ever added).
  else if (desired.nativeEnum && live.nativeEnum && desired.nativeEnum.values.some((v) => !live.nativeEnum!.values.includes(v))) changes.add('enumValues');
  if (desired.nullable !== live.nullable) changes.add('nullable');
  // SQLite cannot tell AUTOINCREMENT from a plain rowid key by behaviour that matters here, and
  // rebuilding a table for it would be out of all proportion.
  if (dialect !== 'sqlite' && desired.autoincrement !== live.autoincrement) changes.add('autoincrement');
  if (!desired.autoincrement && !defaultsEqual(desired.default, live.default, desired.type, dialect)) changes.add('default');
  return changes;
}

/** Types equal after the introspectors' normalisation; MariaDB stores `json` as `longtext`. */
export function typesEqual(desired: string, live: string, dialect: Dialect): boolean {
  if (desired === live) return true;
  return dialect === 'mysql' && desired === 'json' && live === 'longtext';
}

function foreignKeySignature(f: ForeignKeySchema, dialect: Dialect): string {
  // InnoDB checks RESTRICT and NO ACTION identically, and reports either for an unstated rule.
  const rule = (r: string) => (dialect === 'mysql' && r === 'restrict' ? 'no action' : r);
  // MySQL has no deferrable constraints: the metadata's flag never reaches its DDL.
  const deferrable = dialect !== 'mysql' && f.deferrable === true ? 'deferrable' : '';
  return [f.columns.join(','), f.referencedTable, f.referencedColumns.join(','), rule(f.deleteRule), rule(f.updateRule), deferrable].join('\u0000');
}

function matchBy<T>(desired: readonly T[], live: readonly T[], key: (x: T) => string): { added: T[]; dropped: T[] } {
  const liveKeys = new Set(live.map(key));
  const desiredKeys = new Set(desired.map(key));
  return {
    added: desired.filter((x) => !liveKeys.has(key(x))),
    dropped: live.filter((x) => !desiredKeys.has(key(x))),
  };
}
