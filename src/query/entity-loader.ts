import type { Driver, DriverTransaction, Statement } from '../drivers/driver.js';
import { UsageError } from '../errors/usage-error.js';
import { Collection } from '../entity/collection.js';
import { getState } from '../entity/entity-state.js';
import { rowToValues } from '../entity/hydrator.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { setToOneSilently } from '../entity/to-one-accessors.js';
import { fromDatabaseValue, toDatabaseValue } from '../entity/value-conversion.js';
import type { ColumnMetadata, EntityMetadata, PropertyMetadata, RelationProperty } from '../metadata/types.js';
import { keyOf } from '../unit-of-work/identity-map.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { chunk, rowsPerStatement } from './dml.js';
import { orderColumns, SelectBuilder, type SelectOptions } from './select-builder.js';
import { placeholders, SqlDialect } from './sql-dialect.js';

export interface FindOptions extends SelectOptions {
  populate?: readonly string[];
}

/** A tree of relation paths: `['posts.comments', 'profile']` → { posts: { comments: {} }, profile: {} }. */
type PathTree = Map<string, PathTree>;

/**
 * The read side of an EntityManager: find, count, populate (select-in: one query per relation
 * level with chunked `IN` lists, never one per parent) and lazy collection loads.
 */
export class EntityLoader {
  readonly #builders = new Map<string, SelectBuilder>();

  constructor(
    private readonly drivers: ReadonlyMap<string, Driver>,
    private readonly uow: () => UnitOfWork,
    private readonly transaction: (connection: string) => DriverTransaction | undefined,
  ) {}

  builder(connection: string): SelectBuilder {
    let b = this.#builders.get(connection);
    if (!b) this.#builders.set(connection, (b = new SelectBuilder(this.#driver(connection))));
    return b;
  }

  #driver(connection: string): Driver {
    const d = this.drivers.get(connection);
    if (!d) throw new Error(`joinery: no driver for connection '${connection}'`);
    return d;
  }

  run(connection: string, stmt: Statement): Promise<Record<string, unknown>[]> {
    return this.#driver(connection)
      .execute(stmt, this.transaction(connection))
      .then((r) => r.rows);
  }

  async find(meta: EntityMetadata, where: unknown, options: FindOptions = {}): Promise<object[]> {
    const tree = this.#pathTree(meta, options.populate ?? []);
    const stmt = this.builder(meta.connection).select(meta, where, options);
    const rows = await this.run(meta.connection, stmt);
    const entities = this.hydrateRows(meta, rows);
    await this.#populateTree(meta, entities, tree);
    await this.uow().afterLoad(entities);
    return entities;
  }

  async count(meta: EntityMetadata, where: unknown): Promise<number> {
    const rows = await this.run(meta.connection, this.builder(meta.connection).count(meta, where));
    return Number(rows[0]?.count ?? 0);
  }

  hydrateRows(meta: EntityMetadata, rows: Record<string, unknown>[], refresh = false): object[] {
    const uow = this.uow();
    return rows.map((row) => uow.hydrate(meta, rowToValues(meta, row), refresh));
  }

  /** `em.populate(entities, paths)`: load relations of entities already in memory. */
  async populate(meta: EntityMetadata, entities: readonly object[], paths: readonly string[]): Promise<void> {
    await this.#populateTree(meta, entities, this.#pathTree(meta, paths, false));
  }

  /** Paths → tree, validated against the metadata; eager relations are added at every level. */
  #pathTree(meta: EntityMetadata, paths: readonly string[], eager = true): PathTree {
    const root: PathTree = new Map();
    for (const path of paths) {
      let node = root;
      let current = meta;
      for (const part of path.split('.')) {
        if (part === '*') {
          for (const p of current.properties) if (p.kind !== 'scalar' && !node.has(p.name)) node.set(p.name, new Map());
          break;
        }
        const p = current.propertiesByName[part];
        if (!p || p.kind === 'scalar') {
          throw new UsageError(
            'UNKNOWN_POPULATE',
            `Cannot populate '${path}': ${current.name}.${part} ${p ? 'is not a relation' : 'does not exist'}. Relations of ${current.name}: ${current.properties.filter((x) => x.kind !== 'scalar').map((x) => x.name).join(', ') || 'none'}.`,
          );
        }
        let next = node.get(part);
        if (!next) node.set(part, (next = new Map()));
        node = next;
        current = p.target;
      }
    }
    if (eager) addEager(meta, root, new Set());
    return root;
  }

  async #populateTree(meta: EntityMetadata, entities: readonly object[], tree: PathTree): Promise<void> {
    if (!entities.length || !tree.size) return;
    for (const [name, sub] of tree) {
      const prop = meta.propertiesByName[name] as RelationProperty;
      const loaded = await this.loadRelation(meta, prop, entities);
      await this.#populateTree(prop.target, loaded, sub);
    }
  }

  /** Loads `prop` for all `owners` in as few queries as the parameter limit allows; returns the related entities. */
  async loadRelation(meta: EntityMetadata, prop: RelationProperty, owners: readonly object[]): Promise<object[]> {
    switch (prop.kind) {
      case 'm:1':
        return this.#loadToOne(prop, owners);
      case '1:1':
        return prop.owner ? this.#loadToOne(prop, owners) : this.#loadInverseOne(meta, prop, owners);
      case '1:m':
        return this.#loadOneToMany(meta, prop, owners);
      case 'm:n':
        return this.#loadManyToMany(meta, prop, owners);
    }
  }

  async #loadToOne(prop: Extract<RelationProperty, { kind: 'm:1' | '1:1' }>, owners: readonly object[]): Promise<object[]> {
    const targets = new Set<object>();
    for (const o of owners) {
      const v = (o as Record<string, unknown>)[prop.name];
      if (v && typeof v === 'object') targets.add(v);
    }
    const missing = [...targets].filter((t) => !getState(t)?.initialized);
    await this.loadByKeys(prop.target, missing.map((t) => primaryKeyValues(prop.target, t)!));
    await this.uow().afterLoad(missing);
    return [...targets];
  }

  /** Loads (or refreshes) rows by primary key, chunked. */
  async loadByKeys(meta: EntityMetadata, keys: unknown[][], refresh = false): Promise<object[]> {
    if (!keys.length) return [];
    const out: object[] = [];
    const cols = meta.primaryKeyColumns;
    const driver = this.#driver(meta.connection);
    const types = keyTypes(meta);
    for (const part of chunk(keys, rowsPerStatement(cols.length, driver.maxParams - 10))) {
      const where = { sql: new SqlDialect(driver.dialect).inList(cols, part.length, 'e0'), params: part.flat().map((v, i) => toDatabaseValue(types[i % types.length]!, v, driver.dialect)) };
      const stmt = this.builder(meta.connection).select(meta, undefined, {}, where);
      out.push(...this.hydrateRows(meta, await this.run(meta.connection, stmt), refresh));
    }
    return out;
  }

  async #loadOneToMany(meta: EntityMetadata, prop: Extract<RelationProperty, { kind: '1:m' }>, owners: readonly object[]): Promise<object[]> {
    const fk = prop.target.propertiesByName[prop.mappedBy] as Extract<PropertyMetadata, { kind: 'm:1' }>;
    const keyed = keyedOwners(meta, owners);
    const children = await this.#selectIn(prop.target, fk.joinColumns, [...keyed.values()].map((k) => k.key), prop.orderBy);
    const groups = new Map<string, object[]>();
    for (const child of children) {
      const parent = (child as Record<string, unknown>)[prop.mappedBy];
      const key = parent && typeof parent === 'object' ? keyOf(primaryKeyValues(meta, parent) ?? []) : undefined;
      if (key === undefined) continue;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(child);
    }
    for (const [key, { owner }] of keyed) collectionOf(owner, prop)._hydrate(groups.get(key) ?? []);
    await this.uow().afterLoad(children);
    return children;
  }

  async #loadInverseOne(meta: EntityMetadata, prop: Extract<RelationProperty, { kind: '1:1' }>, owners: readonly object[]): Promise<object[]> {
    const mappedBy = (prop as { mappedBy: string }).mappedBy;
    const fk = prop.target.propertiesByName[mappedBy] as { joinColumns: readonly ColumnMetadata[] };
    const keyed = keyedOwners(meta, owners);
    const found = await this.#selectIn(prop.target, fk.joinColumns, [...keyed.values()].map((k) => k.key));
    const byOwner = new Map<string, object>();
    for (const e of found) {
      const parent = (e as Record<string, unknown>)[mappedBy];
      if (parent && typeof parent === 'object') byOwner.set(keyOf(primaryKeyValues(meta, parent) ?? []), e);
    }
    for (const [key, { owner }] of keyed) {
      const state = getState(owner)!;
      setToOneSilently(owner, state, prop.name, byOwner.get(key) ?? null);
    }
    await this.uow().afterLoad(found);
    return found;
  }

  async #loadManyToMany(meta: EntityMetadata, prop: Extract<RelationProperty, { kind: 'm:n' }>, owners: readonly object[]): Promise<object[]> {
    const pivot = prop.pivot;
    const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
    const theirs = prop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
    const target = prop.target;
    const keyed = keyedOwners(meta, owners);
    const keys = [...keyed.values()].map((k) => k.key);
    const driver = this.#driver(target.connection);
    const d = new SqlDialect(driver.dialect);
    const found: object[] = [];
    const groups = new Map<string, object[]>();
    const ownerTypes = mine.map((c) => c.type);
    for (const part of chunk(keys, rowsPerStatement(mine.length, driver.maxParams - 10))) {
      const params = part.flatMap((k) => k.map((v, i) => toDatabaseValue(ownerTypes[i]!, v, driver.dialect)));
      const ownerCols = mine.map((c, i) => `${d.quote('p')}.${d.quote(c.name)} AS ${d.quote(`__owner${i}`)}`);
      const join = theirs.map((c, i) => `${d.quote('p')}.${d.quote(c.name)} = ${d.quote('e0')}.${d.quote(target.primaryKeyColumns[i]!)}`).join(' AND ');
      const order = orderColumns(target, prop.orderBy).map(([c, dir]) => `${d.quote('e0')}.${d.quote(c)} ${dir}`);
      const sql =
        `SELECT ${target.columns.map((c) => `${d.quote('e0')}.${d.quote(c.name)}`).join(', ')}, ${ownerCols.join(', ')} ` +
        `FROM ${d.quote(target.tableName)} ${d.quote('e0')} JOIN ${d.quote(pivot.tableName)} ${d.quote('p')} ON ${join} ` +
        `WHERE ${d.inList(mine.map((c) => c.name), part.length, 'p')}` +
        (order.length ? ` ORDER BY ${order.join(', ')}` : '');
      const rows = await this.run(target.connection, { sql, params });
      for (const row of rows) {
        const entity = this.uow().hydrate(target, rowToValues(target, row));
        found.push(entity);
        const ownerKey = keyOf(mine.map((c, i) => fromDatabaseValue(c.type, row[`__owner${i}`])));
        let list = groups.get(ownerKey);
        if (!list) groups.set(ownerKey, (list = []));
        list.push(entity);
      }
    }
    for (const [key, { owner }] of keyed) collectionOf(owner, prop)._hydrate(groups.get(key) ?? []);
    const unique = [...new Set(found)];
    await this.uow().afterLoad(unique);
    return unique;
  }

  /** SELECT target rows whose `columns` are in `keys` (identity-map keys of the parents). */
  async #selectIn(target: EntityMetadata, columns: readonly ColumnMetadata[], keys: unknown[][], orderBy?: SelectOptions['orderBy']): Promise<object[]> {
    if (!keys.length) return [];
    const driver = this.#driver(target.connection);
    const d = new SqlDialect(driver.dialect);
    const out: object[] = [];
    for (const part of chunk(keys, rowsPerStatement(columns.length, driver.maxParams - 10))) {
      const params = part.flatMap((k) => k.map((v, i) => toDatabaseValue(columns[i]!.type, v, driver.dialect)));
      const where = { sql: d.inList(columns.map((c) => c.name), part.length, 'e0'), params };
      const stmt = this.builder(target.connection).select(target, undefined, { orderBy }, where);
      out.push(...this.hydrateRows(target, await this.run(target.connection, stmt)));
    }
    return out;
  }

  /** Loads unloaded references, one query per entity type (chunked). */
  async loadReferences(entities: object[]): Promise<void> {
    const groups = new Map<EntityMetadata, unknown[][]>();
    for (const e of entities) {
      const state = getState(e);
      if (!state || state.initialized) continue;
      let list = groups.get(state.meta);
      if (!list) groups.set(state.meta, (list = []));
      list.push(primaryKeyValues(state.meta, e)!);
    }
    for (const [meta, keys] of groups) {
      const found = await this.loadByKeys(meta, keys);
      await this.uow().afterLoad(found);
    }
  }

  /** Loads the collections (grouped by owner type and property) in one query each. */
  async loadCollections(collections: Collection<object>[]): Promise<void> {
    const groups = new Map<RelationProperty, object[]>();
    for (const c of collections) {
      if (c.isInitialized()) continue;
      const prop = c._property!;
      let list = groups.get(prop);
      if (!list) groups.set(prop, (list = []));
      if (!list.includes(c.owner)) list.push(c.owner);
    }
    for (const [prop, owners] of groups) {
      const meta = getState(owners[0]!)!.meta;
      await this.loadRelation(meta, prop, owners);
    }
  }

  async countCollection(collection: Collection<object>): Promise<number> {
    const prop = collection._property!;
    const owner = collection.owner;
    const meta = getState(owner)!.meta;
    const key = primaryKeyValues(meta, owner);
    if (!key) return collection._ops().added.size;
    if (prop.kind === '1:m') {
      const where = { [prop.mappedBy]: owner };
      return this.count(prop.target, where);
    }
    const pivot = prop.pivot;
    const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
    const driver = this.#driver(pivot.connection);
    const d = new SqlDialect(driver.dialect);
    const sql = `SELECT COUNT(*) AS ${d.quote('count')} FROM ${d.quote(pivot.tableName)} WHERE ${mine.map((c) => `${d.quote(c.name)} = ?`).join(' AND ')}`;
    const rows = await this.run(pivot.connection, { sql, params: key.map((v, i) => toDatabaseValue(mine[i]!.type, v, driver.dialect)) });
    return Number(rows[0]?.count ?? 0);
  }
}

function keyTypes(meta: EntityMetadata) {
  return meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.type] : k.joinColumns.map((c) => c.type)));
}

function addEager(meta: EntityMetadata, node: PathTree, seen: Set<EntityMetadata>): void {
  if (seen.has(meta)) return;
  seen.add(meta);
  for (const p of meta.properties) {
    if (p.kind !== 'scalar' && p.eager && !node.has(p.name)) node.set(p.name, new Map());
  }
  for (const [name, sub] of node) {
    const p = meta.propertiesByName[name] as RelationProperty;
    addEager(p.target, sub, new Set(seen));
  }
}

/** Owners with a primary key, by identity-map key (new owners have nothing to load). */
function keyedOwners(meta: EntityMetadata, owners: readonly object[]): Map<string, { owner: object; key: unknown[] }> {
  const out = new Map<string, { owner: object; key: unknown[] }>();
  for (const owner of owners) {
    const key = primaryKeyValues(meta, owner);
    if (key) out.set(keyOf(key), { owner, key });
  }
  return out;
}

function collectionOf(owner: object, prop: RelationProperty): Collection<object> {
  const coll = (owner as Record<string, unknown>)[prop.name];
  if (!(coll instanceof Collection)) throw new Error(`joinery: ${prop.entity}.${prop.name} is not a Collection`);
  return coll;
}

void placeholders;
