import type { StatementPlan } from './create-plan.js';
import type { DdlBuilder } from './ddl-builder.js';
import { rebuildTableName } from './identifier-names.js';
import type { ColumnSchema, TableSchema } from './schema-model.js';
import type { SchemaDiff, TableDiff } from './schema-diff.js';
import { renameStatements } from './schema-renames.js';

/**
 * SQLite can add a column and create or drop an index in place; anything else (a changed or dropped
 * column, a new key, FKs) needs the table rebuilt, following https://sqlite.org/lang_altertable.html
 * "Making Other Kinds Of Table Schema Changes": with FK enforcement off (which cannot change inside a
 * transaction, hence `before`/`after`), create the new table, copy the rows, drop the old table,
 * rename the new one, recreate its indexes, and check every FK before COMMIT.
 */
export function buildSqliteUpdate(diff: SchemaDiff, ddl: DdlBuilder): StatementPlan {
  // Renamed in place first (SQLite 3.26+ rewrites the FKs of other tables too), so a rebuild copies by the new names.
  const statements: string[] = renameStatements(diff, ddl);
  let rebuilt = false;
  for (const t of diff.createdTables) {
    statements.push(ddl.createTable(t, t.foreignKeys), ...ddl.createTableIndexes(t));
  }
  for (const d of diff.alteredTables) {
    if (needsRebuild(d)) {
      rebuilt = true;
      statements.push(...rebuildStatements(d, ddl));
      continue;
    }
    const table = d.desired.name;
    for (const u of d.droppedUniques) statements.push(ddl.dropUnique(table, u));
    for (const i of d.droppedIndexes) statements.push(ddl.dropIndex(table, i));
    for (const c of d.addedColumns) statements.push(ddl.addColumn(table, c));
    for (const u of d.addedUniques) statements.push(ddl.addUnique(table, u));
    for (const i of d.addedIndexes) statements.push(ddl.addIndex(table, i));
  }
  if (!rebuilt) return { before: [], statements, after: [] };
  return {
    before: ['pragma foreign_keys = off'],
    statements: [...statements, 'pragma foreign_key_check'],
    after: ['pragma foreign_keys = on'],
  };
}

/** Whether `ALTER TABLE ... ADD COLUMN` and index statements cannot express the change. */
export function needsRebuild(d: TableDiff): boolean {
  return (
    d.changedColumns.length > 0 ||
    d.droppedColumns.length > 0 ||
    d.primaryKeyChanged ||
    d.addedForeignKeys.length > 0 ||
    d.droppedForeignKeys.length > 0 ||
    d.droppedUniques.some((u) => u.backing === 'table') ||
    d.addedColumns.some((c) => !canAddInPlace(c, d.desired))
  );
}

/**
 * SQLite's ADD COLUMN takes no key, no non-constant default, and NOT NULL only with a non-NULL
 * default (existing rows need a value).
 */
function canAddInPlace(c: ColumnSchema, table: TableSchema): boolean {
  if (table.primaryKey?.columns.includes(c.name)) return false;
  if (c.default?.kind === 'expression') return false;
  return c.nullable || c.default !== undefined;
}

function rebuildStatements(d: TableDiff, ddl: DdlBuilder): string[] {
  const table = d.desired.name;
  const temp = rebuildTableName(table);
  const liveNames = new Set(d.live.columns.map((c) => c.name));
  // Columns new to the table take their default (or NULL) from the new definition.
  const kept = ddl.quoteList(d.desired.columns.filter((c) => liveNames.has(c.name)).map((c) => c.name));
  return [
    ddl.createTable(d.desired, d.desired.foreignKeys, temp),
    ...(kept ? [`insert into ${ddl.quote(temp)} (${kept}) select ${kept} from ${ddl.quote(table)}`] : []),
    `drop table ${ddl.quote(table)}`,
    ddl.renameTable(temp, table),
    ...ddl.createTableIndexes(d.desired),
  ];
}
