// The compile-time shape of `where`. It mirrors what the criteria compiler (criteria.ts) accepts,
// so a query the types allow does not fail on its shape at run time, and an unknown property or
// operator is a compile error rather than a UsageError.
import type { CollectionKeys, EntityKeys, Primary, RelationTarget, ToOneKeys } from '../entity/property-kinds.js';

/** How a value of a `V` property may be written in criteria: a `Date` also as an ISO-8601 string. */
export type ScalarValue<V> = [V] extends [Date] ? V | string : V;

/**
 * Operators on a scalar property whose values have type `V`.
 *
 * @example
 * const adults: OperatorMap<number> = { $gte: 18, $ne: 30 };
 */
export interface OperatorMap<V> {
  $eq?: ScalarValue<V> | null;
  $ne?: ScalarValue<V> | null;
  $in?: readonly (ScalarValue<V> | null)[];
  $nin?: readonly (ScalarValue<V> | null)[];
  $gt?: ScalarValue<V>;
  $gte?: ScalarValue<V>;
  $lt?: ScalarValue<V>;
  $lte?: ScalarValue<V>;
  $not?: ScalarQuery<V>;
}

/** Operators on a string property: those of `OperatorMap` plus patterns (`%` any run, `_` one character). */
export interface StringOperatorMap<V> extends OperatorMap<V> {
  $like?: string;
  /** Case-insensitive `$like` (ILIKE on PostgreSQL, LOWER() elsewhere). */
  $ilike?: string;
}

/** Operators on an array property (`type: 'array'`): every item (`$contains`) or one of them (`$overlap`). */
export interface ArrayOperatorMap<V> extends OperatorMap<V> {
  $contains?: V;
  $overlap?: V;
}

/** A scalar property: a value (equality), `null`, an array (`$in`) or an operator object. */
export type ScalarQuery<V> =
  | ScalarValue<V>
  | null
  | readonly (ScalarValue<V> | null)[]
  | ([Extract<V, readonly unknown[]>] extends [never]
      ? [Extract<V, string>] extends [never]
        ? OperatorMap<V>
        : StringOperatorMap<V>
      : ArrayOperatorMap<V>);

/** Something that identifies one `E`: the entity itself (or a reference) or its primary key. */
export type EntityValue<E> = E | Primary<E>;

/** Operators on a to-one relation: compare by entity or key. */
export interface RelationOperatorMap<E> {
  $eq?: EntityValue<E> | null;
  $ne?: EntityValue<E> | null;
  $in?: readonly (EntityValue<E> | null)[];
  $nin?: readonly (EntityValue<E> | null)[];
  $not?: ToOneQuery<E>;
  /** Every alternative is itself a to-one value: `{ author: { $or: [null, { email: 'a@b.c' }] } }`. */
  $and?: readonly ToOneQuery<E>[];
  $or?: readonly ToOneQuery<E>[];
}

/**
 * A to-one relation: an entity, a reference or a key (`{ author: user }`, `{ author: 1 }`),
 * `null`, an array of those (`$in`), relation operators, or criteria on the target
 * (`{ author: { email: 'a@b.c' } }`).
 */
export type ToOneQuery<E> = EntityValue<E> | null | readonly EntityValue<E>[] | RelationOperatorMap<E> | ObjectQuery<E>;

/**
 * Criteria on the items of a collection: those of the item entity, plus `$pivot` for the columns
 * of a many-to-many's `through` entity (typed loosely: the compiler does not know that entity),
 * also inside `$and` / `$or` / `$not`.
 */
export type ItemQuery<E> = PropertyConditions<E> & {
  $and?: readonly (FilterQuery<E> | ItemQuery<E>)[];
  $or?: readonly (FilterQuery<E> | ItemQuery<E>)[];
  $not?: FilterQuery<E> | ItemQuery<E>;
  /** Conditions on the link row: `{ cars: { $pivot: { since: { $gte: 2020 } } } }`. */
  $pivot?: Readonly<Record<string, unknown>>;
};

/** Operators on a collection. Several in one object must all hold. */
export interface CollectionOperatorMap<E> {
  /** Some item matches (what item criteria without an operator mean). */
  $some?: FilterQuery<E> | ItemQuery<E>;
  /** No item matches. */
  $none?: FilterQuery<E> | ItemQuery<E>;
  /** Every item matches (an empty collection does). */
  $every?: FilterQuery<E> | ItemQuery<E>;
  /** How many items (matching `$where`, when given) the collection holds: `{ $count: { $gt: 2 } }`. */
  $count?: number | OperatorMap<number>;
  /** Which items `$count` counts. */
  $where?: FilterQuery<E> | ItemQuery<E>;
}

/**
 * A collection: an item (entity or key) or items it must contain, criteria some item must match
 * (`{ posts: { title: 'x' } }`), or collection operators.
 */
export type CollectionQuery<E> = EntityValue<E> | readonly EntityValue<E>[] | ItemQuery<E> | CollectionOperatorMap<E>;

/** What `where` may say about the property `K` of `T`. */
type PropertyQuery<T, K extends keyof T> = K extends CollectionKeys<T>
  ? CollectionQuery<RelationTarget<T, K>>
  : K extends ToOneKeys<T>
    ? ToOneQuery<RelationTarget<T, K>>
    : ScalarQuery<NonNullable<T[K]>>;

/** A condition per property of `T`. */
type PropertyConditions<T> = { [K in EntityKeys<T>]?: PropertyQuery<T, K> };

/** Conditions on the properties of `T`, combined with `$and` / `$or` / `$not`. */
export type ObjectQuery<T> = PropertyConditions<T> & {
  $and?: readonly FilterQuery<T>[];
  $or?: readonly FilterQuery<T>[];
  $not?: FilterQuery<T>;
};

/**
 * `where` for entity `T`: property conditions (unknown properties and operators do not compile),
 * `$and` / `$or` / `$not` at every level, an entity, or a bare primary key value.
 *
 * - scalars: a value, `null`, an array (`$in`), or `$eq $ne $in $nin $gt $gte $lt $lte $not`
 *   (`$like $ilike` on strings) of the property's type;
 * - to-one relations: an entity, a reference, a key, `null`, `$eq $ne $in $nin $not`, or nested
 *   criteria on the target;
 * - collections: an item (entity or key) or items it contains, criteria some item matches, or
 *   `$some` / `$none` / `$every` / `$count`.
 *
 * @example
 * const where: FilterQuery<Post> = {
 *   title: { $like: 'Hello%' },
 *   author: { email: 'a@b.c' },
 *   tags: { $none: { name: 'draft' } },
 *   $or: [{ id: { $lt: 100 } }, { author: 1 }],
 * };
 * await em.find(Post, where);
 * await em.findOne(Post, 42);   // a bare primary key
 */
// Distributive on purpose. While a call like `em.find(User, { ... })` is inferring `T`, the compiler
// types the `where` literal against `FilterQuery<T>` with `T` still generic, and expanding the nested
// conditional types for a generic `T` grows with every level of nesting (seconds for three levels).
// A distributive conditional is evaluated with `T`'s constraint (`object`) instead: cheap, and the
// real check against `FilterQuery<User>` follows once `T` is known.
export type FilterQuery<T> = T extends unknown ? Primary<T> | T | ObjectQuery<T> : never;

/**
 * `FilterQuery<T>` hidden from inference: `T` comes from the entity class argument alone, so a
 * `where` typed `any` (an id read from a raw row) leaves the result typed and misspelled
 * properties still fail. (`NoInfer<FilterQuery<T>>` for compilers older than TypeScript 5.4.)
 *
 * @example
 * const user = await em.findOne(User, row.id); // Loaded<User, never> | null, even with row: any
 */
export type WhereOf<T> = [FilterQuery<T>][T extends unknown ? 0 : never];

/** `D` (data for `T`: `em.create`, `nativeUpdate`) hidden from inference, as {@link WhereOf}. */
export type DataOf<D, T> = [D][T extends unknown ? 0 : never];
