import { Collection } from './collection.js';
import { getState } from './entity-state.js';
import { primaryKeyValues } from './primary-key.js';

/**
 * An entity as plain data. Populated relations are nested; a relation that is not loaded appears as
 * its primary key (collections: omitted when not loaded); `hidden` properties are left out; an
 * entity met again on the current path is written as its key, which cuts cycles.
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
    const value = record[p.name];
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
      case 'm:n':
        if (value instanceof Collection && value.isInitialized()) out[p.name] = value.getItems().map((item) => relatedValue(item, path));
        break;
    }
  }
  path.delete(entity);
  return out;
}

function relatedValue(value: unknown, path: Set<object>): unknown {
  if (value === null || typeof value !== 'object') return value ?? null;
  const state = getState(value);
  if (!state) return value;
  const key = primaryKeyValues(state.meta, value);
  const keyValue = key ? (key.length === 1 ? key[0] : key) : null;
  if (!state.initialized || path.has(value)) return keyValue;
  return serialize(value, path);
}
