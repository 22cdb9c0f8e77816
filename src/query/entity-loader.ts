import type { Driver, DriverTransaction, Statement } from '../drivers/driver.js';
import type { Collection, MatchingOptions } from '../entity/collection.js';
import { getState } from '../entity/entity-state.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { toDatabaseValue } from '../entity/value-conversion.js';
import type { EntityMetadata, LoadStrategy, RelationProperty } from '../metadata/types.js';
import type { ReadOptions } from '../unit-of-work/read-routing.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { resolveOrderBy } from './order-by.js';
import { matchCollection } from './collection-matching.js';
import { CriteriaCompiler } from './criteria.js';
import { planFields } from './partial-fields.js';
import { needsSteps, resolveCrossConnection, resolveItemCriteria } from './cross-connection.js';
import { runUnit } from './joined-loader.js';
import { countThrough } from './many-through.js';
import { keyTypes, LoaderContext, type Row } from './loader-context.js';
import { buildPopulateTree, type PopulateNode, type PopulateTree } from './populate-tree.js';
import { countSpecs, loadCounts, type CountSpec, type CountsOption } from './relation-counts.js';
import type { SelectBuilder, SelectOptions } from './select-builder.js';
import { SelectInLoader } from './select-in-loader.js';

export type { CountsOption } from './relation-counts.js';

/**
 * Criteria for the items of populated collections, shaped like the entity: each top-level key is a
 * populated collection; inside, a key naming a populated collection constrains that one's items and
 * anything else is criteria for the items of the level.
 *
 * @example
 * { posts: { published: true, comments: { approved: true } } }
 */
export type PopulateWhere = Readonly<Record<string, unknown>>;

/**
 * Order of the items of populated collections, shaped like the entity; replaces the relation's own
 * `orderBy` for that query.
 *
 * @example
 * { posts: { createdAt: 'desc', comments: { id: 'asc' } } }
 */
export type PopulateOrderBy = Readonly<Record<string, unknown>>;

/** Options of `em.find` and its siblings. */
export interface FindOptions extends SelectOptions, ReadOptions {
  /** Relation paths to load with the result (`'posts.comments'`, `'*'` for every relation of a level). */
  populate?: readonly string[];
  /** Criteria for the items of populated collections (see {@link PopulateWhere}). */
  populateWhere?: PopulateWhere;
  /** Order of the items of populated collections (see {@link PopulateOrderBy}). */
  populateOrderBy?: PopulateOrderBy;
  /**
   * `'select-in'`: one query per relation level. `'joined'`: populated relations are LEFT JOINed
   * into one statement (limit/offset still count root entities). Wins over each relation's own
   * `strategy` option; relations on another connection are always loaded select-in.
   */
  strategy?: LoadStrategy;
  /** Relation counts to load with the result, read with `wrap(entity).count(name)` (see {@link CountsOption}). */
  counts?: CountsOption;
  /**
   * Partial loading: only these properties of the entities found are read (their primary key
   * always). `'author.name'` populates `author`; a listed relation without a column here (a
   * collection) is populated. The others stay unset on the entity, are never written back by a
   * flush, and are filled in by a later load that reads them (see docs-site/loading.md).
   *
   * @example
   * const posts = await em.find(Post, {}, { fields: ['id', 'title', 'author.name'] });
   */
  fields?: readonly string[];
}

/** The tree of a find that populates nothing; never changed (every pass over it finds no node). */
const NO_POPULATE: PopulateTree = new Map();

/** No populate paths, no counts: what most finds ask for (never changed). */
const NO_PATHS: readonly string[] = Object.freeze([]);
const NO_COUNTS: readonly CountSpec[] = Object.freeze([]);

const eagerCache = new WeakMap<EntityMetadata, boolean>();

/** Whether the type has a relation marked `eager` (populated by every find of it). */
function hasEager(meta: EntityMetadata): boolean {
  let has = eagerCache.get(meta);
  if (has === undefined) eagerCache.set(meta, (has = meta.properties.some((p) => p.kind !== 'scalar' && p.eager)));
  return has;
}

/**
 * The read side of an EntityManager: find, count, populate (select-in or joined, per relation),
 * relation counts, lazy collection loads and `Collection.matching`. The strategies live in files of
 * their own; this class decides which runs when.
 */
export class EntityLoader {
  readonly #ctx: LoaderContext;
  readonly #selectIn: SelectInLoader;

  constructor(
    drivers: ReadonlyMap<string, Driver>,
    uow: () => UnitOfWork,
    transaction: (connection: string) => DriverTransaction | undefined,
    replica?: (connection: string) => Driver | undefined,
  ) {
    this.#ctx = new LoaderContext(drivers, uow, transaction, replica);
    this.#selectIn = new SelectInLoader(this.#ctx);
  }

  builder(connection: string): SelectBuilder {
    return this.#ctx.builder(connection);
  }

  run(connection: string, stmt: Statement): Promise<Row[]> {
    return this.#ctx.run(connection, stmt);
  }

  /**
   * Throws what `find` would throw for `options` before its first statement: for callers that send
   * another statement beside it (findAndCount's count), which must not go out for a find that fails.
   */
  checkFindOptions(meta: EntityMetadata, options: FindOptions): void {
    if (options.fields !== undefined) planFields(meta, options.fields);
    this.#tree(meta, options.populate ?? [], true, options);
    countSpecs(this.#ctx, meta, options.counts);
    if (options.orderBy !== undefined) resolveOrderBy(meta, options.orderBy, this.builder(meta.connection).d, 'e0', options.counts);
  }

  /**
   * Not itself async: a plain find (the lookups by key an application makes all the time) is the
   * promise of `#findPlain`, not one more async layer around it, whose `return` of a promise would
   * cost three more turns of the microtask queue. What the options get wrong is a rejection, as
   * from an async function.
   */
  find(meta: EntityMetadata, where: unknown, options: FindOptions = {}): Promise<object[]> {
    try {
      // Everything the options can get wrong is checked before the first statement.
      if (options.fields !== undefined) return this.#findPartial(meta, where, options);
      const tree = this.#tree(meta, options.populate ?? NO_PATHS, true, options);
      const counts = options.counts === undefined ? NO_COUNTS : countSpecs(this.#ctx, meta, options.counts);
      // Criteria that reach another connection are resolved to keys first, in steps.
      const steps = needsSteps(meta, where);
      if (tree.size === 0 && counts.length === 0 && !steps) return this.#findPlain(meta, where, options);
      return this.#find(meta, where, options, tree, counts, steps);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #find(meta: EntityMetadata, where: unknown, options: FindOptions, tree: PopulateTree, counts: readonly CountSpec[], steps: boolean): Promise<object[]> {
    const resolved = steps ? await this.resolveWhere(meta, where) : where;
    if (tree.size === 0 && counts.length === 0) return this.#findPlain(meta, resolved, options);
    await this.#resolveTreeWhere(meta, tree);
    const stmt = this.builder(meta.connection).select(meta, resolved, options);
    const fresh = this.#ctx.freshSet();
    const joined = [...tree.values()].filter((n) => n.strategy === 'joined');
    const source = { meta, statements: [stmt], passThrough: [], orderBy: options.orderBy, counts: options.counts };
    const unit = await runUnit(this.#ctx, source, joined, fresh);
    const entities = [...new Set(unit.entities)];
    await this.#populateLevel(meta, entities, tree, unit.loaded, fresh);
    await loadCounts(this.#ctx, meta, entities, counts);
    await this.#ctx.afterLoad(fresh);
    return entities;
  }

  /**
   * A find with `fields`: the root's statement reads the listed columns, its entities remember what
   * it left out, and the relations the fields name are populated select-in (a joined relation
   * would need every root column in the derived table).
   */
  async #findPartial(meta: EntityMetadata, where: unknown, options: FindOptions): Promise<object[]> {
    const plan = planFields(meta, options.fields);
    const populate = [...new Set([...(options.populate ?? []), ...plan.populate])];
    const tree = this.#tree(meta, populate, true, { ...options, strategy: 'select-in' });
    // A to-one reached only through `fields` loads what they name of it; one asked for in
    // `populate` (or a collection) loads whole.
    const whole = new Set(options.populate ?? []);
    for (const [path, names] of plan.nested) {
      if (whole.has(path)) continue;
      let node: PopulateNode | undefined;
      let level: PopulateTree | undefined = tree;
      for (const name of path.split('.')) {
        node = level?.get(name);
        level = node?.children;
      }
      const prop = node?.prop;
      if (node && prop && (prop.kind === 'm:1' || (prop.kind === '1:1' && prop.owner))) node.fields = planFields(prop.target, names);
    }
    const counts = countSpecs(this.#ctx, meta, options.counts);
    const resolved = needsSteps(meta, where) ? await this.resolveWhere(meta, where) : where;
    await this.#resolveTreeWhere(meta, tree);
    const stmt = this.builder(meta.connection).select(meta, resolved, { ...options, columns: plan.columns });
    const fresh = this.#ctx.freshSet();
    const source = { meta, statements: [stmt], passThrough: [], orderBy: options.orderBy, unloaded: plan.unloaded };
    const unit = await runUnit(this.#ctx, source, [], fresh);
    const entities = [...new Set(unit.entities)];
    await this.#populateLevel(meta, entities, tree, unit.loaded, fresh);
    await loadCounts(this.#ctx, meta, entities, counts);
    await this.#ctx.afterLoad(fresh);
    return entities;
  }

  /**
   * A find with nothing to populate or count: one statement, each row hydrated, `onLoad` hooks.
   * Lookups by key are the hottest reads an application makes; this path skips the joined-loader's
   * plans and the populate passes, and the awaits they would cost even when empty.
   */
  async #findPlain(meta: EntityMetadata, where: unknown, options: FindOptions): Promise<object[]> {
    const { rows } = await this.#ctx.execute(meta.connection, this.builder(meta.connection).select(meta, where, options));
    const fresh = meta.hooks.onLoad.length ? new Set<object>() : undefined;
    const entities: object[] = [];
    const read = this.#ctx.rowReader(meta);
    for (const row of rows) entities.push(read(row, fresh));
    if (fresh?.size) await this.#ctx.afterLoad(fresh);
    return entities;
  }

  async count(meta: EntityMetadata, where: unknown): Promise<number> {
    const resolved = needsSteps(meta, where) ? await this.resolveWhere(meta, where) : where;
    const rows = await this.run(meta.connection, this.builder(meta.connection).count(meta, resolved));
    return Number(rows[0]?.count ?? 0);
  }

  /** `em.populate(entities, paths)`: load relations of entities already in memory. */
  async populate(meta: EntityMetadata, entities: readonly object[], paths: readonly string[], options: Pick<FindOptions, 'populateWhere' | 'populateOrderBy' | 'strategy'> = {}): Promise<void> {
    const tree = this.#tree(meta, paths, false, options);
    await this.#resolveTreeWhere(meta, tree);
    const fresh = this.#ctx.freshSet();
    await this.#populateLevel(meta, entities, tree, new Map(), fresh);
    await this.#ctx.afterLoad(fresh);
  }

  #tree(meta: EntityMetadata, paths: readonly string[], eager: boolean, options: Pick<FindOptions, 'populateWhere' | 'populateOrderBy' | 'strategy'>): PopulateTree {
    // Nothing asked and nothing eager (most finds): the empty tree, without building one.
    if (!paths.length && options.populateWhere === undefined && options.populateOrderBy === undefined && options.strategy === undefined && !(eager && hasEager(meta))) {
      return NO_POPULATE;
    }
    return buildPopulateTree(meta, {
      paths,
      eager,
      where: options.populateWhere,
      orderBy: options.populateOrderBy,
      strategy: options.strategy,
      checkWhere: (owner, prop, w) => void new CriteriaCompiler(this.#ctx.dialect(prop.target.connection), { anyConnection: true }).compileItems(owner, prop, w, 'e0', 'p'),
    });
  }

  /**
   * `where` for a statement on `meta`'s connection, its cross-connection parts resolved to keys by
   * step queries on the other connections (see `cross-connection.ts`); the same object when none.
   */
  resolveWhere(meta: EntityMetadata, where: unknown): Promise<unknown> {
    return resolveCrossConnection(this.#ctx, meta, where);
  }

  /** `populateWhere` of every node, resolved for the statement that reads its items (child table or join table). */
  async #resolveTreeWhere(meta: EntityMetadata, tree: PopulateTree): Promise<void> {
    for (const node of tree.values()) {
      const prop = node.prop;
      if (node.where !== undefined && (prop.kind === '1:m' || prop.kind === 'm:n')) {
        const connection = prop.kind === 'm:n' ? prop.pivot.connection : prop.target.connection;
        node.where = (await resolveItemCriteria(this.#ctx, meta, prop, node.where, connection)) as Record<string, unknown>;
      }
      await this.#resolveTreeWhere(prop.target, node.children);
    }
  }

  /**
   * Loads `tree` below `entities`. Relations the previous statement already joined (`loaded`) are
   * only descended into; every other one costs one select-in query per level (per chunk), which
   * also joins that relation's own `joined` children.
   */
  async #populateLevel(meta: EntityMetadata, entities: readonly object[], tree: PopulateTree, loaded: Map<PopulateNode, object[]>, fresh: Set<object> | undefined): Promise<void> {
    if (!entities.length) return;
    for (const node of tree.values()) {
      const joined = node.strategy === 'joined' ? loaded.get(node) : undefined;
      if (joined) {
        await this.#populateLevel(node.prop.target, joined, node.children, loaded, fresh);
        continue;
      }
      const level = await this.#selectIn.load(meta, node, entities, fresh);
      await this.#populateLevel(node.prop.target, level.entities, node.children, level.loaded, fresh);
    }
  }

  /** Loads (or refreshes) rows by primary key, chunked. */
  async loadByKeys(meta: EntityMetadata, keys: unknown[][], refresh = false): Promise<object[]> {
    const out: object[] = [];
    const builder = this.builder(meta.connection);
    const fresh = this.#ctx.freshSet();
    for (const part of this.#ctx.chunks(meta.connection, keys, meta.primaryKeyColumns.length)) {
      const byKey = this.#ctx.inList(meta.connection, 'e0', meta.primaryKeyColumns, keyTypes(meta), part);
      const rows = await this.run(meta.connection, builder.select(meta, undefined, {}, byKey));
      for (const row of rows) out.push(this.#ctx.hydrateRow(meta, row, fresh, refresh));
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
      await this.#ctx.afterLoad(found);
    }
  }

  /** `through` entities whose `property` points at one of `entities` (for a flush that removes them). */
  findLinks(through: EntityMetadata, property: string, entities: object[]): Promise<object[]> {
    return this.find(through, { [property]: { $in: entities } });
  }

  /** Loads the collections (grouped by owner type and property) in one query each: lazy loads of one tick share it. */
  async loadCollections(collections: Collection<object>[]): Promise<void> {
    const groups = new Map<RelationProperty, object[]>();
    for (const c of collections) {
      if (c.isInitialized()) continue;
      const prop = c._property!;
      let list = groups.get(prop);
      if (!list) groups.set(prop, (list = []));
      if (!list.includes(c.owner)) list.push(c.owner);
    }
    const fresh = this.#ctx.freshSet();
    for (const [prop, owners] of groups) {
      const meta = getState(owners[0]!)!.meta;
      await this.#selectIn.load(meta, { prop, children: new Map(), strategy: 'select-in' }, owners, fresh);
    }
    await this.#ctx.afterLoad(fresh);
  }

  /** `Collection.matching()`: a filtered page of the items, without initialising the collection. */
  matchCollection(collection: Collection<object>, options: MatchingOptions): Promise<object[]> {
    return matchCollection(this.#ctx, this.#selectIn, collection, options);
  }

  async countCollection(collection: Collection<object>): Promise<number> {
    const prop = collection._property!;
    const owner = collection.owner;
    const meta = getState(owner)!.meta;
    const key = primaryKeyValues(meta, owner);
    if (!key) return collection._ops().added.size;
    if (prop.kind === '1:m') return this.count(prop.target, { [prop.mappedBy]: owner });
    // Distinct items reachable along the path: the criteria rewrite counts each item once.
    if (prop.kind === 'through') return countThrough(this.#ctx, meta, prop, key);
    const pivot = prop.pivot;
    const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
    const driver = this.#ctx.driver(pivot.connection);
    const d = this.#ctx.dialect(pivot.connection);
    const sql = `SELECT COUNT(*) AS ${d.quote('count')} FROM ${d.quote(pivot.tableName)} WHERE ${mine.map((c) => `${d.quote(c.name)} = ?`).join(' AND ')}`;
    const rows = await this.run(pivot.connection, { sql, params: key.map((v, i) => toDatabaseValue(mine[i]!.type, v, driver.dialect)) });
    return Number(rows[0]?.count ?? 0);
  }
}
