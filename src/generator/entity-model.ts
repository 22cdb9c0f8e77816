import type { Dialect, ScalarType } from '../metadata/types.js';

/**
 * Entities to generate from an existing database, before any TypeScript is written: what
 * `buildEntityModel` reads out of the introspected tables and `renderEntityFiles` turns into source.
 * Options hold only what the naming strategy and joinery's defaults would not produce.
 */

/** A value written into a decorator's options: a literal, or code such as `() => PlaylistTrack`. */
export type OptionValue = string | number | boolean | readonly string[] | { readonly code: string };

/** Decorator options in the order they are written. */
export type Options = readonly (readonly [string, OptionValue])[];

interface PropertyBase {
  readonly name: string;
  /** One line written above the property (why it looks the way it does), if any. */
  readonly note?: string;
}

export interface GeneratedScalar extends PropertyBase {
  readonly kind: 'scalar';
  readonly primary: boolean;
  readonly column: string;
  readonly type: ScalarType;
  readonly nullable: boolean;
  readonly options: Options;
}

/** `@ManyToOne`, or the owning `@OneToOne`: the side that holds the FK. */
export interface GeneratedToOne extends PropertyBase {
  readonly kind: 'm:1' | '1:1';
  readonly target: string;
  readonly nullable: boolean;
  /** The property on the target that maps this relation back. */
  readonly inverse: string;
  readonly options: Options;
}

/** The inverse sides: `@OneToMany` and the inverse `@OneToOne`. */
export interface GeneratedInverse extends PropertyBase {
  readonly kind: '1:m' | '1:1-inverse';
  readonly target: string;
  readonly mappedBy: string;
}

export interface GeneratedManyToMany extends PropertyBase {
  readonly kind: 'm:n';
  readonly target: string;
  readonly owner: boolean;
  /** The other side's property (`inversedBy` on the owner, `mappedBy` on the inverse side). */
  readonly other: string;
  /** Owner side only: `pivotTable`, join columns, `through`. */
  readonly options: Options;
}

export type GeneratedProperty = GeneratedScalar | GeneratedToOne | GeneratedInverse | GeneratedManyToMany;

/** `@Unique` / `@Index` on the class. */
export interface GeneratedKey {
  readonly properties: readonly string[];
  readonly name: string;
}

export interface GeneratedEntity {
  readonly className: string;
  /** Module file name without extension: the class name in kebab-case. */
  readonly fileName: string;
  readonly table: string;
  /** `@Entity` options (`tableName` when the naming strategy would not produce it). */
  readonly options: Options;
  readonly properties: readonly GeneratedProperty[];
  readonly uniques: readonly GeneratedKey[];
  readonly indexes: readonly GeneratedKey[];
  /** Lines for the comment above the class: what was left out or approximated, and why. */
  readonly notes: readonly string[];
}

/** A table that became no entity, and why. */
export interface SkippedTable {
  readonly table: string;
  readonly reason: string;
}

/** What the generator makes of one connection's tables. */
export interface EntityModel {
  readonly dialect: Dialect;
  readonly entities: readonly GeneratedEntity[];
  /** Join tables mapped as plain `@ManyToMany` (no entity of their own). */
  readonly joinTables: readonly string[];
  readonly skipped: readonly SkippedTable[];
}
