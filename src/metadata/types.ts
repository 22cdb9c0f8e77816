/**
 * Resolved, frozen metadata: what discovery produces from the decorators' raw options. Everything
 * downstream (schema, query, unit of work) reads only these shapes. Each property carries a `kind`
 * tag so code can `switch` exhaustively over the kinds.
 */

import type { Type } from './type.js';

export type Constructor<T = object> = new (...args: any[]) => T;
export type EntityClass<T = any> = Function & { prototype: T };

/** Scalar type names accepted by `@Property({ type })`. */
export type ScalarType =
  | 'string'
  | 'text'
  | 'integer'
  | 'float'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'json'
  | 'bigint'
  | 'uuid'
  | 'timestamptz';

export const SCALAR_TYPES: readonly ScalarType[] = [
  'string', 'text', 'integer', 'float', 'decimal', 'boolean', 'date', 'datetime', 'json', 'bigint', 'uuid', 'timestamptz',
];

/**
 * A column's type: a plain type name (converted inline, the fast path) or a bound {@link Type}
 * instance (the built-in `array`, `blob`, `enum`, ... and user types).
 */
export type ColumnType = ScalarType | Type;

export type ReferentialAction = 'cascade' | 'set null' | 'restrict' | 'no action';
export type CascadeKind = 'persist' | 'remove';
export type HookName =
  | 'beforeCreate' | 'afterCreate' | 'beforeUpdate' | 'afterUpdate' | 'beforeDelete' | 'afterDelete' | 'onLoad';
export type Dialect = 'sqlite' | 'pg' | 'mysql';

/** How populate loads a relation: a query of its own per level (`IN` list), or joined into the parent's. */
export type LoadStrategy = 'select-in' | 'joined';

export type OrderDirection = 'asc' | 'desc' | 'ASC' | 'DESC';
export type OrderBy = Record<string, OrderDirection>;

/** One column of an entity's table (a scalar, or one FK column of an owning to-one relation). */
export interface ColumnMetadata {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  /** `@Property({ columnType })`: the SQL type to write instead of the one `type` implies. */
  readonly columnType?: string;
  /** A SQL-literal-free default: a JS value bound as a constant in the DDL. */
  readonly default?: string | number | boolean | null;
  /** A raw SQL default such as `CURRENT_TIMESTAMP`; identifiers never come from users. */
  readonly defaultRaw?: string;
  readonly primary: boolean;
  readonly autoincrement: boolean;
  readonly unique: boolean;
  readonly index: boolean;
  /** Property that owns the column. */
  readonly property: string;
  /** `@Property({ renamedFrom })`: the column's previous name, for the schema update. */
  readonly renamedFrom?: string;
}

interface PropertyBase {
  readonly name: string;
  /** Name of the entity the property belongs to (for error messages). */
  readonly entity: string;
}

export interface ScalarProperty extends PropertyBase {
  readonly kind: 'scalar';
  readonly type: ColumnType;
  readonly column: ColumnMetadata;
  readonly primary: boolean;
  readonly autoincrement: boolean;
  readonly nullable: boolean;
  readonly hidden: boolean;
  readonly version: boolean;
  readonly length?: number;
  readonly enum?: readonly (string | number)[];
  readonly onCreate?: (entity: any) => unknown;
  readonly onUpdate?: (entity: any) => unknown;
  readonly validate?: (value: any, entity: any) => boolean | string | void;
  /** `@Property({ generated })`: made by the database and read back after insert ('insert') or every write ('always'). */
  readonly generated?: 'insert' | 'always';
}

/** Shared by the relation kinds that hold the foreign key: ManyToOne and the owning OneToOne. */
export interface ToOneOwning {
  /** FK columns in this table, in the order of the target's primary key columns. */
  readonly joinColumns: readonly ColumnMetadata[];
  /** The target's primary key column names that `joinColumns` point at. */
  readonly referencedColumns: readonly string[];
  readonly nullable: boolean;
  readonly deleteRule: ReferentialAction;
  readonly updateRule: ReferentialAction;
  /** false when `constraints: false` (or the target lives on another connection): no FK constraint. */
  readonly constraint: boolean;
  /** `deferrable: true`: the constraint is checked at COMMIT (see ToOneOptions.deferrable). */
  readonly deferrable: boolean;
  /** Part of this entity's primary key (through entities without their own key). */
  readonly primary: boolean;
}

interface RelationBase extends PropertyBase {
  /** The target entity, resolved at discovery (cycles between modules are fine). */
  readonly target: EntityMetadata;
  readonly cascade: ReadonlySet<CascadeKind>;
  readonly eager: boolean;
  readonly hidden: boolean;
  /** The relation's default populate strategy (`@OneToMany(..., { strategy })`); select-in when unset. */
  readonly strategy?: LoadStrategy;
}

export interface ManyToOneProperty extends RelationBase, ToOneOwning {
  readonly kind: 'm:1';
  /** The OneToMany property on the target that maps this relation back, if any. */
  readonly inversedBy?: string;
}

export interface OneToOneOwnerProperty extends RelationBase, ToOneOwning {
  readonly kind: '1:1';
  readonly owner: true;
  readonly inversedBy?: string;
}

export interface OneToOneInverseProperty extends RelationBase {
  readonly kind: '1:1';
  readonly owner: false;
  /** The owning OneToOne property on the target. */
  readonly mappedBy: string;
  readonly orphanRemoval: boolean;
}

export type OneToOneProperty = OneToOneOwnerProperty | OneToOneInverseProperty;

export interface OneToManyProperty extends RelationBase {
  readonly kind: '1:m';
  /** The ManyToOne property on the target that holds the FK. */
  readonly mappedBy: string;
  readonly orphanRemoval: boolean;
  readonly orderBy?: OrderBy;
}

/** The join table of a ManyToMany, described from the owning side. */
export interface PivotMetadata {
  readonly tableName: string;
  readonly connection: string;
  /** Columns pointing at the owner side's primary key. */
  readonly joinColumns: readonly ColumnMetadata[];
  /** Columns pointing at the inverse (target) side's primary key. */
  readonly inverseJoinColumns: readonly ColumnMetadata[];
  readonly ownerReferencedColumns: readonly string[];
  readonly targetReferencedColumns: readonly string[];
  /** Set when the join table is a `through` entity with its own columns. */
  readonly through?: EntityMetadata;
  /** On a through entity: the ManyToOne pointing at the owner side, and the one pointing at the target. */
  readonly ownerProperty?: string;
  readonly targetProperty?: string;
  /** false when the FK constraints of the join table are not to be created (cross-connection). */
  readonly constraint: boolean;
}

export interface ManyToManyProperty extends RelationBase {
  readonly kind: 'm:n';
  readonly owner: boolean;
  /** On the owner side: the inverse property on the target, if bidirectional. */
  readonly inversedBy?: string;
  /** On the inverse side: the owning property on the target. */
  readonly mappedBy?: string;
  /** The join table; on the inverse side it is the owner's pivot (read with columns swapped). */
  readonly pivot: PivotMetadata;
  readonly orderBy?: OrderBy;
}

/** The relations that are mapped by columns (FK or join table): everything but has-many-through. */
export type DirectRelationProperty =
  | ManyToOneProperty
  | OneToOneProperty
  | OneToManyProperty
  | ManyToManyProperty;

/**
 * A read-only collection reached through a path of direct relations (`country.users.posts`).
 * It has no column or table of its own: it is read by joining along `hops`, and never written.
 */
export interface ManyThroughProperty extends RelationBase {
  readonly kind: 'through';
  /** The relations walked from this entity to the target, in order (at least two, all on one connection). */
  readonly hops: readonly DirectRelationProperty[];
  readonly orderBy?: OrderBy;
}

export type RelationProperty = DirectRelationProperty | ManyThroughProperty;

export type PropertyMetadata = ScalarProperty | RelationProperty;
export type PropertyKind = PropertyMetadata['kind'];

/** True for ManyToOne and owning OneToOne: the relations whose FK lives in this entity's table. */
export function isOwningToOne(p: PropertyMetadata): p is ManyToOneProperty | OneToOneOwnerProperty {
  return p.kind === 'm:1' || (p.kind === '1:1' && p.owner);
}

export function isCollection(p: PropertyMetadata): p is OneToManyProperty | ManyToManyProperty {
  return p.kind === '1:m' || p.kind === 'm:n';
}

export interface UniqueMetadata {
  readonly name: string;
  readonly columns: readonly string[];
}
export interface IndexMetadata {
  readonly name: string;
  readonly columns: readonly string[];
}

export interface ForeignKeyMetadata {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
  readonly deleteRule: ReferentialAction;
  readonly updateRule: ReferentialAction;
  /** The property that declares it (for error messages and cycle reports). */
  readonly property: string;
  /** Whether the FK columns are nullable: decides how an insert cycle can be broken. */
  readonly nullable: boolean;
  /** `DEFERRABLE INITIALLY DEFERRED` (pg, sqlite). */
  readonly deferrable?: boolean;
}

export interface EntityMetadata {
  readonly name: string;
  readonly class: EntityClass;
  readonly tableName: string;
  /** `@Entity({ renamedFrom })`: the table's previous name, for the schema update. */
  readonly renamedFrom?: string;
  readonly connection: string;
  /** Properties in declaration order (inherited first). */
  readonly properties: readonly PropertyMetadata[];
  /**
   * Properties by name, in an object without a prototype: a lookup by a name a user gave
   * (`constructor`, `toString`, `__proto__`) finds a property of the entity or nothing.
   */
  readonly propertiesByName: Readonly<Record<string, PropertyMetadata>>;
  /** Primary key properties (scalar, or owning to-one with `primary`), in declaration order. */
  readonly primaryKeys: readonly (ScalarProperty | ManyToOneProperty | OneToOneOwnerProperty)[];
  /** Primary key column names, in the same order. */
  readonly primaryKeyColumns: readonly string[];
  /** Every column of the table, in declaration order. */
  readonly columns: readonly ColumnMetadata[];
  readonly uniques: readonly UniqueMetadata[];
  readonly indexes: readonly IndexMetadata[];
  readonly foreignKeys: readonly ForeignKeyMetadata[];
  readonly hooks: Readonly<Record<HookName, readonly string[]>>;
  readonly versionProperty?: ScalarProperty;
  /** True when the single primary key is generated by the database (autoincrement, or `generated: 'insert'`). */
  readonly autoincrementPk: boolean;
  /** True for a `through` entity of some ManyToMany. */
  readonly isPivot: boolean;
  /** `@Entity({ returning: false })`: the table cannot answer RETURNING (set only then). */
  readonly returning?: false;
  /** `@Entity({ sequence })`: the PostgreSQL sequence of the generated key. */
  readonly sequence?: string;
}
