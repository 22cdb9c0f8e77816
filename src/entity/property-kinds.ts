// Type-level classification of an entity's properties: scalar, to-one relation or collection.
// Decorator options do not exist for the compiler, so the rules below read property types only;
// docs-site/typing.md explains them to users.
import type { Collection } from './collection.js';

declare const jsonBrand: unique symbol;

/**
 * Marks an object-typed property as a value (a `json` column, or any other object-valued scalar)
 * rather than a to-one relation. The compiler cannot see decorator options, so without it a
 * property typed as an object literal is taken for a relation: it would be offered as a populate
 * path and queried with nested criteria. The brand is optional and phantom: any `T` is assignable
 * to `Json<T>` and nothing changes at run time.
 *
 * @example
 * @Property({ type: 'json' }) settings!: Json<{ theme: string; beta: boolean }>;
 *
 * user.settings = { theme: 'dark', beta: false };
 * await em.find(User, { settings: { theme: 'dark', beta: false } });   // compared as a whole value
 */
export type Json<T> = T & { readonly [jsonBrand]?: true };

/** Object types that are values, never relations. `Buffer` is a `Uint8Array`. */
type ValueObject =
  | Date
  | RegExp
  | Uint8Array
  | ArrayBuffer
  | ReadonlyArray<unknown>
  | ReadonlyMap<unknown, unknown>
  | ReadonlySet<unknown>
  | Promise<unknown>
  | ((...args: never[]) => unknown);

/** `any` would match every rule below; it is treated as a scalar. */
type IsAny<V> = 0 extends 1 & V ? true : false;

/** `V` (already without null/undefined) is the type of a to-one relation: an entity-like object. */
export type IsToOneTarget<V> =
  IsAny<V> extends true ? false
  : [V] extends [never] ? false
  : [V] extends [Collection<object>] ? false
  : [V] extends [ValueObject] ? false
  : [V] extends [object]
    ? typeof jsonBrand extends keyof V ? false
      : string extends keyof V ? false // a record or dictionary type (`Record<string, X>`) is data, not an entity
      : true
  : false;

/** Data properties of `T` (methods left out): what criteria, data and populate paths may name. */
export type EntityKeys<T> = {
  [K in keyof T]-?: K extends string ? (NonNullable<T[K]> extends (...args: never[]) => unknown ? never : K) : never;
}[keyof T];

/** Properties of `T` holding a `Collection` (OneToMany, ManyToMany). */
export type CollectionKeys<T> = {
  [K in keyof T]-?: K extends string
    ? IsAny<T[K]> extends true
      ? never
      : NonNullable<T[K]> extends Collection<object>
        ? K
        : never
    : never;
}[keyof T];

/** Properties of `T` holding a single related entity (ManyToOne, OneToOne), declared as `X` or `Rel<X>`. */
export type ToOneKeys<T> = {
  [K in keyof T]-?: K extends string ? (IsToOneTarget<NonNullable<T[K]>> extends true ? K : never) : never;
}[keyof T];

/** Every relation property of `T`. */
export type RelationKeys<T> = CollectionKeys<T> | ToOneKeys<T>;

/** Columns and other values: data properties that are not relations. */
export type ScalarKeys<T> = Exclude<EntityKeys<T>, RelationKeys<T>>;

/** The item type of a collection type. */
export type CollectionItem<C> = C extends Collection<infer I> ? I : never;

/** The entity a relation property of `T` points at (the collection item for collections). */
export type RelationTarget<T, K extends keyof T> =
  NonNullable<T[K]> extends Collection<infer I> ? I : NonNullable<T[K]>;

/** The shapes of a primary key value that joinery reads (composite keys as arrays, in key order). */
export type PrimaryKeyValue = string | number | bigint | Date | readonly (string | number | bigint | Date)[];

/**
 * The primary key value type of an entity: the type of its `id` property when it has a scalar one,
 * otherwise any key shape (composite keys, keys with other names: the compiler cannot see which
 * properties carry `@PrimaryKey`).
 *
 * @example
 * const key: Primary<User> = 1;         // User.id is a number
 */
export type Primary<T> = 'id' extends keyof T
  ? NonNullable<T['id' & keyof T]> extends string | number | bigint | Date
    ? NonNullable<T['id' & keyof T]>
    : PrimaryKeyValue
  : PrimaryKeyValue;
