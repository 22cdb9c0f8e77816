import { UsageError } from '../errors/usage-error.js';
import type { EntityMetadata, ManyToManyProperty, ManyToOneProperty, OneToManyProperty } from '../metadata/types.js';
import type { CriteriaCompiler } from './criteria.js';
import { and, cond, definedEntries, describe, isOperatorObject, isPlainCriteria, lookupTable, MATCH_ALL, MATCH_NONE, not, or, paren, type Cond, type Fragment } from './criteria-sql.js';

// Conditions on collections. Each compiles to `<own key> [NOT] IN (SELECT <owner key> FROM <children
// or link rows> ...)`: a key subquery, so a parent is never duplicated and `limit` counts parents.
// Count conditions group that subquery by the owner key (`GROUP BY ... HAVING COUNT(*) > ?`) rather
// than correlate it: the same uncorrelated shape as everything else, which MySQL also accepts inside
// UPDATE and DELETE of the same table once materialized.

type CollectionProperty = OneToManyProperty | ManyToManyProperty;

/** Where `$pivot` may appear: directly in the criteria on a collection's items. */
export interface CollectionScope {
  readonly owner: EntityMetadata;
  readonly collection: CollectionProperty;
  /** The alias of the join-table row of a many-to-many; the item (target) has its own alias. */
  readonly pivotAlias?: string;
}

export const COLLECTION_OPERATORS = ['$some', '$none', '$every', '$count', '$where'] as const;
const ITEM_OPERATORS = ['$and', '$or', '$not', '$pivot'];
const COUNT_OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$not'] as const;
const COUNT_SQL = lookupTable({ $eq: '=', $ne: '<>', $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' });
const COUNT_TESTS = lookupTable<(x: number, n: number) => boolean>({
  $eq: (x, n) => x === n, $ne: (x, n) => x !== n, $gt: (x, n) => x > n, $gte: (x, n) => x >= n, $lt: (x, n) => x < n, $lte: (x, n) => x <= n,
});

type Mode = '$some' | '$none' | '$every';
/** What the items must satisfy: criteria on the target (and its link row), or being one of some keys. */
type ItemFilter = { criteria: unknown } | { keys: readonly unknown[] };

/**
 * A collection property in a `where`:
 *
 * - entities or keys (one or an array): contains one of them;
 * - criteria on the items (`{ comments: { approved: true } }`): some item matches (`$some`);
 * - `{ $some | $none | $every: criteria }`;
 * - `{ $count: 2 | { $gt: 2 }, $where?: criteria }`: how many items (matching `$where`) there are.
 *
 * Several operators in one object must all hold.
 */
export function collectionCondition(c: CriteriaCompiler, meta: EntityMetadata, prop: CollectionProperty, value: unknown, alias: string): Cond {
  return and(collectionKeyQueries(c, meta, prop, value).map((q) => cond(`${c.ownKey(meta, alias)} ${q.negate ? 'NOT IN' : 'IN'} ${q.query.sql}`, q.query.params, false)));
}

/** One owner-key subquery of a collection condition: the owners must (not, when `negate`) be among its rows. */
export interface OwnerKeyQuery {
  readonly negate: boolean;
  /** `(SELECT <owner key> FROM ...)`, parenthesised. */
  readonly query: Fragment;
}

/**
 * The owner-key subqueries a collection condition is made of, ANDed. Exported so that a condition
 * whose rows live on another connection can run them there as queries of their own (step
 * resolution) and bind the keys they return.
 */
export function collectionKeyQueries(c: CriteriaCompiler, meta: EntityMetadata, prop: CollectionProperty, value: unknown): OwnerKeyQuery[] {
  const label = `${meta.name}.${prop.name}`;
  if (value === null) {
    throw new UsageError(
      'BAD_CRITERIA',
      `${label} is a collection and cannot be null. For ${meta.name} rows without ${prop.name}, write { ${prop.name}: { $count: 0 } } (or { $none: {} }).`,
    );
  }
  if (!isPlainCriteria(value)) return [membership(c, meta, prop, '$some', { keys: Array.isArray(value) ? value : [value] })];
  const entries = definedEntries(value as object);
  const unknown = entries.map(([k]) => k).filter((k) => k.startsWith('$') && !(COLLECTION_OPERATORS as readonly string[]).includes(k) && !ITEM_OPERATORS.includes(k));
  if (unknown.length) {
    throw new UsageError(
      'UNKNOWN_OPERATOR',
      `Unknown operator ${unknown.join(', ')} on the collection ${label}. Use ${COLLECTION_OPERATORS.join(', ')}, or criteria on ${prop.target.name}` +
        `${prop.kind === 'm:n' ? ' (with $and, $or, $not, $pivot)' : ' (with $and, $or, $not)'}.`,
    );
  }
  const ops = entries.filter(([k]) => (COLLECTION_OPERATORS as readonly string[]).includes(k));
  if (!ops.length) return [membership(c, meta, prop, '$some', { criteria: value })];
  if (ops.length !== entries.length) {
    const others = entries.filter(([k]) => !(COLLECTION_OPERATORS as readonly string[]).includes(k)).map(([k]) => k);
    throw new UsageError(
      'BAD_CRITERIA',
      `${label} mixes ${ops.map(([k]) => k).join(', ')} with criteria on ${prop.target.name} (${others.join(', ')}). ` +
        `Put those criteria inside the operator: { ${prop.name}: { ${ops[0]![0]}: { ${others[0]}: ... } } }.`,
    );
  }
  const where = (value as Record<string, unknown>).$where;
  if (where !== undefined && (value as Record<string, unknown>).$count === undefined) {
    throw new UsageError(
      'BAD_CRITERIA',
      `$where on ${label} says which ${prop.name} to count and goes with $count: { ${prop.name}: { $count: { $gt: 0 }, $where: { ... } } }. ` +
        `To filter by the items themselves, use { ${prop.name}: { ... } } or $some / $none / $every.`,
    );
  }
  const parts: OwnerKeyQuery[] = [];
  for (const [op, v] of ops) {
    if (op === '$where') continue;
    if (op === '$count') parts.push(countCondition(c, meta, prop, v, where));
    else parts.push(membership(c, meta, prop, op as Mode, isPlainCriteria(v) ? { criteria: v } : { keys: Array.isArray(v) ? v : [v] }));
  }
  return parts;
}

/** `$pivot: criteria` inside the criteria on a many-to-many's items: conditions on the link row. */
export function pivotCondition(c: CriteriaCompiler, meta: EntityMetadata, value: unknown, scope: CollectionScope | undefined): Cond {
  if (!scope) {
    throw new UsageError(
      'UNKNOWN_OPERATOR',
      `$pivot cannot appear at the top of a ${meta.name} query: it filters the link rows of a many-to-many, so use it inside criteria on a @ManyToMany collection, e.g. { cars: { $pivot: { since: { $gte: 2020 } } } }.`,
    );
  }
  const label = `${scope.owner.name}.${scope.collection.name}`;
  if (scope.collection.kind === '1:m') {
    throw new UsageError(
      'BAD_CRITERIA',
      `$pivot on ${label}: a one-to-many has no join table, so there are no link rows to filter. Put the conditions on ${scope.collection.target.name}'s own properties.`,
    );
  }
  const through = scope.collection.pivot.through;
  if (!through) {
    throw new UsageError(
      'BAD_CRITERIA',
      `$pivot on ${label}: its join table ${scope.collection.pivot.tableName} holds only the two keys, so there are no pivot columns to filter. ` +
        `Map the join table as an entity with extra properties and name it: @ManyToMany(() => ${scope.collection.target.name}, { through: () => ... }).`,
    );
  }
  if (!isPlainCriteria(value)) {
    throw new UsageError('BAD_CRITERIA', `$pivot on ${label} takes criteria on ${through.name}'s properties, e.g. { $pivot: { ... } }, got ${describe(value)}.`);
  }
  if (scope.pivotAlias === undefined) throw new UsageError('BAD_CRITERIA', `$pivot on ${label}: this query does not read the link rows, so it cannot filter them.`);
  return c.condition(through, value, scope.pivotAlias);
}

/** `$some` / `$none` / `$every` (and "contains" for keys): which owners have such items. */
function membership(c: CriteriaCompiler, meta: EntityMetadata, prop: CollectionProperty, mode: Mode, filter: ItemFilter): OwnerKeyQuery {
  return { negate: mode !== '$some', query: linkSubquery(c, meta, prop, filter, mode === '$every') };
}

/**
 * `$count` (with `$where`): owners whose number of (matching) items satisfies the condition. Owners
 * with no item are absent from a GROUP BY, so when 0 satisfies the condition the query asks for the
 * complement instead: every owner except those whose count fails it.
 */
function countCondition(c: CriteriaCompiler, meta: EntityMetadata, prop: CollectionProperty, value: unknown, where: unknown): OwnerKeyQuery {
  const label = `${meta.name}.${prop.name}`;
  const count = parseCount(label, value);
  const zeroMatches = count.test(0);
  if (where !== undefined && !isPlainCriteria(where)) {
    throw new UsageError('BAD_CRITERIA', `$where on ${label} takes criteria on ${prop.target.name}, e.g. { $where: { ... } }, got ${describe(where)}.`);
  }
  const having = zeroMatches ? not(count.sql) : count.sql;
  return { negate: zeroMatches, query: linkSubquery(c, meta, prop, where === undefined ? undefined : { criteria: where }, false, having) };
}

/**
 * `SELECT <owner key> FROM <children | link rows> WHERE <filter>`, the owner key being the child's FK
 * (1:m) or the join table's column pointing at the owner (m:n, either side). `negate` selects the
 * items that do not match (for `$every`); `having` groups by owner.
 */
function linkSubquery(c: CriteriaCompiler, meta: EntityMetadata, prop: CollectionProperty, filter: ItemFilter | undefined, negate: boolean, having?: Cond) {
  const target = prop.target;
  const filterOf = (f: Cond) => (negate ? not(f) : f);
  if (prop.kind === '1:m') {
    c.sameConnection(target.connection, `${target.name} (table ${target.tableName})`, prop);
    const sub = c.nextAlias();
    const fk = target.propertiesByName[prop.mappedBy] as ManyToOneProperty;
    const fkCols = fk.joinColumns.map((col) => c.col(sub, col.name));
    const where = [cond(fkCols.map((x) => `${x} IS NOT NULL`).join(' AND '), [], false)];
    if (filter) {
      const criteria = 'keys' in filter ? { $or: filter.keys.map((k) => keyCriteria(c, meta, prop, k)) } : filter.criteria;
      where.push(filterOf(c.condition(target, criteria, sub, { owner: meta, collection: prop })));
    }
    return c.keySubquery({ select: fkCols, table: target.tableName, alias: sub, where, ...(having && { groupBy: fkCols, having }) });
  }
  const pivot = prop.pivot;
  c.sameConnection(pivot.connection, `the join table ${pivot.tableName}`, prop);
  const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
  const theirs = prop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
  const theirRefs = prop.owner ? pivot.targetReferencedColumns : pivot.ownerReferencedColumns;
  const sub = c.nextAlias();
  const pv = c.nextAlias();
  const mineSql = mine.map((col) => c.col(pv, col.name));
  const where: Cond[] = [];
  const nullable = mine.filter((col) => col.nullable);
  if (nullable.length) where.push(cond(nullable.map((col) => `${c.col(pv, col.name)} IS NOT NULL`).join(' AND '), [], false));
  if (filter) {
    // Keys name the other side directly in the join table: no need to read the target.
    const f = 'keys' in filter
      ? or(filter.keys.map((k) => paren(c.keyEquals(target, theirs, theirs.map((col) => c.col(pv, col.name)), keyValue(meta, prop, k), `${meta.name}.${prop.name}`))))
      : c.condition(target, filter.criteria, sub, { owner: meta, collection: prop, pivotAlias: pv });
    where.push(filterOf(f));
  }
  let join;
  if (c.isReferenced(sub)) {
    c.sameConnection(target.connection, `${target.name} (table ${target.tableName})`, prop);
    join = { table: target.tableName, alias: sub, on: theirs.map((col, i) => `${c.col(sub, theirRefs[i]!)} = ${c.col(pv, col.name)}`).join(' AND ') };
  }
  return c.keySubquery({ select: mineSql, table: pivot.tableName, alias: pv, joins: join && [join], where, ...(having && { groupBy: mineSql, having }) });
}

function keyValue(meta: EntityMetadata, prop: CollectionProperty, k: unknown): unknown {
  if (k === null || k === undefined) {
    throw new UsageError('BAD_CRITERIA', `${meta.name}.${prop.name}: ${String(k)} is not a ${prop.target.name} or a key of one. Pass entities, references or primary keys.`);
  }
  return k;
}

function keyCriteria(c: CriteriaCompiler, meta: EntityMetadata, prop: CollectionProperty, k: unknown): Record<string, unknown> {
  return c.pkCriteria(prop.target, keyValue(meta, prop, k), `${meta.name}.${prop.name}`);
}

export interface CountCondition {
  /** The condition on `COUNT(*)`. */
  sql: Cond;
  /** The same condition evaluated in JS, for the owners that have no item. */
  test: (n: number) => boolean;
}

/** `$count`'s value (a number or number operators) as a condition on `COUNT(*)`, and the same test in JS. */
export function parseCount(label: string, value: unknown): CountCondition {
  const int = (v: unknown, op: string): number => {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
      throw new UsageError('BAD_CRITERIA', `${op} in $count on ${label} takes an integer, got ${describe(v)}. Example: { $count: { $gt: 2 } }.`);
    }
    return n;
  };
  if (typeof value === 'number' || typeof value === 'bigint') return parseCount(label, { $eq: value });
  if (!isOperatorObject(value)) {
    throw new UsageError(
      'BAD_CRITERIA',
      `$count on ${label} takes a number or an operator object such as { $gt: 2 }, got ${describe(value)}.`,
    );
  }
  const parts = definedEntries(value as object).map(([op, v]): CountCondition => {
    switch (op) {
      case '$eq':
      case '$ne':
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        const n = int(v, op);
        const compare = COUNT_TESTS[op]!;
        return { sql: cond(`COUNT(*) ${COUNT_SQL[op]} ?`, [n], false), test: (x) => compare(x, n) };
      }
      case '$in':
      case '$nin': {
        if (!Array.isArray(v)) throw new UsageError('BAD_CRITERIA', `${op} in $count on ${label} takes an array of integers, got ${describe(v)}.`);
        const ns = v.map((x) => int(x, op));
        const inList = ns.length ? cond(`COUNT(*) IN (${ns.map(() => '?').join(', ')})`, ns, false) : MATCH_NONE;
        return op === '$in'
          ? { sql: inList, test: (x) => ns.includes(x) }
          : { sql: ns.length ? not(inList) : MATCH_ALL, test: (x) => !ns.includes(x) };
      }
      case '$not': {
        const inner = parseCount(label, v);
        return { sql: not(inner.sql), test: (x) => !inner.test(x) };
      }
      default:
        throw new UsageError('UNKNOWN_OPERATOR', `Unknown operator ${op} in $count on ${label}. Use a number or one of: ${COUNT_OPERATORS.join(' ')}.`);
    }
  });
  return { sql: and(parts.map((p) => p.sql)), test: (x) => parts.every((p) => p.test(x)) };
}
