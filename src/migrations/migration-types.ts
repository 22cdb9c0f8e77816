import type { Knex } from 'knex';
import type { Dialect } from '../metadata/types.js';

/**
 * What a migration's `up` and `down` get: a way to send SQL inside the migration's transaction.
 *
 * @example
 * export async function up(ctx: MigrationContext): Promise<void> {
 *   await ctx.sql('alter table "members" add column "nickname" varchar(255) null');
 *   await ctx.sql('update "members" set "nickname" = ? where "nickname" is null', ['anon']);
 * }
 */
export interface MigrationContext {
  /**
   * Sends one statement and returns its rows (none for DDL). With `params`, `?` stands for a value
   * and `??` for an identifier (knex `raw` rules); without, the text is sent as it is.
   */
  sql(text: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** The migration's transaction as a knex instance, for knex's schema and query builders. */
  readonly knex: Knex;
  readonly dialect: Dialect;
  /** The connection the migration belongs to. */
  readonly connection: string;
}

/**
 * The shape of a migration file: `up` and `down` exported as functions. `transaction = false` runs it
 * outside a transaction (for statements that refuse one, such as PostgreSQL's `create index concurrently`).
 */
export interface MigrationModule {
  up(ctx: MigrationContext): Promise<void> | void;
  down(ctx: MigrationContext): Promise<void> | void;
  transaction?: boolean;
}

/** Where one connection's migrations live and where their record is kept. */
export interface MigrationsConfig {
  /**
   * Folder of the migration files, relative to the working directory. Default `migrations` for the
   * `default` connection, `migrations/<connection>` for the others.
   */
  path?: string;
  /** Table of executed migrations (default `joinery_migrations`); knex's lock table is this name plus `_lock`. */
  tableName?: string;
}

/** The `migrations` option of `Joinery.init`: settings for every connection, and overrides per connection. */
export interface MigrationsOptions extends MigrationsConfig {
  /** How long `up()`/`down()` wait for another process's migration lock, in ms (default 60000). */
  lockTimeout?: number;
  /** Per connection: `{ archive: { path: 'db/archive-migrations' } }`. */
  connections?: Record<string, MigrationsConfig>;
}

/** One migration of one connection, as `list()` reports it. */
export interface MigrationStatus {
  readonly connection: string;
  /** The file name without its extension: what the table of executed migrations records. */
  readonly name: string;
  /** The file, or undefined for an executed migration whose file is gone. */
  readonly file?: string;
  readonly executed: boolean;
  /** When it ran, for executed ones. */
  readonly executedAt?: Date;
}

/** Options every migrator method takes: one connection, or (by default) each in turn. */
export interface MigratorScope {
  connection?: string;
}
