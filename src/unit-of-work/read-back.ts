import { fromDatabaseValue } from '../entity/value-conversion.js';
import type { EntityMetadata, ScalarProperty } from '../metadata/types.js';
import { columnProperties } from './change-sets.js';

/**
 * Properties whose values the database makes and a flush reads back (`@Property({ generated })`):
 * after an insert every generated property (a value given in memory may still be changed by a
 * trigger), after an update the ones maintained on every write (`'always'`).
 */
export function readBackProperties(meta: EntityMetadata, write: 'insert' | 'update'): readonly ScalarProperty[] {
  const cache = write === 'insert' ? insertCache : updateCache;
  let props = cache.get(meta);
  if (!props) {
    props = columnProperties(meta).filter(
      // A generated key comes back with the other generated keys (CommitResult.generatedKeys).
      (p): p is ScalarProperty => p.kind === 'scalar' && !p.primary && p.generated !== undefined && (write === 'insert' || p.generated === 'always'),
    );
    cache.set(meta, props);
  }
  return props;
}

const insertCache = new WeakMap<EntityMetadata, readonly ScalarProperty[]>();
const updateCache = new WeakMap<EntityMetadata, readonly ScalarProperty[]>();

/** The values of `props` in a row the database returned, as the properties' JS types. */
export function readBackValues(props: readonly ScalarProperty[], row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of props) out[p.name] = fromDatabaseValue(p.type, row[p.column.name]);
  return out;
}

/**
 * One string per row key, alike for the key values a flush bound and those a database row returns
 * (`1` and `'1'` meet: a bigint key comes back as a string from some drivers).
 */
export function rowKey(values: readonly unknown[]): string {
  if (values.length === 1) return keyPart(values[0]);
  let s = '';
  for (let i = 0; i < values.length; i++) s += (i ? '\u0000' : '') + keyPart(values[i]);
  return s;
}

function keyPart(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString('hex');
  return String(v);
}
