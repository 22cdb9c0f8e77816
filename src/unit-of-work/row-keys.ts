import { primaryKeyValues } from '../entity/primary-key.js';
import { toDatabaseValue } from '../entity/value-conversion.js';
import type { ColumnType, Dialect, EntityMetadata } from '../metadata/types.js';
import type { TypedColumn } from '../query/dml.js';
import type { ChangeSet } from './change-sets.js';

// How a flush addresses the rows it writes: by the key they were loaded with, converted for the
// key columns, computed once per entity type.

/**
 * Where the key of an update's or a delete's row is read: the snapshot (the values the row was
 * loaded or last written with), so that a key changed in memory never redirects the write; the
 * entity itself for inserts and for references never loaded (whose key the unit of work checked
 * against the identity map).
 */
export function rowOf(meta: EntityMetadata, cs: ChangeSet): object {
  const snap = cs.snapshot;
  if (!snap) return cs.entity;
  const keys = meta.primaryKeys;
  for (let i = 0; i < keys.length; i++) {
    const v = snap[keys[i]!.name];
    if (v === undefined || v === null) return cs.entity;
  }
  return snap;
}

/** The key property of a type whose primary key is one scalar column. */
export interface SingleKey {
  readonly name: string;
  readonly type: ColumnType;
}

const singleKeyCache = new WeakMap<EntityMetadata, SingleKey | null>();

/** The key property when the primary key is one scalar column. */
export function singleKeyOf(meta: EntityMetadata): SingleKey | undefined {
  let k = singleKeyCache.get(meta);
  if (k === undefined) {
    const only = meta.primaryKeys.length === 1 ? meta.primaryKeys[0]! : undefined;
    k = only && only.kind === 'scalar' ? { name: only.name, type: only.type } : null;
    singleKeyCache.set(meta, k);
  }
  return k ?? undefined;
}

/**
 * Appends the key of `entity` (of type `meta`, whose one scalar key property is `single` if it has
 * one: see `singleKeyOf`), converted for `columns`, to `out`; false (and nothing appended) when it
 * has none yet. A generated key counts before the entity has it.
 */
export function pushKey(
  meta: EntityMetadata,
  single: SingleKey | undefined,
  entity: object,
  columns: readonly { type: ColumnType }[],
  generated: ReadonlyMap<object, unknown[]>,
  dialect: Dialect,
  out: unknown[],
): boolean {
  if (single) {
    const g = generated.size ? generated.get(entity) : undefined;
    const v = g ? g[0] : (entity as Record<string, unknown>)[single.name];
    if (v === undefined || v === null) return false;
    out.push(toDatabaseValue(columns[0]!.type, v, dialect));
    return true;
  }
  const key = primaryKeyValues(meta, entity, generated);
  if (!key) return false;
  for (let i = 0; i < key.length; i++) out.push(toDatabaseValue(columns[i]!.type, key[i], dialect));
  return true;
}

const keyColumnsCache = new WeakMap<EntityMetadata, readonly TypedColumn[]>();

/** Primary key columns with their types, in key order (computed once per entity type). */
export function keyColumnsOf(meta: EntityMetadata): readonly TypedColumn[] {
  let cols = keyColumnsCache.get(meta);
  if (!cols) {
    cols = meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [{ name: k.column.name, type: k.type }] : k.joinColumns.map((c) => ({ name: c.name, type: c.type }))));
    keyColumnsCache.set(meta, cols);
  }
  return cols;
}
