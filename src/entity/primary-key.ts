import { UsageError } from '../errors/usage-error.js';
import type { Dialect, EntityMetadata } from '../metadata/types.js';
import { valueProblem } from './value-rules.js';

/**
 * Primary key values of `entity` in primary key column order, or undefined while any part is
 * missing (a new entity before its INSERT). Relation parts (through entities) contribute the
 * target's key.
 */
export function primaryKeyValues(meta: EntityMetadata, entity: object, generated?: ReadonlyMap<object, unknown[]>): unknown[] | undefined {
  const fromGenerated = generated?.get(entity);
  if (fromGenerated) return fromGenerated;
  const keys = meta.primaryKeys;
  if (keys.length === 1 && keys[0]!.kind === 'scalar') {
    // The common case, without walking the (frozen, so slowly iterated) key list.
    const v = (entity as Record<string, unknown>)[keys[0]!.name];
    return v === undefined || v === null ? undefined : [v];
  }
  const out: unknown[] = [];
  for (const k of keys) {
    const v = (entity as Record<string, unknown>)[k.name];
    if (k.kind === 'scalar') {
      if (v === undefined || v === null) return undefined;
      out.push(v);
    } else {
      if (v === undefined || v === null || typeof v !== 'object') return undefined;
      const inner = primaryKeyValues(k.target, v, generated);
      if (!inner) return undefined;
      out.push(...inner);
    }
  }
  return out;
}

/**
 * Reads a primary key given by the user: a bare value, an array for composite keys, or an object
 * with the key properties (`{ id: 1 }`, `{ user: 1, car: 2 }`). Returns values in column order.
 */
export function normalizePrimaryKey(meta: EntityMetadata, input: unknown): unknown[] {
  const cols = meta.primaryKeyColumns.length;
  if (Array.isArray(input)) {
    if (input.length !== cols) throw badKey(meta, input);
    return input;
  }
  if (input !== null && typeof input === 'object' && !(input instanceof Date)) {
    const out: unknown[] = [];
    for (const k of meta.primaryKeys) {
      const v = (input as Record<string, unknown>)[k.name];
      if (v === undefined) throw badKey(meta, input);
      if (k.kind === 'scalar') out.push(v);
      else if (v !== null && typeof v === 'object') {
        const inner = primaryKeyValues(k.target, v) ?? normalizePrimaryKey(k.target, v);
        out.push(...inner);
      } else out.push(v);
    }
    return out;
  }
  if (cols !== 1 || input === undefined || input === null) throw badKey(meta, input);
  return [input];
}

/**
 * `normalizePrimaryKey(meta, input)`, each value checked against its key column as a criteria value
 * would be: a key the column cannot hold (`'abc'` for an integer key) is a `BAD_PRIMARY_KEY` error
 * here, not a database error (PostgreSQL) or a reference to no row (SQLite, MySQL) later.
 *
 * @example
 * checkedPrimaryKey(userMeta, 'abc', 'pg', 'em.getReference'); // throws: User.id must be an integer, got "abc" ...
 */
export function checkedPrimaryKey(meta: EntityMetadata, input: unknown, dialect: Dialect, call: string): unknown[] {
  const values = normalizePrimaryKey(meta, input);
  let i = 0;
  for (const k of meta.primaryKeys) {
    const columns = k.kind === 'scalar' ? [k.column] : k.joinColumns;
    for (const column of columns) {
      const v = values[i++];
      const problem = v === null ? undefined : valueProblem(column, v, dialect, 'criteria');
      if (problem) throw new UsageError('BAD_PRIMARY_KEY', `${call}(${meta.name}, ${safe(input)}): ${problem.message(`${meta.name}.${k.name}`)}`);
    }
  }
  return values;
}

function badKey(meta: EntityMetadata, input: unknown): UsageError {
  const shape = meta.primaryKeys.map((k) => k.name).join(', ');
  return new UsageError(
    'BAD_PRIMARY_KEY',
    `${String(safe(input))} is not a primary key of ${meta.name}. Pass ${meta.primaryKeys.length === 1 ? `a ${meta.primaryKeys[0]!.name} value` : `{ ${shape} } or [${shape}]`}.`,
  );
}

function safe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Writes generated key values back to the entity's scalar key properties. */
export function assignPrimaryKey(meta: EntityMetadata, entity: object, values: readonly unknown[]): void {
  const keys = meta.primaryKeys;
  if (keys.length === 1) {
    const k = keys[0]!;
    if (k.kind === 'scalar') (entity as Record<string, unknown>)[k.name] = values[0];
    return;
  }
  let i = 0;
  for (const k of keys) {
    if (k.kind === 'scalar') (entity as Record<string, unknown>)[k.name] = values[i++];
    else i += k.joinColumns.length;
  }
}
