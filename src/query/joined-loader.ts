import type { Statement } from '../drivers/driver.js';
import { getState } from '../entity/entity-state.js';
import { setToOneSilently } from '../entity/to-one-accessors.js';
import type { ColumnMetadata, EntityMetadata, ManyToManyProperty, ToOneOwning } from '../metadata/types.js';
import { CriteriaCompiler } from './criteria.js';
import { collectionOf, itemOrder, type LoaderContext, type Row } from './loader-context.js';
import { pivotExtraColumns, readPivotValues, storeLinkValues } from './pivot-values.js';
import { joinedChildren, type PopulateNode } from './populate-tree.js';
import { orderColumns, resolveOrderBy, type OrderByInput } from './order-by.js';
import type { CountsOption } from './relation-counts.js';
import type { SqlDialect } from './sql-dialect.js';

/** The rows a unit starts from: a find's root query, or one select-in level's query. */
export interface RootSource {
  readonly meta: EntityMetadata;
  /**
   * One statement per chunk, each selecting every column of `meta` under its own name, plus the
   * `passThrough` columns (owner keys, pivot values) the caller reads back from each row.
   */
  readonly statements: readonly Statement[];
  readonly passThrough: readonly string[];
  /** Order of the root rows; repeated around the derived table when relations are joined. */
  readonly orderBy: OrderByInput | undefined;
  /** The counts the query loads, which `orderBy` may name. */
  readonly counts?: CountsOption;
  /** Column properties of `meta` the statements leave out (`fields`); only without joined relations. */
  readonly unloaded?: ReadonlySet<string>;
}

export interface UnitResult {
  /**
   * The entity of each root row (`entities[i]` is read from `rows[i]`): an entity repeats when joins
   * multiply its rows or it has several owners. Two arrays, not a pair object per row.
   */
  readonly entities: readonly object[];
  readonly rows: readonly Row[];
  /** Entities loaded at each joined node; every joined node of the unit has an entry. */
  readonly loaded: Map<PopulateNode, object[]>;
}

/** One table of the statement: the root (`t0`) or a joined relation. */
interface Plan {
  readonly node?: PopulateNode;
  readonly meta: EntityMetadata;
  readonly alias: string;
  /** Column name → key of its value in a result row. */
  readonly columns: readonly (readonly [string, string])[];
  /** Whether `columns` map to other keys in the row (joined statements alias every column). */
  readonly aliased: boolean;
  readonly pkKeys: readonly string[];
  readonly pivotAlias?: string;
  readonly pivotColumns?: readonly ColumnMetadata[];
  readonly children: Plan[];
  /** Entities met in this statement, by raw key: each row is hydrated once per table. */
  readonly seen: Map<string, object>;
  /**
   * Without joins, by the raw value of a one-column key: rows that repeat an entity (the tags of many
   * books) cost a lookup by that value, not a key string and the identity map each.
   */
  seenByValue?: Map<unknown, object>;
  /** Hydrates a row of this plan's type (made on the first row). */
  read?: (row: Row, fresh: Set<object> | undefined) => object;
  /** The root's column properties its statements leave out (`fields`). */
  unloaded?: ReadonlySet<string>;
}

/**
 * Loads a root level and, in the same statement, the `joined` relations below it (LEFT JOINs with
 * aliased columns). The root rows come from a derived table, so a `limit`/`offset` in the root
 * statement counts root entities, not joined rows. Entities go through the identity map and
 * collections are hydrated exactly as select-in does, so both strategies build the same graph.
 */
export async function runUnit(ctx: LoaderContext, source: RootSource, joined: readonly PopulateNode[], fresh: Set<object> | undefined): Promise<UnitResult> {
  const meta = source.meta;
  const wrapped = joined.length > 0;
  let next = 1;
  const plan = (node: PopulateNode | undefined, m: EntityMetadata, alias: string, pivotAlias?: string): Plan => {
    const columns = m.columns.map((c, i) => [c.name, wrapped ? `${alias}_${i}` : c.name] as const);
    const byName = new Map(columns);
    const pivotColumns = node?.prop.kind === 'm:n' ? pivotExtraColumns(node.prop) : undefined;
    const p: Plan = {
      node, meta: m, alias, columns, aliased: wrapped, pivotAlias, children: [], seen: new Map(),
      pkKeys: m.primaryKeyColumns.map((c) => byName.get(c)!),
      pivotColumns: pivotColumns?.length ? pivotColumns : undefined,
    };
    for (const child of node ? joinedChildren(node) : joined) {
      const k = next++;
      p.children.push(plan(child, child.prop.target, `t${k}`, child.prop.kind === 'm:n' ? `p${k}` : undefined));
    }
    return p;
  };
  const root = plan(undefined, meta, 't0');
  root.unloaded = source.unloaded;
  // Link rows (a many-to-many's items, one row per link) repeat their items; other rows do not.
  if (source.passThrough.length && root.pkKeys.length === 1) root.seenByValue = new Map();
  const d = ctx.dialect(meta.connection);
  const statements = wrapped ? source.statements.map((s) => joinedStatement(d, s, source, root)) : source.statements;

  const groups = new Map<Plan, Map<object, Set<object>>>();
  const entities: object[] = [];
  const rows: Row[] = [];
  const visit = (p: Plan, row: Row, parent: object | undefined): void => {
    const entity = readEntity(ctx, p, row, fresh);
    if (p.node && parent) {
      let byParent = groups.get(p);
      if (!byParent) groups.set(p, (byParent = new Map()));
      let items = byParent.get(parent);
      if (!items) byParent.set(parent, (items = new Set()));
      // Joins below or beside this one repeat its rows; each item (and link) is read once.
      if (entity && !items.has(entity)) {
        items.add(entity);
        if (p.pivotColumns) {
          const prop = p.node.prop as ManyToManyProperty;
          storeLinkValues(prop, parent, entity, readPivotValues(ctx.uow(), prop, p.pivotColumns, row, (i) => `${p.pivotAlias}_${i}`));
        }
      }
    }
    if (!entity) return;
    for (const child of p.children) visit(child, row, entity);
  };
  for (const stmt of statements) {
    const read = (await ctx.execute(meta.connection, stmt)).rows;
    for (let i = 0; i < read.length; i++) {
      const row = read[i]!;
      const entity = readEntity(ctx, root, row, fresh);
      if (!entity) continue;
      entities.push(entity);
      rows.push(row);
      for (const child of root.children) visit(child, row, entity);
    }
  }

  const loaded = new Map<PopulateNode, object[]>();
  const finish = (p: Plan): void => {
    for (const child of p.children) {
      const byParent = groups.get(child) ?? new Map<object, Set<object>>();
      attach(child.node!, byParent);
      loaded.set(child.node!, [...new Set([...byParent.values()].flatMap((s) => [...s]))]);
      finish(child);
    }
  };
  finish(root);
  return { entities, rows, loaded };
}

/** Root rows in a derived table, every joined relation a LEFT JOIN, ordered so items keep their order. */
function joinedStatement(d: SqlDialect, chunk: Statement, source: RootSource, root: Plan): Statement {
  const q = (s: string) => d.quote(s);
  const col = (alias: string, c: string) => `${q(alias)}.${q(c)}`;
  const select: string[] = [];
  const joins: string[] = [];
  const params: unknown[] = [...chunk.params];
  const order: string[] = [];
  const addColumns = (p: Plan) => {
    for (const [name, key] of p.columns) select.push(`${col(p.alias, name)} AS ${q(key)}`);
    p.pivotColumns?.forEach((c, i) => select.push(`${col(p.pivotAlias!, c.name)} AS ${q(`${p.pivotAlias}_${i}`)}`));
  };
  addColumns(root);
  for (const name of source.passThrough) select.push(`${col('t0', name)} AS ${q(name)}`);
  // The root's own sort may join to-one relations (author.name); those joins cannot add rows.
  const rootOrder = resolveOrderBy(source.meta, source.orderBy, d, 't0', source.counts);
  joins.push(...rootOrder.joins);
  order.push(...rootOrder.terms);
  // Then the key, so that the rows of one root entity stay together whatever the sort left tied.
  for (const c of root.meta.primaryKeyColumns) if (!order.some((t) => t.startsWith(`${col('t0', c)} `))) order.push(`${col('t0', c)} asc`);

  const addJoins = (parent: Plan) => {
    for (const p of parent.children) {
      const node = p.node!;
      const prop = node.prop;
      const on: string[] = [];
      switch (prop.kind) {
        case 'm:1':
        case '1:1':
          if (prop.kind === 'm:1' || prop.owner) {
            prop.joinColumns.forEach((c, i) => on.push(`${col(p.alias, prop.referencedColumns[i]!)} = ${col(parent.alias, c.name)}`));
          } else {
            const owning = prop.target.propertiesByName[prop.mappedBy] as unknown as ToOneOwning;
            owning.joinColumns.forEach((c, i) => on.push(`${col(p.alias, c.name)} = ${col(parent.alias, owning.referencedColumns[i]!)}`));
          }
          joins.push(`LEFT JOIN ${q(prop.target.tableName)} ${q(p.alias)} ON ${on.join(' AND ')}`);
          break;
        case '1:m': {
          const fk = prop.target.propertiesByName[prop.mappedBy] as unknown as ToOneOwning;
          fk.joinColumns.forEach((c, i) => on.push(`${col(p.alias, c.name)} = ${col(parent.alias, fk.referencedColumns[i]!)}`));
          joins.push(`LEFT JOIN ${q(prop.target.tableName)} ${q(p.alias)} ON ${on.join(' AND ')}${condition(d, parent.meta, node, p.alias, undefined, params)}`);
          break;
        }
        case 'm:n': {
          const pivot = prop.pivot;
          const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
          const theirs = prop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
          const pa = p.pivotAlias!;
          const pivotOn = mine.map((c, i) => `${col(pa, c.name)} = ${col(parent.alias, parent.meta.primaryKeyColumns[i]!)}`);
          joins.push(`LEFT JOIN ${q(pivot.tableName)} ${q(pa)} ON ${pivotOn.join(' AND ')}`);
          theirs.forEach((c, i) => on.push(`${col(p.alias, prop.target.primaryKeyColumns[i]!)} = ${col(pa, c.name)}`));
          joins.push(`LEFT JOIN ${q(prop.target.tableName)} ${q(p.alias)} ON ${on.join(' AND ')}${condition(d, parent.meta, node, p.alias, pa, params)}`);
          break;
        }
        case 'through':
          throw new Error(`joinery: ${prop.entity}.${prop.name} is a has-many-through and is never joined`);
      }
      addColumns(p);
      if (prop.kind === '1:m' || prop.kind === 'm:n') {
        for (const [c, dir] of orderColumns(prop.target, itemOrder(prop.target, node.orderBy ?? prop.orderBy))) order.push(`${col(p.alias, c)} ${dir}`);
      }
      addJoins(p);
    }
  };
  addJoins(root);
  const sql =
    `SELECT ${select.join(', ')} FROM (${chunk.sql}) ${q('t0')} ${joins.join(' ')}` +
    (order.length ? ` ORDER BY ${order.join(', ')}` : '');
  // The ORDER BY comes last: its parameters (a named count's criteria) after every join's.
  params.push(...rootOrder.params);
  return { sql, params };
}

/** `AND (<populateWhere>)` for the items joined as `alias` (and their link rows as `pivotAlias`, for `$pivot`). */
function condition(d: SqlDialect, owner: EntityMetadata, node: PopulateNode, alias: string, pivotAlias: string | undefined, params: unknown[]): string {
  if (!node.where) return '';
  const cond = new CriteriaCompiler(d).compileItems(owner, node.prop, node.where, alias, pivotAlias);
  params.push(...cond.params);
  return ` AND (${cond.sql})`;
}

/** The entity of `p` in this row, or undefined when the LEFT JOIN found none. */
function readEntity(ctx: LoaderContext, p: Plan, row: Row, fresh: Set<object> | undefined): object | undefined {
  let raw = '';
  for (const k of p.pkKeys) {
    const v = row[k];
    if (v === null || v === undefined) return undefined;
    if (p.aliased) raw += `${String(v)}\u0001`;
  }
  if (!p.aliased) {
    const read = (p.read ??= ctx.rowReader(p.meta, p.node ? undefined : p.unloaded));
    const byValue = p.seenByValue;
    if (!byValue) return read(row, fresh);
    const v = row[p.pkKeys[0]!];
    let known = byValue.get(v);
    if (!known) byValue.set(v, (known = read(row, fresh)));
    return known;
  }
  let entity = p.seen.get(raw);
  if (!entity) {
    // Unaliased columns (no joins) are the row itself: no copy.
    let values = row;
    if (p.aliased) {
      values = {};
      for (const [name, key] of p.columns) values[name] = row[key];
    }
    entity = ctx.hydrateRow(p.meta, values, fresh);
    p.seen.set(raw, entity);
  }
  return entity;
}

/** Puts what a joined relation found into its parents: collection items, or the inverse 1:1. */
function attach(node: PopulateNode, byParent: Map<object, Set<object>>): void {
  const prop = node.prop;
  switch (prop.kind) {
    case '1:m':
    case 'm:n':
      for (const [parent, items] of byParent) collectionOf(parent, prop)._hydrate(items);
      break;
    case '1:1':
      if (!prop.owner) {
        for (const [parent, items] of byParent) setToOneSilently(parent, getState(parent)!, prop.name, items.values().next().value ?? null);
      }
      break;
    case 'm:1':
      // The parent's FK already points at the same object (identity map); hydrating it was enough.
      break;
    case 'through':
      // Never joined (see populate-tree.ts): it is read on its own, select-in.
      break;
  }
}
