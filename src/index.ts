export { Joinery, type JoineryOptions } from './joinery.js';
export { Entity, Unique, Index } from './decorators/entity.js';
export { PrimaryKey, Property } from './decorators/property.js';
export { ManyToOne, OneToMany, OneToOne, ManyToMany } from './decorators/relations.js';
export { BeforeCreate, AfterCreate, BeforeUpdate, AfterUpdate, BeforeDelete, AfterDelete, OnLoad } from './decorators/hooks.js';
export type {
  EntityOptions, PropertyOptions, PrimaryKeyOptions, ManyToOneOptions, OneToManyOptions, OneToOneOptions,
  ManyToManyOptions, UniqueOptions, IndexOptions, EntityTarget,
} from './decorators/options.js';
export { Collection } from './entity/collection.js';
export { wrap, type WrappedEntity } from './entity/wrap.js';
export type { Rel } from './entity/rel.js';
export { EntityManager, type FilterQuery, type EntityData, type AssignOptions } from './unit-of-work/entity-manager.js';
export type { FindOptions } from './query/entity-loader.js';
export { DefaultNamingStrategy, type NamingStrategy } from './metadata/naming-strategy.js';
export type { EntityMetadata, PropertyMetadata, ScalarType, ReferentialAction, Dialect } from './metadata/types.js';
export type { ConnectionConfig } from './drivers/connection-config.js';
export type { QueryLogEntry, QueryLogger, Driver } from './drivers/driver.js';
export * from './errors/index.js';
