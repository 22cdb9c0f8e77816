import { NotFoundError } from '../errors/not-found-error.js';
import { UsageError } from '../errors/usage-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { Collection, type CollectionHost, type MatchingOptions } from '../entity/collection.js';
import { createState, getLinkValues, getState, setLinkValues, type EntityState } from '../entity/entity-state.js';
import { normalizePrimaryKey, primaryKeyValues } from '../entity/primary-key.js';
import { rowHydrator, rowToValues, type ReferenceResolver, type RowHydrator } from '../entity/hydrator.js';
import {
  accessorPrototype, installToOneAccessors, setToOneSilently, usesAccessorPrototype, type ToOneHost, type ToOneProperty,
} from '../entity/to-one-accessors.js';
import { snapshotValue } from '../entity/value-conversion.js';
import type { MetadataSnapshot } from '../metadata/metadata-storage-types.js';
import type {
  Dialect, EntityMetadata, HookName, ManyToManyProperty, OneToManyProperty,
} from '../metadata/types.js';
import { changeSetOf, columnProperties, computeChangeSets, type ChangeSet, type ColumnProperty, type EntityView } from './change-sets.js';
import { diffLinks, type ChildClear, type LinkDiff } from './collection-diff.js';
import { planCommit } from './commit-plan.js';
import { commitToMemory } from './commit-to-memory.js';
import type { CommitExecutor, CommitResult } from './executor.js';
import { IdentityMap, keyOf } from './identity-map.js';
import { checkResolution, flushInDoubt, type CommitOutcomeChoice } from './in-doubt.js';
import { CommitOutcomeUnknownError } from '../errors/commit-outcome-unknown-error.js';
import { flushTraitsOf, traitsOf, type FlushTraits } from './type-traits.js';
import { cascadeRemove } from './cascade-remove.js';
import { cascadePersist, Touched } from './cascade-persist.js';
import { linkPurges, ownedLinksOf } from './owned-links.js';
import { propagateCollectionChange, resolveRelationItem, syncToOne } from './relation-sync.js';
import { validateChangeSets, validateChildClears, validateLinks } from './validation.js';
import { keyChangeFailures } from './key-changes.js';
import { applyGeneratedValues, runHooks } from './lifecycle-hooks.js';

/** Loads what collections and references need; implemented by the EntityManager's query side. */
export interface EntityLoader {
  loadCollections(collections: Collection<object>[]): Promise<void>;
  countCollection(collection: Collection<object>): Promise<number>;
  matchCollection(collection: Collection<object>, options: MatchingOptions): Promise<object[]>;
  /** Load unloaded references (rows by primary key); rejects with NotFoundError for missing rows. */
  loadReferences(entities: object[]): Promise<void>;
  /** The `through` entities whose `property` points at one of `entities` (managed, one query chunked). */
  findLinks(through: EntityMetadata, property: string, entities: object[]): Promise<object[]>;
}

/** Writes straight to the database on behalf of a collection (`collection.nativeUpdate` / `nativeDelete`); implemented by the EntityManager. */
export interface CollectionWriter {
  writeCollection(collection: Collection<object>, where: unknown, data?: Readonly<Record<string, unknown>>): Promise<number>;
}

/**
 * The identity map and change tracking of one EntityManager, and the flush. Entities are plain
 * objects; what is known about them lives in a private field of each (entity/entity-state.ts).
 */
export class UnitOfWork implements CollectionHost, ToOneHost {
  readonly identityMap = new IdentityMap();
  /** New entities (no key yet or not yet inserted), in persist order. */
  readonly #new = new Set<object>();
  /** Counts changes to `#new`, so a flush can tell that nobody touched it while it ran. */
  #newEdits = 0;
  /** Owning sides of a 1:1 unlinked from an orphanRemoval inverse side: removed at flush if still unlinked. */
  readonly #oneToOneOrphans = new Set<object>();
  #flushing = false;
  /** Every entity type this unit of work has managed (a superset of those it manages now). */
  readonly #types = new Set<EntityMetadata>();
  /** Union of the traits of `#types`, recomputed when a type joins. */
  #traits: FlushTraits | undefined;
  /**
   * What changed in relations since the last flush: entities whose to-one was assigned and
   * collections whose queue changed. The relation passes of a flush start from these and the new
   * entities, never from the whole identity map; made on first use (a fork that only reads has none).
   */
  #touched: Touched | undefined;
  /** Collections whose load was requested in this tick: loaded together in one query per relation. */
  #pendingLoads: { collection: Collection<object>; resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(
    readonly metadata: MetadataSnapshot,
    private readonly executor: CommitExecutor,
    private readonly loader: EntityLoader,
    private readonly writer: CollectionWriter,
    /** The dialect of a connection: validation checks values against that database's columns. */
    private readonly dialectOf: (connection: string) => Dialect,
  ) {}

  // ---------------------------------------------------------------- registration

  /** Metadata of an entity instance or class, with a clear error for anything else. */
  metaOf(entityOrClass: object | Function): EntityMetadata {
    if (typeof entityOrClass === 'function') return this.metadata.get(entityOrClass);
    const state = getState(entityOrClass);
    if (state) return state.meta;
    return this.metadata.get((entityOrClass as { constructor: Function }).constructor);
  }

  /** Makes `entity` a managed object of this unit of work (accessors, collections, identity map). */
  manage(entity: object, meta: EntityMetadata, status: 'new' | 'managed', initialized: boolean): EntityState {
    // Only a new entity's collections are complete; loaded rows and references start unloaded.
    let state = getState(entity);
    if (state && state.owner !== this && state.status !== 'detached') {
      throw new UsageError(
        'FOREIGN_ENTITY',
        `This ${meta.name} is managed by another EntityManager. Load it in this one (em.findOne) or use em.getReference(${meta.name}, id).`,
      );
    }
    const onAccessorPrototype = usesAccessorPrototype(entity, meta);
    if (!state || state.owner !== this) {
      const previous = state;
      state = createState(entity, meta, this, status, initialized);
      // Accessors (on the prototype or the instance) read the state: carry the to-one values over from the old one.
      if (previous?.accessors) Object.assign(state.relations, previous.relations);
    }
    state.status = status;
    this.#noteType(meta);
    if (onAccessorPrototype) state.accessors = true;
    else installToOneAccessors(entity, meta, state);
    this.#attachCollections(entity, meta, status === 'new', onAccessorPrototype && status !== 'new');
    if (status === 'new') {
      this.#new.add(entity);
      this.#newEdits++;
    }
    // A new entity joins the identity map when its flush inserts it.
    if (status === 'new') return state;
    const pk = primaryKeyValues(meta, entity);
    if (pk) {
      state.key = keyOf(pk);
      this.identityMap.set(meta, state.key, state);
    }
    return state;
  }

  #noteType(meta: EntityMetadata): void {
    if (this.#types.has(meta)) return;
    this.#types.add(meta);
    this.#traits = undefined;
  }

  /** What the passes of a flush have to do for the types managed so far. */
  #flushTraits(): FlushTraits {
    return (this.#traits ??= flushTraitsOf(this.#types));
  }

  /**
   * `lazy`: the entity is built on its accessor prototype, whose getters make a collection on first
   * read; only those already made (own properties) are bound here.
   */
  #attachCollections(entity: object, meta: EntityMetadata, complete: boolean, lazy: boolean): void {
    const record = entity as Record<string, unknown>;
    for (const p of traitsOf(meta).collections) {
      if (lazy && !Object.prototype.hasOwnProperty.call(record, p.name)) continue;
      let coll = record[p.name];
      if (coll instanceof Collection) {
        if (coll._property !== p) coll._attach(p, this, coll.isInitialized() && complete);
        continue;
      }
      const items = Array.isArray(coll) ? coll : undefined;
      coll = new Collection<object>(entity);
      record[p.name] = coll;
      (coll as Collection<object>)._attach(p, this, complete);
      if (items) (coll as Collection<object>).add(...items);
    }
  }

  /** The managed object for a primary key: from the identity map, or a new unloaded reference. */
  getReference(meta: EntityMetadata, pk: unknown): object {
    const values = normalizePrimaryKey(meta, pk);
    const key = keyOf(values);
    const found = this.identityMap.get(meta, key);
    if (found) return found;
    const entity = rowHydrator(meta).create();
    this.#setKeyProperties(meta, entity, values);
    const state = this.manage(entity, meta, 'managed', false);
    state.snapshot = undefined;
    return entity;
  }

  #setKeyProperties(meta: EntityMetadata, entity: object, values: readonly unknown[]): void {
    let i = 0;
    const record = entity as Record<string, unknown>;
    for (const k of meta.primaryKeys) {
      if (k.kind === 'scalar') record[k.name] = values[i++];
      else {
        const n = k.joinColumns.length;
        record[k.name] = this.getReference(k.target, values.slice(i, i + n));
        i += n;
      }
    }
  }

  /** Registers a new entity (and, at flush, what it reaches through cascade persist). */
  persist(entity: object): void {
    const state = getState(entity);
    if (state && state.owner === this) {
      if (state.status === 'removed') {
        state.status = state.snapshot || !state.initialized ? 'managed' : 'new';
        if (state.status === 'new') {
          this.#new.add(entity);
          this.#newEdits++;
        }
      }
      return;
    }
    const meta = this.metaOf(entity);
    const pk = primaryKeyValues(meta, entity);
    if (pk && !meta.autoincrementPk) {
      const existing = this.identityMap.get(meta, keyOf(pk));
      if (existing && existing !== entity) {
        throw new UsageError(
          'DUPLICATE_IDENTITY',
          `Another ${meta.name} with primary key ${keyOf(pk)} is already managed by this EntityManager. Change the existing object instead of persisting a second one.`,
        );
      }
    }
    this.manage(entity, meta, 'new', true);
  }

  /** Marks an entity for deletion at the next flush; a new one is simply forgotten. */
  remove(entity: object): void {
    const state = getState(entity);
    if (!state || state.owner !== this) {
      const meta = this.metaOf(entity);
      throw new UsageError('NOT_MANAGED', `em.remove() got a ${meta.name} that this EntityManager does not manage. Load it first, or use em.getReference(${meta.name}, id).`);
    }
    if (state.status === 'new') {
      this.#new.delete(entity);
      this.#newEdits++;
      state.status = 'detached';
      return;
    }
    // The status is the whole record: the flush finds removed entities in the identity map it walks anyway.
    state.status = 'removed';
  }

  /** Forget every entity (they become detached). */
  clear(): void {
    this.#inDoubt = undefined;
    this.#touched = undefined;
    for (const e of this.identityMap.values()) this.#detach(e);
    for (const e of this.#new) this.#detach(e);
    this.identityMap.clear();
    this.#new.clear();
    this.#newEdits++;
  }

  #detach(entity: object): void {
    const state = getState(entity);
    if (state) state.status = 'detached';
  }

  // ---------------------------------------------------------------- hydration

  /**
   * The managed entity for a loaded row (values already converted to JS, keyed by property; to-one
   * values as primary key arrays or null). An entity already in the identity map keeps its
   * in-memory changes: a second query does not overwrite them (use `em.refresh`).
   */
  hydrate(meta: EntityMetadata, values: Record<string, unknown>, refresh = false): object {
    const pk: unknown[] = [];
    for (const k of meta.primaryKeys) {
      const v = values[k.name];
      if (k.kind === 'scalar') pk.push(v);
      else pk.push(...(v as unknown[]));
    }
    const key = keyOf(pk);
    let state = this.identityMap.getState(meta, key);
    let entity = state?.entity;
    if (entity && state && state.initialized && !refresh) {
      if (state.unloaded) this.#fillInValues(meta, state, values);
      return entity;
    }
    if (!entity) {
      entity = rowHydrator(meta).create();
      state = this.manage(entity, meta, 'managed', true);
      if (!state.key) {
        state.key = key;
        this.identityMap.set(meta, key, state);
      }
    } else if (!state!.initialized) {
      this.#attachCollections(entity, meta, false, usesAccessorPrototype(entity, meta));
    }
    state = state!;
    const snapshot: Record<string, unknown> = {};
    for (const p of columnProperties(meta)) {
      if (p.name in values) this.#writeValue(state, p, values[p.name], snapshot);
    }
    for (const p of meta.properties) {
      if (p.kind === '1:1' && !p.owner && !(p.name in state.relations)) setToOneSilently(entity, state, p.name, undefined);
    }
    state.snapshot = snapshot;
    state.initialized = true;
    state.status = 'managed';
    state.unloaded = undefined;
    return entity;
  }

  /**
   * One loaded value (converted to JS; a to-one as its key values or null) onto the entity and into
   * `snapshot`: a scalar as it is, a to-one as the managed reference, set without propagating.
   */
  #writeValue(state: EntityState, p: ColumnProperty, raw: unknown, snapshot: Record<string, unknown>): void {
    if (p.kind === 'scalar') {
      (state.entity as Record<string, unknown>)[p.name] = raw;
      snapshot[p.name] = snapshotValue(p.type, raw);
      return;
    }
    const ref = raw === null || raw === undefined ? null : this.getReference(p.target, raw);
    setToOneSilently(state.entity, state, p.name, ref);
    snapshot[p.name] = ref;
  }

  /** {@link hydrate}'s counterpart of `#fillIn`, for values keyed by property. */
  #fillInValues(meta: EntityMetadata, state: EntityState, values: Record<string, unknown>): void {
    const missing = state.unloaded!;
    const snapshot = (state.snapshot ??= {});
    for (const p of columnProperties(meta)) {
      if (!missing.has(p.name) || !(p.name in values)) continue;
      this.#writeValue(state, p, values[p.name], snapshot);
      missing.delete(p.name);
    }
    if (!missing.size) state.unloaded = undefined;
  }

  /**
   * `hydrate` for a row straight from the database (keyed by column name), through the compiled
   * hydrator of `meta`. Adds the entity to `fresh` when this call initialised it (or refreshed it).
   */
  hydrateRow(meta: EntityMetadata, row: Record<string, unknown>, fresh: Set<object> | undefined, refresh = false): object {
    return this.#hydrateRowWith(meta, rowHydrator(meta), this.identityMap.slot(meta), row, fresh, refresh, undefined);
  }

  /**
   * {@link hydrateRow} for the rows of one statement: the type's hydrator and identity-map slot are
   * looked up once, not per row.
   */
  rowReader(meta: EntityMetadata, unloaded?: ReadonlySet<string>): (row: Record<string, unknown>, fresh: Set<object> | undefined) => object {
    const h = rowHydrator(meta);
    const slot = this.identityMap.slot(meta);
    return (row, fresh) => this.#hydrateRowWith(meta, h, slot, row, fresh, false, unloaded);
  }

  /**
   * `unloaded`: the column properties the statement left out (a partial load, `fields`); the
   * entities it initialises remember them. Rows of a statement that reads them fill them in on an
   * entity that lacks them, without touching what it has.
   */
  #hydrateRowWith(
    meta: EntityMetadata,
    h: RowHydrator,
    slot: Map<string, EntityState>,
    row: Record<string, unknown>,
    fresh: Set<object> | undefined,
    refresh: boolean,
    unloaded: ReadonlySet<string> | undefined,
  ): object {
    const key = h.key(row);
    if (key === undefined) {
      const entity = this.hydrate(meta, rowToValues(meta, row), refresh);
      fresh?.add(entity);
      return entity;
    }
    const known = slot.get(key);
    let entity: object;
    let state: EntityState;
    if (known) {
      entity = known.entity;
      if (known.owner !== this) {
        // Not ours to update in place: the general path reports or re-manages it.
        const e = this.hydrate(meta, rowToValues(meta, row), refresh);
        fresh?.add(e);
        return e;
      }
      state = known;
      if (state.initialized && !refresh) {
        if (state.unloaded) this.#fillIn(meta, h, state, row, unloaded);
        return entity;
      }
      if (!state.initialized) this.#attachCollections(entity, meta, false, usesAccessorPrototype(entity, meta));
    } else {
      // Built on the accessor prototype: its collections are made when first read.
      entity = h.create();
      state = createState(entity, meta, this, 'managed', true, h.toOne);
      state.accessors = true;
      this.#noteType(meta);
      state.key = key;
      this.identityMap.setIn(slot, key, state);
    }
    state.snapshot = h.write(entity, row, state.relations, this.#references);
    state.initialized = true;
    state.status = 'managed';
    state.unloaded = unloaded?.size ? new Set(unloaded) : undefined;
    fresh?.add(entity);
    return entity;
  }

  /** Writes the properties a partial load left out that this row has, and only those. */
  #fillIn(meta: EntityMetadata, h: RowHydrator, state: EntityState, row: Record<string, unknown>, rowLacks: ReadonlySet<string> | undefined): void {
    const missing = state.unloaded!;
    const part: Record<string, unknown> = {};
    let filled = 0;
    for (const p of columnProperties(meta)) {
      if (!missing.has(p.name) || rowLacks?.has(p.name)) continue;
      for (const c of p.kind === 'scalar' ? [p.column] : p.joinColumns) if (c.name in row) part[c.name] = row[c.name];
      missing.delete(p.name);
      filled++;
    }
    if (!filled) return;
    Object.assign((state.snapshot ??= {}), h.write(state.entity, part, state.relations, this.#references));
    if (!missing.size) state.unloaded = undefined;
  }

  /** To-one values of hydrated rows: the managed target for a key, without a key array on a hit. */
  readonly #references: ReferenceResolver = {
    one: (target, value) => {
      if (target.primaryKeyColumns.length === 1) {
        const found = this.identityMap.get(target, String(value));
        if (found) return found;
      }
      return this.getReference(target, [value]);
    },
    many: (target, values) => this.getReference(target, values),
  };

  /** Called by the to-one accessors of entities on an accessor prototype (see entity/to-one-accessors.ts). */
  onToOneSet(entity: object, prop: ToOneProperty, previous: unknown, next: unknown): void {
    this.#onToOneSet(entity, prop, previous, next);
  }

  /** See `CollectionHost.collectionChanged`. */
  collectionChanged(collection: Collection<object>): void {
    (this.#touched ??= new Touched()).collections.add(collection);
  }

  /** Runs `onLoad` hooks of freshly hydrated entities. */
  async afterLoad(entities: readonly object[]): Promise<void> {
    for (const e of entities) {
      const meta = this.metaOf(e);
      if (traitsOf(meta).hooks.has('onLoad')) await runHooks(meta, e, 'onLoad');
    }
  }

  // ---------------------------------------------------------------- relations in memory

  resolveItem(prop: OneToManyProperty | ManyToManyProperty | ToOneProperty, item: unknown): object {
    return resolveRelationItem(this, prop, item);
  }

  propagate(owner: object, prop: OneToManyProperty | ManyToManyProperty, item: object, op: 'add' | 'remove'): void {
    propagateCollectionChange(this, owner, prop, item, op);
  }

  #onToOneSet(entity: object, prop: ToOneProperty, previous: unknown, next: unknown): void {
    (this.#touched ??= new Touched()).entities.add(entity);
    const orphan = syncToOne(this, entity, prop, previous, next);
    if (orphan) this.#oneToOneOrphans.add(orphan);
  }

  // ---------------------------------------------------------------- loading

  loadCollection(collection: Collection<object>): Promise<void> {
    // Loads started in the same tick share one query per relation (no N+1 through lazy loading).
    return new Promise((resolve, reject) => {
      this.#pendingLoads.push({ collection, resolve, reject });
      if (this.#pendingLoads.length === 1) setImmediate(() => void this.#runPendingLoads());
    });
  }

  async #runPendingLoads(): Promise<void> {
    const batch = this.#pendingLoads;
    this.#pendingLoads = [];
    try {
      await this.loader.loadCollections(batch.map((b) => b.collection));
      for (const b of batch) b.resolve();
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }

  countCollection(collection: Collection<object>): Promise<number> {
    return this.loader.countCollection(collection);
  }

  matchCollection(collection: Collection<object>, options: MatchingOptions): Promise<object[]> {
    return this.loader.matchCollection(collection, options);
  }

  writeCollection(collection: Collection<object>, where: unknown, data?: Readonly<Record<string, unknown>>): Promise<number> {
    return this.writer.writeCollection(collection, where, data);
  }

  #pendingRefs: { entity: object; resolve: () => void; reject: (e: unknown) => void }[] = [];

  /** Loads an unloaded reference; references initialised in the same tick share one query per entity type. */
  initReference(entity: object): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pendingRefs.push({ entity, resolve, reject });
      if (this.#pendingRefs.length === 1) {
        setImmediate(() => {
          const batch = this.#pendingRefs;
          this.#pendingRefs = [];
          this.loader.loadReferences(batch.map((b) => b.entity)).then(
            () => batch.forEach((b) => (getState(b.entity)?.initialized ? b.resolve() : b.reject(notFound(b.entity)))),
            (e) => batch.forEach((b) => b.reject(e)),
          );
        });
      }
    });
  }

  // ---------------------------------------------------------------- flush

  /**
   * Writes every queued change in one transaction per connection. If anything fails, the database
   * is rolled back and nothing in memory has changed: fix the data and call flush() again. The one
   * exception, a COMMIT whose outcome could not be found out, leaves the flush in doubt (see
   * {@link resolveInDoubt}).
   */
  async flush(): Promise<void> {
    if (this.#flushing) throw new UsageError('FLUSH_IN_PROGRESS', 'flush() was called while another flush of this EntityManager is running. Await the first one.');
    if (this.#inDoubt) throw flushInDoubt();
    this.#flushing = true;
    try {
      await this.#flush();
    } finally {
      this.#flushing = false;
    }
  }

  async #flush(): Promise<void> {
    // What was touched before this flush is its to look at; what is touched while it runs (hooks,
    // code running during its awaits) is the next one's. Given back if the flush fails.
    const touched = this.#touched ?? new Touched();
    this.#touched = undefined;
    try {
      await this.#flushTouched(touched);
    } catch (e) {
      if (this.#touched) touched.merge(this.#touched);
      this.#touched = touched;
      throw e;
    }
  }

  async #flushTouched(touched: Touched): Promise<void> {
    // Each pass below starts from what changed (new entities, touched relations); a pass that no
    // managed type needs (no relations, no hooks, ...) is skipped as a whole.
    // 1. Cascade persist: new objects reachable from new and touched entities join the unit of work.
    if (this.#flushTraits().relations) cascadePersist(this, this.#new, touched, (entity) => this.persist(entity));
    // 2. Cascade remove and orphan removal: removed parents take their dependents along.
    await this.#cascadeRemove(touched);
    // 3. Before-hooks and generated values run before validation, so what they set is checked and written.
    if (this.#flushTraits().beforeWork) await this.#runBeforeHooks();
    // 4. What to write (pure), and its validation before any SQL. Collection changes the passes
    // above made (cascades, hooks) belong to this flush.
    if (this.#touched) {
      touched.merge(this.#touched);
      this.#touched = undefined;
    }
    const { changeSets, states, allNew, walkedAt } = this.#changeSets();
    const { links, clears, dirty } = touched.collections.size ? this.#collectionChanges(touched.collections) : { links: [], clears: [], dirty: [] };
    const failures = keyChangeFailures(changeSets, this.dialectOf);
    failures.push(...validateChangeSets(changeSets, this.dialectOf));
    if (links.length) failures.push(...validateLinks(links, this.dialectOf));
    if (clears.length) failures.push(...validateChildClears(clears));
    if (failures.length) throw new ValidationError(failures);
    if (!changeSets.length && !links.length && !clears.length) return;
    // 5. Order it (pure), then run it; memory is untouched until every transaction has committed.
    const steps = planCommit(changeSets, links, clears, linkPurges(changeSets, ownedLinksOf(this.metadata)), {
      deferrableConstraints: (connection) => this.dialectOf(connection) !== 'mysql',
    });
    const result: CommitResult = { generatedKeys: new Map(), versions: new Map(), generatedValues: new Map() };
    try {
      await this.executor.execute(steps, result);
    } catch (e) {
      // What the database generated came back before the COMMIT: kept for resolveInDoubt('committed').
      if (e instanceof CommitOutcomeUnknownError) this.#inDoubt = () => this.#committed(changeSets, states, allNew, walkedAt, links, dirty, result);
      throw e;
    }
    await this.#committed(changeSets, states, allNew, walkedAt, links, dirty, result);
  }

  /** 6. Commit to memory: keys, identity map, snapshots, queues; then the after-hooks. */
  async #committed(changeSets: ChangeSet[], states: EntityState[], allNew: number | undefined, walkedAt: number, links: LinkDiff[], dirty: Collection<object>[], result: CommitResult): Promise<void> {
    this.#applyResult(changeSets, states, allNew, walkedAt, links, dirty, result);
    if (this.#flushTraits().afterHooks) await this.#runAfterHooks(changeSets);
  }

  /** Set by a flush that failed with CommitOutcomeUnknownError: applies it to memory, should it have committed. */
  #inDoubt: (() => Promise<void>) | undefined;

  /** See `EntityManager.resolveInDoubt`. */
  async resolveInDoubt(outcome: CommitOutcomeChoice): Promise<void> {
    const apply = this.#inDoubt;
    checkResolution(apply, outcome);
    this.#inDoubt = undefined;
    if (outcome === 'committed') await apply!();
  }

  /**
   * The change sets of this flush (new entities first, then the identity map), with the state of
   * each one's entity at the same index: read once here, reused when the result is applied.
   */
  #changeSets(): { changeSets: ChangeSet[]; states: EntityState[]; allNew: number | undefined; walkedAt: number } {
    const changeSets: ChangeSet[] = [];
    const states: EntityState[] = [];
    let inserts = 0;
    for (const entity of this.#new) {
      const state = getState(entity)!;
      const cs = changeSetOf(state.meta, entity, state.status === 'detached' ? 'managed' : state.status, state.initialized, state.snapshot);
      if (cs) {
        changeSets.push(cs);
        states.push(state);
        if (cs.type === 'insert') inserts++;
      }
    }
    // Every new entity is inserted: unless `#new` changes meanwhile, it is emptied as a whole.
    const allNew = inserts === this.#new.size ? this.#newEdits : undefined;
    const walkedAt = this.identityMap.edits;
    for (const entities of this.identityMap.byType()) {
      for (const state of entities.values()) {
        const status = state.status;
        if (status !== 'managed' && status !== 'removed') continue;
        const cs = changeSetOf(state.meta, state.entity, status, state.initialized, state.snapshot, state.key);
        if (cs) {
          changeSets.push(cs);
          states.push(state);
        }
      }
    }
    return { changeSets, states, allNew, walkedAt };
  }

  /** Removed entities take along what they cascade to (see cascade-remove.ts). */
  async #cascadeRemove(touched: Touched): Promise<void> {
    // Nothing cascades and no 1:1 orphan waits: the passes below would find nothing to take.
    const owned = ownedLinksOf(this.metadata);
    const throughs = owned.size > 0 && [...this.#types].some((t) => (owned.get(t)?.throughs.length ?? 0) > 0);
    if (!this.#oneToOneOrphans.size && !this.#flushTraits().cascadeRemove && !throughs) return;
    const orphans = [...this.#oneToOneOrphans];
    this.#oneToOneOrphans.clear();
    await cascadeRemove(
      {
        removed: () => this.identityMap.states().filter((s) => s.status === 'removed').map((s) => s.entity),
        changedCollections: () => touched.collections,
        owns: (state) => state.owner === this,
        remove: (entity) => this.remove(entity),
        loadCollections: (collections) => this.loader.loadCollections(collections),
        owned: throughs ? owned : new Map(),
        findLinks: (through, property, entities) => this.loader.findLinks(through, property, entities),
      },
      orphans,
    );
  }

  async #runBeforeHooks(): Promise<void> {
    for (const entity of this.#new) {
      const meta = getState(entity)!.meta;
      const traits = traitsOf(meta);
      if (traits.hooks.has('beforeCreate')) await runHooks(meta, entity, 'beforeCreate');
      if (traits.generatedOnCreate.length) applyGeneratedValues(traits.generatedOnCreate, entity, 'create');
    }
    for (const state of this.identityMap.states()) {
      const entity = state.entity;
      const traits = traitsOf(state.meta);
      if (state.status === 'removed') {
        if (traits.hooks.has('beforeDelete')) await runHooks(state.meta, entity, 'beforeDelete');
        continue;
      }
      if (state.status !== 'managed' || !traits.updateWork) continue;
      // Only entities that really change get beforeUpdate / onUpdate.
      const dirty = computeChangeSets([this.#view(entity, state)]).length > 0;
      if (!dirty) continue;
      if (traits.hooks.has('beforeUpdate')) await runHooks(state.meta, entity, 'beforeUpdate');
      applyGeneratedValues(traits.generatedOnUpdate, entity, 'update');
    }
  }

  #view(entity: object, state: EntityState): EntityView {
    return {
      meta: state.meta,
      entity,
      status: state.status === 'detached' ? 'managed' : state.status,
      initialized: state.initialized,
      snapshot: state.snapshot,
      key: state.key,
    };
  }

  /**
   * Join-table writes and unloaded 1:N replacements of this flush, and every collection with queued
   * changes: looked for among the collections that told this unit of work of a change, not in every
   * collection of every managed entity.
   */
  #collectionChanges(changed: ReadonlySet<Collection<object>>): { links: LinkDiff[]; clears: ChildClear[]; dirty: Collection<object>[] } {
    const links: LinkDiff[] = [];
    const clears: ChildClear[] = [];
    const dirty: Collection<object>[] = [];
    for (const coll of changed) {
      const entity = coll.owner;
      const state = getState(entity);
      const p = coll._property;
      if (!state || state.owner !== this || state.status === 'removed' || state.status === 'detached' || !p || p.kind === 'through') continue;
      // A collection the entity no longer holds (replaced by another) is not written.
      if ((entity as Record<string, unknown>)[p.name] !== coll || !coll._dirty()) continue;
      dirty.push(coll);
      if (p.kind === 'm:n') {
        if (!p.owner) continue;
        const ops = coll._ops();
        const removed = ops.removed.size ? new Set([...ops.removed].filter((x) => getState(x)?.status !== 'removed')) : ops.removed;
        const diff = diffLinks(p, state.meta, entity, removed === ops.removed ? ops : { ...ops, removed });
        if (diff && (diff.clear || diff.insert.length || diff.delete.length || diff.pivotUpdates.length)) links.push(diff);
      } else if (coll._ops().cleared && state.status !== 'new') {
        clears.push({ prop: p, owner: entity, keep: coll.isInitialized() ? coll.getItems() : [...coll._ops().added] });
      }
    }
    return { links, clears, dirty };
  }

  /**
   * `allNew`: the `#newEdits` at which every entity of `#new` had an insert among `changeSets`;
   * `dirty`: the collections whose queued changes this flush wrote.
   */
  #applyResult(changeSets: ChangeSet[], states: EntityState[], allNew: number | undefined, walkedAt: number, links: LinkDiff[], dirty: Collection<object>[], result: CommitResult): void {
    const clearNew = allNew === this.#newEdits;
    commitToMemory(changeSets, states, result, { identityMap: this.identityMap, pending: clearNew ? undefined : this.#new, unlink: this.#flushTraits().unlinkOnDelete, walkedAt });
    if (clearNew) {
      this.#new.clear();
      this.#newEdits++;
    }
    if (!this.#flushTraits().collections) return;
    for (const diff of links) {
      // What was written is what a later pivotOf() should read, without another query.
      if (diff.prop.pivot.through) {
        for (const [item, values] of diff.pivot) setLinkValues(diff.owner, diff.prop.name, item, { ...getLinkValues(diff.owner, diff.prop.name, item), ...values });
        for (const [item, values] of diff.pivotUpdates) setLinkValues(diff.owner, diff.prop.name, item, { ...getLinkValues(diff.owner, diff.prop.name, item), ...values });
      }
    }
    // Link owners, replaced 1:N collections and the inverse sides that mirror them: all were dirty
    // when the flush read them, so one list, not another walk over every managed entity.
    for (const coll of dirty) coll._commit();
  }

  /** A deleted entity leaves the collections and to-one properties that pointed at it. */
  async #runAfterHooks(changeSets: ChangeSet[]): Promise<void> {
    for (const cs of changeSets) {
      const hook: HookName = cs.type === 'insert' ? 'afterCreate' : cs.type === 'update' ? 'afterUpdate' : 'afterDelete';
      if (traitsOf(cs.meta).hooks.has(hook)) await runHooks(cs.meta, cs.entity, hook);
    }
  }

  /** Entities this unit of work manages, for `em.getUnitOfWork()`-style inspection and tests. */
  get size(): number {
    return this.identityMap.size + this.#new.size;
  }
}

function notFound(entity: object): NotFoundError {
  const state = getState(entity)!;
  const key = primaryKeyValues(state.meta, entity) ?? [];
  return new NotFoundError(state.meta.name, key, `${state.meta.name} ${key.join('/')} does not exist: the reference points at no row.`);
}
