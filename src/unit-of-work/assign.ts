import { Collection } from '../entity/collection.js';
import { getState } from '../entity/entity-state.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { UsageError } from '../errors/usage-error.js';
import { ValidationError, type ValidationFailure } from '../errors/validation-error.js';
import type { ToOneProperty } from '../entity/to-one-accessors.js';
import type { EntityMetadata, ManyToManyProperty, OneToManyProperty } from '../metadata/types.js';
import type { UnitOfWork } from './unit-of-work.js';

const hasOwn = Object.prototype.hasOwnProperty;

export interface AssignOptions<T> {
  /**
   * Mass-assignment protection: only these keys are taken from the data. It applies to the top
   * level: the nested data of a listed relation (`profile: { bio }`) is taken as given.
   */
  fields?: readonly (keyof T & string)[];
}

type How = 'create' | 'assign';

/** A new managed entity of `meta`, recorded in `created` (to be dropped again if the call fails). */
export function newEntity(uow: UnitOfWork, meta: EntityMetadata, created: object[]): object {
  const instance = new (meta.class as new () => object)();
  uow.manage(instance, meta, 'new', true);
  created.push(instance);
  return instance;
}

/**
 * Copies `data` onto `entity` for `em.create` / `em.assign`. Relation values may be entities,
 * references, primary keys, or plain objects of the related entity's data (nested data):
 *
 * - an object without the related primary key creates a new related entity, except that `assign`
 *   onto a to-one that holds a loaded entity updates that entity's properties in place;
 * - an object with the key (and nothing else) is a reference; with more properties, they are
 *   assigned to that entity, which must be loaded in this EntityManager.
 *
 * Every key of every level is checked before anything is set. Entities it creates are pushed to
 * `created`, so that the caller can drop them if a later step fails.
 */
export function assignData(uow: UnitOfWork, meta: EntityMetadata, entity: object, data: Record<string, unknown>, options: AssignOptions<object>, how: How, created: object[]): void {
  const allowed = options.fields ? new Set<string>(options.fields as readonly string[]) : undefined;
  // Every key is checked before anything is set: a rejected call leaves the entity as it was.
  const unknown: ValidationFailure[] = [];
  checkKnownKeys(meta, data, allowed, how, '', unknown);
  if (unknown.length) throw new ValidationError(unknown, 'UNKNOWN_PROPERTY');
  assignLevel(uow, meta, entity, data, allowed, how, created);
}

function assignLevel(uow: UnitOfWork, meta: EntityMetadata, entity: object, data: Record<string, unknown>, allowed: ReadonlySet<string> | undefined, how: How, created: object[]): void {
  const record = entity as Record<string, unknown>;
  const byName = meta.propertiesByName;
  // An entity with a row (loaded, or a reference to one) keeps its key; a new one takes any.
  const status = getState(entity)?.status;
  const loaded = how === 'assign' && (status === 'managed' || status === 'removed');
  if (loaded) {
    // The key of a row that exists addresses that row: mass assignment must not move it. Checked
    // first, so that a refused assign changes nothing.
    let rejected: ValidationFailure[] | undefined;
    for (const k of meta.primaryKeys) {
      if (!hasOwn.call(data, k.name) || (allowed && !allowed.has(k.name))) continue;
      const value = data[k.name];
      const given = k.kind === 'scalar' || value === null || value === undefined ? value : uow.resolveItem(k as never, value);
      const failure = keyAssignFailure(meta, k, record[k.name], given);
      if (failure) (rejected ??= []).push(failure);
    }
    if (rejected) throw new ValidationError(rejected);
  }
  if (!allowed && !loaded) {
    // The usual em.create: scalars written by the type's compiled assigner, the rest below.
    scalarAssigner(meta)(entity, data, uow, meta, how, created);
    return;
  }
  // for...in with an own-property check visits what Object.entries would, without an array per key
  // (this runs once per em.create).
  for (const key in data) {
    if (!hasOwn.call(data, key)) continue;
    if (allowed && !allowed.has(key)) continue;
    const prop = byName[key]!;
    // Checked (and refused as a whole) before this loop.
    if (loaded && 'primary' in prop && prop.primary) continue;
    assignProperty(uow, meta, entity, key, data[key], how, created);
  }
}

/** Sets one (known) property of `entity` from data: the per-key step of {@link assignLevel}. */
function assignProperty(uow: UnitOfWork, meta: EntityMetadata, entity: object, key: string, value: unknown, how: How, created: object[]): void {
  const record = entity as Record<string, unknown>;
  const prop = meta.propertiesByName[key]!;
  switch (prop.kind) {
    case 'scalar':
      record[key] = value;
      break;
    case 'm:1':
    case '1:1':
      record[key] = value === undefined ? undefined : value === null ? null : relationValue(uow, meta, prop, value, how === 'assign' ? record[key] : undefined, created);
      break;
    case '1:m':
    case 'm:n': {
      const coll = record[key] as Collection<object>;
      if (value instanceof Collection) coll.set(value.isInitialized() ? value.getItems() : []);
      else if (Array.isArray(value)) coll.set(value.map((item) => (isNestedData(item) ? relationValue(uow, meta, prop, item, undefined, created) : item)));
      else throw new UsageError('BAD_ASSIGN', `${meta.name}.${key} is a collection; assign an array of entities, primary keys or data objects, got ${typeof value}.`);
      break;
    }
    case 'through':
      throw new UsageError(
        'READ_ONLY_RELATION',
        `${meta.name}.${key} is a has-many-through (along '${prop.hops.map((h) => h.name).join('.')}') and is read-only: em.${how} cannot set it. Change the relations along the path instead.`,
      );
  }
}

type ScalarAssigner = (entity: object, data: Record<string, unknown>, uow: UnitOfWork, meta: EntityMetadata, how: How, created: object[]) => void;

const scalarAssigners = new WeakMap<EntityMetadata, ScalarAssigner>();

/**
 * {@link assignLevel}'s loop for one type, generated once: a scalar key is a `case` that stores by
 * its fixed name; every other key goes to {@link assignProperty}. The generic loop looked each key
 * up in the type's property table and stored by a computed name, which V8 handles the slow way:
 * about 1 µs per em.create of a five-column entity, against a fraction of that here.
 */
function scalarAssigner(meta: EntityMetadata): ScalarAssigner {
  let assign = scalarAssigners.get(meta);
  if (assign) return assign;
  const cases = meta.properties
    .filter((p) => p.kind === 'scalar')
    .map((p) => `      case ${JSON.stringify(p.name)}: e[${JSON.stringify(p.name)}] = data[key]; break;`);
  assign = new Function(
    'hasOwn',
    'assignProperty',
    `return function assign(e, data, uow, meta, how, created) {
  for (const key in data) {
    if (!hasOwn.call(data, key)) continue;
    switch (key) {
${cases.join('\n')}
      default: assignProperty(uow, meta, e, key, data[key], how, created);
    }
  }
};`,
  )(hasOwn, assignProperty) as ScalarAssigner;
  scalarAssigners.set(meta, assign);
  return assign;
}

/**
 * A relation value as the entity it stands for. `current` is the to-one's value before an
 * `assign` (undefined for `create` and collections).
 */
function relationValue(
  uow: UnitOfWork,
  owner: EntityMetadata,
  prop: ToOneProperty | OneToManyProperty | ManyToManyProperty,
  value: unknown,
  current: unknown,
  created: object[],
): object {
  if (!isNestedData(value)) return uow.resolveItem(prop as never, value);
  const target = prop.target;
  const data = value as Record<string, unknown>;
  const hasKey = target.primaryKeys.every((k) => data[k.name] !== undefined && data[k.name] !== null);
  if (!hasKey) {
    if (current !== null && current !== undefined) {
      const state = getState(current);
      if (state?.initialized) {
        // assign({ profile: { bio } }) on a user whose profile is loaded: that profile changes.
        assignLevel(uow, target, current, data, undefined, 'assign', created);
        return current;
      }
      throw new UsageError(
        'NESTED_UNLOADED',
        `em.assign got ${target.name} data for ${owner.name}.${prop.name}, whose ${target.name} is not loaded, so its properties cannot be updated in place. ` +
          `Load it first (populate: ['${prop.name}'] or await wrap(entity.${prop.name}).init()), or pass its key to update that row.`,
      );
    }
    const child = newEntity(uow, target, created);
    assignLevel(uow, target, child, data, undefined, 'create', created);
    return child;
  }
  const ref = uow.resolveItem(prop as never, data);
  const rest = Object.keys(data).filter((k) => !target.primaryKeys.some((p) => p.name === k));
  if (!rest.length) return ref;
  if (!getState(ref)?.initialized) {
    throw new UsageError(
      'NESTED_UNLOADED',
      `${owner.name}.${prop.name} got ${target.name} data with a key (${(primaryKeyValues(target, ref) ?? []).join('/')}) and other properties (${rest.join(', ')}), ` +
        `but that ${target.name} is not loaded in this EntityManager, so they cannot be applied. Load it first (em.findOne(${target.name}, key)), ` +
        'or pass only its key to link it.',
    );
  }
  const only: Record<string, unknown> = {};
  for (const k of rest) only[k] = data[k];
  assignLevel(uow, target, ref, only, undefined, 'assign', created);
  return ref;
}

/**
 * Plain data for a related entity (`{ bio: 'x' }`), as opposed to an entity, a reference, a key,
 * a Date or an array: an object whose prototype is Object's (or none) and that no EntityManager
 * manages.
 */
function isNestedData(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || getState(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Collects a failure for every key of `data` (own keys, `__proto__` included) that is not a
 * property of the entity, at every level of nested data. `propertiesByName` has no prototype, so
 * `constructor` or `toString` are unknown like any other name.
 */
function checkKnownKeys(meta: EntityMetadata, data: Record<string, unknown>, allowed: ReadonlySet<string> | undefined, how: How, path: string, out: ValidationFailure[]): void {
  const byName = meta.propertiesByName;
  for (const key in data) {
    if (!hasOwn.call(data, key) || (allowed && !allowed.has(key))) continue;
    const prop = byName[key];
    if (prop === undefined) {
      out.push({
        entity: meta.name,
        property: key,
        value: data[key],
        rule: 'unknown_property',
        message: `${meta.name}.${key} does not exist (em.${how}${path ? `, in ${path}` : ''}). Known properties: ${meta.properties.map((p) => p.name).join(', ')}.`,
      });
      continue;
    }
    if (prop.kind === 'scalar' || prop.kind === 'through') continue;
    const value = data[key];
    const at = `${path || meta.name}.${key}`;
    if (isNestedData(value)) checkKnownKeys(prop.target, value as Record<string, unknown>, undefined, how, at, out);
    else if (Array.isArray(value)) value.forEach((item, i) => isNestedData(item) && checkKnownKeys(prop.target, item as Record<string, unknown>, undefined, how, `${at}[${i}]`, out));
  }
}

/**
 * `em.assign` of a key property onto an entity that has a row: the same key is no change and is
 * skipped; another one is a failure (the row stays where it is, see unit-of-work/key-changes.ts).
 */
function keyAssignFailure(meta: EntityMetadata, prop: { name: string; kind: string }, current: unknown, given: unknown): ValidationFailure | undefined {
  if (given === undefined || given === current) return undefined;
  const primitive = (v: unknown) => typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint';
  if (primitive(given) && primitive(current) && String(given) === String(current)) return undefined;
  const shown = (v: unknown) => (v !== null && typeof v === 'object' ? (primaryKeyValues(getState(v)?.meta ?? meta, v) ?? ['?']).join('/') : JSON.stringify(v) ?? String(v));
  return {
    entity: meta.name,
    property: prop.name,
    value: given,
    rule: 'primary_key',
    message:
      `${meta.name}.${prop.name} is the primary key of a loaded ${meta.name} (${shown(current)}); em.assign got ${shown(given)}. ` +
      `A row's key cannot be reassigned: leave ${prop.name} out of the data (or list the allowed keys in { fields: [...] }), ` +
      `or load the ${meta.name} with that key instead.`,
  };
}
