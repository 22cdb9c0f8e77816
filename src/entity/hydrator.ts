import type { EntityMetadata } from '../metadata/types.js';
import { columnProperties, type ColumnProperty } from '../unit-of-work/change-sets.js';
import { fromDatabaseValue } from './value-conversion.js';

interface CompiledHydrator {
  (row: Record<string, unknown>): Record<string, unknown>;
}

const cache = new WeakMap<EntityMetadata, CompiledHydrator>();

/**
 * Row (keyed by column name) → property values: scalars converted to their JS type, to-one
 * relations as primary key arrays (or null). Compiled once per entity: a flat list of column reads
 * with no per-row metadata lookups.
 */
export function rowToValues(meta: EntityMetadata, row: Record<string, unknown>): Record<string, unknown> {
  let h = cache.get(meta);
  if (!h) cache.set(meta, (h = compile(columnProperties(meta))));
  return h(row);
}

function compile(props: readonly ColumnProperty[]): CompiledHydrator {
  const readers = props.map((p) => {
    if (p.kind === 'scalar') {
      const col = p.column.name;
      const type = p.type;
      const name = p.name;
      return (row: Record<string, unknown>, out: Record<string, unknown>) => {
        if (col in row) out[name] = fromDatabaseValue(type, row[col]);
      };
    }
    const cols = p.joinColumns.map((c) => [c.name, c.type] as const);
    const name = p.name;
    return (row: Record<string, unknown>, out: Record<string, unknown>) => {
      if (!(cols[0]![0] in row)) return;
      const key: unknown[] = [];
      for (const [c, t] of cols) {
        const v = row[c];
        if (v === null || v === undefined) {
          out[name] = null;
          return;
        }
        key.push(fromDatabaseValue(t, v));
      }
      out[name] = key;
    };
  });
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const r of readers) r(row, out);
    return out;
  };
}
