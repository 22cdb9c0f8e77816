import { UsageError } from '../errors/usage-error.js';
import { getState } from './entity-state.js';
import type { EntityDTO } from './entity-dto.js';
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
  /**
   * Plain data: populated relations nested, unpopulated ones as primary keys, `hidden` left out,
   * cycles cut. Typed from the entity's type ({@link EntityDTO}).
   *
   * @example
   * const user = await em.findOneOrFail(User, 1, { populate: ['posts'] });
   * wrap(user).toObject().posts[0]!.title;   // string
   */
  toObject(): EntityDTO<T>;
  /** Same as toObject(); used by JSON.stringify through the entity's toJSON when it has none. */
  toJSON(): EntityDTO<T>;
  /**
   * A relation count loaded with the entity (`em.find(T, where, { counts })`), by the name it was
   * requested under. Throws when that count was not loaded.
   *
   * @example
   * const posts = await em.find(Post, {}, { counts: { comments: true, approved: { relation: 'comments', where: { approved: true } } } });
   * wrap(posts[0]).count('approved');   // 2, no query
   */
  count(name: string): number;
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
    count: (name) => {
      const state = getState(entity);
      const counts = state?.counts;
      // Own names only: count('toString') must not find Object.prototype.toString.
      const value = counts && Object.hasOwn(counts, name) ? counts[name] : undefined;
      if (value === undefined) {
        const type = state?.meta.name ?? entity.constructor?.name ?? 'Entity';
        const loaded = Object.keys(state?.counts ?? {});
        throw new UsageError(
          'COUNT_NOT_LOADED',
          `No count named '${name}' was loaded for this ${type}${loaded.length ? ` (loaded: ${loaded.join(', ')})` : ''}. ` +
            `Request it with em.find(${type}, where, { counts: { ${name}: true } }), or { ${name}: { relation: '<collection>', where } }.`,
        );
      }
      return value;
    },
    toObject: () => serialize(entity) as EntityDTO<T>,
    toJSON: () => serialize(entity) as EntityDTO<T>,
  };
}
