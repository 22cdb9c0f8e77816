// The compile-time shape of data for `em.create` / `em.assign`: what the assign code accepts,
// with unknown properties rejected by the compiler's excess property check.
import type { CollectionKeys, EntityKeys, Primary, RelationTarget, ToOneKeys } from './property-kinds.js';
import type { Collection } from './collection.js';

/** A related entity in data: the entity, a reference, or its primary key. */
type RelationValue<E> = E | Primary<E>;

type DataValue<T, K extends keyof T> = K extends CollectionKeys<T>
  ? readonly RelationValue<RelationTarget<T, K>>[] | Collection<RelationTarget<T, K>>
  : K extends ToOneKeys<T>
    ? RelationValue<RelationTarget<T, K>> | Extract<T[K], null | undefined>
    : T[K];

/**
 * Data for `em.create` / `em.assign`: any subset of `T`'s properties (methods left out). A to-one
 * relation takes an entity, a reference or a primary key; a collection an array of those (or
 * another collection). Unknown properties do not compile.
 *
 * @example
 * const data: EntityData<Post> = { title: 'Hi', author: 1, tags: [tag, 2] };
 * em.create(Post, data);
 */
export type EntityData<T> = { [K in EntityKeys<T>]?: DataValue<T, K> };

/**
 * Data for `em.nativeUpdate`: columns only — scalars and to-one relations (entity, reference or
 * key); collections live in other tables.
 *
 * @example
 * await em.nativeUpdate(Post, { author: 1 }, { title: 'Renamed', author: 2 });
 */
export type ColumnData<T> = { [K in Exclude<EntityKeys<T>, CollectionKeys<T>>]?: DataValue<T, K> };
