import type { Statement } from '../drivers/driver.js';
import { getState } from '../entity/entity-state.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { setToOneSilently } from '../entity/to-one-accessors.js';
import { fromDatabaseValue } from '../entity/value-conversion.js';
import type { ColumnMetadata, EntityMetadata, ManyToManyProperty, OneToManyProperty, OneToOneInverseProperty, ColumnType, ToOneOwning } from '../metadata/types.js';
import { keyOf } from '../unit-of-work/identity-map.js';
import { CriteriaCompiler } from './criteria.js';
import { runUnit, type RootSource, type UnitResult } from './joined-loader.js';
import { collectionOf, itemOrder, keyedOwners, keyTypes, type LoaderContext, type Row } from './loader-context.js';
import { loadThrough, throughCollectionOf } from './many-through.js';
import { pivotExtraColumns, readPivotValues, storeLinkValues } from './pivot-values.js';
import { joinedChildren, type PopulateNode } from './populate-tree.js';
import { knexQuote, orderColumns, type OrderByInput } from './select-builder.js';

/** What one select-in level loaded: the related entities, and those of the joined relations below it. */
export interface LevelResult {
  readonly entities: object[];
  readonly loaded: Map<PopulateNode, object[]>;
}

/** Options of a many-to-many item query (a populate level, or `Collection.matching`). */
export interface ItemQuery {
  readonly where?: unknown;
  readonly orderBy?: OrderByInput;
  readonly limit?: number;
  readonly offset?: number;
}

/**
 * The select-in strategy: one query per relation level (`WHERE fk IN (...)`, chunked to the
 * parameter limit), never one per parent. Relations of the level marked `joined` are joined into
 * that query.
 */
export class SelectInLoader {
  constructor(private readonly ctx: LoaderContext) {}

  async load(meta: EntityMetadata, node: PopulateNode, owners: readonly object[], fresh: Set<object> | undefined): Promise<LevelResult> {
    const prop = node.prop;
    switch (prop.kind) {
      case 'm:1':
        return this.#toOne(node, owners, fresh);
      case '1:1':
        return prop.owner ? this.#toOne(node, owners, fresh) : this.#inverseOne(meta, node, prop, owners, fresh);
      case '1:m':
        return this.#oneToMany(meta, node, prop, owners, fresh);
      case 'm:n':
        return this.#manyToMany(meta, node, prop, owners, fresh);
      case 'through': {
        const level = await loadThrough(this.ctx, meta, prop, node, owners, fresh);
        for (const [key, { owner }] of keyedOwners(meta, owners)) throughCollectionOf(this.ctx, owner, prop)._hydrate(level.groups.get(key) ?? []);
        return { entities: level.entities, loaded: level.loaded };
      }
    }
  }

  async #toOne(node: PopulateNode, owners: readonly object[], fresh: Set<object> | undefined): Promise<LevelResult> {
    const target = node.prop.target;
    const name = node.prop.name;
    const targets = new Set<object>();
    for (const o of owners) {
      const v = (o as Record<string, unknown>)[name];
      if (v && typeof v === 'object') targets.add(v);
    }
    const joined = joinedChildren(node);
    const entities = [...targets];
    // Loaded targets need no second read, unless relations are to be joined onto them.
    // A partially loaded target (`fields`) is read again: the rows fill in what it lacks.
    const keys: unknown[][] = [];
    for (const t of entities) {
      if (!joined.length) {
        const state = getState(t);
        if (state?.initialized && !state.unloaded) continue;
      }
      const key = primaryKeyValues(target, t);
      if (key !== undefined) keys.push(key);
    }
    const unit = await this.#byColumns(target, { columns: target.primaryKeyColumns, types: keyTypes(target), keys }, {}, joined, fresh, joined.length ? undefined : node.fields);
    return { entities, loaded: unit.loaded };
  }

  async #inverseOne(meta: EntityMetadata, node: PopulateNode, prop: OneToOneInverseProperty, owners: readonly object[], fresh: Set<object> | undefined): Promise<LevelResult> {
    const fk = prop.target.propertiesByName[prop.mappedBy] as unknown as ToOneOwning;
    const keyed = keyedOwners(meta, owners);
    const keys = [...keyed.values()].map((k) => k.key);
    const by = { columns: fk.joinColumns.map((c) => c.name), types: fk.joinColumns.map((c) => c.type), keys };
    const unit = await this.#byColumns(prop.target, by, {}, joinedChildren(node), fresh);
    const byOwner = new Map<string, object>();
    for (const entity of unit.entities) {
      const parent = (entity as Record<string, unknown>)[prop.mappedBy];
      if (parent && typeof parent === 'object') byOwner.set(keyOf(primaryKeyValues(meta, parent) ?? []), entity);
    }
    for (const [key, { owner }] of keyed) setToOneSilently(owner, getState(owner)!, prop.name, byOwner.get(key) ?? null);
    return { entities: [...new Set(byOwner.values())], loaded: unit.loaded };
  }

  async #oneToMany(meta: EntityMetadata, node: PopulateNode, prop: OneToManyProperty, owners: readonly object[], fresh: Set<object> | undefined): Promise<LevelResult> {
    const fk = prop.target.propertiesByName[prop.mappedBy] as unknown as ToOneOwning;
    const keyed = keyedOwners(meta, owners);
    const keys = [...keyed.values()].map((k) => k.key);
    const order = itemOrder(prop.target, node.orderBy ?? prop.orderBy);
    const by = { columns: fk.joinColumns.map((c) => c.name), types: fk.joinColumns.map((c) => c.type), keys };
    const unit = await this.#byColumns(prop.target, by, { where: node.where, orderBy: order }, joinedChildren(node), fresh);
    // By parent object, not by key string: the identity map makes each item's parent the owner itself.
    // Arrays, not sets: rows repeated by joined children repeat an item, and the collection drops repeats.
    const groups = new Map<object, object[]>();
    for (const entity of unit.entities) {
      const parent = (entity as Record<string, unknown>)[prop.mappedBy];
      if (!parent || typeof parent !== 'object') continue;
      const items = groups.get(parent);
      if (items) items.push(entity);
      else groups.set(parent, [entity]);
    }
    const byKey = ownerKeyFallback(meta, groups, keyed);
    // Without joined children each row is another item: the groups are distinct, and handed over.
    const distinct = unit.loaded.size === 0;
    for (const [key, { owner }] of keyed) {
      const items = groups.get(owner) ?? byKey?.get(key) ?? [];
      if (distinct) collectionOf(owner, prop)._hydrateDistinct(items);
      else collectionOf(owner, prop)._hydrate(items);
    }
    return { entities: levelEntities(node, unit), loaded: unit.loaded };
  }

  async #manyToMany(meta: EntityMetadata, node: PopulateNode, prop: ManyToManyProperty, owners: readonly object[], fresh: Set<object> | undefined): Promise<LevelResult> {
    const mine = prop.owner ? prop.pivot.joinColumns : prop.pivot.inverseJoinColumns;
    const keyed = keyedOwners(meta, owners);
    const keys = [...keyed.values()].map((k) => k.key);
    const query = { where: node.where, orderBy: itemOrder(prop.target, node.orderBy ?? prop.orderBy) };
    if (prop.pivot.connection !== prop.target.connection) {
      const links = await this.crossLinks(meta, prop, keys, query.where);
      const unit = await this.#byColumns(prop.target, { columns: prop.target.primaryKeyColumns, types: keyTypes(prop.target), keys: links.targetKeys }, { orderBy: query.orderBy }, joinedChildren(node), fresh);
      const groups = this.groupCrossLinks(prop, links, unit.entities, (ownerKey) => keyed.get(ownerKey)?.owner);
      for (const [key, { owner }] of keyed) collectionOf(owner, prop)._hydrate(groups.get(key) ?? []);
      return { entities: levelEntities(node, unit), loaded: unit.loaded };
    }
    const reserved = node.where ? new CriteriaCompiler(this.ctx.dialect(prop.target.connection)).compileItems(meta, prop, node.where, 'e0', 'p').params.length : 0;
    const statements = this.ctx
      .chunks(prop.target.connection, keys, mine.length, reserved)
      .map((part) => this.manyToManyStatement(meta, prop, part, query));
    const source: RootSource = { meta: prop.target, statements, passThrough: manyToManyPassThrough(prop), orderBy: query.orderBy };
    const unit = await runUnit(this.ctx, source, joinedChildren(node), fresh);
    const ownerOf = (ownerKey: string) => keyed.get(ownerKey)?.owner;
    if (unit.loaded.size === 0 && !prop.pivot.through) {
      // One row per link (a plain join table's key is the pair): each owner's items are distinct,
      // handed over as read. A through entity has a key of its own, and may link a pair twice.
      const groups = this.#readDistinctLinks(prop, unit, ownerOf);
      for (const [key, { owner }] of keyed) collectionOf(owner, prop)._hydrateDistinct(groups.get(key) ?? []);
    } else {
      const groups = this.readLinks(prop, unit, ownerOf);
      for (const [key, { owner }] of keyed) collectionOf(owner, prop)._hydrate(groups.get(key) ?? []);
    }
    return { entities: levelEntities(node, unit), loaded: unit.loaded };
  }

  /**
   * Target rows joined to the pivot for the owners (of type `owner`) with `keys`, with each link's
   * owner key (as `__owner<i>`) and through-entity values (as `__pv<i>`). `where` may filter the
   * link rows with `$pivot`.
   */
  manyToManyStatement(owner: EntityMetadata, prop: ManyToManyProperty, keys: readonly unknown[][], query: ItemQuery): Statement {
    const target = prop.target;
    const pivot = prop.pivot;
    const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
    const theirs = prop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
    if (query.limit === undefined && query.offset === undefined) return this.#manyToManySql(owner, prop, keys, query);
    const knex = this.ctx.driver(target.connection).knex;
    const qb = knex
      .queryBuilder()
      .select(target.columns.map((c) => `e0.${c.name}`))
      .from({ e0: target.tableName })
      .join({ p: pivot.tableName }, (j) => {
        theirs.forEach((c, i) => j.on(`p.${c.name}`, '=', `e0.${target.primaryKeyColumns[i]}`));
      });
    mine.forEach((c, i) => qb.select({ [`__owner${i}`]: `p.${c.name}` }));
    pivotExtraColumns(prop).forEach((c, i) => qb.select({ [`__pv${i}`]: `p.${c.name}` }));
    const inList = this.ctx.inList(target.connection, 'p', mine.map((c) => c.name), mine.map((c) => c.type), keys);
    qb.whereRaw(inList.sql, inList.params as never[]);
    if (query.where !== undefined) {
      const compiler = new CriteriaCompiler(this.ctx.dialect(target.connection));
      compiler.nextAlias(); // e0 is the target
      const cond = compiler.compileItems(owner, prop, query.where, 'e0', 'p');
      if (cond.sql !== '1 = 1') qb.whereRaw(cond.sql, cond.params as never[]);
    }
    for (const [column, dir] of orderColumns(target, query.orderBy)) qb.orderBy(`e0.${column}`, dir);
    if (query.limit !== undefined) qb.limit(query.limit);
    if (query.offset !== undefined) qb.offset(query.offset);
    const { sql, bindings } = qb.toSQL();
    return { sql, params: bindings as unknown[] };
  }

  /**
   * `manyToManyStatement` without a limit or offset, written out as knex writes it: building it with
   * knex cost more than reading the rows of a populate level.
   */
  #manyToManySql(owner: EntityMetadata, prop: ManyToManyProperty, keys: readonly unknown[][], query: ItemQuery): Statement {
    const target = prop.target;
    const pivot = prop.pivot;
    const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
    const theirs = prop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
    const q = knexQuote(this.ctx.driver(target.connection).dialect);
    const e0 = q('e0');
    const p = q('p');
    const select = target.columns.map((c) => `${e0}.${q(c.name)}`);
    mine.forEach((c, i) => select.push(`${p}.${q(c.name)} as ${q(`__owner${i}`)}`));
    pivotExtraColumns(prop).forEach((c, i) => select.push(`${p}.${q(c.name)} as ${q(`__pv${i}`)}`));
    const on = theirs.map((c, i) => `${p}.${q(c.name)} = ${e0}.${q(target.primaryKeyColumns[i]!)}`);
    const inList = this.ctx.inList(target.connection, 'p', mine.map((c) => c.name), mine.map((c) => c.type), keys);
    let sql = `select ${select.join(', ')} from ${q(target.tableName)} as ${e0} inner join ${q(pivot.tableName)} as ${p} on ${on.join(' and ')} where ${inList.sql}`;
    const params = inList.params as unknown[];
    if (query.where !== undefined) {
      const compiler = new CriteriaCompiler(this.ctx.dialect(target.connection));
      compiler.nextAlias(); // e0 is the target
      const cond = compiler.compileItems(owner, prop, query.where, 'e0', 'p');
      if (cond.sql !== '1 = 1') {
        sql += ` and ${cond.sql}`;
        params.push(...cond.params);
      }
    }
    const order = orderColumns(target, query.orderBy);
    if (order.length) sql += ` order by ${order.map(([column, dir]) => `${e0}.${q(column)} ${dir}`).join(', ')}`;
    return { sql, params };
  }

  /**
   * The link rows of a many-to-many whose join table and items live on different connections, read
   * on the join table's connection for the owners with `keys` (chunked): step one of two, the items
   * are read by key on their own connection next. `where` has been resolved for the join table
   * (criteria on the items turned into item keys), so it reads nothing else.
   */
  async crossLinks(owner: EntityMetadata, prop: ManyToManyProperty, keys: readonly unknown[][], where: unknown): Promise<CrossLinks> {
    const pivot = prop.pivot;
    const conn = pivot.connection;
    const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
    const theirs = prop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
    const extras = pivotExtraColumns(prop);
    const d = this.ctx.dialect(conn);
    const q = (x: string) => d.quote(x);
    let cond = { sql: '1 = 1', params: [] as unknown[] };
    if (where !== undefined) {
      const compiler = new CriteriaCompiler(d, { connection: conn });
      compiler.nextAlias(); // e0 would be the item; only the link row `p` is read
      cond = compiler.compileItems(owner, prop, where, 'e0', 'p');
    }
    const select = [
      ...mine.map((c, i) => `${q('p')}.${q(c.name)} AS ${q(`__owner${i}`)}`),
      ...theirs.map((c, i) => `${q('p')}.${q(c.name)} AS ${q(`__item${i}`)}`),
      ...extras.map((c, i) => `${q('p')}.${q(c.name)} AS ${q(`__pv${i}`)}`),
    ].join(', ');
    const links: Row[] = [];
    for (const part of this.ctx.chunks(conn, keys, mine.length, cond.params.length)) {
      const inList = this.ctx.inList(conn, 'p', mine.map((c) => c.name), mine.map((c) => c.type), part);
      const sql = `SELECT ${select} FROM ${q(pivot.tableName)} ${q('p')} WHERE ${inList.sql}${cond.sql === '1 = 1' ? '' : ` AND (${cond.sql})`}`;
      links.push(...(await this.ctx.run(conn, { sql, params: [...inList.params, ...cond.params] })));
    }
    const itemKey = (row: Row) => theirs.map((c, i) => fromDatabaseValue(c.type, row[`__item${i}`]));
    const targetKeys = new Map<string, unknown[]>();
    for (const row of links) {
      const k = itemKey(row);
      targetKeys.set(keyOf(k), k);
    }
    return { rows: links, targetKeys: [...targetKeys.values()], itemKey };
  }

  /** Step two's items (in their order) grouped by owner key through the link rows of step one. */
  groupCrossLinks(prop: ManyToManyProperty, links: CrossLinks, items: readonly object[], ownerOf: (key: string) => object | undefined): Map<string, Set<object>> {
    const byItem = new Map<string, Row[]>();
    for (const row of links.rows) {
      const k = keyOf(links.itemKey(row));
      byItem.set(k, [...(byItem.get(k) ?? []), row]);
    }
    const mine = prop.owner ? prop.pivot.joinColumns : prop.pivot.inverseJoinColumns;
    const extras = pivotExtraColumns(prop);
    const ownerKeyOf = ownerKeyReader(mine);
    const groups = new Map<string, Set<object>>();
    for (const entity of items) {
      for (const row of byItem.get(keyOf(primaryKeyValues(prop.target, entity) ?? [])) ?? []) {
        const ownerKey = ownerKeyOf(row);
        let set = groups.get(ownerKey);
        if (!set) groups.set(ownerKey, (set = new Set()));
        set.add(entity);
        const owner = extras.length ? ownerOf(ownerKey) : undefined;
        if (owner) storeLinkValues(prop, owner, entity, readPivotValues(this.ctx.uow(), prop, extras, row, (i) => `__pv${i}`));
      }
    }
    return groups;
  }

  /** Groups many-to-many rows by owner key and records each link's through-entity values. */
  readLinks(prop: ManyToManyProperty, unit: Pick<UnitResult, 'entities' | 'rows'>, ownerOf: (key: string) => object | undefined): Map<string, Set<object>> {
    const groups = new Map<string, Set<object>>();
    this.#eachLink(prop, unit, ownerOf, (key, entity) => {
      let items = groups.get(key);
      if (!items) groups.set(key, (items = new Set()));
      if (items.has(entity)) return false; // a row repeated by joined relations below
      items.add(entity);
      return true;
    });
    return groups;
  }

  /**
   * {@link readLinks} for rows that no joined relation repeats: each row is one link, so an owner's
   * items are distinct as read, in an array.
   */
  #readDistinctLinks(prop: ManyToManyProperty, unit: Pick<UnitResult, 'entities' | 'rows'>, ownerOf: (key: string) => object | undefined): Map<string, object[]> {
    const groups = new Map<string, object[]>();
    this.#eachLink(prop, unit, ownerOf, (key, entity) => {
      const items = groups.get(key);
      if (items) items.push(entity);
      else groups.set(key, [entity]);
      return true;
    });
    return groups;
  }

  /**
   * Each link row's owner key and item, handed to `add` (false: a repeat, nothing more to read),
   * then the link's through-entity values, if the join table has any.
   */
  #eachLink(
    prop: ManyToManyProperty,
    unit: Pick<UnitResult, 'entities' | 'rows'>,
    ownerOf: (key: string) => object | undefined,
    add: (key: string, entity: object) => boolean,
  ): void {
    const mine = prop.owner ? prop.pivot.joinColumns : prop.pivot.inverseJoinColumns;
    const extras = pivotExtraColumns(prop);
    const ownerKey = ownerKeyReader(mine);
    const { entities, rows } = unit;
    for (let i = 0; i < rows.length; i++) {
      const entity = entities[i]!;
      const row = rows[i]!;
      const key = ownerKey(row);
      if (!add(key, entity) || !extras.length) continue;
      const owner = ownerOf(key);
      if (owner) storeLinkValues(prop, owner, entity, readPivotValues(this.ctx.uow(), prop, extras, row, (n) => `__pv${n}`));
    }
  }

  /** Rows of `target` whose `by.columns` are in `by.keys` (with `query`), and the joined relations. */
  async #byColumns(
    target: EntityMetadata,
    by: { columns: readonly string[]; types: readonly ColumnType[]; keys: readonly unknown[][] },
    query: ItemQuery,
    joined: readonly PopulateNode[],
    fresh: Set<object> | undefined,
    fields?: PopulateNode['fields'],
  ): Promise<UnitResult> {
    if (!by.keys.length) return { entities: [], rows: [], loaded: new Map(joined.map((n) => [n, []])) };
    const builder = this.ctx.builder(target.connection);
    const statements = this.ctx
      .chunks(target.connection, by.keys, by.columns.length, this.#paramsOf(target, query.where))
      .map((part) => builder.select(target, query.where, { orderBy: query.orderBy, columns: fields?.columns }, this.ctx.inList(target.connection, 'e0', by.columns, by.types, part)));
    return runUnit(this.ctx, { meta: target, statements, passThrough: [], orderBy: query.orderBy, unloaded: fields?.unloaded }, joined, fresh);
  }

  /** Parameters `where` adds to each statement (kept out of the IN list's share of the limit). */
  #paramsOf(meta: EntityMetadata, where: unknown): number {
    if (where === undefined) return 0;
    return new CriteriaCompiler(this.ctx.dialect(meta.connection)).compile(meta, where, 'e0').params.length;
  }
}

/** Link rows read on a join table's connection, and the distinct keys of the items they name. */
export interface CrossLinks {
  readonly rows: readonly Row[];
  readonly targetKeys: unknown[][];
  readonly itemKey: (row: Row) => unknown[];
}

/**
 * The identity-map key of the owner a link row names (its `__owner<i>` columns), as `keyOf` of the
 * converted values gives it; a one-column key is read without building a key array.
 */
function ownerKeyReader(columns: readonly ColumnMetadata[]): (row: Row) => string {
  const names = columns.map((_, i) => `__owner${i}`);
  if (columns.length === 1) {
    const name = names[0]!;
    const type = columns[0]!.type;
    return (row) => String(fromDatabaseValue(type, row[name]));
  }
  return (row) => keyOf(columns.map((c, i) => fromDatabaseValue(c.type, row[names[i]!])));
}

function manyToManyPassThrough(prop: ManyToManyProperty): string[] {
  const mine = prop.owner ? prop.pivot.joinColumns : prop.pivot.inverseJoinColumns;
  return [...mine.map((_, i) => `__owner${i}`), ...pivotExtraColumns(prop).map((_, i) => `__pv${i}`)];
}

/** Groups whose parent is not one of the owner objects (an owner from elsewhere), by key; undefined when none. */
function ownerKeyFallback(meta: EntityMetadata, groups: Map<object, object[]>, keyed: Map<string, { owner: object }>): Map<string, object[]> | undefined {
  let owners: Set<object> | undefined;
  let byKey: Map<string, object[]> | undefined;
  for (const [parent, items] of groups) {
    owners ??= new Set([...keyed.values()].map((k) => k.owner));
    if (owners.has(parent)) continue;
    (byKey ??= new Map()).set(keyOf(primaryKeyValues(meta, parent) ?? []), items);
  }
  return byKey;
}

/** The level's entities, for the populate of the level below; none to collect when nothing is below. */
function levelEntities(node: PopulateNode, unit: UnitResult): object[] {
  return node.children.size ? uniqueEntities(unit) : [];
}

function uniqueEntities(unit: UnitResult): object[] {
  const seen = new Set<object>();
  for (const e of unit.entities) seen.add(e);
  return [...seen];
}
