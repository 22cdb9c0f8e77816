export {
  SchemaGenerator,
  type ConnectionStatements,
  type SchemaOptions,
  type SchemaUpdateOptions,
  type SchemaUpdateResult,
  type GenerateEntitiesOptions,
  type GenerateEntitiesProgress,
  type GeneratedEntities,
} from './schema-generator.js';
export type { SkippedChange } from './update-safety.js';
export {
  getColumnType,
  getCastType,
  DEFAULT_STRING_LENGTH,
  DEFAULT_DECIMAL_PRECISION,
  DEFAULT_DECIMAL_SCALE,
  type ColumnTypeSpec,
} from './column-types.js';
export { shortenIdentifier, primaryKeyName, MAX_IDENTIFIER_LENGTH } from './identifier-names.js';
export type { TableSchema, ColumnSchema, IndexSchema, ForeignKeySchema, DefaultValue } from './schema-model.js';
