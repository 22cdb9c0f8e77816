import { UsageError } from '../errors/usage-error.js';
import { Collection, existingCollection } from '../entity/collection.js';
import { getState } from '../entity/entity-state.js';
import { setToOneSilently, type ToOneProperty } from '../entity/to-one-accessors.js';
import type { EntityMetadata, ManyToManyProperty, OneToManyProperty } from '../metadata/types.js';

/** What the in-memory relation sync needs of the unit of work that manages the entities. */
export interface RelationSyncHost {
  getReference(meta: EntityMetadata, pk: unknown): object;
}

// Keeping both sides of a bidirectional relation in step, in memory, when one side changes. The
// database side of it is the flush's business; nothing here queries or writes.

/** Entity, reference or bare primary key → the managed entity for `prop.target`. */
export function resolveRelationItem(host: RelationSyncHost, prop: OneToManyProperty | ManyToManyProperty | ToOneProperty, item: unknown): object {
  if (item !== null && typeof item === 'object' && !(item instanceof Date) && !Array.isArray(item)) {
    const state = getState(item);
    if (state && state.owner !== host && state.status !== 'detached') {
      throw new UsageError(
        'FOREIGN_ENTITY',
        `${prop.entity}.${prop.name} was given a ${state.meta.name} that another EntityManager manages. ` +
          `Use the one from this EntityManager (em.getReference(${state.meta.name}, id) or a query).`,
      );
    }
    if (state || item instanceof (prop.target.class as new () => object)) return item;
  }
  return host.getReference(prop.target, item);
}

/** A collection changed: the child's FK (1:N) or the other side's collection (M:N) follows. */
export function propagateCollectionChange(
  host: RelationSyncHost,
  owner: object,
  prop: OneToManyProperty | ManyToManyProperty,
  item: object,
  op: 'add' | 'remove',
): void {
  if (prop.kind === '1:m') {
    const state = getState(item);
    if (op === 'remove' && state && state.owner === host && state.accessors && state.relations[prop.mappedBy] !== owner) return;
    (item as Record<string, unknown>)[prop.mappedBy] = op === 'add' ? owner : null;
    return;
  }
  const inverseName = prop.owner ? prop.inversedBy : prop.mappedBy;
  if (!inverseName) return;
  // The owning side's queue is what gets written, so it is made if need be; a mirror only if it exists.
  const other = prop.owner ? existingCollection(item, inverseName) : (item as Record<string, unknown>)[inverseName];
  if (!(other instanceof Collection)) return;
  if (prop.owner) {
    // The owner's queue is what gets written; the inverse side only mirrors it in memory.
    if (op === 'add') other._addLocal(owner);
    else other._removeLocal(owner);
  } else {
    other._queue(owner, op);
  }
}

/**
 * A to-one property was assigned: the inverse collection or 1:1 side follows. Returns the entity
 * an orphanRemoval inverse 1:1 just let go of, for the flush to remove if it stays unlinked.
 */
export function syncToOne(host: RelationSyncHost, entity: object, prop: ToOneProperty, previous: unknown, next: unknown): object | undefined {
  if (next !== null && next !== undefined && (typeof next !== 'object' || next instanceof Date)) {
    // A bare primary key: store the reference instead, so the identity map stays the single truth.
    const ref = host.getReference(prop.target, next);
    getState(entity)!.relations[prop.name] = ref;
    next = ref;
  }
  if (prop.kind === 'm:1') {
    if (!prop.inversedBy) return undefined;
    // Only collections that exist can hold anything to keep in step (see existingCollection).
    if (previous && typeof previous === 'object') existingCollection(previous, prop.inversedBy)?._removeLocal(entity);
    if (next && typeof next === 'object') existingCollection(next, prop.inversedBy)?._addLocal(entity);
    return undefined;
  }
  const orphan = !prop.owner && prop.orphanRemoval && previous && typeof previous === 'object' && previous !== next ? previous : undefined;
  const inverse = prop.owner ? prop.inversedBy : prop.mappedBy;
  if (!inverse) return orphan;
  if (previous && typeof previous === 'object') {
    const ps = getState(previous);
    if (ps?.accessors && ps.relations[inverse] === entity) setToOneSilently(previous, ps, inverse, prop.owner ? undefined : null);
    else if (!ps?.accessors && (previous as Record<string, unknown>)[inverse] === entity) (previous as Record<string, unknown>)[inverse] = prop.owner ? undefined : null;
  }
  if (next && typeof next === 'object') {
    const ns = getState(next);
    if (prop.owner) {
      if (ns?.accessors) setToOneSilently(next, ns, inverse, entity);
      else (next as Record<string, unknown>)[inverse] = entity;
    } else {
      // Assigning the inverse side writes the owning side, which holds the FK.
      (next as Record<string, unknown>)[inverse] = entity;
    }
  }
  return orphan;
}
