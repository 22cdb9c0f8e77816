// The type of an entity as plain data (`wrap(e).toObject()`), read from its property types the way
// `Loaded` reads them: what serialize.ts writes, as far as the compiler can see it.
import type { CollectionLoadState } from './loaded.js';
import type { CollectionItem, CollectionKeys, EntityKeys, Primary, ToOneKeys } from './property-kinds.js';

declare const hiddenBrand: unique symbol;

/**
 * Marks a property declared `hidden: true` for the compiler, which cannot see decorator options:
 * `wrap(e).toObject()` is then typed without it. Phantom like `Json<T>`: any `T` is assignable to
 * `Hidden<T>` and nothing changes at run time.
 *
 * @example
 * @Property({ hidden: true }) passwordHash!: Hidden<string>;
 *
 * wrap(user).toObject().passwordHash;   // compile error: not part of the plain data
 */
export type Hidden<T> = T & { readonly [hiddenBrand]?: true };

type IsAny<V> = 0 extends 1 & V ? true : false;

/** Properties marked `Hidden<...>`. */
type HiddenKeys<T> = {
  [K in keyof T]-?: IsAny<T[K]> extends true ? never : typeof hiddenBrand extends keyof NonNullable<T[K]> ? K : never;
}[keyof T];

/** Collections whose type says they are loaded (`LoadedCollection`, from a populate path), or may be (`Collection` as declared). */
type CollectionsIn<T, State> = {
  [K in CollectionKeys<T>]-?: CollectionLoadState<NonNullable<T[K]>> extends State ? K : never;
}[CollectionKeys<T>];

/** The keys always written: columns and to-one relations, and the collections known to be loaded. */
type DtoKeys<T> = Exclude<EntityKeys<T>, HiddenKeys<T> | CollectionKeys<T>> | Exclude<CollectionsIn<T, 'loaded'>, HiddenKeys<T>>;

/** A column's value as written: bigint as its decimal string (JSON has no bigint). */
type DtoScalar<V> = V extends bigint ? string : V;

/** A to-one relation: the related data when it was loaded, its key when not (which one is not visible to the compiler). */
type DtoToOne<V> = EntityDTO<NonNullable<V>> | Primary<NonNullable<V>> | Extract<V, null | undefined>;

type DtoMembers<T> = {
  [K in keyof T as K extends DtoKeys<T> ? K : never]: K extends CollectionKeys<T>
    ? EntityDTO<CollectionItem<NonNullable<T[K]>>>[]
    : K extends ToOneKeys<T>
      ? DtoToOne<T[K]>
      : DtoScalar<T[K]>;
};

/** Collections declared as plain `Collection`: written when loaded at run time, so optional. */
type MaybeLoadedMembers<T> = {
  [K in keyof T as K extends Exclude<CollectionsIn<T, 'unknown'>, HiddenKeys<T>> ? K : never]?: EntityDTO<CollectionItem<NonNullable<T[K]>>>[];
};

/**
 * An entity as plain data, as `wrap(e).toObject()` and `toJSON()` return it: columns with their
 * types (a `bigint` as its string), a to-one relation as the related entity's data or its primary
 * key, a populated collection (`LoadedCollection`, from a populate path) as an array of its items'
 * data, a collection declared as `Collection` as such an array when it was loaded (optional), one
 * known to be unloaded (`UnloadedCollection`) left out, `Hidden<...>` properties and methods left
 * out, and the relation counts loaded with the entity under `$counts`.
 *
 * @example
 * const user = await em.findOneOrFail(User, 1, { populate: ['posts'] });
 * const data: EntityDTO<typeof user> = wrap(user).toObject();
 * data.posts[0]!.title;   // string
 */
export type EntityDTO<T> = DtoMembers<T> & MaybeLoadedMembers<T> & { $counts?: Record<string, number> };
