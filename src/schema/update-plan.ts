import type { StatementPlan } from './create-plan.js';
import type { DdlBuilder } from './ddl-builder.js';
import { nativeEnumsOf, type ForeignKeySchema, type TableSchema } from './schema-model.js';
import type { SchemaDiff, TableDiff } from './schema-diff.js';
import { renameStatements } from './schema-renames.js';
import { buildSqliteUpdate } from './sqlite-update-plan.js';

/**
 * Statements that bring a live database to the metadata, from `diffSchema`. `diff.live` holds every
 * metadata table that exists (changed or not), because an FK in an unchanged table may have to be
 * dropped and re-added around a change to the table it references.
 */
export function buildUpdatePlan(diff: SchemaDiff, ddl: DdlBuilder): StatementPlan {
  if (ddl.dialect === 'sqlite') return buildSqliteUpdate(diff, ddl);
  return { before: [], statements: [...renameStatements(diff, ddl), ...buildAlterStatements(diff, diff.live, ddl)], after: [] };
}

/**
 * PostgreSQL and MySQL, after the renames, in phases that each only depend on the ones before:
 * 1. drop FKs that go away or stand in the way of a change;
 * 2. drop uniques and indexes that go away (a unique may be what an FK to be dropped needed);
 * 3. create missing tables, their FKs to tables created later deferred to phase 6;
 * 4. columns: drop a changed primary key, add, alter, drop columns, add the new primary key;
 * 5. add uniques and indexes (before FKs, so MySQL does not invent an index of its own);
 * 6. add FKs: new ones, deferred ones, and the ones dropped in phase 1 that are still wanted.
 */
function buildAlterStatements(diff: SchemaDiff, live: ReadonlyMap<string, TableSchema>, ddl: DdlBuilder): string[] {
  const altered = new Map(diff.alteredTables.map((d) => [d.desired.name, d]));
  const desiredByName = new Map<string, TableSchema>([
    ...diff.alteredTables.map((d) => [d.desired.name, d.desired] as const),
    ...diff.createdTables.map((t) => [t.name, t] as const),
  ]);
  const out: string[] = [];

  // 1. FKs to drop: removed ones, plus those in the way of a key or type change they depend on.
  const dropFks: [string, ForeignKeySchema][] = [];
  const readd: [string, ForeignKeySchema][] = [];
  for (const [tableName, table] of live) {
    const d = altered.get(tableName);
    for (const fk of table.foreignKeys) {
      if (d?.droppedForeignKeys.includes(fk)) {
        dropFks.push([tableName, fk]);
      } else if (blocksChange(tableName, fk, altered, ddl)) {
        dropFks.push([tableName, fk]);
        // Still wanted (it matched a desired FK); put it back, in its desired form, once the change is done.
        const wanted = (desiredByName.get(tableName) ?? table).foreignKeys.find((x) => sameFk(x, fk)) ?? fk;
        readd.push([tableName, wanted]);
      }
    }
  }
  for (const [table, fk] of dropFks) out.push(ddl.dropForeignKey(table, fk));

  // 2.
  for (const d of diff.alteredTables) {
    for (const u of d.droppedUniques) out.push(ddl.dropUnique(d.desired.name, u));
    for (const i of d.droppedIndexes) out.push(ddl.dropIndex(d.desired.name, i));
  }

  // 3. PostgreSQL enum types the new and changed columns name, and values added to them (ADD VALUE
  // only appends; a removed value stays in the type).
  if (ddl.dialect === 'pg') {
    const columns = [
      ...diff.createdTables.flatMap((t) => t.columns),
      ...diff.alteredTables.flatMap((d) => [...d.addedColumns, ...d.changedColumns.map((c) => c.desired)]),
    ];
    for (const e of nativeEnumsOf([{ name: '', columns, uniques: [], indexes: [], foreignKeys: [] }])) {
      out.push(ddl.createEnumTypeIfMissing(e), ...ddl.addEnumValues(e));
    }
  }

  // An FK may be declared inline when its target exists already or is created earlier here.
  const available = new Set(live.keys());
  const deferred: [string, ForeignKeySchema][] = [];
  for (const t of diff.createdTables) {
    available.add(t.name);
    const inline = t.foreignKeys.filter((fk) => available.has(fk.referencedTable) && !altered.get(fk.referencedTable)?.primaryKeyChanged);
    for (const fk of t.foreignKeys) if (!inline.includes(fk)) deferred.push([t.name, fk]);
    out.push(ddl.createTable(t, inline));
    out.push(...ddl.createTableIndexes(t));
  }

  // 4.
  for (const d of diff.alteredTables) out.push(...columnStatements(d, ddl));

  // 5.
  for (const d of diff.alteredTables) {
    for (const u of d.addedUniques) out.push(ddl.addUnique(d.desired.name, u));
    for (const i of d.addedIndexes) out.push(ddl.addIndex(d.desired.name, i));
  }

  // 6.
  for (const d of diff.alteredTables) for (const fk of d.addedForeignKeys) out.push(ddl.addForeignKey(d.desired.name, fk));
  for (const [table, fk] of [...deferred, ...readd]) out.push(ddl.addForeignKey(table, fk));
  return out;
}

function columnStatements(d: TableDiff, ddl: DdlBuilder): string[] {
  const table = d.desired.name;
  const out: string[] = [];
  // Dropping a key column would drop the key with it and make a later `drop constraint` fail.
  if (d.primaryKeyChanged && d.live.primaryKey) out.push(ddl.dropPrimaryKey(table, d.live.primaryKey.name));
  for (const c of d.addedColumns) out.push(ddl.addColumn(table, c));
  for (const c of d.changedColumns) {
    if (ddl.dialect === 'pg') out.push(...ddl.alterColumnPg(table, c.desired, c.live, c.changes));
    else out.push(ddl.modifyColumn(table, c.desired));
  }
  for (const c of d.droppedColumns) out.push(ddl.dropColumn(table, c.name));
  if (d.primaryKeyChanged && d.desired.primaryKey) out.push(ddl.addPrimaryKey(d.desired));
  return out;
}

/**
 * A kept FK must come off while the key it references changes, and on MySQL also while the type of
 * a column at either end changes ("Cannot change column used in a foreign key constraint").
 */
function blocksChange(table: string, fk: ForeignKeySchema, altered: ReadonlyMap<string, TableDiff>, ddl: DdlBuilder): boolean {
  const target = altered.get(fk.referencedTable);
  if (target?.primaryKeyChanged) return true;
  if (ddl.dialect !== 'mysql') return false;
  const typeChanged = (d: TableDiff | undefined, cols: readonly string[]) =>
    !!d?.changedColumns.some((c) => cols.includes(c.desired.name) && (c.changes.has('type') || c.changes.has('autoincrement')));
  return typeChanged(altered.get(table), fk.columns) || typeChanged(target, fk.referencedColumns);
}

function sameFk(a: ForeignKeySchema, b: ForeignKeySchema): boolean {
  return (
    a.referencedTable === b.referencedTable &&
    a.columns.join() === b.columns.join() &&
    a.referencedColumns.join() === b.referencedColumns.join()
  );
}
