import type { EntityMetadata, ManyThroughProperty, ManyToOneProperty, OneToOneProperty } from '../metadata/types.js';
import { Collection, type CollectionHost } from './collection.js';
import { getState, type EntityState } from './entity-state.js';

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

/** Who hears about to-one assignments on entities built from an accessor prototype: the state's owner. */
export interface ToOneHost {
  onToOneSet: ToOneListener;
}

const accessorProtos = new WeakMap<EntityMetadata, object>();

/**
 * The prototype for entities the unit of work builds itself (loaded rows and references, made with
 * `Object.create`): the class prototype, plus one layer that defines the to-one accessors once per
 * class instead of two closures per property per instance. The accessors read and write the
 * relation slots of the entity's state (still in the WeakMap, never on the entity). Entities made
 * with `new` cannot use it: their class fields would shadow it, so they get instance accessors.
 * Types without to-one properties use the class prototype itself.
 */
export function accessorPrototype(meta: EntityMetadata): object {
  let proto = accessorProtos.get(meta);
  if (proto) return proto;
  const toOne = meta.properties.filter((p): p is ToOneProperty => p.kind === 'm:1' || p.kind === '1:1');
  const through = meta.properties.filter((p): p is ManyThroughProperty => p.kind === 'through');
  proto = toOne.length || through.length ? Object.create(meta.class.prototype as object) as object : (meta.class.prototype as object);
  // No constructor runs for these entities, so a has-many-through (which the unit of work does not
  // manage) gets its collection here, bound and not loaded, on first read.
  for (const prop of through) {
    const own = (entity: object, value: unknown) => Object.defineProperty(entity, prop.name, { value, writable: true, enumerable: true, configurable: true });
    Object.defineProperty(proto, prop.name, {
      configurable: true,
      enumerable: true,
      get(this: object) {
        const coll = new Collection<object>(this);
        const state = getState(this);
        if (state) coll._attachThrough(prop, state.owner as CollectionHost, false);
        own(this, coll);
        return coll;
      },
      set(this: object, next: unknown) {
        own(this, next);
      },
    });
  }
  for (const prop of toOne) {
    const name = prop.name;
    Object.defineProperty(proto, name, {
      configurable: true,
      enumerable: true,
      get(this: object) {
        return getState(this)?.relations[name];
      },
      set(this: object, next: unknown) {
        const state = getState(this);
        if (!state) {
          // Not managed (cannot happen for objects the unit of work built, but stay a plain field then).
          Object.defineProperty(this, name, { value: next, writable: true, enumerable: true, configurable: true });
          return;
        }
        const previous = state.relations[name];
        if (previous === next) return;
        state.relations[name] = next;
        (state.owner as ToOneHost).onToOneSet(this, prop, previous, next);
      },
    });
  }
  accessorProtos.set(meta, proto);
  return proto;
}

/** Whether `entity` was built on `meta`'s accessor prototype (its to-one accessors need no install). */
export function usesAccessorPrototype(entity: object, meta: EntityMetadata): boolean {
  const proto = accessorProtos.get(meta);
  return proto !== undefined && Object.getPrototypeOf(entity) === proto;
}
