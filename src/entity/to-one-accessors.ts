import type { EntityMetadata, ManyToOneProperty, OneToOneProperty } from '../metadata/types.js';
import type { EntityState } from './entity-state.js';

export type ToOneProperty = ManyToOneProperty | OneToOneProperty;
export type ToOneListener = (entity: object, prop: ToOneProperty, previous: unknown, next: unknown) => void;

/**
 * Turns the to-one properties of a managed entity into accessors on the instance itself, so that
 * assigning `post.author = user` can update `user.posts` in memory. Instance-level accessors work
 * whether class fields are defined (`useDefineForClassFields`) or assigned: an own accessor
 * replaces the own data property either way.
 */
export function installToOneAccessors(entity: object, meta: EntityMetadata, state: EntityState, onSet: ToOneListener): void {
  if (state.accessors) return;
  state.accessors = true;
  const record = entity as Record<string, unknown>;
  for (const prop of meta.properties) {
    if (prop.kind !== 'm:1' && prop.kind !== '1:1') continue;
    const current = Object.prototype.hasOwnProperty.call(entity, prop.name) ? record[prop.name] : undefined;
    state.relations[prop.name] = current;
    Object.defineProperty(entity, prop.name, {
      configurable: true,
      enumerable: true,
      get: () => state.relations[prop.name],
      set: (next: unknown) => {
        const previous = state.relations[prop.name];
        if (previous === next) return;
        state.relations[prop.name] = next;
        onSet(entity, prop, previous, next);
      },
    });
  }
}

/** Sets a to-one value without triggering propagation (used while propagating, and by hydration). */
export function setToOneSilently(entity: object, state: EntityState, name: string, value: unknown): void {
  if (state.accessors) state.relations[name] = value;
  else (entity as Record<string, unknown>)[name] = value;
}
