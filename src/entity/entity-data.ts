// The compile-time shape of data for `em.create` / `em.assign`: what the assign code accepts,
// with unknown properties rejected by the compiler's excess property check.
import type { CollectionKeys, EntityKeys, Primary, RelationTarget, ToOneKeys } from './property-kinds.js';
import type { Collection } from './collection.js';

/**
 * A related entity in data: the entity, a reference, its primary key, or its own data (nested
 * data: a new related entity, or, with its key, changes to one that is loaded).
 */
type RelationValue<E> = E | Primary<E> | EntityData<E>;

type DataValue<T, K extends keyof T> = K extends CollectionKeys<T>
  ? readonly RelationValue<RelationTarget<T, K>>[] | Collection<RelationTarget<T, K>>
  : K extends ToOneKeys<T>
    ? RelationValue<RelationTarget<T, K>> | Extract<T[K], null | undefined>
    : T[K];

/**
 * Data for `em.create` / `em.assign`: any subset of `T`'s properties (methods left out). A to-one
 * relation takes an entity, a reference, a primary key or the related entity's data; a collection
 * an array of those (or another collection). Unknown properties do not compile.
 *
 * @example
 * const data: EntityData<Post> = { title: 'Hi', author: 1, tags: [tag, 2] };
 * const user: EntityData<User> = { email: 'a@b.c', profile: { bio: 'Hi' }, posts: [{ title: 'First' }] };
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
