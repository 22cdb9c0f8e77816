export {
  Migrator,
  type MigrateUpOptions,
  type MigrateDownOptions,
  type CreateMigrationOptions,
  type CreatedMigration,
  type MigrationRun,
  type MigrationCheck,
  type MigrationProgress,
} from './migrator.js';
export type { MigrationContext, MigrationModule, MigrationsConfig, MigrationsOptions, MigrationStatus, MigratorScope } from './migration-types.js';
export type { MigrationFormat } from './migration-writer.js';
