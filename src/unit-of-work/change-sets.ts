import type { EntityMetadata, ManyToOneProperty, OneToOneOwnerProperty, ScalarProperty } from '../metadata/types.js';
import { sameValue } from '../entity/value-conversion.js';

/** The properties written to the entity's own table: scalars and FK-holding to-ones. */
export type ColumnProperty = ScalarProperty | ManyToOneProperty | OneToOneOwnerProperty;

const columnPropertiesCache = new WeakMap<EntityMetadata, readonly ColumnProperty[]>();

/** Scalars and FK-holding to-ones of `meta`, in declaration order (computed once per entity type). */
export function columnProperties(meta: EntityMetadata): readonly ColumnProperty[] {
  let props = columnPropertiesCache.get(meta);
  if (!props) {
    props = Object.freeze(
      meta.properties.filter((p): p is ColumnProperty => p.kind === 'scalar' || p.kind === 'm:1' || (p.kind === '1:1' && p.owner)),
    );
    columnPropertiesCache.set(meta, props);
  }
  return props;
}

/** One row to write: an INSERT with every value, an UPDATE with the changed ones, or a DELETE. */
export interface ChangeSet {
  readonly type: 'insert' | 'update' | 'delete';
  readonly meta: EntityMetadata;
  readonly entity: object;
  /** Property name → new value (a to-one's value is the related entity or null). */
  readonly payload: Readonly<Record<string, unknown>>;
}

/** What change-set computation needs to know of one entity; nothing here is read from a database. */
export interface EntityView {
  readonly meta: EntityMetadata;
  readonly entity: object;
  readonly status: 'new' | 'managed' | 'removed';
  readonly initialized: boolean;
  /** Values the database holds (see EntityState.snapshot). */
  readonly snapshot?: Readonly<Record<string, unknown>>;
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
    switch (v.status) {
      case 'new':
        out.push({ type: 'insert', meta: v.meta, entity: v.entity, payload: insertPayload(v) });
        break;
      case 'managed': {
        const payload = updatePayload(v);
        if (payload) out.push({ type: 'update', meta: v.meta, entity: v.entity, payload });
        break;
      }
      case 'removed':
        if (v.snapshot || !v.initialized) out.push({ type: 'delete', meta: v.meta, entity: v.entity, payload: {} });
        break;
    }
  }
  return out;
}

function insertPayload(v: EntityView): Record<string, unknown> {
  const record = v.entity as Record<string, unknown>;
  const payload: Record<string, unknown> = {};
  for (const p of columnProperties(v.meta)) {
    const value = record[p.name];
    if (value !== undefined) payload[p.name] = value;
  }
  return payload;
}

function updatePayload(v: EntityView): Record<string, unknown> | undefined {
  const record = v.entity as Record<string, unknown>;
  const snap = v.snapshot ?? {};
  let payload: Record<string, unknown> | undefined;
  for (const p of columnProperties(v.meta)) {
    if (p.kind === 'scalar' ? p.primary : p.primary) continue;
    const value = record[p.name];
    if (value === undefined) continue;
    const before = snap[p.name];
    if (!v.initialized && !(p.name in snap)) {
      (payload ??= {})[p.name] = value;
      continue;
    }
    const same = p.kind === 'scalar' ? sameValue(p.type, value, before) : (value ?? null) === (before ?? null);
    if (!same) (payload ??= {})[p.name] = value;
  }
  return payload;
}
