import type { Type } from '../metadata/type.js';
import type { CascadeKind, OrderBy, ReferentialAction, ScalarType } from '../metadata/types.js';

/** A lazy reference to an entity class, so classes declared later (or in import cycles) work. */
export type EntityTarget<T = any> = () => (abstract new (...args: any[]) => T) | Function;
/** Picks the inverse property on the target, e.g. `p => p.author`. */
export type InverseSide<T = any> = (target: T) => unknown;
export type TypeOption =
  | ScalarType
  | BuiltinTypeName
  | StringConstructor
  | NumberConstructor
  | BooleanConstructor
  | DateConstructor
  | Type<any, any>
  | (new () => Type<any, any>);

/** The built-in type names that map to a {@link Type} (see docs-site/types.md). */
export type BuiltinTypeName = 'array' | 'blob' | 'enum' | 'time' | 'char' | 'smallint' | 'double' | 'interval';

/** Options of `@Entity()`. */
export interface EntityOptions {
  /** Table name; defaults to the snake_case plural of the class name (`UserCar` → `user_cars`). */
  tableName?: string;
  /** Connection name from `Joinery.init({ connections })`; `default` when omitted. */
  connection?: string;
  /**
   * The table's previous name: `orm.schema.update()` renames that table (`ALTER TABLE ... RENAME TO`)
   * instead of creating an empty one, so its rows stay. Harmless once the rename is done.
   */
  renamedFrom?: string;
  /**
   * `false` for a table that cannot answer `INSERT ... RETURNING` (PostgreSQL tables whose inserts
   * a rule or trigger redirects, such as partitions made with `DO INSTEAD` rules). Writes then send
   * no RETURNING: a generated key is drawn from the key's sequence before the INSERT (PostgreSQL,
   * one `nextval` statement for all new rows of the table) or read after it (`last_insert_rowid()`
   * on SQLite, the insert id on MySQL), and `generated` properties are read back by key.
   *
   * @example
   * @Entity({ tableName: 'measurements', returning: false })
   */
  returning?: boolean;
  /**
   * PostgreSQL: the sequence that generates the primary key, for `returning: false`. By default the
   * one `pg_get_serial_sequence()` finds for the key column (serial and identity columns).
   */
  sequence?: string;
}

/** Options of `@Property()` (and the shared part of `@PrimaryKey()`). */
export interface PropertyOptions<Owner = any> {
  /** Scalar type; needed under TC39 standard decorators, inferred from TypeScript metadata under legacy ones. */
  type?: TypeOption;
  columnName?: string;
  /**
   * The column's previous name in the database: `orm.schema.update()` renames it (`RENAME COLUMN`)
   * instead of adding a new column and dropping the old one, so its values stay. Harmless once done.
   */
  renamedFrom?: string;
  nullable?: boolean;
  /** A constant default, written into the DDL and applied to new entities that leave the property undefined. */
  default?: string | number | boolean | null;
  /** A raw SQL default expression for the DDL, such as `'CURRENT_TIMESTAMP'`. */
  defaultRaw?: string;
  /**
   * The column's SQL type exactly as the database spells it (`nvarchar(160)`, `timestamp`,
   * `bytea`), used by the schema generator instead of the one `type` implies. Values are still
   * converted as `type` says. Entities generated from an existing database carry it where the two
   * differ, so the schema diff sees no change.
   */
  columnType?: string;
  /** varchar length for `string` (default 255). */
  length?: number;
  precision?: number;
  scale?: number;
  unique?: boolean;
  index?: boolean;
  /** Left out of `toObject()` / `toJSON()`. */
  hidden?: boolean;
  /** Optimistic lock column (integer, incremented on each update). */
  version?: boolean;
  /** Allowed values; checked before any SQL. With `type: 'enum'` also the values of the native enum type. */
  enum?: readonly (string | number)[];
  /**
   * `type: 'enum'` on PostgreSQL: the name of the enum type (default `<table>_<column>`), e.g. the
   * `CREATE TYPE mood AS ENUM (...)` of an existing database.
   */
  nativeEnumName?: string;
  /** Value for new entities, computed at flush when the property is undefined. */
  onCreate?: (entity: Owner) => unknown;
  /** Value set at every flush that updates the entity. */
  onUpdate?: (entity: Owner) => unknown;
  /** Custom check run before any SQL: return false or a message to reject the value. */
  validate?: (value: any, entity: Owner) => boolean | string | void;
  /**
   * The database makes this value, and a flush reads it back so memory matches the row:
   * - `'insert'`: filled when the row is inserted (a `default`/`defaultRaw`, a trigger, an identity
   *   column). A value set in memory is written; left undefined, the database's applies. Read back
   *   after every insert.
   * - `'always'`: maintained by the database on every write (a generated column, a trigger that sets
   *   `last_update`). Never written; read back after every insert and update.
   *
   * Read back with RETURNING where the statement can have it (PostgreSQL and SQLite inserts and
   * updates), else by one SELECT by key per statement (MySQL/MariaDB, `returning: false` tables).
   *
   * @example
   * @Property({ type: 'datetime', defaultRaw: 'CURRENT_TIMESTAMP', generated: 'always' }) lastUpdate!: Date;
   */
  generated?: 'insert' | 'always';
}

/** Options of `@PrimaryKey()`. */
export interface PrimaryKeyOptions extends Omit<PropertyOptions, 'nullable' | 'version' | 'default' | 'generated'> {
  /** Generated by the database; default true for a single integer key, false otherwise. */
  autoincrement?: boolean;
  /**
   * `'insert'`: the database fills the key when the row is inserted by some other means than
   * autoincrement (a column default such as `gen_random_uuid()`, a trigger). An entity created
   * without a key is inserted without it and gets the database's key back by RETURNING, in the
   * same batched INSERT; a key set in memory is written as given. PostgreSQL and SQLite only:
   * on MySQL/MariaDB, or with `@Entity({ returning: false })`, `Joinery.init` throws (set the key
   * in the application there: `onCreate: () => randomUUID()`).
   *
   * @example
   * @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()', generated: 'insert' }) id!: string;
   */
  generated?: 'insert';
}

interface RelationOptionsBase {
  /** `['persist']` by default; add `'remove'` to remove the related entities with this one. */
  cascade?: CascadeKind[] | boolean;
  /** Load this relation whenever the owner is loaded (node-orm2 autoFetch). */
  eager?: boolean;
  /**
   * How populate loads this relation unless the query says otherwise: `'select-in'` (default, one
   * query per relation level) or `'joined'` (LEFT JOINed into the parent's query).
   */
  strategy?: 'select-in' | 'joined';
  hidden?: boolean;
}

/** Options of the relations that hold the foreign key: `@ManyToOne` and the owning `@OneToOne`. */
export interface ToOneOptions extends RelationOptionsBase {
  nullable?: boolean;
  /** FK column name (default: property in snake_case + `_` + referenced column, e.g. `author_id`). */
  joinColumn?: string;
  /** For composite keys: FK column names in the order of the target's primary key. */
  joinColumns?: string[];
  deleteRule?: ReferentialAction;
  updateRule?: ReferentialAction;
  /** `false` creates no FK constraint (Sequelize `constraints: false`), e.g. to break an FK cycle. */
  constraints?: boolean;
  /**
   * The FK constraint is `DEFERRABLE INITIALLY DEFERRED` (PostgreSQL, SQLite): checked at COMMIT,
   * not per statement. Lets one flush insert (or delete) new rows that reference each other
   * through required foreign keys. `schema.create` creates the constraint so; on a database you
   * did not create, declare it only where the constraint really is deferrable. MySQL has no
   * deferrable constraints: a flush that would need one fails before any SQL.
   *
   * @example
   * // store.manager → staff and staff.store → store, both NOT NULL
   * @ManyToOne(() => Staff, { deferrable: true }) manager!: Rel<Staff>;
   */
  deferrable?: boolean;
  /** Part of this entity's primary key (through entities keyed by their two relations). */
  primary?: boolean;
  index?: boolean;
}

export interface ManyToOneOptions extends ToOneOptions {
  /** The collection on the target that maps this relation back; usually found automatically. */
  inversedBy?: string;
}

export interface OneToOneOptions extends ToOneOptions {
  /** This side holds the FK (exactly one side of a 1:1 does). */
  owner?: boolean;
  /** On the inverse side: remove the owning entity when it is unlinked. */
  orphanRemoval?: boolean;
}

export interface OneToManyOptions extends RelationOptionsBase {
  /** Remove children that are taken out of the collection (or whose parent is removed). */
  orphanRemoval?: boolean;
  orderBy?: OrderBy;
}

/** Options of `@ManyThrough`: it is read-only, so only how it is read and shown. */
export interface ManyThroughOptions {
  /** Order of the items (then the primary key). */
  orderBy?: OrderBy;
  /** Populate it with every `find` of the owner. */
  eager?: boolean;
  /** Leave it out of `toObject()` / `toJSON()`. */
  hidden?: boolean;
}

export interface ManyToManyOptions extends RelationOptionsBase {
  /** This side owns the join table. One side of a bidirectional M:N must say so. */
  owner?: boolean;
  /** Join table name (default: both tables' singular names, alphabetical: `car_user`). */
  pivotTable?: string;
  /** Join entity with two `@ManyToOne` (owner side first) and extra columns. */
  through?: EntityTarget;
  /** Join-table column pointing at this side (default `<singular table>_<pk>`). */
  joinColumn?: string;
  /** Join-table column pointing at the target side. */
  inverseJoinColumn?: string;
  /** `false` creates no FK constraints on the join table. */
  constraints?: boolean;
  orderBy?: OrderBy;
}

export interface UniqueOptions {
  properties: string[];
  name?: string;
}
export type IndexOptions = UniqueOptions;
