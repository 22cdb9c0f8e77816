import type { Statement } from '../drivers/driver.js';
import { setCount } from '../entity/entity-state.js';
import { fromDatabaseValue } from '../entity/value-conversion.js';
import { UsageError } from '../errors/usage-error.js';
import type { EntityMetadata, ManyThroughProperty, ManyToManyProperty, OneToManyProperty, ToOneOwning } from '../metadata/types.js';
import { keyOf } from '../unit-of-work/identity-map.js';
import { CriteriaCompiler, isPlainCriteria, type Fragment } from './criteria.js';
import { resolveItemCriteria } from './cross-connection.js';
import { keyedOwners, keyTypes, type LoaderContext } from './loader-context.js';
import { throughJoins } from './many-through-joins.js';
import type { SqlDialect } from './sql-dialect.js';

/**
 * `counts` of a find: which relation counts to load with the entities, by the name they are read
 * back under. `true` counts the collection of that name; an object names the collection and the
 * criteria its items must meet (Lucid's `withCount('comments as approved', q => ...)`).
 *
 * @example
 * { counts: { comments: true, approved: { relation: 'comments', where: { approved: true } } } }
 * { counts: ['comments', 'tags'] }
 */
export type CountsOption =
  | readonly string[]
  | Readonly<Record<string, true | { readonly relation: string; readonly where?: Record<string, unknown> }>>;

/** One requested count, validated. */
export interface CountSpec {
  readonly name: string;
  readonly prop: OneToManyProperty | ManyToManyProperty | ManyThroughProperty;
  readonly where?: Record<string, unknown>;
}

/** `counts` → specs, with every mistake reported before any SQL. */
export function countSpecs(ctx: LoaderContext, meta: EntityMetadata, counts: CountsOption | undefined): CountSpec[] {
  if (counts === undefined) return [];
  const entries: [string, unknown][] = Array.isArray(counts)
    ? (counts as readonly string[]).map((name) => [name, true])
    : isPlainCriteria(counts)
      ? Object.entries(counts)
      : badCounts(meta, `counts must be an array of collection names or an object of named counts, got ${describe(counts)}.`);
  const out: CountSpec[] = [];
  for (const [name, value] of entries) {
    if (value === undefined || value === false) continue;
    let relation: unknown = name;
    let where: unknown;
    if (value !== true) {
      if (!isPlainCriteria(value) || typeof (value as { relation?: unknown }).relation !== 'string') {
        badCounts(meta, `counts.${name} must be true or { relation: '<collection of ${meta.name}>', where?: {...} }, got ${describe(value)}.`);
      }
      relation = (value as { relation: string }).relation;
      where = (value as { where?: unknown }).where;
    }
    const prop = meta.propertiesByName[relation as string];
    if (!prop || (prop.kind !== '1:m' && prop.kind !== 'm:n' && prop.kind !== 'through')) {
      const collections = meta.properties.filter((p) => p.kind === '1:m' || p.kind === 'm:n' || p.kind === 'through').map((p) => p.name);
      badCounts(
        meta,
        `counts.${name} counts ${meta.name}.${String(relation)}, which ${prop ? 'is not a collection' : 'does not exist'}. ` +
          `Collections of ${meta.name}: ${collections.join(', ') || 'none'}.`,
      );
    }
    if (where !== undefined) {
      if (!isPlainCriteria(where)) badCounts(meta, `counts.${name}.where must be criteria for ${prop.target.name}, got ${describe(where)}.`);
      new CriteriaCompiler(ctx.dialect(prop.target.connection), { anyConnection: true }).compileItems(meta, prop, where, 'e0', 'p');
    }
    out.push({ name, prop, where: where as Record<string, unknown> | undefined });
  }
  return out;
}

/**
 * Loads the counts for `entities`: one GROUP BY query per counted collection (chunked `IN` list),
 * every count of that collection a column of it. Entities with nothing to count get 0.
 */
export async function loadCounts(ctx: LoaderContext, meta: EntityMetadata, entities: readonly object[], specs: readonly CountSpec[]): Promise<void> {
  if (!specs.length || !entities.length) return;
  const keyed = keyedOwners(meta, entities);
  const byProp = new Map<CountSpec['prop'], CountSpec[]>();
  for (const s of specs) byProp.set(s.prop, [...(byProp.get(s.prop) ?? []), s]);
  for (const [prop, unresolved] of byProp) {
    // A where that reaches another connection (the items of a many-to-many whose join table is
    // elsewhere, or a relation of the items) becomes keys first: the counted table is then all it reads.
    // A has-many-through's whole path is on the owner's connection (checked at discovery).
    const list: CountSpec[] = [];
    if (prop.kind === 'through') list.push(...unresolved);
    else {
      const connection = prop.kind === 'm:n' ? prop.pivot.connection : prop.target.connection;
      for (const s of unresolved) {
        list.push(s.where ? { ...s, where: (await resolveItemCriteria(ctx, meta, prop, s.where, connection)) as Record<string, unknown> } : s);
      }
    }
    const found = new Map<string, number[]>();
    if (keyed.size) {
      const { connection, ownerColumns, build } = prop.kind === 'through' ? throughCountQuery(ctx, meta, prop, list) : countQuery(ctx, meta, prop, list);
      const keys = [...keyed.values()].map((k) => k.key);
      const reserved = build(keys.slice(0, 1)).params.length - ownerColumns.length;
      for (const part of ctx.chunks(connection, keys, ownerColumns.length, reserved)) {
        for (const row of await ctx.run(connection, build(part))) {
          const key = keyOf(ownerColumns.map((c, i) => fromDatabaseValue(c.type, row[`__owner${i}`])));
          found.set(key, list.map((_, i) => Number(row[`c${i}`] ?? 0)));
        }
      }
    }
    for (const [key, { owner }] of keyed) {
      const values = found.get(key);
      list.forEach((s, i) => setCount(owner, s.name, values?.[i] ?? 0));
    }
    // New entities (no key yet) have no rows to count.
    const counted = new Set([...keyed.values()].map((k) => k.owner));
    for (const e of entities) if (!counted.has(e)) list.forEach((s) => setCount(e, s.name, 0));
  }
}

/**
 * `SELECT <owner key>, COUNT(*), SUM(CASE WHEN <where> THEN 1 ELSE 0 END) ... GROUP BY <owner key>`:
 * the child table for 1:N, the join table (joined to the target only when a count has a where) for M:N.
 */
function countQuery(ctx: LoaderContext, owner: EntityMetadata, prop: OneToManyProperty | ManyToManyProperty, specs: readonly CountSpec[]): CountQuery {
  const target = prop.target;
  let table: string;
  let ownerColumns: readonly { name: string; type: Parameters<typeof fromDatabaseValue>[0] }[];
  let from: string;
  const connection = prop.kind === 'm:n' ? prop.pivot.connection : target.connection;
  const d = ctx.dialect(connection);
  const q = (s: string) => d.quote(s);
  // Across connections the where was resolved to item keys, matched on the join table's own columns.
  const needsTarget = specs.some((s) => s.where) && target.connection === connection;
  if (prop.kind === '1:m') {
    const fk = target.propertiesByName[prop.mappedBy] as unknown as ToOneOwning;
    ownerColumns = fk.joinColumns;
    table = 'e0';
    from = `${q(target.tableName)} ${q('e0')}`;
  } else {
    const pivot = prop.pivot;
    ownerColumns = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
    const theirs = prop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
    table = 'p';
    from = `${q(pivot.tableName)} ${q('p')}`;
    if (needsTarget) {
      const on = theirs.map((c, i) => `${q('e0')}.${q(target.primaryKeyColumns[i]!)} = ${q('p')}.${q(c.name)}`).join(' AND ');
      from += ` JOIN ${q(target.tableName)} ${q('e0')} ON ${on}`;
    }
  }
  const compiler = new CriteriaCompiler(d);
  compiler.nextAlias(); // e0 is the counted table
  const conds: (Fragment | undefined)[] = specs.map((s) => (s.where ? compiler.compileItems(owner, prop, s.where, 'e0', 'p') : undefined));
  const ownerKey = ownerColumns.map((c) => `${q(table)}.${q(c.name)}`);
  const build = (keys: readonly unknown[][]): Statement => {
    const params: unknown[] = [];
    const aggregates = conds.map((cond, i) => {
      if (!cond) return `COUNT(*) AS ${q(`c${i}`)}`;
      params.push(...cond.params);
      return `SUM(CASE WHEN ${cond.sql} THEN 1 ELSE 0 END) AS ${q(`c${i}`)}`;
    });
    const inList = ctx.inList(connection, table, ownerColumns.map((c) => c.name), ownerColumns.map((c) => c.type), keys);
    params.push(...inList.params);
    const sql =
      `SELECT ${ownerKey.map((c, i) => `${c} AS ${q(`__owner${i}`)}`).join(', ')}, ${aggregates.join(', ')} ` +
      `FROM ${from} WHERE ${inList.sql} GROUP BY ${ownerKey.join(', ')}`;
    return { sql, params };
  };
  return { connection, ownerColumns, build };
}

/** How the counts of one collection are read: the statement per chunk of owner keys, and how its rows name the owner. */
interface CountQuery {
  readonly connection: string;
  readonly ownerColumns: readonly { name: string; type: Parameters<typeof fromDatabaseValue>[0] }[];
  readonly build: (keys: readonly unknown[][]) => Statement;
}

/**
 * Counts of a has-many-through: its path joined from the target back to the owner (as loading
 * reads it), reduced to distinct (owner, item) rows, so that an item reached by several paths
 * counts once, then grouped by owner. Each `where` is a 0/1 column of the distinct rows (it is
 * about the item alone, so it cannot split them) and summed.
 *
 * @example
 * // SELECT "x"."__owner0", COUNT(*) AS "c0", SUM("x"."w1") AS "c1" FROM (SELECT DISTINCT "h0"."id" AS "__owner0",
 * //   "e0"."id" AS "__item0", CASE WHEN ... THEN 1 ELSE 0 END AS "w1" FROM "posts" "e0" JOIN ... WHERE "h0"."id" IN (?, ?)) "x" GROUP BY "x"."__owner0"
 */
function throughCountQuery(ctx: LoaderContext, owner: EntityMetadata, prop: ManyThroughProperty, specs: readonly CountSpec[]): CountQuery {
  const connection = owner.connection;
  const d = ctx.dialect(connection);
  const q = (s: string) => d.quote(s);
  const last = prop.hops.length;
  const joins = throughJoins(q, owner, prop, { entity: (i) => (i === last ? 'e0' : `h${i}`), pivot: (i) => `hp${i}` })
    .map((j) => `JOIN ${q(j.table)} ${q(j.alias)} ON ${j.on}`);
  const compiler = new CriteriaCompiler(d);
  compiler.nextAlias(); // e0 is the item
  const conds = specs.map((s) => (s.where ? compiler.compileItems(owner, prop, s.where, 'e0') : undefined));
  const types = keyTypes(owner);
  const ownerColumns = owner.primaryKeyColumns.map((name, i) => ({ name, type: types[i]! }));
  const owners = ownerColumns.map((_, i) => q(`__owner${i}`));
  const inner = [
    ...owner.primaryKeyColumns.map((c, i) => `${q('h0')}.${q(c)} AS ${owners[i]}`),
    ...prop.target.primaryKeyColumns.map((c, i) => `${q('e0')}.${q(c)} AS ${q(`__item${i}`)}`),
  ];
  const build = (keys: readonly unknown[][]): Statement => {
    const params: unknown[] = [];
    const flags: string[] = [];
    const aggregates = conds.map((cond, i) => {
      if (!cond) return `COUNT(*) AS ${q(`c${i}`)}`;
      params.push(...cond.params);
      flags.push(`CASE WHEN ${cond.sql} THEN 1 ELSE 0 END AS ${q(`w${i}`)}`);
      return `SUM(${q('x')}.${q(`w${i}`)}) AS ${q(`c${i}`)}`;
    });
    const inList = ctx.inList(connection, 'h0', owner.primaryKeyColumns, types, keys);
    params.push(...inList.params);
    const outerKeys = owners.map((o) => `${q('x')}.${o}`);
    const sql =
      `SELECT ${outerKeys.join(', ')}, ${aggregates.join(', ')} FROM (SELECT DISTINCT ${[...inner, ...flags].join(', ')} ` +
      `FROM ${q(prop.target.tableName)} ${q('e0')} ${joins.join(' ')} WHERE ${inList.sql}) ${q('x')} GROUP BY ${outerKeys.join(', ')}`;
    return { sql, params };
  };
  return { connection, ownerColumns, build };
}

/**
 * The count of `prop`'s items for each row of `owner` aliased `ownerAlias`, as a correlated
 * subquery an ORDER BY can sort by: `(SELECT COUNT(*) FROM "comments" "k0" WHERE "k0"."post_id" = "e0"."id")`.
 * It is one value per row, so the result keeps one row per entity and `limit`/`offset` still count
 * entities. `where` (a named count's criteria) is about the items. The counted table must be on the
 * owner's connection, and has-many-through collections are not counted here.
 *
 * @example
 * countOrderTerm(d, postMeta, 'e0', postMeta.propertiesByName.comments, undefined, 'Post.comments');
 */
export function countOrderTerm(
  d: SqlDialect,
  owner: EntityMetadata,
  ownerAlias: string,
  prop: CountSpec['prop'],
  where: Record<string, unknown> | undefined,
  label: string,
): Fragment {
  if (prop.kind === 'through') {
    throw new UsageError(
      'BAD_ORDER',
      `orderBy ${label}: a has-many-through collection cannot be counted in the query's ORDER BY. Load it with counts: ['${prop.name}'] and sort in memory, or sort by the count of a direct collection.`,
    );
  }
  const connection = prop.kind === 'm:n' ? prop.pivot.connection : prop.target.connection;
  if (connection !== owner.connection) {
    throw new UsageError(
      'CROSS_CONNECTION',
      `orderBy ${label}: the ${prop.kind === 'm:n' ? 'join table' : `${prop.target.name} table`} is on connection '${connection}' and the query runs on '${owner.connection}', so its count cannot be part of the ORDER BY. ` +
        `Load it with counts: ['${prop.name}'] and sort in memory.`,
    );
  }
  const q = (s: string) => d.quote(s);
  const outer = (c: string) => `${q(ownerAlias)}.${q(c)}`;
  const target = prop.target;
  let from: string;
  let correlation: string[];
  // Aliases of their own: the subquery must not hide the owner's alias it is correlated with.
  const item = 'k0';
  const link = 'kp';
  if (prop.kind === '1:m') {
    const fk = target.propertiesByName[prop.mappedBy] as unknown as ToOneOwning;
    from = `${q(target.tableName)} ${q(item)}`;
    correlation = fk.joinColumns.map((c, i) => `${q(item)}.${q(c.name)} = ${outer(fk.referencedColumns[i]!)}`);
  } else {
    const pivot = prop.pivot;
    const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
    const theirs = prop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
    const ownerRefs = prop.owner ? pivot.ownerReferencedColumns : pivot.targetReferencedColumns;
    from = `${q(pivot.tableName)} ${q(link)}`;
    if (where) from += ` JOIN ${q(target.tableName)} ${q(item)} ON ${theirs.map((c, i) => `${q(item)}.${q(target.primaryKeyColumns[i]!)} = ${q(link)}.${q(c.name)}`).join(' AND ')}`;
    correlation = mine.map((c, i) => `${q(link)}.${q(c.name)} = ${outer(ownerRefs[i] ?? owner.primaryKeyColumns[i]!)}`);
  }
  const params: unknown[] = [];
  if (where) {
    const compiler = new CriteriaCompiler(d);
    compiler.nextAlias();
    const cond = compiler.compileItems(owner, prop, where, item, link);
    correlation.push(`(${cond.sql})`);
    params.push(...cond.params);
  }
  return { sql: `(SELECT COUNT(*) FROM ${from} WHERE ${correlation.join(' AND ')})`, params };
}

function badCounts(meta: EntityMetadata, message: string): never {
  throw new UsageError('BAD_COUNTS', `${meta.name} query: ${message}`);
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
