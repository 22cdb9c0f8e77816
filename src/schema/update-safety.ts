import { isTableDiffEmpty, type SchemaDiff, type TableDiff } from './schema-diff.js';
import type { ColumnSchema } from './schema-model.js';

/** A change a safe update left out: so far, a column no property maps any more. */
export interface SkippedChange {
  readonly kind: 'drop-column';
  readonly connection: string;
  readonly table: string;
  readonly column: string;
  /** One line for people: what was kept, why, and how to drop it. */
  readonly message: string;
}

/**
 * The safe form of a diff: live columns the metadata no longer maps stay, with their data. The
 * table's desired definition takes them in as they are, so a SQLite rebuild copies them too.
 */
export function keepDroppedColumns(diff: SchemaDiff, connection: string): { diff: SchemaDiff; skipped: SkippedChange[] } {
  const skipped: SkippedChange[] = [];
  const alteredTables: TableDiff[] = [];
  for (const d of diff.alteredTables) {
    if (d.droppedColumns.length === 0) {
      alteredTables.push(d);
      continue;
    }
    for (const c of d.droppedColumns) skipped.push(keptColumn(connection, d.desired.name, c));
    const kept: TableDiff = { ...d, desired: { ...d.desired, columns: [...d.desired.columns, ...d.droppedColumns] }, droppedColumns: [] };
    if (!isTableDiffEmpty(kept)) alteredTables.push(kept);
  }
  return { diff: { ...diff, alteredTables }, skipped };
}

function keptColumn(connection: string, table: string, c: ColumnSchema): SkippedChange {
  // Nothing writes a column no property maps, so a NOT NULL one without a default refuses inserts.
  const blocksInserts = !c.nullable && c.default === undefined && !c.autoincrement;
  const note = blocksInserts ? '; it is NOT NULL without a default, so inserts will fail until it is dropped or made nullable' : '';
  return {
    kind: 'drop-column',
    connection,
    table,
    column: c.name,
    message: `kept column ${table}.${c.name}: no property maps it${note} (drop it with schema.update({ safe: false }) or joinery schema:update --drop)`,
  };
}

/** A column that must be added NOT NULL with nothing to fill existing rows with. */
export interface RequiredNewColumn {
  /** The table's name in the database now (before any rename of this update): where to look for rows. */
  readonly liveTable: string;
  readonly table: string;
  readonly column: ColumnSchema;
}

/**
 * Columns added to existing tables as NOT NULL without a default (nor generated): fine on an empty
 * table, impossible on one with rows (PostgreSQL and SQLite refuse, MariaDB would fill in `''` or 0).
 */
export function requiredNewColumns(diff: SchemaDiff): RequiredNewColumn[] {
  const oldName = new Map(diff.renamedTables.map((r) => [r.to, r.from]));
  return diff.alteredTables.flatMap((d) =>
    d.addedColumns
      .filter((c) => !c.nullable && c.default === undefined && !c.autoincrement)
      .map((column) => ({ liveTable: oldName.get(d.desired.name) ?? d.desired.name, table: d.desired.name, column })),
  );
}

/** The message of the error for required columns on tables that have rows; names each `Entity.property` and the fix. */
export function requiredColumnsMessage(columns: readonly RequiredNewColumn[]): string {
  const list = columns.map((r) => `${r.column.origin ?? `${r.table}.${r.column.name}`} (column ${r.table}.${r.column.name})`).join(', ');
  const one = columns.length === 1;
  return (
    `The schema update would add ${list} as NOT NULL without a default to ${one ? 'a table that has' : 'tables that have'} rows: ` +
    `the database has no value to fill ${one ? 'it' : 'them'} with. Give ${one ? 'it' : 'each'} a default (@Property({ default: ... }) ` +
    `or defaultRaw) or make ${one ? 'it' : 'them'} nullable (nullable: true), then run the update again. Nothing was changed.`
  );
}
