import { JoineryError } from './joinery-error.js';

/** Stable codes of {@link MigrationError}. */
export type MigrationErrorCode =
  /** A migration's `up` or `down` threw (its statement failed, or its own code did). */
  | 'MIGRATION_FAILED'
  /** A file in the migrations folder does not export `up` and `down` functions, or cannot be loaded. */
  | 'MIGRATION_INVALID'
  /** `to` names no migration (or, for `down`, none that has run). */
  | 'MIGRATION_NOT_FOUND'
  /** The table of executed migrations names files that are gone. */
  | 'MIGRATION_FILES_MISSING'
  /** Two files of the folder have the same name once their extensions are left out. */
  | 'MIGRATION_NAME_CONFLICT'
  /** Another process held the migration lock for longer than `lockTimeout`. */
  | 'MIGRATION_LOCKED'
  /** `create()` while migrations are pending: the diff would repeat them. */
  | 'MIGRATIONS_PENDING'
  /** `down()` on several connections at once without naming one. */
  | 'MIGRATION_CONNECTION_REQUIRED';

/**
 * A migration could not be loaded or run. `connection` is the connection it belongs to; `migration`
 * the migration's name (its file name without the extension) when one is concerned.
 *
 * @example
 * try { await orm.migrator.up(); } catch (e) { if (e instanceof MigrationError) console.error(e.migration, e.message); }
 */
export class MigrationError extends JoineryError {
  declare readonly code: MigrationErrorCode;
  readonly connection: string;
  readonly migration?: string;
  constructor(code: MigrationErrorCode, message: string, details: { connection: string; migration?: string }, options?: { cause?: unknown }) {
    super(code, message, options);
    this.connection = details.connection;
    this.migration = details.migration;
  }
}
