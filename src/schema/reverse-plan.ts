import type { Dialect } from '../metadata/types.js';
import { buildDropPlan, planStatements } from './create-plan.js';
import type { DdlBuilder } from './ddl-builder.js';
import type { SchemaDiff, TableDiff } from './schema-diff.js';
import type { ColumnSchema, IndexSchema, TableSchema } from './schema-model.js';
import { buildUpdatePlan } from './update-plan.js';

/** The statements that undo a diff's update, and what they cannot bring back. */
export interface ReversePlan {
  readonly statements: string[];
  /** One line per loss: data the update removed and the reverse does not restore. */
  readonly notes: string[];
}

/**
 * What undoes `buildUpdatePlan(diff)`: the same diff read backwards, planned by the same code, so a
 * migration's `down` is written exactly like its `up`.
 *
 * 1. every altered table goes back to its live definition (columns added are dropped, dropped ones
 *    added, changed ones changed back; keys, uniques, indexes and FKs likewise), under the new names;
 * 2. the tables the update created are dropped;
 * 3. renamed columns, then renamed tables, get their old names back.
 *
 * A column the update dropped comes back empty (nullable when it was NOT NULL without a default, as
 * there is nothing to fill the existing rows with); `notes` says so.
 */
export function buildReversePlan(diff: SchemaDiff, ddl: DdlBuilder): ReversePlan {
  const notes: string[] = [];
  const altered = diff.alteredTables.map((d) => reverseTable(d, ddl, notes));
  // The state the update leaves: every table it touched as the metadata wants it, plus the new ones.
  const after = new Map<string, TableSchema>();
  for (const [name, table] of diff.live) after.set(name, table);
  for (const d of diff.alteredTables) after.set(d.desired.name, d.desired);
  for (const t of diff.createdTables) after.set(t.name, t);
  const backwards: SchemaDiff = { renamedTables: [], renamedColumns: [], createdTables: [], alteredTables: altered, live: after };

  const alter = planStatements(buildUpdatePlan(backwards, ddl));
  // The migrator runs SQLite migrations with FK enforcement off and checks FKs itself (see migrations/).
  const statements = withoutSessionPragmas(alter, ddl.dialect);
  if (diff.createdTables.length > 0) {
    statements.push(...withoutSessionPragmas(planStatements(buildDropPlan(diff.createdTables, ddl)), ddl.dialect));
    notes.push(`tables created by up(), with their rows, are dropped: ${diff.createdTables.map((t) => t.name).join(', ')}`);
  }
  for (const r of [...diff.renamedColumns].reverse()) statements.push(ddl.renameColumn(r.table, r.to, r.from));
  for (const r of [...diff.renamedTables].reverse()) statements.push(ddl.renameTable(r.to, r.from));
  return { statements, notes };
}

function reverseTable(d: TableDiff, ddl: DdlBuilder, notes: string[]): TableDiff {
  const restored = d.droppedColumns.map((c) => restorableColumn(c));
  for (const c of d.droppedColumns) {
    const nullable = restored.find((r) => r.name === c.name)!.nullable && !c.nullable ? ', as nullable (it was NOT NULL without a default)' : '';
    notes.push(`column ${d.desired.name}.${c.name} was dropped by up(): down() adds it back${nullable}, but not its data`);
  }
  const live = { ...d.live, columns: d.live.columns.map((c) => restored.find((r) => r.name === c.name) ?? c) };
  return {
    desired: live,
    live: d.desired,
    addedColumns: restored,
    droppedColumns: d.addedColumns,
    changedColumns: d.changedColumns.map((c) => ({ desired: c.live, live: c.desired, changes: c.changes })),
    primaryKeyChanged: d.primaryKeyChanged,
    addedUniques: d.droppedUniques,
    droppedUniques: d.addedUniques.map((u) => addedUniqueBacking(u, ddl)),
    addedIndexes: d.droppedIndexes,
    droppedIndexes: d.addedIndexes,
    addedForeignKeys: d.droppedForeignKeys,
    droppedForeignKeys: d.addedForeignKeys,
  };
}

/** A dropped column as it can be added back to a table that has rows. */
function restorableColumn(c: ColumnSchema): ColumnSchema {
  return !c.nullable && c.default === undefined && !c.autoincrement ? { ...c, nullable: true } : c;
}

/** How the update created a unique on an existing table (`DdlBuilder.addUnique`), which decides how it is dropped. */
function addedUniqueBacking(u: IndexSchema, ddl: DdlBuilder): IndexSchema {
  return { ...u, backing: ddl.dialect === 'pg' ? 'constraint' : 'index' };
}

/** SQLite plans carry `pragma foreign_keys` and `pragma foreign_key_check` around table rebuilds. */
export function withoutSessionPragmas(statements: string[], dialect: Dialect): string[] {
  return dialect === 'sqlite' ? statements.filter((s) => !/^pragma /i.test(s)) : statements;
}
