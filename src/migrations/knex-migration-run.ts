import type { Knex } from 'knex';
import type { Driver } from '../drivers/driver.js';
import { ForeignKeyConstraintViolationError } from '../errors/driver-errors.js';
import { MigrationError } from '../errors/migration-error.js';
import { UsageError } from '../errors/usage-error.js';
import type { FolderMigrationSource, MigrationFile } from './migration-source.js';
import type { ConnectionMigrations } from './migrations-config.js';

/** One migration to run through knex's migrator, by name. */
export interface KnexStep {
  readonly direction: 'up' | 'down';
  readonly name: string;
}

/** Reported as a migration starts (`ms` undefined) and once it is done. */
export interface MigrationProgress {
  readonly connection: string;
  readonly name: string;
  readonly direction: 'up' | 'down';
  readonly ms?: number;
}

interface RunOptions {
  readonly lockTimeout: number;
  readonly onProgress?: (event: MigrationProgress) => void;
}

/** The part of knex's Migrator this file relies on beyond its types: the knex instance it runs on. */
interface KnexMigratorInternals {
  knex: Knex;
}

/**
 * Runs one migration with knex's migrator (`knex.migrate.up/down({ name })`), which takes its lock
 * (a row of `<table>_lock`), checks again under the lock that the migration is still to run, runs it
 * and records it. This adds what knex leaves to its caller:
 *
 * - a lock held by another process is waited for (retried with back-off up to `lockTimeout`), not an error;
 * - `down` records the revert in the same transaction as the migration on pg and SQLite (knex's own
 *   `down` deletes the row after the migration's transaction has committed);
 * - on SQLite, foreign key enforcement is off around the migration (it cannot change inside a
 *   transaction, and a table rebuild needs it off) and `pragma foreign_key_check` runs before COMMIT;
 * - knex's console warnings are silenced: failures come back as a `MigrationError`.
 */
export async function runKnexMigration(
  driver: Driver,
  source: FolderMigrationSource,
  c: ConnectionMigrations,
  step: KnexStep,
  options: RunOptions,
): Promise<{ connection: string; name: string; direction: 'up' | 'down'; ms: number }[]> {
  const ran: { connection: string; name: string; direction: 'up' | 'down'; ms: number }[] = [];
  const started = new Map<string, number>();
  const config: Knex.MigratorConfigWithLifecycleHooks = {
    migrationSource: source,
    tableName: c.tableName,
    name: step.name,
    beforeEach: async (_knex, migrations) => {
      const name = (migrations[0] as MigrationFile).name;
      started.set(name, performance.now());
      options.onProgress?.({ connection: c.connection, name, direction: step.direction });
    },
    afterEach: async (knex, migrations) => {
      const name = (migrations[0] as MigrationFile).name;
      if (driver.dialect === 'sqlite') await checkSqliteForeignKeys(knex, c.connection, name);
      const ms = Math.round(performance.now() - (started.get(name) ?? performance.now()));
      ran.push({ connection: c.connection, name, direction: step.direction, ms });
    },
  };
  const module = await source.load((await source.getMigrations()).find((f) => f.name === step.name)!);
  const ownTransaction = module.transaction !== false;
  await withSqliteForeignKeysOff(driver, c.connection, async () => {
    await retryWhileLocked(c, options.lockTimeout, async () => {
      if (step.direction === 'up' || !ownTransaction || driver.dialect === 'mysql') {
        // MySQL: DDL commits by itself, and would end the savepoints a wrapping transaction needs.
        await quiet(driver.knex.migrate)[step.direction](config);
        return;
      }
      await driver.knex.transaction(async (trx) => {
        await quiet(trx.migrate).down(config);
      });
    });
  });
  for (const r of ran) options.onProgress?.(r);
  return ran;
}

/**
 * Creates the table of executed migrations and the lock table if they are missing. Two processes
 * starting at once on a new database both find them missing and both create them; the loser's
 * CREATE fails, and a second look finds the winner's tables.
 */
export async function ensureMigrationTables(driver: Driver, source: FolderMigrationSource, c: ConnectionMigrations): Promise<void> {
  const config = { migrationSource: source, tableName: c.tableName };
  try {
    await quiet(driver.knex.migrate).list(config);
  } catch {
    await new Promise((done) => setTimeout(done, 100));
    await quiet(driver.knex.migrate).list(config);
  }
}

/** knex's migrator on a client of its own (knex clones it per migrator) whose warnings go nowhere. */
function quiet(migrator: Knex.Migrator): Knex.Migrator {
  const client = (migrator as unknown as KnexMigratorInternals).knex.client as { logger: object };
  client.logger = Object.create(client.logger, { warn: { value: () => {} }, deprecate: { value: () => {} } }) as object;
  return migrator;
}

async function retryWhileLocked(c: ConnectionMigrations, timeout: number, fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeout;
  let delay = 25;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      // knex turns every failure to take its lock into a `MigrationLocked`.
      if (!(e instanceof Error) || e.name !== 'MigrationLocked') throw e;
      if (Date.now() >= deadline) {
        throw new MigrationError(
          'MIGRATION_LOCKED',
          `Connection '${c.connection}': another process has held the migration lock (${c.tableName}_lock) for over ${timeout} ms (last: ${e.message}). ` +
            'Wait for it, or if no migration is running (a process died mid-migration), release it: joinery migration:unlock, orm.migrator.unlock().',
          { connection: c.connection },
          { cause: e },
        );
      }
      await new Promise((done) => setTimeout(done, delay));
      delay = Math.min(delay * 2, 500);
    }
  }
}

async function withSqliteForeignKeysOff(driver: Driver, connection: string, fn: () => Promise<void>): Promise<void> {
  if (driver.dialect !== 'sqlite') return fn();
  const knex = driver.knex;
  // Never turn on what the user turned off.
  const on = await foreignKeysOn(knex);
  if (!on) return fn();
  await knex.raw('pragma foreign_keys = off');
  try {
    // A pool of several connections could run the migration on another one, with enforcement on:
    // dropping a table in a rebuild would then cascade into the tables that reference it.
    if (await foreignKeysOn(knex)) {
      throw new UsageError(
        'SCHEMA_REBUILD_UNSAFE',
        `Connection '${connection}': SQLite migrations run with foreign keys off, which holds for one pooled connection only. Use a pool of one connection (pool: { max: 1 }).`,
      );
    }
    await fn();
  } finally {
    await knex.raw('pragma foreign_keys = on');
  }
}

async function foreignKeysOn(knex: Knex): Promise<boolean> {
  const rows = (await knex.raw('pragma foreign_keys')) as { foreign_keys: unknown }[];
  return Number(rows[0]?.foreign_keys ?? 0) === 1;
}

async function checkSqliteForeignKeys(knex: Knex, connection: string, migration: string): Promise<void> {
  const rows = (await knex.raw('pragma foreign_key_check')) as Record<string, unknown>[];
  if (rows.length === 0) return;
  const first = rows[0]!;
  const table = String(first.table ?? '');
  const cause = new ForeignKeyConstraintViolationError(
    `${rows.length} row(s) have a foreign key that points nowhere (first: ${table} rowid ${String(first.rowid)} -> ${String(first.parent)})`,
    { table, connection, sql: 'pragma foreign_key_check' },
    undefined,
  );
  throw new MigrationError(
    'MIGRATION_FAILED',
    `Migration ${migration} (connection '${connection}') left ${cause.message}. Its transaction was rolled back: the database is as it was before it. ` +
      'Fix or delete those rows in the migration, then run it again.',
    { connection, migration },
    { cause },
  );
}
