import type { Driver } from '../drivers/driver.js';
import { UsageError } from '../errors/usage-error.js';
import type { DdlBuilder } from './ddl-builder.js';
import { introspectTables } from './introspect.js';
import { diffSchema, type SchemaDiff } from './schema-diff.js';
import type { TableSchema } from './schema-model.js';
import { keepDroppedColumns, requiredColumnsMessage, requiredNewColumns, type RequiredNewColumn, type SkippedChange } from './update-safety.js';

/** What a schema update of one connection would do, before it is turned into statements. */
export interface ConnectionDiff {
  readonly diff: SchemaDiff;
  /** What a safe update leaves in place. */
  readonly skipped: SkippedChange[];
  /** New NOT NULL columns without a default on tables that have rows: the update must not run. */
  readonly blocked: RequiredNewColumn[];
}

/**
 * Reads the live tables `desired` names (and the old names of renamed ones) and diffs them with it:
 * the one diff behind `schema.update()` and `migrator.create()`. `safe` keeps columns no property maps.
 */
export async function readConnectionDiff(driver: Driver, ddl: DdlBuilder, desired: TableSchema[], safe: boolean): Promise<ConnectionDiff> {
  const oldNames = desired.flatMap((t) => (t.renamedFrom === undefined ? [] : [t.renamedFrom]));
  const live = await introspectTables(driver, [...new Set([...desired.map((t) => t.name), ...oldNames])]);
  const full = diffSchema(desired, live, driver.dialect);
  const { diff, skipped } = safe ? keepDroppedColumns(full, driver.connectionName) : { diff: full, skipped: [] };
  const blocked = await onTablesWithRows(driver, ddl, requiredNewColumns(diff));
  return { diff, skipped, blocked };
}

/** Throws the error for every blocked column of every connection at once, before anything runs. */
export function refuseBlockedColumns(diffs: readonly ConnectionDiff[]): void {
  const blocked = diffs.flatMap((d) => d.blocked);
  if (blocked.length > 0) throw new UsageError('SCHEMA_NOT_NULL_WITHOUT_DEFAULT', requiredColumnsMessage(blocked));
}

/** Those of `columns` whose table has at least one row (one cheap query per table). */
async function onTablesWithRows(driver: Driver, ddl: DdlBuilder, columns: readonly RequiredNewColumn[]): Promise<RequiredNewColumn[]> {
  const tables = [...new Set(columns.map((c) => c.liveTable))];
  const filled = await Promise.all(
    tables.map(async (t) => (await driver.execute({ sql: `select 1 as present from ${ddl.quote(t)} limit 1`, params: [] })).rows.length > 0),
  );
  const withRows = new Set(tables.filter((_, i) => filled[i]));
  return columns.filter((c) => withRows.has(c.liveTable));
}
