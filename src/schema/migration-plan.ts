import type { Driver } from '../drivers/driver.js';
import type { MetadataSnapshot } from '../metadata/metadata-storage-types.js';
import type { Dialect } from '../metadata/types.js';
import { planStatements } from './create-plan.js';
import { DdlBuilder } from './ddl-builder.js';
import { buildDesiredSchema } from './desired-schema.js';
import { buildReversePlan, withoutSessionPragmas } from './reverse-plan.js';
import { readConnectionDiff, refuseBlockedColumns } from './update-diff.js';
import { buildUpdatePlan } from './update-plan.js';
import type { SkippedChange } from './update-safety.js';

/** The statements of a migration for one connection: the schema update, and what undoes it. */
export interface MigrationPlan {
  readonly connection: string;
  readonly dialect: Dialect;
  /** Empty when the database already matches the metadata. */
  readonly up: string[];
  readonly down: string[];
  /** What `down` cannot restore (dropped data), one line each. */
  readonly downNotes: string[];
  /** What a safe plan left out (columns no property maps). */
  readonly skipped: SkippedChange[];
}

/**
 * The schema update of each connection (the diff `schema.update()` runs) as migration statements,
 * with their reverse. Every connection is read before any plan is returned, and a new NOT NULL
 * column without a default on a table with rows fails for all of them, as in `schema.update()`.
 *
 * SQLite's session pragmas are left out: the migrator runs every SQLite migration with foreign key
 * enforcement off and checks the keys before it commits.
 */
export async function planMigrations(
  metadata: MetadataSnapshot,
  drivers: ReadonlyMap<string, Driver>,
  connections: readonly string[],
  options: { safe: boolean; allowBlocked?: boolean },
): Promise<MigrationPlan[]> {
  const read = await Promise.all(
    connections.map(async (connection) => {
      const driver = drivers.get(connection)!;
      const ddl = new DdlBuilder(driver.knex, driver.dialect);
      const desired = buildDesiredSchema(metadata, connection, driver.dialect);
      return { connection, driver, ddl, ...(await readConnectionDiff(driver, ddl, desired, options.safe)) };
    }),
  );
  // A check only wants to know whether anything differs; a blocked column is a difference too.
  if (!options.allowBlocked) refuseBlockedColumns(read);
  return read.map(({ connection, driver, ddl, diff, skipped }) => {
    const up = withoutSessionPragmas(planStatements(buildUpdatePlan(diff, ddl)), driver.dialect);
    const reverse = up.length === 0 ? { statements: [], notes: [] } : buildReversePlan(diff, ddl);
    return { connection, dialect: driver.dialect, up, down: reverse.statements, downNotes: reverse.notes, skipped };
  });
}
