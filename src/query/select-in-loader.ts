import type { Statement } from '../drivers/driver.js';
import { getState } from '../entity/entity-state.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { setToOneSilently } from '../entity/to-one-accessors.js';
import { fromDatabaseValue } from '../entity/value-conversion.js';
import type { EntityMetadata, ManyToManyProperty, OneToManyProperty, OneToOneInverseProperty, ScalarType, ToOneOwning } from '../metadata/types.js';
import { keyOf } from '../unit-of-work/identity-map.js';
import { CriteriaCompiler } from './criteria.js';
import { runUnit, type RootSource, type UnitResult } from './joined-loader.js';
import { collectionOf, itemOrder, keyedOwners, keyTypes, type LoaderContext, type Row } from './loader-context.js';
import { pivotExtraColumns, readPivotValues, storeLinkValues } from './pivot-values.js';
import { joinedChildren, type PopulateNode } from './populate-tree.js';
import { orderColumns, type OrderByInput } from './select-builder.js';

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

  async load(meta: EntityMetadata, node: PopulateNode, owners: readonly object[], fresh: Set<object>): Promise<LevelResult> {
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
    }
  }

  async #toOne(node: PopulateNode, owners: readonly object[], fresh: Set<object>): Promise<LevelResult> {
    const target = node.prop.target;
    const targets = new Set<object>();
    for (const o of owners) {
      const v = (o as Record<string, unknown>)[node.prop.name];
      if (v && typeof v === 'object') targets.add(v);
    }
    const joined = joinedChildren(node);
    // Loaded targets need no second read, unless relations are to be joined onto them.
    const toLoad = joined.length ? [...targets] : [...targets].filter((t) => !getState(t)?.initialized);
    const keys = toLoad.map((t) => primaryKeyValues(target, t)).filter((k): k is unknown[] => k !== undefined);
    const unit = await this.#byColumns(target, { columns: target.primaryKeyColumns, types: keyTypes(target), keys }, {}, joined, fresh);
    return { entities: [...targets], loaded: unit.loaded };
  }

  async #inverseOne(meta: EntityMetadata, node: PopulateNode, prop: OneToOneInverseProperty, owners: readonly object[], fresh: Set<object>): Promise<LevelResult> {
    const fk = prop.target.propertiesByName[prop.mappedBy] as unknown as ToOneOwning;
    const keyed = keyedOwners(meta, owners);
    const keys = [...keyed.values()].map((k) => k.key);
    const by = { columns: fk.joinColumns.map((c) => c.name), types: fk.joinColumns.map((c) => c.type), keys };
    const unit = await this.#byColumns(prop.target, by, {}, joinedChildren(node), fresh);
    const byOwner = new Map<string, object>();
    for (const { entity } of unit.rows) {
      const parent = (entity as Record<string, unknown>)[prop.mappedBy];
      if (parent && typeof parent === 'object') byOwner.set(keyOf(primaryKeyValues(meta, parent) ?? []), entity);
    }
    for (const [key, { owner }] of keyed) setToOneSilently(owner, getState(owner)!, prop.name, byOwner.get(key) ?? null);
    return { entities: [...new Set(byOwner.values())], loaded: unit.loaded };
  }

  async #oneToMany(meta: EntityMetadata, node: PopulateNode, prop: OneToManyProperty, owners: readonly object[], fresh: Set<object>): Promise<LevelResult> {
    const fk = prop.target.propertiesByName[prop.mappedBy] as unknown as ToOneOwning;
    const keyed = keyedOwners(meta, owners);
    const keys = [...keyed.values()].map((k) => k.key);
    const order = itemOrder(prop.target, node.orderBy ?? prop.orderBy);
    const by = { columns: fk.joinColumns.map((c) => c.name), types: fk.joinColumns.map((c) => c.type), keys };
    const unit = await this.#byColumns(prop.target, by, { where: node.where, orderBy: order }, joinedChildren(node), fresh);
    const groups = new Map<string, Set<object>>();
    for (const { entity } of unit.rows) {
      const parent = (entity as Record<string, unknown>)[prop.mappedBy];
      if (!parent || typeof parent !== 'object') continue;
      const key = keyOf(primaryKeyValues(meta, parent) ?? []);
      let items = groups.get(key);
      if (!items) groups.set(key, (items = new Set()));
      items.add(entity);
    }
    for (const [key, { owner }] of keyed) collectionOf(owner, prop)._hydrate(groups.get(key) ?? []);
    return { entities: uniqueEntities(unit), loaded: unit.loaded };
  }

  async #manyToMany(meta: EntityMetadata, node: PopulateNode, prop: ManyToManyProperty, owners: readonly object[], fresh: Set<object>): Promise<LevelResult> {
    const mine = prop.owner ? prop.pivot.joinColumns : prop.pivot.inverseJoinColumns;
    const keyed = keyedOwners(meta, owners);
    const keys = [...keyed.values()].map((k) => k.key);
    const query = { where: node.where, orderBy: itemOrder(prop.target, node.orderBy ?? prop.orderBy) };
    const reserved = node.where ? new CriteriaCompiler(this.ctx.dialect(prop.target.connection)).compileItems(meta, prop, node.where, 'e0', 'p').params.length : 0;
    const statements = this.ctx
      .chunks(prop.target.connection, keys, mine.length, reserved)
      .map((part) => this.manyToManyStatement(meta, prop, part, query));
    const source: RootSource = { meta: prop.target, statements, passThrough: manyToManyPassThrough(prop), orderBy: query.orderBy };
    const unit = await runUnit(this.ctx, source, joinedChildren(node), fresh);
    const groups = this.readLinks(prop, unit.rows, (ownerKey) => keyed.get(ownerKey)?.owner);
    for (const [key, { owner }] of keyed) collectionOf(owner, prop)._hydrate(groups.get(key) ?? []);
    return { entities: uniqueEntities(unit), loaded: unit.loaded };
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

  /** Groups many-to-many rows by owner key and records each link's through-entity values. */
  readLinks(prop: ManyToManyProperty, rows: readonly { entity: object; row: Row }[], ownerOf: (key: string) => object | undefined): Map<string, Set<object>> {
    const mine = prop.owner ? prop.pivot.joinColumns : prop.pivot.inverseJoinColumns;
    const extras = pivotExtraColumns(prop);
    const groups = new Map<string, Set<object>>();
    for (const { entity, row } of rows) {
      const ownerKey = keyOf(mine.map((c, i) => fromDatabaseValue(c.type, row[`__owner${i}`])));
      let items = groups.get(ownerKey);
      if (!items) groups.set(ownerKey, (items = new Set()));
      if (items.has(entity)) continue; // a row repeated by joined relations below
      items.add(entity);
      const owner = extras.length ? ownerOf(ownerKey) : undefined;
      if (owner) storeLinkValues(prop, owner, entity, readPivotValues(this.ctx.uow(), prop, extras, row, (i) => `__pv${i}`));
    }
    return groups;
  }

  /** Rows of `target` whose `by.columns` are in `by.keys` (with `query`), and the joined relations. */
  async #byColumns(
    target: EntityMetadata,
    by: { columns: readonly string[]; types: readonly ScalarType[]; keys: readonly unknown[][] },
    query: ItemQuery,
    joined: readonly PopulateNode[],
    fresh: Set<object>,
  ): Promise<UnitResult> {
    if (!by.keys.length) return { rows: [], loaded: new Map(joined.map((n) => [n, []])) };
    const builder = this.ctx.builder(target.connection);
    const statements = this.ctx
      .chunks(target.connection, by.keys, by.columns.length, this.#paramsOf(target, query.where))
      .map((part) => builder.select(target, query.where, { orderBy: query.orderBy }, this.ctx.inList(target.connection, 'e0', by.columns, by.types, part)));
    return runUnit(this.ctx, { meta: target, statements, passThrough: [], orderBy: query.orderBy }, joined, fresh);
  }

  /** Parameters `where` adds to each statement (kept out of the IN list's share of the limit). */
  #paramsOf(meta: EntityMetadata, where: unknown): number {
    if (where === undefined) return 0;
    return new CriteriaCompiler(this.ctx.dialect(meta.connection)).compile(meta, where, 'e0').params.length;
  }
}

function manyToManyPassThrough(prop: ManyToManyProperty): string[] {
  const mine = prop.owner ? prop.pivot.joinColumns : prop.pivot.inverseJoinColumns;
  return [...mine.map((_, i) => `__owner${i}`), ...pivotExtraColumns(prop).map((_, i) => `__pv${i}`)];
}

function uniqueEntities(unit: UnitResult): object[] {
  return [...new Set(unit.rows.map((r) => r.entity))];
}
