import { UsageError } from '../errors/usage-error.js';
import type { EntityMetadata, ManyToOneProperty, OneToOneInverseProperty, OneToOneOwnerProperty, OrderBy } from '../metadata/types.js';
import { describe, isPlainCriteria } from './criteria-sql.js';
import { countOrderTerm, type CountsOption } from './relation-counts.js';
import type { SqlDialect } from './sql-dialect.js';

type Direction = 'asc' | 'desc';
type Nulls = `${Direction} nulls ${'first' | 'last'}`;

/**
 * A sort direction. Plain `asc` / `desc` leave NULLs where the database puts them (first on
 * SQLite and MySQL for `asc`, last on PostgreSQL); add `nulls first` / `nulls last` to decide.
 */
export type QueryOrder = Direction | Uppercase<Direction> | Nulls | Uppercase<Nulls>;

/**
 * `orderBy` of a query: properties with a direction, to-one relations with a nested map, a
 * collection's count with `{ $count: direction }`, and a named count of the query's `counts` with
 * its name and a direction.
 *
 * @example
 * em.find(Post, {}, { orderBy: { author: { name: 'asc' }, id: 'desc' } });
 * em.find(Actor, {}, { orderBy: { films: { $count: 'desc' } }, limit: 10 });
 * em.find(Post, {}, { counts: { approved: { relation: 'comments', where: { approved: true } } }, orderBy: { approved: 'desc' } });
 * em.find(Comment, {}, { orderBy: [{ post: { author: { email: 'desc nulls last' } } }, { id: 'asc' }] });
 */
export interface QueryOrderMap {
  readonly [property: string]: QueryOrder | QueryOrderMap | undefined;
}

export type OrderByInput = QueryOrderMap | readonly QueryOrderMap[];

export interface ResolvedOrder {
  /** `left join ...` clauses, one per to-one relation path sorted by. */
  joins: string[];
  /** `"j1"."name" asc`, in order. */
  terms: string[];
  /** Parameters of the terms, in order (a named count's criteria). */
  params: unknown[];
}

type ToOne = ManyToOneProperty | OneToOneOwnerProperty | OneToOneInverseProperty;

/**
 * orderBy → LEFT JOINs and ORDER BY terms. Only to-one relations are joined, and a to-one join
 * matches at most one row, so the result has one row per root row and `limit` still counts roots.
 * Unknown properties, bad directions and collections throw before any SQL.
 */
export function resolveOrderBy(meta: EntityMetadata, orderBy: OrderByInput | undefined, d: SqlDialect, root: string, counts?: CountsOption): ResolvedOrder {
  const out: ResolvedOrder = { joins: [], terms: [], params: [] };
  if (!orderBy) return out;
  const joins = new Map<string, string>();
  const joinFor = (from: EntityMetadata, fromAlias: string, prop: ToOne, path: string): string => {
    let alias = joins.get(path);
    if (alias) return alias;
    if (prop.target.connection !== meta.connection) {
      // Criteria reach another connection in steps (keys first); an order cannot: the rows would
      // have to be sorted by values this statement never sees, before its limit and offset.
      const populate = path.slice(1);
      const instead = prop.kind === '1:1' && !prop.owner
        ? `or query ${prop.target.name} (the owning side) with orderBy on its own properties`
        : `or order by the relation's key, which is a column here: { ${prop.name}: 'asc' }`;
      throw new UsageError(
        'CROSS_CONNECTION',
        `orderBy ${from.name}.${prop.name}: ${prop.target.name} lives on connection '${prop.target.connection}' and the query runs on '${meta.connection}', so it cannot be joined, and an order cannot be resolved in steps. ` +
          `Load it with populate: ['${populate}'] and sort the results in memory, ${instead}.`,
      );
    }
    alias = `j${joins.size + 1}`;
    joins.set(path, alias);
    const col = (a: string, c: string) => `${d.quote(a)}.${d.quote(c)}`;
    const on = prop.kind === '1:1' && !prop.owner
      ? inverseOn(prop.target.propertiesByName[prop.mappedBy] as OneToOneOwnerProperty, (fk, ref) => `${col(alias!, fk)} = ${col(fromAlias, ref)}`)
      : (prop as ManyToOneProperty).joinColumns.map((c, i) => `${col(alias!, (prop as ManyToOneProperty).referencedColumns[i]!)} = ${col(fromAlias, c.name)}`);
    out.joins.push(`left join ${d.quote(prop.target.tableName)} as ${d.quote(alias)} on ${on.join(' and ')}`);
    return alias;
  };
  const walk = (current: EntityMetadata, alias: string, map: unknown, path: string): void => {
    if (!isPlainCriteria(map)) {
      throw new UsageError('BAD_ORDER', `orderBy for ${current.name} takes an object such as { id: 'asc' } (or an array of them), got ${describe(map)}.`);
    }
    for (const [name, value] of Object.entries(map as object)) {
      if (value === undefined) continue;
      const label = `${current.name}.${name}`;
      const prop = current.propertiesByName[name];
      const named = path === '' ? namedCount(meta, counts, name) : undefined;
      if (named) {
        // A count the query loads under this name (`counts`): sorted by the same count.
        const dir = parseDirection(`${meta.name} count ${name}`, value);
        const count = countOrderTerm(d, meta, alias, named.prop, named.where, `${meta.name} count ${name}`);
        out.terms.push(`${count.sql} ${dir.dir}`);
        out.params.push(...count.params);
        continue;
      }
      if (!prop) {
        throw new UsageError('UNKNOWN_PROPERTY', `orderBy names ${label}, which does not exist. Known properties: ${current.properties.map((x) => x.name).join(', ')}.`);
      }
      if (prop.kind === '1:m' || prop.kind === 'm:n' || prop.kind === 'through') {
        const keys = isPlainCriteria(value) ? Object.keys(value as object).filter((k) => (value as Record<string, unknown>)[k] !== undefined) : [];
        if (keys.length !== 1 || keys[0] !== '$count') {
          throw new UsageError(
            'BAD_ORDER',
            `orderBy cannot sort ${current.name} by the collection ${label}: a ${current.name} has many ${prop.target.name}. Sort by its count ({ ${name}: { $count: 'desc' } }), by a scalar or a to-one relation's property, or order the collection itself with the relation's orderBy option.`,
          );
        }
        // NULLS FIRST/LAST mean nothing here: a count is never NULL.
        const dir = parseDirection(`${label}.$count`, (value as Record<string, unknown>).$count);
        const count = countOrderTerm(d, current, alias, prop, undefined, label);
        out.terms.push(`${count.sql} ${dir.dir}`);
        out.params.push(...count.params);
        continue;
      }
      if (isPlainCriteria(value)) {
        if (prop.kind === 'scalar') {
          throw new UsageError('BAD_ORDER', `orderBy ${label} is a column, not a relation: give it a direction ('asc' or 'desc'), not ${describe(value)}.`);
        }
        if (!Object.values(value as object).some((v) => v !== undefined)) {
          throw new UsageError('BAD_ORDER', `orderBy ${label} is empty: name a property of ${prop.target.name} to sort by, e.g. { ${name}: { ${prop.target.primaryKeys[0]!.name}: 'asc' } }.`);
        }
        const next = `${path}.${name}`;
        walk(prop.target, joinFor(current, alias, prop, next), value, next);
        continue;
      }
      const dir = parseDirection(label, value);
      const cols = (c: string) => `${d.quote(alias)}.${d.quote(c)}`;
      switch (prop.kind) {
        case 'scalar':
          out.terms.push(...term(d, cols(prop.column.name), dir));
          break;
        case 'm:1':
        case '1:1':
          if (prop.kind === 'm:1' || prop.owner) {
            for (const c of prop.joinColumns) out.terms.push(...term(d, cols(c.name), dir));
          } else {
            const j = joinFor(current, alias, prop, `${path}.${name}`);
            for (const c of prop.target.primaryKeyColumns) out.terms.push(...term(d, `${d.quote(j)}.${d.quote(c)}`, dir));
          }
          break;
      }
    }
  };
  for (const map of (Array.isArray(orderBy) ? orderBy : [orderBy]) as unknown[]) walk(meta, root, map, '');
  return out;
}

/** The collection and criteria of the count named `name` in a query's `counts`, if it names one. */
function namedCount(meta: EntityMetadata, counts: CountsOption | undefined, name: string): { prop: Parameters<typeof countOrderTerm>[3]; where?: Record<string, unknown> } | undefined {
  if (!counts) return undefined;
  let relation: unknown;
  let where: Record<string, unknown> | undefined;
  if (Array.isArray(counts)) {
    if (!counts.includes(name)) return undefined;
    relation = name;
  } else {
    if (!isPlainCriteria(counts) || !Object.prototype.hasOwnProperty.call(counts, name)) return undefined;
    const spec = (counts as Record<string, unknown>)[name];
    if (spec === true) relation = name;
    else if (isPlainCriteria(spec)) ({ relation, where } = spec as { relation?: unknown; where?: Record<string, unknown> });
  }
  if (typeof relation !== 'string') return undefined;
  const prop = meta.propertiesByName[relation];
  if (!prop || (prop.kind !== '1:m' && prop.kind !== 'm:n' && prop.kind !== 'through')) return undefined;
  return { prop, where };
}

function inverseOn(owning: OneToOneOwnerProperty, eq: (fk: string, referenced: string) => string): string[] {
  return owning.joinColumns.map((c, i) => eq(c.name, owning.referencedColumns[i]!));
}

interface ParsedDirection {
  dir: Direction;
  nulls?: 'first' | 'last';
}

function parseDirection(label: string, raw: unknown): ParsedDirection {
  const m = typeof raw === 'string' ? /^\s*(asc|desc)(?:\s+nulls\s+(first|last))?\s*$/i.exec(raw) : null;
  if (!m) {
    throw new UsageError(
      'BAD_ORDER',
      `orderBy ${label}: direction must be 'asc' or 'desc' (optionally with ' nulls first' / ' nulls last'), got ${describe(raw)}.`,
    );
  }
  return { dir: m[1]!.toLowerCase() as Direction, nulls: m[2]?.toLowerCase() as 'first' | 'last' | undefined };
}

function term(d: SqlDialect, col: string, p: ParsedDirection): string[] {
  if (!p.nulls) return [`${col} ${p.dir}`];
  // MySQL has no NULLS FIRST / LAST: sort by "is null" first (false = 0 before true = 1).
  if (d.dialect === 'mysql') return [`${col} is null ${p.nulls === 'first' ? 'desc' : 'asc'}`, `${col} ${p.dir}`];
  return [`${col} ${p.dir} nulls ${p.nulls}`];
}

/**
 * A flat orderBy (such as a relation's `orderBy` option) → [column, direction] pairs of the entity's
 * own table, for queries that are not assembled here. Sorting by a relation's properties or with
 * `nulls first/last` needs {@link resolveOrderBy}, so it is rejected here rather than ignored.
 */
export function orderColumns(meta: EntityMetadata, orderBy: OrderByInput | OrderBy | undefined): [string, 'asc' | 'desc'][] {
  if (!orderBy) return [];
  const out: [string, 'asc' | 'desc'][] = [];
  for (const entry of (Array.isArray(orderBy) ? orderBy : [orderBy]) as QueryOrderMap[]) {
    for (const [name, raw] of Object.entries(entry)) {
      if (raw === undefined) continue;
      const label = `${meta.name}.${name}`;
      if (isPlainCriteria(raw)) throw new UsageError('BAD_ORDER', `orderBy ${label}: this query sorts by ${meta.name}'s own columns only; give ${name} a direction, not ${describe(raw)}.`);
      const p = parseDirection(label, raw);
      if (p.nulls) throw new UsageError('BAD_ORDER', `orderBy ${label}: this query takes 'asc' or 'desc' only, got ${describe(raw)}.`);
      const prop = meta.propertiesByName[name];
      if (!prop) {
        throw new UsageError('UNKNOWN_PROPERTY', `orderBy names ${label}, which does not exist. Known properties: ${meta.properties.map((x) => x.name).join(', ')}.`);
      }
      if (prop.kind === 'scalar') out.push([prop.column.name, p.dir]);
      else if (prop.kind === 'm:1' || (prop.kind === '1:1' && prop.owner)) for (const c of prop.joinColumns) out.push([c.name, p.dir]);
      else throw new UsageError('BAD_ORDER', `orderBy cannot sort ${meta.name} by ${label}: only columns and owning to-one relations can order a collection.`);
    }
  }
  return out;
}
