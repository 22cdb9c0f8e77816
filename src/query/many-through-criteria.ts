import { UsageError } from '../errors/usage-error.js';
import type { DirectRelationProperty, EntityMetadata, ManyThroughProperty } from '../metadata/types.js';
import { definedEntries, isPlainCriteria } from './criteria-sql.js';

// A has-many-through has no rows of its own to test, so criteria on it are rewritten into nested
// criteria along its hops and compiled like any other (to-one by join, collections by subquery).

/**
 * `{ posts: X }` on a has-many-through, as nested criteria along its hops: `$some` (or bare
 * criteria, entities, keys) becomes `{ users: { $some: { posts: X } } }`; `$none` and `$every`
 * negate that (`$every: X` ≡ no path reaches an item that fails X).
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
  const unsupported = entries.filter(([k]) => k === '$count' || k === '$where').map(([k]) => k);
  if (unsupported.length) {
    throw new UsageError(
      'BAD_CRITERIA',
      `${unsupported.join(', ')} is not available on the has-many-through ${label}. Use $some, $none or $every, or count along the path's own relations.`,
    );
  }
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

