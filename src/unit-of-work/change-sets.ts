import type { ColumnType, EntityMetadata, ManyToOneProperty, OneToOneOwnerProperty, ScalarProperty } from '../metadata/types.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { sameValue, snapshotValue } from '../entity/value-conversion.js';
import { keyOf } from './identity-map.js';

/** The properties written to the entity's own table: scalars and FK-holding to-ones. */
export type ColumnProperty = ScalarProperty | ManyToOneProperty | OneToOneOwnerProperty;

const columnPropertiesCache = new WeakMap<EntityMetadata, readonly ColumnProperty[]>();

/** Scalars and FK-holding to-ones of `meta`, in declaration order (computed once per entity type). */
export function columnProperties(meta: EntityMetadata): readonly ColumnProperty[] {
  let props = columnPropertiesCache.get(meta);
  if (!props) {
    // Not frozen (the type says read-only): V8 walks a frozen array several times slower, and
    // every flush and hydration walks this one per entity.
    props = meta.properties.filter((p): p is ColumnProperty => p.kind === 'scalar' || p.kind === 'm:1' || (p.kind === '1:1' && p.owner));
    columnPropertiesCache.set(meta, props);
  }
  return props;
}

/** Builds the snapshot of an entity's column properties (what `snapshotValue` keeps of each). */
export type SnapshotBuilder = (entity: Record<string, unknown>) => Record<string, unknown>;

const snapshotBuilders = new WeakMap<EntityMetadata, SnapshotBuilder>();

/**
 * The snapshot of all column properties of `meta`'s entities, compiled once per type into one
 * object literal (one shape for every snapshot, no per-property calls for plain values): scalars
 * as `snapshotValue` keeps them, to-ones as the related entity or null.
 */
export function snapshotBuilder(meta: EntityMetadata): SnapshotBuilder {
  let build = snapshotBuilders.get(meta);
  if (build) return build;
  const types: ColumnType[] = [];
  const fields = columnProperties(meta).map((p) => {
    const v = `e[${JSON.stringify(p.name)}]`;
    let expr: string;
    if (p.kind !== 'scalar' || !(p.type === 'json' || p.type === 'datetime' || p.type === 'timestamptz' || typeof p.type !== 'string')) expr = `${v} ?? null`;
    else expr = `sv(types[${types.push(p.type) - 1}], ${v})`;
    return `${JSON.stringify(p.name)}: ${expr}`;
  });
  build = new Function('sv', 'types', `return function snapshot(e) {\n  return { ${fields.join(', ')} };\n};`)(snapshotValue, types) as SnapshotBuilder;
  snapshotBuilders.set(meta, build);
  return build;
}

/** One row to write: an INSERT with every value, an UPDATE with the changed ones, or a DELETE. */
export interface ChangeSet {
  readonly type: 'insert' | 'update' | 'delete';
  readonly meta: EntityMetadata;
  readonly entity: object;
  /**
   * Property name → new value (a to-one's value is the related entity or null). In an update or a
   * delete, a primary key property appears only when the entity's key was changed after it was
   * loaded: validation rejects that before any SQL (see `keyChanges`).
   */
  readonly payload: Readonly<Record<string, unknown>>;
  /**
   * The values the row had when it was loaded or last written (update and delete; undefined for an
   * insert, and for a reference never loaded). Writes address the row by the key in here, never by
   * the entity's current fields.
   */
  readonly snapshot?: Readonly<Record<string, unknown>>;
}

/** What change-set computation needs to know of one entity; nothing here is read from a database. */
export interface EntityView {
  readonly meta: EntityMetadata;
  readonly entity: object;
  readonly status: 'new' | 'managed' | 'removed';
  readonly initialized: boolean;
  /** Values the database holds (see EntityState.snapshot). */
  readonly snapshot?: Readonly<Record<string, unknown>>;
  /** Identity-map key the entity was registered under (see EntityState.key). */
  readonly key?: string;
}

/**
 * Computes the change sets of a flush. Pure: it reads the entities and their snapshots and
 * returns what must be written, mutating nothing.
 *
 * - new entities: an insert with all column properties that are not undefined;
 * - managed entities: an update with the properties whose value differs from the snapshot (for a
 *   reference that was never loaded, only properties that were given a value);
 * - removed entities: a delete.
 */
export function computeChangeSets(views: Iterable<EntityView>): ChangeSet[] {
  const out: ChangeSet[] = [];
  for (const v of views) {
    const cs = changeSetOf(v.meta, v.entity, v.status, v.initialized, v.snapshot, v.key);
    if (cs) out.push(cs);
  }
  return out;
}

/** The change set of one entity (see {@link computeChangeSets}), or undefined when it has none. */
export function changeSetOf(
  meta: EntityMetadata,
  entity: object,
  status: EntityView['status'],
  initialized: boolean,
  snapshot: Readonly<Record<string, unknown>> | undefined,
  key?: string,
): ChangeSet | undefined {
  switch (status) {
    case 'new':
      return { type: 'insert', meta, entity, payload: insertPayload(meta, entity), snapshot: undefined };
    case 'managed': {
      const payload = updatePayload(meta, entity, initialized, snapshot, key);
      return payload ? { type: 'update', meta, entity, payload, snapshot } : undefined;
    }
    case 'removed':
      return snapshot || !initialized ? { type: 'delete', meta, entity, payload: changedKey(meta, entity, snapshot, key) ?? EMPTY, snapshot } : undefined;
  }
}

/**
 * Whether a key value is the one loaded: the identity map lets `1` and `'1'` meet, and so does
 * this (both address the same row).
 */
function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  // A datetime key's snapshot is its epoch milliseconds (see snapshotValue).
  if (a instanceof Date && typeof b === 'number') return a.getTime() === b;
  const ta = typeof a;
  return (ta === 'number' || ta === 'string' || ta === 'bigint') && String(a) === String(b);
}

/**
 * The primary key properties of a loaded entity whose value differs from the key it was loaded
 * under (property → current value), or undefined when the key is as loaded. Compared with the
 * snapshot when it holds the key, else with the identity-map key (references never loaded).
 */
function changedKey(
  meta: EntityMetadata,
  entity: object,
  snapshot: Readonly<Record<string, unknown>> | undefined,
  key: string | undefined,
): Record<string, unknown> | undefined {
  const record = entity as Record<string, unknown>;
  // Index loops: the key list is frozen, which V8 iterates slowly, and this runs per removed entity.
  const keys = meta.primaryKeys;
  let out: Record<string, unknown> | undefined;
  let inSnapshot = snapshot !== undefined;
  for (let i = 0; inSnapshot && i < keys.length; i++) if (snapshot![keys[i]!.name] === undefined) inSnapshot = false;
  if (inSnapshot) {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = record[k.name];
      const b = snapshot![k.name];
      if (v === b) continue;
      if (k.kind !== 'scalar' || !sameKey(v, b)) (out ??= {})[k.name] = v;
    }
    return out;
  }
  if (key === undefined) return undefined;
  const now = primaryKeyValues(meta, entity);
  if (now && keyOf(now) === key) return undefined;
  for (let i = 0; i < keys.length; i++) (out ??= {})[keys[i]!.name] = record[keys[i]!.name];
  return out;
}

/** A property the database maintains on every write (`generated: 'always'`): never written. */
function databaseMade(p: ColumnProperty): boolean {
  return p.kind === 'scalar' && p.generated === 'always';
}

/** The payload of every delete whose key is as loaded (one shared object: see `keyChangeFailures`). */
export const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

function insertPayload(meta: EntityMetadata, entity: object): Record<string, unknown> {
  const record = entity as Record<string, unknown>;
  const payload: Record<string, unknown> = {};
  for (const p of columnProperties(meta)) {
    const value = record[p.name];
    if (value !== undefined && !databaseMade(p)) payload[p.name] = value;
  }
  return payload;
}

function updatePayload(
  meta: EntityMetadata,
  entity: object,
  initialized: boolean,
  snapshot: Readonly<Record<string, unknown>> | undefined,
  key: string | undefined,
): Record<string, unknown> | undefined {
  if (initialized && snapshot) return updateDiffer(meta)(entity as Record<string, unknown>, snapshot);
  const record = entity as Record<string, unknown>;
  const snap = snapshot ?? {};
  let payload = changedKey(meta, entity, snapshot, key);
  for (const p of columnProperties(meta)) {
    if (p.primary || databaseMade(p)) continue;
    const value = record[p.name];
    if (value === undefined) continue;
    const before = snap[p.name];
    if (!initialized && !(p.name in snap)) {
      (payload ??= {})[p.name] = value;
      continue;
    }
    const same = p.kind === 'scalar' ? sameValue(p.type, value, before) : (value ?? null) === (before ?? null);
    if (!same) (payload ??= {})[p.name] = value;
  }
  return payload;
}

/** The update payload of a loaded entity against its snapshot (see `updatePayload`), compiled per type. */
type UpdateDiffer = (entity: Record<string, unknown>, snapshot: Readonly<Record<string, unknown>>) => Record<string, unknown> | undefined;

const updateDiffers = new WeakMap<EntityMetadata, UpdateDiffer>();

/** Types whose values compare with `===` alone (null and a missing snapshot value aside). */
const PLAIN_TYPES: ReadonlySet<string> = new Set(['string', 'text', 'uuid', 'integer', 'float', 'boolean', 'date']);

/**
 * `updatePayload` for an initialized entity with a snapshot, compiled once per type into straight
 * code: one comparison per column property and no call for plain values. Change detection runs for
 * every managed entity on every flush, so this is the comparator of the hot path. It must agree
 * with `sameValue` (checked by the change-set tests, which go through both paths).
 */
function updateDiffer(meta: EntityMetadata): UpdateDiffer {
  let diff = updateDiffers.get(meta);
  if (diff) return diff;
  // A key property differs only when it was changed after loading (undefined and null included):
  // validation turns that into an error, so a write never goes to the row of the new key.
  const keyLines = columnProperties(meta)
    .filter((p) => p.primary)
    .map((p) => {
      const key = JSON.stringify(p.name);
      const changed = p.kind === 'scalar' ? `v !== b && !sameKey(v, b)` : `v !== b`;
      return `  b = s[${key}];\n  if (b !== undefined) { v = e[${key}]; if (${changed}) (payload ??= {})[${key}] = v; }`;
    });
  const types: ColumnType[] = [];
  const lines = columnProperties(meta)
    .filter((p) => !p.primary && !databaseMade(p))
    .map((p) => {
      const key = JSON.stringify(p.name);
      let changed: string;
      // Same as sameValue(): equal, or null against null/missing; anything else differs.
      if (p.kind !== 'scalar') changed = `v !== (b ?? null)`;
      else if (typeof p.type === 'string' && PLAIN_TYPES.has(p.type)) changed = `v !== b && !(v === null && b == null)`;
      else changed = `!same(types[${types.push(p.type) - 1}], v, b)`;
      return `  v = e[${key}];\n  if (v !== undefined) { b = s[${key}]; if (${changed}) (payload ??= {})[${key}] = v; }`;
    });
  diff = new Function('same', 'sameKey', 'types', `return function diff(e, s) {\n  let payload, v, b;\n${[...keyLines, ...lines].join('\n')}\n  return payload;\n};`)(sameValue, sameKey, types) as UpdateDiffer;
  updateDiffers.set(meta, diff);
  return diff;
}
