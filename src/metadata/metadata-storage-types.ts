import type { ColumnMetadata, EntityMetadata, ForeignKeyMetadata, ManyToManyProperty } from './types.js';

/** A join table that no entity maps (a plain ManyToMany without `through`). */
export interface JoinTableMetadata {
  readonly tableName: string;
  readonly connection: string;
  readonly columns: readonly ColumnMetadata[];
  readonly primaryKeyColumns: readonly string[];
  /** FKs to both sides; `on delete cascade` so join rows go with either side's row. */
  readonly foreignKeys: readonly ForeignKeyMetadata[];
  /** The owning property that defines it. */
  readonly owner: ManyToManyProperty;
}

/** Everything discovery found, frozen. */
export interface MetadataSnapshot {
  readonly entities: readonly EntityMetadata[];
  readonly joinTables: readonly JoinTableMetadata[];
  get(entity: Function | string): EntityMetadata;
  find(entity: Function | string): EntityMetadata | undefined;
}
