import type { ManyToManyProperty } from '../metadata/types.js';
import { Collection, existingCollection } from './collection.js';
import { getLinkValues, getState } from './entity-state.js';
import { primaryKeyValues } from './primary-key.js';

/**
 * An entity as plain data. Populated relations are nested; a relation that is not loaded appears as
 * its primary key (collections: omitted when not loaded); `hidden` properties are left out; an
 * entity met again on the current path is written as its key, which cuts cycles.
 *
 * Loaded extras go under `$`-keys, which no property name is likely to take: relation counts as
 * `$counts: { comments: 3 }`, and an item of a populated many-to-many with a `through` entity
 * carries its link's values as `$pivot: { since: 2020 }`.
 */
export function serialize(entity: object, path: Set<object> = new Set()): Record<string, unknown> {
  const state = getState(entity);
  if (!state) return { ...(entity as Record<string, unknown>) };
  const meta = state.meta;
  const record = entity as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  path.add(entity);
  for (const p of meta.properties) {
    if (p.hidden) continue;
    // A collection never read was never loaded: left out without making one (see existingCollection).
    const value = p.kind === '1:m' || p.kind === 'm:n' ? existingCollection(entity, p.name) : record[p.name];
    switch (p.kind) {
      case 'scalar':
        if (value !== undefined) out[p.name] = typeof value === 'bigint' ? value.toString() : value;
        break;
      case 'm:1':
      case '1:1':
        if (value === undefined) break;
        out[p.name] = relatedValue(value, path);
        break;
      case '1:m':
      case 'through':
        if (value instanceof Collection && value.isInitialized()) out[p.name] = value.getItems().map((item) => relatedValue(item, path));
        break;
      case 'm:n':
        if (value instanceof Collection && value.isInitialized()) {
          out[p.name] = value.getItems().map((item) => withPivot(relatedValue(item, path), entity, p, item));
        }
        break;
    }
  }
  if (state.counts) out.$counts = { ...state.counts };
  path.delete(entity);
  return out;
}

function withPivot(serialized: unknown, owner: object, p: ManyToManyProperty, item: object): unknown {
  const through = p.pivot.through;
  if (!through || serialized === null || typeof serialized !== 'object' || Array.isArray(serialized)) return serialized;
  const values = p.owner ? getLinkValues(owner, p.name, item) : getLinkValues(item, p.mappedBy!, owner);
  if (!values) return serialized;
  const pivot: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(values)) {
    const prop = through.propertiesByName[name];
    if (!prop || prop.hidden) continue;
    pivot[name] = typeof v === 'bigint' ? v.toString() : v !== null && typeof v === 'object' && getState(v) ? keyOf(v) : v;
  }
  return { ...(serialized as Record<string, unknown>), $pivot: pivot };
}

function keyOf(entity: object): unknown {
  const state = getState(entity)!;
  const key = primaryKeyValues(state.meta, entity);
  return key ? (key.length === 1 ? key[0] : key) : null;
}

function relatedValue(value: unknown, path: Set<object>): unknown {
  if (value === null || typeof value !== 'object') return value ?? null;
  const state = getState(value);
  if (!state) return value;
  if (!state.initialized || path.has(value)) return keyOf(value);
  return serialize(value, path);
}
