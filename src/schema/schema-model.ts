import type { ReferentialAction } from '../metadata/types.js';

/**
 * A table as the schema generator sees it: both what the metadata asks for (the desired schema) and
 * what introspection found in a live database are expressed in this one shape, so the diff can
 * compare them field by field.
 */

/** A column default: a constant value, or a SQL expression such as `CURRENT_TIMESTAMP`. */
export type DefaultValue =
  | { readonly kind: 'literal'; readonly value: string | number | boolean }
  | { readonly kind: 'expression'; readonly sql: string };

export interface ColumnSchema {
  readonly name: string;
  /** Lowercase SQL type as the generator writes it (`varchar(255)`, `timestamptz`, `int`). */
  readonly type: string;
  readonly nullable: boolean;
  readonly default?: DefaultValue;
  /** Database-generated key: identity (pg), auto_increment (mysql), rowid alias (sqlite). */
  readonly autoincrement: boolean;
  /** Desired columns only: the previous name to rename from (`@Property({ renamedFrom })`). */
  readonly renamedFrom?: string;
  /** Desired columns only: `Entity.property` that maps the column, for messages. */
  readonly origin?: string;
  /** PostgreSQL: the enum type the column's type names, created before the table. */
  readonly nativeEnum?: NativeEnumSchema;
}

/** A PostgreSQL `CREATE TYPE name AS ENUM (values)`. */
export interface NativeEnumSchema {
  readonly name: string;
  readonly values: readonly string[];
}

/** The distinct enum types the columns of `tables` use, by name, first definition kept. */
export function nativeEnumsOf(tables: readonly TableSchema[]): NativeEnumSchema[] {
  const byName = new Map<string, NativeEnumSchema>();
  for (const t of tables) for (const c of t.columns) if (c.nativeEnum && !byName.has(c.nativeEnum.name)) byName.set(c.nativeEnum.name, c.nativeEnum);
  return [...byName.values()];
}

/** How a live unique is implemented, which decides how it is dropped. */
export type UniqueBacking = 'constraint' | 'index' | 'table';

export interface IndexSchema {
  readonly name: string;
  readonly columns: readonly string[];
  /** Live uniques only: a constraint (pg), a unique index, or part of the table definition (sqlite autoindex). */
  readonly backing?: UniqueBacking;
}

export interface ForeignKeySchema {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
  readonly deleteRule: ReferentialAction | 'set default';
  readonly updateRule: ReferentialAction | 'set default';
  /** `DEFERRABLE INITIALLY DEFERRED` (pg, sqlite; MySQL has no such constraints). */
  readonly deferrable?: boolean;
}

export interface PrimaryKeySchema {
  /** Constraint name; pg only (mysql always calls it PRIMARY, sqlite has none). */
  readonly name?: string;
  readonly columns: readonly string[];
}

export interface TableSchema {
  readonly name: string;
  /** Desired tables only: the previous name to rename from (`@Entity({ renamedFrom })`). */
  readonly renamedFrom?: string;
  readonly columns: readonly ColumnSchema[];
  readonly primaryKey?: PrimaryKeySchema;
  readonly uniques: readonly IndexSchema[];
  readonly indexes: readonly IndexSchema[];
  readonly foreignKeys: readonly ForeignKeySchema[];
}

/** The tables of one connection, in creation order (referenced tables first where there is no cycle). */
export interface ConnectionSchema {
  readonly connection: string;
  readonly tables: readonly TableSchema[];
}
