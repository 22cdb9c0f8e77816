import { UsageError } from '../errors/usage-error.js';
import type { DirectRelationProperty, EntityMetadata, ManyThroughProperty } from '../metadata/types.js';
import type { CriteriaCompiler } from './criteria.js';
import { parseCount } from './criteria-collections.js';
import { and, cond, definedEntries, describe, isPlainCriteria, not, type Cond } from './criteria-sql.js';
import { throughJoins } from './many-through-joins.js';

// A has-many-through has no rows of its own to test, so `$some` / `$none` / `$every` on it are
// rewritten into nested criteria along its hops and compiled like any other (to-one by join,
// collections by subquery). `$count` cannot be rewritten that way (counting along each hop would
// count paths, not items), so it joins the whole path in one key subquery and counts distinct items.

/**
 * A has-many-through in a `where`: `$count` (with `$where`) compiled here, everything else
 * through {@link throughCriteria}. Several operators in one object must all hold.
 */
export function throughCondition(c: CriteriaCompiler, meta: EntityMetadata, prop: ManyThroughProperty, value: unknown, alias: string): Cond {
  if (!isPlainCriteria(value)) return c.condition(meta, throughCriteria(meta, prop, value), alias);
  const entries = definedEntries(value as object);
  const count = entries.find(([k]) => k === '$count');
  const where = entries.find(([k]) => k === '$where');
  if (!count && !where) return c.condition(meta, throughCriteria(meta, prop, value), alias);
  const label = `${meta.name}.${prop.name}`;
  if (!count) {
    throw new UsageError(
      'BAD_CRITERIA',
      `$where on ${label} says which ${prop.name} to count and goes with $count: { ${prop.name}: { $count: { $gt: 0 }, $where: { ... } } }. ` +
        `To filter by the items themselves, use { ${prop.name}: { ... } } or $some / $none / $every.`,
    );
  }
  const rest = entries.filter(([k]) => k !== '$count' && k !== '$where');
  const others = rest.filter(([k]) => k !== '$some' && k !== '$none' && k !== '$every').map(([k]) => k);
  if (others.length) {
    throw new UsageError(
      'BAD_CRITERIA',
      `${label} mixes $count with ${others.join(', ')}. Put criteria on ${prop.target.name} in $where (the items to count) or in $some / $none / $every.`,
    );
  }
  const parts = [throughCount(c, meta, prop, count[1], where?.[1], alias)];
  if (rest.length) parts.push(c.condition(meta, throughCriteria(meta, prop, Object.fromEntries(rest)), alias));
  return and(parts);
}

/**
 * `$count` on a has-many-through: the owner key must be among those whose number of distinct items
 * (matching `$where`) satisfies the count, or, when 0 satisfies it (owners with no item are absent
 * from a GROUP BY), not among those whose count fails it.
 */
function throughCount(c: CriteriaCompiler, meta: EntityMetadata, prop: ManyThroughProperty, value: unknown, where: unknown, alias: string): Cond {
  const label = `${meta.name}.${prop.name}`;
  const count = parseCount(label, value);
  if (where !== undefined && !isPlainCriteria(where)) {
    throw new UsageError('BAD_CRITERIA', `$where on ${label} takes criteria on ${prop.target.name}, e.g. { $where: { ... } }, got ${describe(where)}.`);
  }
  const zeroMatches = count.test(0);
  const hops = prop.hops;
  const entityAliases = hops.map(() => c.nextAlias());
  const pivotAliases = hops.map((h) => (h.kind === 'm:n' ? c.nextAlias() : ''));
  const item = c.nextAlias();
  const entity = (i: number) => (i === hops.length ? item : entityAliases[i]!);
  const joins = throughJoins((s) => c.d.quote(s), meta, prop, { entity, pivot: (i) => pivotAliases[i]! });
  const filter = where === undefined ? [] : [c.condition(prop.target, where, item)];
  const q = c.keySubquery({
    select: meta.primaryKeyColumns.map((col) => c.col(entity(0), col)),
    distinctBy: prop.target.primaryKeyColumns.map((col) => c.col(item, col)),
    table: prop.target.tableName,
    alias: item,
    joins,
    where: filter,
    having: zeroMatches ? not(count.sql) : count.sql,
  });
  return cond(`${c.ownKey(meta, alias)} ${zeroMatches ? 'NOT IN' : 'IN'} ${q.sql}`, q.params, false);
}

/**
 * `{ posts: X }` on a has-many-through, as nested criteria along its hops: `$some` (or bare
 * criteria, entities, keys) becomes `{ users: { $some: { posts: X } } }`; `$none` and `$every`
 * negate that (`$every: X` ≡ no path reaches an item that fails X). `$count` is compiled by
 * {@link throughCondition}.
 */
export function throughCriteria(meta: EntityMetadata, prop: ManyThroughProperty, value: unknown): Record<string, unknown> {
  const label = `${meta.name}.${prop.name}`;
  if (value === null) {
    throw new UsageError('BAD_CRITERIA', `${label} is a collection and cannot be null. For ${meta.name} rows without ${prop.name}, write { ${prop.name}: { $none: {} } }.`);
  }
  const some = (inner: unknown) => reach(prop.hops, inner);
  if (!isPlainCriteria(value)) return some(value);
  const entries = definedEntries(value as object);
  const ops = entries.filter(([k]) => k === '$some' || k === '$none' || k === '$every');
  if (!ops.length) return some(value);
  if (ops.length !== entries.length) {
    throw new UsageError('BAD_CRITERIA', `${label} mixes ${ops.map(([k]) => k).join(', ')} with criteria on ${prop.target.name}; put those criteria inside the operator.`);
  }
  const parts = ops.map(([op, inner]) => {
    if (op === '$some') return some(inner);
    if (op === '$none') return { $not: some(inner) };
    return { $not: some({ $not: inner }) };
  });
  return parts.length === 1 ? parts[0]! : { $and: parts };
}

/** Criteria on the owner saying that some path along `hops` reaches an item `last` describes. */
function reach(hops: readonly DirectRelationProperty[], last: unknown): Record<string, unknown> {
  const [hop, ...rest] = hops;
  if (!rest.length) return { [hop!.name]: last };
  const inner = reach(rest, last);
  return { [hop!.name]: hop!.kind === '1:m' || hop!.kind === 'm:n' ? { $some: inner } : inner };
}

