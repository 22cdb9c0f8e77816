export { Joinery, type JoineryOptions } from './joinery.js';
export { Entity, Unique, Index } from './decorators/entity.js';
export { PrimaryKey, Property } from './decorators/property.js';
export { ManyToOne, OneToMany, OneToOne, ManyToMany, ManyThrough } from './decorators/relations.js';
export { BeforeCreate, AfterCreate, BeforeUpdate, AfterUpdate, BeforeDelete, AfterDelete, OnLoad } from './decorators/hooks.js';
export type {
  EntityOptions, PropertyOptions, PrimaryKeyOptions, ManyToOneOptions, OneToManyOptions, OneToOneOptions,
  ManyToManyOptions, ManyThroughOptions, UniqueOptions, IndexOptions, EntityTarget, TypeOption, BuiltinTypeName,
} from './decorators/options.js';
export { Collection, type CollectionWhere, type MatchingOptions } from './entity/collection.js';
export { wrap, type WrappedEntity } from './entity/wrap.js';
export type { Rel } from './entity/rel.js';
export type { EntityDTO, Hidden } from './entity/entity-dto.js';
export { RequestContext, type ContextSource } from './unit-of-work/request-context.js';
export type { ExecuteOptions, SqlSource } from './unit-of-work/raw-sql.js';
export { EntityManager, type AssignOptions, type NativeWriteOptions, type PopulateOptions, type TransactionalOptions } from './unit-of-work/entity-manager.js';
export type { UpsertOptions } from './unit-of-work/upsert.js';
export type { FindOptions, PopulateWhere, PopulateOrderBy, CountsOption } from './query/entity-loader.js';
export type { LockMode } from './query/lock-mode.js';
export type { Loaded, Populated, LoadedCollection, UnloadedCollection, CollectionNotLoaded, CollectionLoadState } from './entity/loaded.js';
export type { Json, Primary, PrimaryKeyValue, EntityKeys, RelationKeys, CollectionKeys, ToOneKeys, ScalarKeys } from './entity/property-kinds.js';
export type { EntityData, ColumnData } from './entity/entity-data.js';
export type { PopulatePath, TypedFindOptions, TypedFindOneOptions } from './query/populate-path.js';
export type {
  FilterQuery, ObjectQuery, ItemQuery, OperatorMap, StringOperatorMap, ScalarQuery, EntityValue, RelationOperatorMap, ToOneQuery,
  CollectionOperatorMap, CollectionQuery,
} from './query/typed-criteria.js';
export { DefaultNamingStrategy, type NamingStrategy } from './metadata/naming-strategy.js';
export type { EntityMetadata, PropertyMetadata, ScalarType, ColumnType, ReferentialAction, Dialect, LoadStrategy } from './metadata/types.js';
export { Type, type TypeContext } from './metadata/type.js';
export {
  ArrayType,
  BlobType,
  CharType,
  DoubleType,
  EnumType,
  IntervalType,
  SmallIntType,
  TimeType,
  type ArrayItemType,
  type CharTypeOptions,
} from './metadata/builtin-types.js';
export type { ConnectionConfig, ReplicaConfig } from './drivers/connection-config.js';
export type { ReadFrom, ReadOptions } from './unit-of-work/read-routing.js';
export type { QueryLogEntry, QueryLogger, Driver, QueryBuilder, IsolationLevel } from './drivers/driver.js';
export * from './errors/index.js';
export type { RecoveryReport, RecoveredFlush, RecoveredBranch } from './unit-of-work/prepared-recovery.js';
export type { PreparableTransaction, PreparedTransactionSupport, FinishPreparedResult } from './drivers/driver.js';
export type {
  SchemaGenerator, SchemaOptions, ConnectionStatements, SchemaUpdateOptions, SchemaUpdateResult, SkippedChange,
  GenerateEntitiesOptions, GenerateEntitiesProgress, GeneratedEntities,
} from './schema/index.js';
export {
  buildEntityModel, renderEntityFiles, renderMermaidDiagram, mapLiveType,
  type EntityModel, type GeneratedEntity, type GeneratedProperty, type GeneratedFile, type SkippedTable, type DiagramOptions, type MappedType,
} from './generator/index.js';
export type {
  Migrator,
  MigrateUpOptions,
  MigrateDownOptions,
  CreateMigrationOptions,
  CreatedMigration,
  MigrationRun,
  MigrationCheck,
  MigrationProgress,
  MigrationContext,
  MigrationModule,
  MigrationsConfig,
  MigrationsOptions,
  MigrationStatus,
  MigratorScope,
  MigrationFormat,
} from './migrations/index.js';
