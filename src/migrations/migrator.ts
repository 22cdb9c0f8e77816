import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Driver } from '../drivers/driver.js';
import { MigrationError } from '../errors/migration-error.js';
import { UsageError } from '../errors/usage-error.js';
import type { MetadataSnapshot } from '../metadata/metadata-storage-types.js';
import { planMigrations } from '../schema/migration-plan.js';
import type { SkippedChange } from '../schema/update-safety.js';
import { ensureMigrationTables, runKnexMigration, type KnexStep, type MigrationProgress } from './knex-migration-run.js';
import { FolderMigrationSource, listMigrationFiles, type MigrationFile } from './migration-source.js';
import type { MigrationStatus, MigrationsOptions, MigratorScope } from './migration-types.js';
import { migrationFileName, migrationFileText, type MigrationFormat } from './migration-writer.js';
import { connectionMigrations, DEFAULT_LOCK_TIMEOUT_MS, type ConnectionMigrations } from './migrations-config.js';

/** Options of {@link Migrator.up}. */
export interface MigrateUpOptions extends MigratorScope {
  /** Run the pending migrations up to and including this one (its name: the file name without extension). */
  to?: string;
  /** Called as each migration starts and ends (the CLI prints progress with it). */
  onProgress?: (event: MigrationProgress) => void;
}

/** Options of {@link Migrator.down}: one step by default. */
export interface MigrateDownOptions extends MigratorScope {
  /** Revert every migration executed after this one; it stays. */
  to?: string;
  /** Revert this many of the most recent migrations (default 1). */
  step?: number;
  onProgress?: (event: MigrationProgress) => void;
}

/** Options of {@link Migrator.create}. */
export interface CreateMigrationOptions extends MigratorScope {
  /** Words for the file name (`add status` → `20261207194501_add_status.ts`). */
  name?: string;
  /** Write an empty migration to fill in by hand, without reading the database. */
  blank?: boolean;
  /** `ts` (default) or `js` (an `.mjs` file). */
  format?: MigrationFormat;
  /** `false`: also drop columns no property maps (`down` adds them back, without their data). Default true. */
  safe?: boolean;
}

/** A migration file `create()` wrote. */
export interface CreatedMigration {
  readonly connection: string;
  readonly name: string;
  readonly file: string;
  readonly up: readonly string[];
  readonly down: readonly string[];
  /** What a safe diff left out (columns no property maps). */
  readonly skipped: readonly SkippedChange[];
}

/** A migration `up()` or `down()` ran. */
export interface MigrationRun {
  readonly connection: string;
  readonly name: string;
  readonly direction: 'up' | 'down';
  /** How long it took, in ms. */
  readonly ms: number;
}

/** What {@link Migrator.check} found. */
export interface MigrationCheck {
  /** No pending migration, and the schema update has nothing to do. */
  readonly upToDate: boolean;
  readonly pending: MigrationStatus[];
  /** Per connection, the statements a safe schema update would run; connections in step are left out. */
  readonly schema: { connection: string; statements: string[] }[];
}

export type { MigrationProgress };

/**
 * Migrations, per connection: files in a folder, executed in name order inside a transaction each
 * (where the dialect has transactional DDL), recorded in a table, under knex's migration lock so
 * two processes never run one twice. Reached as `orm.migrator`.
 *
 * @example
 * const orm = await Joinery.init({ entities, client: 'pg', connection: url, migrations: { path: 'migrations' } });
 * await orm.migrator.create({ name: 'add status' });   // writes migrations/<timestamp>_add_status.ts from the diff
 * await orm.migrator.up();                             // at application start: run what is pending
 * await orm.migrator.down();                           // revert the last one
 */
export class Migrator {
  constructor(
    private readonly metadata: MetadataSnapshot,
    private readonly drivers: ReadonlyMap<string, Driver>,
    private readonly options: MigrationsOptions = {},
  ) {}

  /**
   * Runs the pending migrations (of `connection`, or of each connection in turn), each in its own
   * transaction, the oldest first; with `to`, up to and including that one. Waits for another
   * process's lock (up to `migrations.lockTimeout`), then skips what that process ran.
   *
   * @returns the migrations this call ran
   * @example
   * await orm.migrator.up();
   * await orm.migrator.up({ to: '20261207194501_add_status' });
   */
  async up(options: MigrateUpOptions = {}): Promise<MigrationRun[]> {
    const runs: MigrationRun[] = [];
    for (const c of this.scope(options)) {
      const files = this.files(c);
      const last = options.to === undefined ? files.length - 1 : this.indexOf(c, files, options.to);
      const targets = new Set(files.slice(0, last + 1).map((f) => f.name));
      if (targets.size > 0) await ensureMigrationTables(this.drivers.get(c.connection)!, this.source(c, files), c);
      for (;;) {
        const executed = await this.executed(c, files);
        const next = files.find((f) => targets.has(f.name) && !executed.has(f.name));
        if (!next) break;
        runs.push(...(await this.step(c, files, { direction: 'up', name: next.name }, options.onProgress)));
      }
    }
    return runs;
  }

  /**
   * Reverts executed migrations, the most recent first: one by default, `step` of them, or every one
   * after `to`. With several connections, name one.
   *
   * @returns the migrations this call reverted
   * @example
   * await orm.migrator.down();              // the last one
   * await orm.migrator.down({ step: 2 });
   */
  async down(options: MigrateDownOptions = {}): Promise<MigrationRun[]> {
    const scope = this.scope(options);
    if (scope.length > 1) {
      throw new MigrationError(
        'MIGRATION_CONNECTION_REQUIRED',
        `migrator.down() reverts one connection's migrations: name it (down({ connection: '${scope[0]!.connection}' }), --connection). Configured: ${scope.map((c) => c.connection).join(', ')}.`,
        { connection: scope[0]!.connection },
      );
    }
    const c = scope[0]!;
    if (options.step !== undefined && !(Number.isSafeInteger(options.step) && options.step > 0)) {
      throw new UsageError('BAD_OPTION', `migrator.down({ step }) takes a whole number above 0, not ${JSON.stringify(options.step)}.`);
    }
    const files = this.files(c);
    const executed = await this.executed(c, files);
    const done = files.filter((f) => executed.has(f.name));
    let revert: MigrationFile[];
    if (options.to !== undefined) {
      this.indexOf(c, files, options.to);
      const at = done.findIndex((f) => f.name === options.to);
      if (at < 0) throw notFound(c, options.to, 'has not run');
      revert = done.slice(at + 1).reverse();
    } else {
      revert = done.slice(-(options.step ?? 1)).reverse();
    }
    const runs: MigrationRun[] = [];
    for (const f of revert) runs.push(...(await this.step(c, files, { direction: 'down', name: f.name }, options.onProgress)));
    return runs;
  }

  /**
   * Writes a migration file per connection whose database differs from the metadata: `up` is the
   * schema update (safe unless `safe: false`), `down` its reverse. Nothing is written where nothing
   * differs. Refuses while migrations are pending, as the diff would repeat them.
   *
   * @returns the files written (none when the databases match the entities)
   * @example
   * const [created] = await orm.migrator.create({ name: 'rename colour' });
   * console.log(created?.file ?? 'nothing changed');
   */
  async create(options: CreateMigrationOptions = {}): Promise<CreatedMigration[]> {
    const format = options.format ?? 'ts';
    if (format !== 'ts' && format !== 'js') throw new UsageError('BAD_OPTION', `migrator.create({ format }) takes 'ts' or 'js', not ${JSON.stringify(format)}.`);
    if (options.blank) {
      const c = this.scope(options)[0]!;
      const dialect = this.drivers.get(c.connection)!.dialect;
      return [this.write(c, options.name, format, { connection: c.connection, dialect, up: [], down: [], downNotes: [], skipped: [] })];
    }
    const scope = this.scope(options);
    const pending = (await Promise.all(scope.map((c) => this.pendingOf(c)))).flat();
    if (pending.length > 0) {
      throw new MigrationError(
        'MIGRATIONS_PENDING',
        `Migrations are pending (${pending.map((p) => `${p.connection}: ${p.name}`).join(', ')}): run them first (joinery migration:up, orm.migrator.up()), ` +
          'or a new migration would repeat their changes.',
        { connection: pending[0]!.connection, migration: pending[0]!.name },
      );
    }
    const plans = await planMigrations(this.metadata, this.drivers, scope.map((c) => c.connection), { safe: options.safe !== false });
    return plans.filter((p) => p.up.length > 0).map((p) => this.write(scope.find((c) => c.connection === p.connection)!, options.name, format, p));
  }

  /** Migrations not executed yet, oldest first. */
  async pending(options: MigratorScope = {}): Promise<MigrationStatus[]> {
    return (await Promise.all(this.scope(options).map((c) => this.pendingOf(c)))).flat();
  }

  /**
   * Every migration: the files, executed or not, and executed ones whose file is gone (no `file`).
   * Reads only: the table of executed migrations is not created here.
   */
  async list(options: MigratorScope = {}): Promise<MigrationStatus[]> {
    const lists = await Promise.all(
      this.scope(options).map(async (c) => {
        const files = this.files(c);
        const rows = await this.executedRows(c);
        const byName = new Map(rows.map((r) => [r.name, r]));
        const known = new Set(files.map((f) => f.name));
        const statuses: MigrationStatus[] = files.map((f) => {
          const row = byName.get(f.name);
          return row ? { connection: c.connection, name: f.name, file: f.file, executed: true, executedAt: row.executedAt } : { connection: c.connection, name: f.name, file: f.file, executed: false };
        });
        for (const r of rows) if (!known.has(r.name)) statuses.push({ connection: c.connection, name: r.name, executed: true, executedAt: r.executedAt });
        return statuses.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      }),
    );
    return lists.flat();
  }

  /**
   * Whether the databases match the metadata: no pending migration, and nothing a (safe) schema
   * update would change. For CI: `joinery migration:check` exits 1 when not.
   */
  async check(options: MigratorScope = {}): Promise<MigrationCheck> {
    const scope = this.scope(options);
    const pending = await this.pending(options);
    const plans = await planMigrations(this.metadata, this.drivers, scope.map((c) => c.connection), { safe: true, allowBlocked: true });
    const schema = plans.filter((p) => p.up.length > 0).map((p) => ({ connection: p.connection, statements: p.up }));
    return { upToDate: pending.length === 0 && schema.length === 0, pending, schema };
  }

  /**
   * Releases the migration lock a process left behind when it died mid-migration (knex's lock
   * table). Only when no migration is running: the lock is what keeps two from running at once.
   */
  async unlock(options: MigratorScope = {}): Promise<void> {
    for (const c of this.scope(options)) {
      await this.drivers.get(c.connection)!.knex.migrate.forceFreeMigrationsLock({ tableName: c.tableName });
    }
  }

  private scope(options: MigratorScope): ConnectionMigrations[] {
    const names = [...this.drivers.keys()];
    if (options.connection !== undefined && !this.drivers.has(options.connection)) {
      throw new UsageError('UNKNOWN_CONNECTION', `orm.migrator got connection '${options.connection}', which is not configured (known: ${names.join(', ')}).`);
    }
    return (options.connection === undefined ? names : [options.connection]).map((n) => connectionMigrations(this.options, n, process.cwd()));
  }

  private files(c: ConnectionMigrations): MigrationFile[] {
    return listMigrationFiles(c.dir, c.connection);
  }

  private indexOf(c: ConnectionMigrations, files: readonly MigrationFile[], name: string): number {
    const i = files.findIndex((f) => f.name === name);
    if (i < 0) throw notFound(c, name, 'is no migration');
    return i;
  }

  private async pendingOf(c: ConnectionMigrations): Promise<MigrationStatus[]> {
    const files = this.files(c);
    const executed = await this.executed(c, files);
    return files.filter((f) => !executed.has(f.name)).map((f) => ({ connection: c.connection, name: f.name, file: f.file, executed: false }));
  }

  /** Names of the executed migrations; an executed one whose file is gone is an error. */
  private async executed(c: ConnectionMigrations, files: readonly MigrationFile[]): Promise<Set<string>> {
    const names = new Set((await this.executedRows(c)).map((r) => r.name));
    const known = new Set(files.map((f) => f.name));
    const missing = [...names].filter((n) => !known.has(n));
    if (missing.length > 0) {
      throw new MigrationError(
        'MIGRATION_FILES_MISSING',
        `Connection '${c.connection}': ${c.tableName} records migrations whose files are not in ${c.dir}: ${missing.join(', ')}. ` +
          'Restore the files (or point migrations.path at the folder that has them).',
        { connection: c.connection, migration: missing[0] },
      );
    }
    return names;
  }

  private async executedRows(c: ConnectionMigrations): Promise<{ name: string; executedAt?: Date }[]> {
    const knex = this.drivers.get(c.connection)!.knex;
    if (!(await knex.schema.hasTable(c.tableName))) return [];
    const rows = (await knex(c.tableName).select('name', 'migration_time').orderBy('id')) as { name: string; migration_time: unknown }[];
    return rows.map((r) => ({ name: String(r.name), executedAt: toDate(r.migration_time) }));
  }

  private async step(c: ConnectionMigrations, files: readonly MigrationFile[], step: KnexStep, onProgress?: (e: MigrationProgress) => void): Promise<MigrationRun[]> {
    const driver = this.drivers.get(c.connection)!;
    const source = this.source(c, files);
    const lockTimeout = this.options.lockTimeout ?? DEFAULT_LOCK_TIMEOUT_MS;
    return runKnexMigration(driver, source, c, step, { lockTimeout, onProgress });
  }

  private source(c: ConnectionMigrations, files: readonly MigrationFile[]): FolderMigrationSource {
    return new FolderMigrationSource(files, this.drivers.get(c.connection)!.dialect, c.connection);
  }

  private write(
    c: ConnectionMigrations,
    name: string | undefined,
    format: MigrationFormat,
    plan: { connection: string; dialect: Driver['dialect']; up: string[]; down: string[]; downNotes: string[]; skipped: SkippedChange[] },
  ): CreatedMigration {
    mkdirSync(c.dir, { recursive: true });
    const fileName = migrationFileName(new Date(), name, this.files(c).map((f) => f.name), format);
    const file = join(c.dir, fileName);
    const notes = plan.skipped.map((s) => s.message);
    writeFileSync(file, migrationFileText({ format, connection: c.connection, dialect: plan.dialect, up: plan.up, down: plan.down, downNotes: plan.downNotes, notes }), { flag: 'wx' });
    return { connection: c.connection, name: basename(fileName).replace(/\.[^.]+$/, ''), file, up: plan.up, down: plan.down, skipped: plan.skipped };
  }
}

function notFound(c: ConnectionMigrations, name: string, problem: string): MigrationError {
  return new MigrationError(
    'MIGRATION_NOT_FOUND',
    `Connection '${c.connection}': ${name} ${problem} (migrations in ${c.dir}). ` +
      'Name a migration by its file name without the extension; joinery migration:list shows them.',
    { connection: c.connection, migration: name },
  );
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'number') return new Date(value);
  if (typeof value === 'string') {
    const d = new Date(/^\d+$/.test(value) ? Number(value) : value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}
