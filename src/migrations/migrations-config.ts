import { isAbsolute, join, resolve } from 'node:path';
import { MetadataError } from '../errors/metadata-error.js';
import type { MigrationsOptions } from './migration-types.js';

export const DEFAULT_MIGRATIONS_PATH = 'migrations';
export const DEFAULT_MIGRATIONS_TABLE = 'joinery_migrations';
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/** One connection's migration settings, resolved. */
export interface ConnectionMigrations {
  readonly connection: string;
  /** Absolute folder of the migration files. */
  readonly dir: string;
  readonly tableName: string;
}

/**
 * Checks the `migrations` option of `Joinery.init` against the configured connections, before any
 * migration command can act on a typo.
 */
export function checkMigrationsOptions(options: MigrationsOptions | undefined, connections: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new MetadataError('BAD_OPTION', "Joinery.init: `migrations` must be an object such as { path: 'migrations' }.");
  }
  const { lockTimeout } = options;
  if (lockTimeout !== undefined && !(typeof lockTimeout === 'number' && Number.isFinite(lockTimeout) && lockTimeout >= 0)) {
    throw new MetadataError('BAD_OPTION', `Joinery.init: migrations.lockTimeout must be a number of milliseconds (0 or more), not ${JSON.stringify(lockTimeout)}.`);
  }
  const perConnection = options.connections ?? {};
  const all: [string, { path?: unknown; tableName?: unknown }][] = [['', options], ...Object.entries(perConnection)];
  for (const [name, c] of all) {
    const where = name ? `migrations.connections.${name}` : 'migrations';
    if (name && !connections.includes(name)) {
      throw new MetadataError('BAD_OPTION', `Joinery.init: ${where} names no configured connection (known: ${connections.join(', ')}).`);
    }
    for (const key of ['path', 'tableName'] as const) {
      const value = c[key];
      if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
        throw new MetadataError('BAD_OPTION', `Joinery.init: ${where}.${key} must be a non-empty string, not ${JSON.stringify(value)}.`);
      }
    }
  }
}

/**
 * Where a connection's migrations are: its own `path`/`tableName` if given, otherwise the shared
 * ones; the `default` connection uses the folder itself, every other one a subfolder named after it
 * (files only are migrations, so the subfolders of other connections are not read as such).
 */
export function connectionMigrations(options: MigrationsOptions | undefined, connection: string, cwd: string): ConnectionMigrations {
  const own = options?.connections && Object.hasOwn(options.connections, connection) ? options.connections[connection] : undefined;
  const shared = options?.path ?? DEFAULT_MIGRATIONS_PATH;
  const path = own?.path ?? (connection === 'default' ? shared : join(shared, connection));
  return {
    connection,
    dir: isAbsolute(path) ? path : resolve(cwd, path),
    tableName: own?.tableName ?? options?.tableName ?? DEFAULT_MIGRATIONS_TABLE,
  };
}
