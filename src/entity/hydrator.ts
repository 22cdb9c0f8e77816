import type { EntityMetadata, ColumnType } from '../metadata/types.js';
import { columnProperties, type ColumnProperty } from '../unit-of-work/change-sets.js';
import { accessorPrototype } from './to-one-accessors.js';
import { fromDatabaseValue, snapshotValue } from './value-conversion.js';

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

/** Resolves a to-one value to the managed target: by its single key value, or by its key values. */
export interface ReferenceResolver {
  one(target: EntityMetadata, value: unknown): object;
  many(target: EntityMetadata, values: unknown[]): object;
}

/**
 * Writes one row (keyed by column name) into an entity and returns the snapshot. Scalars go onto
 * the entity, to-one values (resolved references) into `relations`, the backing store of the to-one
 * accessors. A column the row does not have is left alone.
 */
export type RowWriter = (entity: object, row: Record<string, unknown>, relations: Record<string, unknown>, refs: ReferenceResolver) => Record<string, unknown>;

/** Identity-map key of a row, read straight from its key column(s); undefined when one is NULL. */
export type RowKey = (row: Record<string, unknown>) => string | undefined;

export interface RowHydrator {
  readonly key: RowKey;
  readonly write: RowWriter;
  /**
   * A new empty entity on the type's accessor prototype (see `accessorPrototype`). Made by a constructor of its own rather than `Object.create`, so
   * that V8 sizes the type's instances to the properties they get (slack tracking) and keeps them
   * inside the object, instead of a separate property store for an entity of more than four.
   */
  readonly create: () => object;
  /** Whether the type has to-one properties (else its states share an empty relations record). */
  readonly toOne: boolean;
}

const rowHydrators = new WeakMap<EntityMetadata, RowHydrator>();

/**
 * The per-entity-type hydrator, generated once: straight-line code with the column names,
 * property names and converters baked in, so a row costs no metadata walk, no intermediate values
 * object and no key array. Keys agree with `keyOf()` of the converted key values.
 */
export function rowHydrator(meta: EntityMetadata): RowHydrator {
  let h = rowHydrators.get(meta);
  if (!h) {
    h = {
      key: compileKey(meta),
      write: compileWriter(meta),
      create: instanceMaker(accessorPrototype(meta)),
      toOne: meta.properties.some((p) => p.kind === 'm:1' || p.kind === '1:1'),
    };
    rowHydrators.set(meta, h);
  }
  return h;
}

function instanceMaker(proto: object): () => object {
  // A plain function, not the entity's class: no constructor of the user's runs for loaded rows.
  const Entity = function (this: object) {} as unknown as new () => object;
  Entity.prototype = proto;
  return () => new Entity();
}

// Names come from metadata; JSON.stringify makes each a valid JS string literal whatever it holds.
const lit = (s: string) => JSON.stringify(s);

/** An expression converting the non-null raw value `v` to `type`, with the common driver shape inlined. */
function convert(type: ColumnType, v: string, fn: string): string {
  switch (type) {
    case 'integer':
    case 'float':
      return `(typeof ${v} === 'number' ? ${v} : ${fn}(${v}))`;
    case 'string':
    case 'text':
    case 'uuid':
      return `(typeof ${v} === 'string' ? ${v} : ${fn}(${v}))`;
    case 'boolean':
      return `(typeof ${v} === 'boolean' ? ${v} : ${fn}(${v}))`;
    case 'datetime':
    case 'timestamptz':
      return `(${v} instanceof Date ? ${v} : ${fn}(${v}))`;
    default:
      return `${fn}(${v})`;
  }
}

function converterFor(type: ColumnType): (v: unknown) => unknown {
  return (v) => fromDatabaseValue(type, v);
}

function compileKey(meta: EntityMetadata): RowKey {
  const cols = meta.primaryKeyColumns;
  const types = meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.type] : k.joinColumns.map((c) => c.type)));
  const fns = types.map(converterFor);
  const lines: string[] = [];
  const parts: string[] = [];
  cols.forEach((c, i) => {
    lines.push(`const v${i} = row[${lit(c)}];`, `if (v${i} === null || v${i} === undefined) return undefined;`);
    parts.push(`String(${convert(types[i]!, `v${i}`, `cv${i}`)})`);
  });
  const body = `${lines.join('\n')}\nreturn ${parts.join(` + '\\u0001' + `)};`;
  return new Function(...fns.map((_, i) => `cv${i}`), `return function rowKey(row) {\n${body}\n};`)(...fns) as RowKey;
}

function compileWriter(meta: EntityMetadata): RowWriter {
  const fns: ((v: unknown) => unknown)[] = [];
  const targets: EntityMetadata[] = [];
  const fn = (type: ColumnType) => `cv[${fns.push(converterFor(type)) - 1}]`;
  // A Type's snapshot copy (a Buffer or array edited in place must still show as a change).
  const snapshotFn = (type: ColumnType) => `cv[${fns.push((v) => snapshotValue(type, v)) - 1}]`;
  const target = (t: EntityMetadata) => `tg[${targets.push(t) - 1}]`;
  const lines: string[] = ['const s = {};', 'let v;'];
  for (const p of columnProperties(meta)) {
    const name = lit(p.name);
    if (p.kind === 'scalar') {
      const snap =
        p.type === 'datetime' || p.type === 'timestamptz'
          ? 'v === null ? null : v.getTime()'
          : p.type === 'json'
            ? 'v === null ? null : JSON.parse(JSON.stringify(v))'
            : typeof p.type !== 'string'
              ? `v === null ? null : ${snapshotFn(p.type)}(v)`
              : 'v';
      lines.push(
        `v = row[${lit(p.column.name)}];`,
        `if (v !== undefined) { v = v === null ? null : ${convert(p.type, 'v', fn(p.type))}; e[${name}] = v; s[${name}] = ${snap}; }`,
      );
      continue;
    }
    const cols = p.joinColumns;
    if (cols.length === 1) {
      lines.push(
        `v = row[${lit(cols[0]!.name)}];`,
        `if (v !== undefined) { v = v === null ? null : refs.one(${target(p.target)}, ${convert(cols[0]!.type, 'v', fn(cols[0]!.type))}); rel[${name}] = v; s[${name}] = v; }`,
      );
      continue;
    }
    const reads = cols.map((c, i) => `const k${i} = row[${lit(c.name)}];`).join(' ');
    const anyNull = cols.map((_, i) => `k${i} === null || k${i} === undefined`).join(' || ');
    const values = cols.map((c, i) => convert(c.type, `k${i}`, fn(c.type))).join(', ');
    lines.push(`{ ${reads} if (k0 !== undefined) { v = ${anyNull} ? null : refs.many(${target(p.target)}, [${values}]); rel[${name}] = v; s[${name}] = v; } }`);
  }
  // The inverse side of a 1:1 holds no column: mark it as known-empty until populated.
  for (const p of meta.properties) {
    if (p.kind === '1:1' && !p.owner) lines.push(`if (!(${lit(p.name)} in rel)) rel[${lit(p.name)}] = undefined;`);
  }
  lines.push('return s;');
  const body = lines.join('\n');
  return new Function('cv', 'tg', `return function writeRow(e, row, rel, refs) {\n${body}\n};`)(fns, targets) as RowWriter;
}
