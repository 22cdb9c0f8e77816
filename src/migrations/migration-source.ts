import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Knex } from 'knex';
import { mapDriverError } from '../drivers/error-mapping.js';
import { normalizeResult } from '../drivers/result-normalizer.js';
import { MigrationError } from '../errors/migration-error.js';
import { isTypeScriptFile, loadModule } from '../loader/load-module.js';
import type { Dialect } from '../metadata/types.js';
import type { MigrationContext, MigrationModule } from './migration-types.js';

/** One file of the migrations folder. */
export interface MigrationFile {
  /** The file name without its extension (`20261207194501_add_status`). */
  readonly name: string;
  readonly file: string;
}

const MIGRATION_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/**
 * The files of a migrations folder in name order (the timestamp prefix makes it creation order).
 * A migration is known by its name without the extension, so the `.ts` file run in development and
 * the `.js` it compiles to in production are one migration. A missing folder has no migrations.
 */
export function listMigrationFiles(dir: string, connection: string): MigrationFile[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && MIGRATION_FILE.test(e.name) && (!/\.[cm]?ts$/.test(e.name) || isTypeScriptFile(e.name)))
    .map((e) => ({ name: e.name.replace(MIGRATION_FILE, ''), file: join(dir, e.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < files.length; i++) {
    if (files[i]!.name === files[i - 1]!.name) {
      throw new MigrationError(
        'MIGRATION_NAME_CONFLICT',
        `Connection '${connection}': ${basename(files[i - 1]!.file)} and ${basename(files[i]!.file)} are both migration ${files[i]!.name}. ` +
          'Keep one of them (compiled migrations belong in another folder than their sources: point migrations.path at one of the two).',
        { connection, migration: files[i]!.name },
      );
    }
  }
  return files;
}

/**
 * knex's `migrationSource` over one folder: `.ts` files are compiled on load (jiti, with the
 * project's TypeScript), JavaScript is imported natively. Each `up`/`down` gets a
 * {@link MigrationContext} on knex's transaction for it; a failure becomes a `MigrationError`
 * naming the migration and the statement.
 */
export class FolderMigrationSource implements Knex.MigrationSource<MigrationFile> {
  readonly #loaded = new Map<string, Promise<MigrationModule>>();

  constructor(
    private readonly files: readonly MigrationFile[],
    private readonly dialect: Dialect,
    private readonly connection: string,
  ) {}

  getMigrations(): Promise<MigrationFile[]> {
    return Promise.resolve([...this.files]);
  }

  getMigrationName(migration: MigrationFile): string {
    return migration.name;
  }

  async getMigration(migration: MigrationFile): Promise<Knex.Migration> {
    const mod = await this.load(migration);
    // `config.transaction` is read by knex's migrator, though its types leave it out.
    const content: Knex.Migration & { config: { transaction: boolean } } = {
      up: (knex: Knex) => this.run(migration, mod, 'up', knex),
      down: (knex: Knex) => this.run(migration, mod, 'down', knex),
      config: { transaction: mod.transaction !== false },
    };
    return content;
  }

  /** The module of a migration file, checked for `up` and `down`; loaded once per source. */
  load(migration: MigrationFile): Promise<MigrationModule> {
    let loaded = this.#loaded.get(migration.file);
    if (!loaded) {
      loaded = loadMigrationModule(migration, this.connection);
      this.#loaded.set(migration.file, loaded);
    }
    return loaded;
  }

  private async run(migration: MigrationFile, mod: MigrationModule, direction: 'up' | 'down', knex: Knex): Promise<void> {
    let current: string | undefined;
    const ctx: MigrationContext = {
      knex,
      dialect: this.dialect,
      connection: this.connection,
      sql: async (text, params) => {
        current = text;
        const result: unknown = await (params === undefined ? knex.raw(unplaceholdered(text, this.dialect)) : knex.raw(text, params as Knex.RawBinding[]));
        return normalizeResult(this.dialect, text, result).rows;
      },
    };
    try {
      await mod[direction](ctx);
    } catch (e) {
      if (e instanceof MigrationError) throw e;
      const cause = current === undefined ? e : mapDriverError(e, this.dialect, this.connection, current);
      const at = current === undefined ? '' : ` at \`${abbreviate(current)}\``;
      const message = (cause as Error)?.message ?? String(cause);
      throw new MigrationError(
        'MIGRATION_FAILED',
        `Migration ${migration.name} (${direction}, connection '${this.connection}') failed${at}: ${message}. ${afterFailure(this.dialect, mod)}`,
        { connection: this.connection, migration: migration.name },
        { cause },
      );
    }
  }
}

async function loadMigrationModule(migration: MigrationFile, connection: string): Promise<MigrationModule> {
  let mod: Record<string, unknown>;
  try {
    mod = (await loadModule(migration.file, { fresh: true })) as Record<string, unknown>;
  } catch (e) {
    throw new MigrationError(
      'MIGRATION_INVALID',
      `Loading migration ${basename(migration.file)} (connection '${connection}') failed: ${(e as Error)?.message ?? String(e)}`,
      { connection, migration: migration.name },
      { cause: e },
    );
  }
  // A CommonJS module imported natively has its exports under `default` as well.
  const fromDefault = typeof mod.up !== 'function' && mod.default && typeof mod.default === 'object' ? (mod.default as Record<string, unknown>) : mod;
  if (typeof fromDefault.up !== 'function' || typeof fromDefault.down !== 'function') {
    throw new MigrationError(
      'MIGRATION_INVALID',
      `Migration ${basename(migration.file)} (connection '${connection}') must export functions \`up\` and \`down\` ` +
        '(export async function up(ctx) { await ctx.sql(...) }); it exports ' +
        `${Object.keys(fromDefault).join(', ') || 'nothing'}.`,
      { connection, migration: migration.name },
    );
  }
  return fromDefault as unknown as MigrationModule;
}

/**
 * Text without parameters is sent as written; knex's PostgreSQL client would still number a literal
 * `?` (`'why?'`, the jsonb `?` operator) as a placeholder unless it is escaped.
 */
function unplaceholdered(text: string, dialect: Dialect): string {
  return dialect === 'pg' ? text.replace(/\?/g, '\\?') : text;
}

function afterFailure(dialect: Dialect, mod: MigrationModule): string {
  if (dialect === 'mysql') {
    return 'MySQL commits each DDL statement by itself: the statements before this one stay applied, and the migration is not recorded as executed. Undo or finish them by hand, then run it again.';
  }
  if (mod.transaction === false) return 'It ran outside a transaction (transaction = false): the statements before this one stay applied.';
  return 'Its transaction was rolled back: the database is as it was before it.';
}

function abbreviate(sql: string): string {
  const one = sql.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 197)}...` : one;
}
