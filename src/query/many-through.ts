import type { Statement } from '../drivers/driver.js';
import { Collection, type CollectionHost, type MatchingOptions } from '../entity/collection.js';
import { fromDatabaseValue } from '../entity/value-conversion.js';
import type { EntityMetadata, ManyThroughProperty } from '../metadata/types.js';
import { keyOf } from '../unit-of-work/identity-map.js';
import { CriteriaCompiler } from './criteria.js';
import { throughJoins } from './many-through-joins.js';
import { runUnit } from './joined-loader.js';
import { itemOrder, keyedOwners, keyTypes, type LoaderContext } from './loader-context.js';
import { orderColumns, type OrderByInput } from './order-by.js';
import { joinedChildren, type PopulateNode } from './populate-tree.js';

// Reading a has-many-through (`@ManyThrough(() => Post, 'users.posts')`): it has no column or table
// of its own, so the target is joined back along the hops to the owner's table, one statement per
// chunk of owners. Criteria on it are in many-through-criteria.ts.

/** What a has-many-through level read: its items, and the entities of relations joined below it. */
export interface ThroughLevel {
  readonly entities: object[];
  readonly loaded: Map<PopulateNode, object[]>;
  /** Items per owner key, distinct and in order. */
  readonly groups: Map<string, Set<object>>;
}

/**
 * Loads `prop` for `owners` (of type `meta`): one statement per chunk of owner keys, the target
 * joined back along the hops to the owner's table. Two paths reaching one item give it once per
 * owner (the rows repeat; grouping keeps the first, so the order is the query's).
 */
export async function loadThrough(ctx: LoaderContext, meta: EntityMetadata, prop: ManyThroughProperty, node: PopulateNode, owners: readonly object[], fresh: Set<object> | undefined): Promise<ThroughLevel> {
  const keyed = keyedOwners(meta, owners);
  const keys = [...keyed.values()].map((k) => k.key);
  const orderBy = itemOrder(prop.target, node.orderBy ?? prop.orderBy);
  const where = node.where;
  const conn = meta.connection;
  const reserved = where === undefined ? 0 : itemCriteria(ctx, prop, where).params.length;
  const statements = keys.length ? ctx.chunks(conn, keys, meta.primaryKeyColumns.length, reserved).map((part) => throughStatement(ctx, meta, prop, part, where, orderBy)) : [];
  const passThrough = meta.primaryKeyColumns.map((_, i) => `__owner${i}`);
  const joined = joinedChildren(node);
  const unit = statements.length ? await runUnit(ctx, { meta: prop.target, statements, passThrough, orderBy }, joined, fresh) : { entities: [], rows: [], loaded: new Map(joined.map((n) => [n, []])) };
  const types = keyTypes(meta);
  const groups = new Map<string, Set<object>>();
  for (let i = 0; i < unit.rows.length; i++) {
    const entity = unit.entities[i]!;
    const row = unit.rows[i]!;
    const ownerKey = keyOf(types.map((t, i) => fromDatabaseValue(t, row[`__owner${i}`])));
    let items = groups.get(ownerKey);
    if (!items) groups.set(ownerKey, (items = new Set()));
    items.add(entity);
  }
  return { entities: [...new Set(unit.entities)], loaded: unit.loaded, groups };
}

function itemCriteria(ctx: LoaderContext, prop: ManyThroughProperty, where: unknown) {
  const compiler = new CriteriaCompiler(ctx.dialect(prop.target.connection));
  compiler.nextAlias(); // e0 is the item
  return compiler.compile(prop.target, where, 'e0');
}

/**
 * `SELECT e0.*, h0.<pk> AS __owner0 FROM <target> e0 JOIN ... JOIN <owner> h0 WHERE h0.<pk> IN (...)`:
 * the hops walked backwards, every join an inner join (an item is in the collection only if the
 * whole path exists).
 */
function throughStatement(ctx: LoaderContext, owner: EntityMetadata, prop: ManyThroughProperty, keys: readonly unknown[][], where: unknown, orderBy: OrderByInput | undefined): Statement {
  const d = ctx.dialect(owner.connection);
  const q = (x: string) => d.quote(x);
  const col = (alias: string, c: string) => `${q(alias)}.${q(c)}`;
  const target = prop.target;
  // The entity reached after hop i is aliased h<i>, the owner h0, the last one (the target) e0.
  const last = prop.hops.length;
  const joins = throughJoins(q, owner, prop, { entity: (i) => (i === last ? 'e0' : `h${i}`), pivot: (i) => `hp${i}` })
    .map((j) => `JOIN ${q(j.table)} ${q(j.alias)} ON ${j.on}`);
  const select = [
    ...(orderBy === undefined ? target.primaryKeyColumns.map((c) => col('e0', c)) : target.columns.map((c) => col('e0', c.name))),
    ...owner.primaryKeyColumns.map((c, i) => `${col('h0', c)} AS ${q(`__owner${i}`)}`),
  ];
  const inList = ctx.inList(owner.connection, 'h0', owner.primaryKeyColumns, keyTypes(owner), keys);
  const conds = [inList.sql];
  const params = [...inList.params];
  if (where !== undefined) {
    const c = itemCriteria(ctx, prop, where);
    if (c.sql !== '1 = 1') {
      conds.push(`(${c.sql})`);
      params.push(...c.params);
    }
  }
  const order = orderColumns(target, orderBy ?? []).map(([c, dir]) => `${col('e0', c)} ${dir}`);
  const sql = `SELECT ${select.join(', ')} FROM ${q(target.tableName)} ${q('e0')} ${joins.join(' ')} WHERE ${conds.join(' AND ')}${order.length ? ` ORDER BY ${order.join(', ')}` : ''}`;
  return { sql, params };
}

/** `collection.loadCount()` of a has-many-through: its distinct items, counted by the database. */
export async function countThrough(ctx: LoaderContext, meta: EntityMetadata, prop: ManyThroughProperty, key: unknown[]): Promise<number> {
  const d = ctx.dialect(meta.connection);
  // Without an order the statement selects item keys and the owner key only: DISTINCT over those.
  const inner = throughStatement(ctx, meta, prop, [key], undefined, undefined);
  const sql = `SELECT COUNT(*) AS ${d.quote('count')} FROM (${inner.sql.replace(/^SELECT /, 'SELECT DISTINCT ')}) ${d.quote('x')}`;
  const rows = await ctx.run(meta.connection, { sql, params: inner.params });
  return Number(rows[0]?.count ?? 0);
}

/**
 * `collection.matching()` of a has-many-through. Rows repeat when several paths reach one item, so
 * `limit` / `offset` apply to the distinct items after the query, not in SQL.
 */
export async function matchThrough(ctx: LoaderContext, meta: EntityMetadata, prop: ManyThroughProperty, key: unknown[] | undefined, options: MatchingOptions): Promise<object[]> {
  const orderBy = (options.orderBy as OrderByInput | undefined) ?? itemOrder(prop.target, prop.orderBy);
  const stmt = throughStatement(ctx, meta, prop, [key ?? meta.primaryKeyColumns.map(() => null)], options.where, orderBy);
  if (!key) return []; // a new owner has no rows; the statement was still built so mistakes surface
  const fresh = ctx.freshSet();
  const rows = await ctx.run(meta.connection, stmt);
  const items = [...new Set(rows.map((row) => ctx.hydrateRow(prop.target, row, fresh)))];
  await ctx.afterLoad(fresh);
  const from = options.offset ?? 0;
  return items.slice(from, options.limit === undefined ? undefined : from + options.limit);
}

/**
 * The owner's collection for `prop`, bound to it. Entities the unit of work builds get theirs from
 * the accessor prototype on first read; an entity built with `new` has its class field, bound here.
 */
export function throughCollectionOf(ctx: LoaderContext, owner: object, prop: ManyThroughProperty): Collection<object> {
  const record = owner as Record<string, unknown>;
  let coll = record[prop.name];
  if (!(coll instanceof Collection)) {
    coll = new Collection<object>(owner);
    Object.defineProperty(owner, prop.name, { value: coll, writable: true, enumerable: true, configurable: true });
  }
  const c = coll as Collection<object>;
  if (c._property !== prop) c._attachThrough(prop, ctx.uow() as unknown as CollectionHost, false);
  return c;
}
