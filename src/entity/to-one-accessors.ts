import type {
  EntityMetadata, ManyThroughProperty, ManyToManyProperty, ManyToOneProperty, OneToManyProperty, OneToOneProperty,
} from '../metadata/types.js';
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
 * state (a private field of the entity, never a property), and an assignment tells the state's owner.
 * Generated per property, so that each reads its slot by a fixed name: one shared function would
 * read `relations[name]` for every to-one of every type at one site, which V8 then looks up the
 * slow (megamorphic) way on every read of every relation.
 */
function toOneAccessor(prop: ToOneProperty): { get(this: object): unknown; set(this: object, next: unknown): void } {
  const key = JSON.stringify(prop.name);
  return new Function(
    'getState',
    'prop',
    'unmanaged',
    `return {
      get() {
        const state = getState(this);
        return state === undefined ? undefined : state.relations[${key}];
      },
      set(next) {
        const state = getState(this);
        if (state === undefined) return unmanaged(this, next);
        const previous = state.relations[${key}];
        if (previous === next) return;
        state.relations[${key}] = next;
        state.owner.onToOneSet(this, prop, previous, next);
      },
    };`,
  )(getState, prop, (entity: object, next: unknown) => {
    // Not managed (cannot happen for objects the unit of work built, but stay a plain field then).
    Object.defineProperty(entity, prop.name, { value: next, writable: true, enumerable: true, configurable: true });
  }) as { get(this: object): unknown; set(this: object, next: unknown): void };
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

/** Makes `value` an own data property of `entity`, shadowing the prototype's accessor. */
function own(entity: object, name: string, value: unknown): void {
  Object.defineProperty(entity, name, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Defines `name` on `proto` as a collection made on first read: an own property from then on (as a
 * class field would be), bound by `bind` when the entity is managed.
 */
function lazyCollection(proto: object, name: string, bind: (coll: Collection<object>, state: EntityState) => void): void {
  Object.defineProperty(proto, name, {
    configurable: true,
    enumerable: true,
    get(this: object) {
      const coll = new Collection<object>(this);
      // Own first: binding may propagate, and the other side must find this collection.
      own(this, name, coll);
      const state = getState(this);
      if (state) bind(coll, state);
      return coll;
    },
    set(this: object, next: unknown) {
      own(this, name, next);
      // A collection put in place of the one made here is bound like it (its queued changes then
      // reach the EntityManager, as a class field's would when the entity is persisted).
      const state = next instanceof Collection && next.owner === this && next._property === undefined ? getState(this) : undefined;
      if (state) bind(next as Collection<object>, state);
    },
  });
}

/**
 * The prototype for entities the unit of work builds itself (loaded rows and references, made by
 * the type's row constructor, see `RowHydrator.create`): the class prototype, plus one layer that defines the to-one accessors once per
 * class instead of two closures per property per instance. The accessors read and write the
 * relation slots of the entity's state (never an enumerable property of the entity). Entities made
 * with `new` cannot use it: their class fields would shadow it, so they get instance accessors.
 *
 * No constructor runs for these entities, so the layer also gives them their collections, made on
 * first read (then an own property, as a class field would be): most loaded entities never touch
 * most of their collections, and an unloaded collection per entity per property was a third of the
 * memory of a loaded entity. Types with neither use the class prototype itself.
 */
export function accessorPrototype(meta: EntityMetadata): object {
  let proto = accessorProtos.get(meta);
  if (proto) return proto;
  const toOne = meta.properties.filter((p): p is ToOneProperty => p.kind === 'm:1' || p.kind === '1:1');
  const through = meta.properties.filter((p): p is ManyThroughProperty => p.kind === 'through');
  const collections = meta.properties.filter((p): p is OneToManyProperty | ManyToManyProperty => p.kind === '1:m' || p.kind === 'm:n');
  const layered = toOne.length || through.length || collections.length;
  proto = layered ? (Object.create(meta.class.prototype as object) as object) : (meta.class.prototype as object);
  // A has-many-through (which the unit of work does not manage) gets its collection bound and not loaded.
  for (const prop of through) lazyCollection(proto, prop.name, (coll, state) => coll._attachThrough(prop, state.owner as CollectionHost, false));
  // Only a new entity's collection is complete; rows and references start unloaded.
  for (const prop of collections) lazyCollection(proto, prop.name, (coll, state) => coll._attach(prop, state.owner as CollectionHost, state.status === 'new'));
  for (const prop of toOne) Object.defineProperty(proto, prop.name, { configurable: true, enumerable: true, ...toOneAccessor(prop) });
  accessorProtos.set(meta, proto);
  return proto;
}

/** Whether `entity` was built on `meta`'s accessor prototype (its to-one accessors need no install). */
export function usesAccessorPrototype(entity: object, meta: EntityMetadata): boolean {
  const proto = accessorProtos.get(meta);
  return proto !== undefined && Object.getPrototypeOf(entity) === proto;
}
