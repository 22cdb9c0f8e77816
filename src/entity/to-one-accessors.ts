import type { EntityMetadata, ManyThroughProperty, ManyToOneProperty, OneToOneProperty } from '../metadata/types.js';
import { Collection, type CollectionHost } from './collection.js';
import { getState, type EntityState } from './entity-state.js';

export type ToOneProperty = ManyToOneProperty | OneToOneProperty;

/**
 * Turns the to-one properties of a managed entity into accessors on the instance itself, so that
 * assigning `post.author = user` can update `user.posts` in memory. Instance-level accessors work
 * whether class fields are defined (`useDefineForClassFields`) or assigned: an own accessor
 * replaces the own data property either way. The accessor functions are those of the accessor
 * prototype, shared by every entity of the type (they read the entity's state), so that making an
 * entity with `new` allocates no closures for them.
 */
export function installToOneAccessors(entity: object, meta: EntityMetadata, state: EntityState): void {
  if (state.accessors) return;
  state.accessors = true;
  const record = entity as Record<string, unknown>;
  for (const [name, descriptor] of toOneDescriptors(meta)) {
    const current = Object.prototype.hasOwnProperty.call(entity, name) ? record[name] : undefined;
    state.relations[name] = current;
    Object.defineProperty(entity, name, descriptor);
  }
}

const instanceDescriptors = new WeakMap<EntityMetadata, readonly (readonly [string, PropertyDescriptor])[]>();

/** The accessor descriptor of each to-one property of `meta`, made once per type. */
function toOneDescriptors(meta: EntityMetadata): readonly (readonly [string, PropertyDescriptor])[] {
  let list = instanceDescriptors.get(meta);
  if (!list) {
    list = meta.properties
      .filter((p): p is ToOneProperty => p.kind === 'm:1' || p.kind === '1:1')
      .map((p) => [p.name, { configurable: true, enumerable: true, ...toOneAccessor(p) }] as const);
    instanceDescriptors.set(meta, list);
  }
  return list;
}

/**
 * Getter and setter of a to-one property: the value lives in the relation slots of the entity's
 * state (in the WeakMap, never on the entity), and an assignment tells the state's owner.
 */
function toOneAccessor(prop: ToOneProperty): { get(this: object): unknown; set(this: object, next: unknown): void } {
  const name = prop.name;
  return {
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
  };
}

/** Sets a to-one value without triggering propagation (used while propagating, and by hydration). */
export function setToOneSilently(entity: object, state: EntityState, name: string, value: unknown): void {
  if (state.accessors) state.relations[name] = value;
  else (entity as Record<string, unknown>)[name] = value;
}

/** Who hears about to-one assignments on entities built from an accessor prototype: the state's owner. */
export interface ToOneHost {
  onToOneSet(entity: object, prop: ToOneProperty, previous: unknown, next: unknown): void;
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
  for (const prop of toOne) Object.defineProperty(proto, prop.name, { configurable: true, enumerable: true, ...toOneAccessor(prop) });
  accessorProtos.set(meta, proto);
  return proto;
}

/** Whether `entity` was built on `meta`'s accessor prototype (its to-one accessors need no install). */
export function usesAccessorPrototype(entity: object, meta: EntityMetadata): boolean {
  const proto = accessorProtos.get(meta);
  return proto !== undefined && Object.getPrototypeOf(entity) === proto;
}
