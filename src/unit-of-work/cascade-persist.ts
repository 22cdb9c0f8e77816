import { Collection } from '../entity/collection.js';
import { getState } from '../entity/entity-state.js';
import { UsageError } from '../errors/usage-error.js';
import type { EntityMetadata } from '../metadata/types.js';
import { traitsOf, type TypeTraits } from './type-traits.js';

/**
 * Only new and touched entities can hold a relation to an object this unit of work does not
 * manage yet: every other managed entity's relations are as they were loaded or last flushed (an
 * assignment or a collection change would have touched it). So the walk starts there, and
 * continues only through the objects it persists. `uow` owns the states that count as managed;
 * `fresh`: its new entities; `persist` adds an object to it.
 */
export function cascadePersist(uow: object, fresh: Iterable<object>, touched: Touched, persist: (entity: object) => void): void {
  const queue: object[] = [...fresh];
  for (const entity of touched.entities) queue.push(entity);
  for (const coll of touched.collections) queue.push(coll.owner);
  const seen = new Set<object>(queue);
  // Entities come in runs of one type: its relations are looked up once per run.
  let runMeta: EntityMetadata | undefined;
  let relations: TypeTraits['relations'] = [];
  while (queue.length) {
    const entity = queue.pop()!;
    const state = getState(entity);
    if (!state || state.owner !== uow || state.status === 'removed' || state.status === 'detached') continue;
    if (state.meta !== runMeta) relations = traitsOf((runMeta = state.meta)).relations;
    if (!relations.length) continue;
    const record = entity as Record<string, unknown>;
    for (const p of relations) {
      // A collection never made holds nothing (see existingCollection); reading would make one.
      const value = p.kind === '1:m' || p.kind === 'm:n' ? ownValue(entity, p.name) : record[p.name];
      if (value === null || value === undefined) continue;
      // Related objects are almost always managed already: a list is made only when one is not.
      if (value instanceof Collection) {
        if (allManaged(value._members(), seen, uow)) continue;
      } else if (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
        if (seen.has(value) || isManagedBy(value, uow)) continue;
      }
      for (const related of relatedForPersist(value)) {
        if (seen.has(related)) continue;
        seen.add(related);
        if (isManagedBy(related, uow)) continue;
        if (!p.cascade.has('persist')) {
          throw new UsageError(
            'UNPERSISTED_RELATION',
            `${state.meta.name}.${p.name} references a ${p.target.name} that is not managed by this EntityManager and the relation does not cascade persist. ` +
              `Call em.persist() on it, or add cascade: ['persist'] to ${state.meta.name}.${p.name}.`,
          );
        }
        persist(related);
        queue.push(related);
      }
    }
  }
}

function relatedForPersist(value: unknown): object[] {
  if (value === null || value === undefined) return [];
  if (value instanceof Collection) return [...(value._members() as Iterable<object>)];
  if (Array.isArray(value)) return value.filter((v) => v && typeof v === 'object');
  if (typeof value === 'object' && !(value instanceof Date)) return [value];
  return [];
}

/** Whether `entity` is managed by `uow` (new or loaded, not removed and not detached). */
function isManagedBy(entity: object, uow: object): boolean {
  const state = getState(entity);
  return state !== undefined && state.owner === uow && state.status !== 'detached';
}

/** Whether every item is seen or managed (read in place: nothing may change the items meanwhile). */
function allManaged(items: Iterable<object>, seen: ReadonlySet<object>, uow: object): boolean {
  for (const item of items) if (!seen.has(item) && !isManagedBy(item, uow)) return false;
  return true;
}

/** An own property's value: a collection an entity built from a row never read has none (see existingCollection). */
function ownValue(entity: object, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(entity, name) ? (entity as Record<string, unknown>)[name] : undefined;
}

/** Relation changes since the last flush (see `UnitOfWork.#touched`). */
export class Touched {
  /** Entities whose to-one properties were assigned. */
  readonly entities = new Set<object>();
  /** Collections whose queue changed. */
  readonly collections = new Set<Collection<object>>();

  merge(other: Touched): void {
    for (const e of other.entities) this.entities.add(e);
    for (const c of other.collections) this.collections.add(c);
  }
}
