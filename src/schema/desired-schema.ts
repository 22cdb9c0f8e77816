import { constraintName } from '../metadata/constraint-names.js';
import type { MetadataSnapshot } from '../metadata/metadata-storage-types.js';
import type { ColumnMetadata, Dialect, ForeignKeyMetadata, IndexMetadata, UniqueMetadata } from '../metadata/types.js';
import { getColumnType } from './column-types.js';
import { DatetimeType, EnumType, pgEnumName } from '../metadata/builtin-types.js';
import { primaryKeyName, shortenIdentifier } from './identifier-names.js';
import { normalizeLiveType } from './introspection-values.js';
import type { ColumnSchema, DefaultValue, ForeignKeySchema, IndexSchema, TableSchema } from './schema-model.js';
import { sortTablesByDependency } from './table-order.js';

/** One table as the metadata describes it, before dialect types are chosen. */
interface MappedTable {
  readonly name: string;
  /** Entity name for `Entity.property` in messages; join tables have none. */
  readonly entity?: string;
  readonly renamedFrom?: string;
  readonly columns: readonly ColumnMetadata[];
  readonly primaryKeyColumns: readonly string[];
  readonly uniques: readonly UniqueMetadata[];
  readonly indexes: readonly IndexMetadata[];
  readonly foreignKeys: readonly ForeignKeyMetadata[];
}

/** Names of the connections that own at least one table, in metadata order. */
export function connectionsOf(metadata: MetadataSnapshot): string[] {
  const names = new Set<string>();
  for (const e of metadata.entities) names.add(e.connection);
  for (const j of metadata.joinTables) names.add(j.connection);
  return [...names];
}

/**
 * The tables the metadata asks for on one connection, with types for `dialect`, in creation order.
 * Entity tables and plain join tables are treated alike.
 */
export function buildDesiredSchema(metadata: MetadataSnapshot, connection: string, dialect: Dialect): TableSchema[] {
  const mapped = new Map<string, MappedTable>();
  for (const e of metadata.entities) {
    if (e.connection !== connection || mapped.has(e.tableName)) continue;
    mapped.set(e.tableName, {
      name: e.tableName,
      entity: e.name,
      renamedFrom: e.renamedFrom,
      columns: e.columns,
      primaryKeyColumns: e.primaryKeyColumns,
      uniques: e.uniques,
      indexes: e.indexes,
      foreignKeys: e.foreignKeys,
    });
  }
  for (const j of metadata.joinTables) {
    if (j.connection !== connection || mapped.has(j.tableName)) continue;
    mapped.set(j.tableName, {
      name: j.tableName,
      columns: j.columns,
      primaryKeyColumns: j.primaryKeyColumns,
      uniques: [],
      indexes: [],
      foreignKeys: j.foreignKeys,
    });
  }
  const tables = [...mapped.values()].map((t) => toTableSchema(t, mapped, dialect));
  return sortTablesByDependency(tables);
}

function toTableSchema(table: MappedTable, all: ReadonlyMap<string, MappedTable>, dialect: Dialect): TableSchema {
  const pk = table.primaryKeyColumns;
  const fkColumns = new Set(table.foreignKeys.flatMap((f) => f.columns));
  const seen = new Set<string>();
  const columns: ColumnSchema[] = [];
  for (const c of table.columns) {
    // Two properties may share a column (a scalar and a relation over `author_id`): one definition.
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    // sqlite can only generate a single-column rowid key; an FK column is never generated.
    const autoincrement = c.autoincrement && !fkColumns.has(c.name) && (dialect !== 'sqlite' || pk.length === 1);
    const column: ColumnSchema = {
      name: c.name,
      type: resolveType(table, c.name, all, dialect, new Set()),
      nullable: c.nullable && !pk.includes(c.name),
      autoincrement,
      ...(c.renamedFrom !== undefined ? { renamedFrom: c.renamedFrom } : {}),
      ...(table.entity !== undefined ? { origin: `${table.entity}.${c.property}` } : {}),
      ...(dialect === 'pg' && c.type instanceof EnumType ? { nativeEnum: { name: pgEnumName(c.type.context), values: (c.type.context.items ?? []).map(String) } } : {}),
    };
    const def = autoincrement ? undefined : desiredDefault(c, dialect);
    columns.push(def ? { ...column, default: def } : column);
  }

  const uniques = dedupe(
    table.uniques.filter((u) => !sameColumns(u.columns, pk)),
    [],
  );
  const indexes = dedupe(
    table.indexes.filter((i) => !sameColumns(i.columns, pk)),
    uniques,
  );
  // Index every FK (joins, populate `WHERE fk IN (...)`, cascades) unless an existing key already
  // starts with its columns. MySQL would create one anyway, under the constraint's name.
  for (const fk of table.foreignKeys) {
    const covered = [pk, ...uniques.map((u) => u.columns), ...indexes.map((i) => i.columns)].some((cols) =>
      isPrefix(fk.columns, cols),
    );
    if (!covered) indexes.push({ name: constraintName(table.name, fk.columns, 'index'), columns: [...fk.columns] });
  }

  const foreignKeys: ForeignKeySchema[] = table.foreignKeys.map((f) => ({
    // A name the user spelled too long would be cut by PostgreSQL and refused by MySQL.
    name: shortenIdentifier(f.name),
    columns: [...f.columns],
    referencedTable: f.referencedTable,
    referencedColumns: [...f.referencedColumns],
    deleteRule: f.deleteRule,
    updateRule: f.updateRule,
    ...(f.deferrable ? { deferrable: true } : {}),
  }));

  return {
    name: table.name,
    ...(table.renamedFrom !== undefined ? { renamedFrom: table.renamedFrom } : {}),
    columns,
    primaryKey: pk.length ? { name: primaryKeyName(table.name), columns: [...pk] } : undefined,
    uniques,
    indexes,
    foreignKeys,
  };
}

/**
 * An FK column takes the exact type of the column it references (MySQL refuses an FK between, say,
 * `int` and `bigint`), following chains such as a pivot's key that is itself an FK.
 */
function resolveType(
  table: MappedTable,
  columnName: string,
  all: ReadonlyMap<string, MappedTable>,
  dialect: Dialect,
  visiting: Set<string>,
): string {
  const column = table.columns.find((c) => c.name === columnName)!;
  const key = `${table.name}.${columnName}`;
  if (!visiting.has(key)) {
    visiting.add(key);
    for (const fk of table.foreignKeys) {
      const i = fk.columns.indexOf(columnName);
      if (i < 0) continue;
      const target = all.get(fk.referencedTable);
      const targetColumn = fk.referencedColumns[i];
      if (target && targetColumn !== undefined && target.columns.some((c) => c.name === targetColumn)) {
        return resolveType(target, targetColumn, all, dialect, visiting);
      }
    }
  }
  // The rowid alias must be declared `integer` on sqlite, and so must every FK to it.
  const generated = column.autoincrement && !isFkColumn(table, columnName) && table.primaryKeyColumns.length === 1;
  if (column.columnType !== undefined) return normalizeLiveType(column.columnType, dialect);
  return getColumnType({ ...column, autoincrement: generated }, dialect);
}

function isFkColumn(table: MappedTable, column: string): boolean {
  return table.foreignKeys.some((f) => f.columns.includes(column));
}

const CURRENT_TIMESTAMP = /^(current_timestamp(\(\s*\))?|now\(\s*\))$/i;

/**
 * The column's default for `dialect`. A "now" default on a datetime is rewritten where the dialect's
 * own spelling would not fit the column: MySQL wants the precision of `datetime(3)` repeated, and
 * SQLite's CURRENT_TIMESTAMP is not the ISO-8601 text joinery stores there.
 */
function desiredDefault(c: ColumnMetadata, dialect: Dialect): DefaultValue | undefined {
  if (c.defaultRaw !== undefined) {
    const raw = c.defaultRaw.trim();
    // A column whose type is given as the database spells it keeps its default as written too.
    if ((c.type === 'datetime' || c.type === 'timestamptz' || c.type instanceof DatetimeType) && c.columnType === undefined && CURRENT_TIMESTAMP.test(raw)) {
      if (dialect === 'mysql') return { kind: 'expression', sql: 'CURRENT_TIMESTAMP(3)' };
      if (dialect === 'sqlite') return { kind: 'expression', sql: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" };
    }
    return { kind: 'expression', sql: raw };
  }
  if (c.default === undefined || c.default === null) return undefined;
  return { kind: 'literal', value: c.default };
}

function dedupe(list: readonly (UniqueMetadata | IndexMetadata)[], exclude: readonly IndexSchema[]): IndexSchema[] {
  const out: IndexSchema[] = [];
  for (const item of list) {
    if (exclude.some((e) => sameColumns(e.columns, item.columns))) continue;
    if (out.some((e) => sameColumns(e.columns, item.columns))) continue;
    out.push({ name: shortenIdentifier(item.name), columns: [...item.columns] });
  }
  return out;
}

/** Same columns in the same order. */
export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** `prefix` is the leading part of `cols` (an index on `cols` serves lookups on `prefix`). */
function isPrefix(prefix: readonly string[], cols: readonly string[]): boolean {
  return prefix.length > 0 && prefix.length <= cols.length && prefix.every((c, i) => c === cols[i]);
}
