import { UsageError } from '../errors/usage-error.js';
import { getState } from './entity-state.js';
import { serialize } from './serialize.js';

interface ReferenceLoader {
  initReference(entity: object): Promise<void>;
}

/** Entity helpers that do not live on the entity (so they cannot clash with its own members). */
export interface WrappedEntity<T extends object> {
  /** false for a reference whose row has not been loaded yet. */
  isInitialized(): boolean;
  /** Load an unloaded reference (no query when already loaded). References initialised in the same tick share one query. */
  init(): Promise<T>;
  /** Plain data: populated relations nested, unpopulated ones as primary keys, `hidden` left out, cycles cut. */
  toObject(): Record<string, unknown>;
  /** Same as toObject(); used by JSON.stringify through the entity's toJSON when it has none. */
  toJSON(): Record<string, unknown>;
}

/**
 * @example
 * const ref = em.getReference(User, 1);
 * wrap(ref).isInitialized();   // false
 * await wrap(ref).init();      // SELECT ... WHERE id IN (1)
 * JSON.stringify(wrap(ref).toObject());
 */
export function wrap<T extends object>(entity: T): WrappedEntity<T> {
  if (entity === null || typeof entity !== 'object') throw new UsageError('NOT_AN_ENTITY', `wrap() takes an entity, got ${String(entity)}.`);
  return {
    isInitialized: () => getState(entity)?.initialized ?? true,
    init: async () => {
      const state = getState(entity);
      if (!state || state.initialized) return entity;
      await (state.owner as ReferenceLoader).initReference(entity);
      return entity;
    },
    toObject: () => serialize(entity),
    toJSON: () => serialize(entity),
  };
}
