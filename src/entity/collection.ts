import { UsageError } from '../errors/usage-error.js';
import type { ManyThroughProperty, ManyToManyProperty, OneToManyProperty } from '../metadata/types.js';
import { getRawMetadata } from '../decorators/registry.js';
import { getLinkValues, getState } from './entity-state.js';

/**
 * What a collection needs from the EntityManager that manages its owner. The unit of work
 * implements it; entity/ stays free of unit-of-work imports.
 * @internal
 */
export interface CollectionHost {
  /** Entity, reference or bare primary key → the managed entity for `prop.target`. */
  resolveItem(prop: OneToManyProperty | ManyToManyProperty, item: unknown): object;
  /** Keep the other side of a bidirectional relation in step, in memory. */
  propagate(owner: object, prop: OneToManyProperty | ManyToManyProperty, item: object, op: 'add' | 'remove'): void;
  loadCollection(collection: Collection<object>): Promise<void>;
  countCollection(collection: Collection<object>): Promise<number>;
  /** One query for a filtered page of the items; the collection is left as it is. */
  matchCollection(collection: Collection<object>, options: MatchingOptions): Promise<object[]>;
  /** One UPDATE of the items matching `where` (`data` given) or one DELETE of them; affected rows. */
  writeCollection(collection: Collection<object>, where: unknown, data?: Readonly<Record<string, unknown>>): Promise<number>;
  /**
   * The collection's queue changed: the next flush looks at it (a flush visits the collections it
   * was told about, not every collection of every managed entity).
   */
  collectionChanged(collection: Collection<object>): void;
}

/** Options of {@link Collection.matching}. */
export interface MatchingOptions {
  /** Criteria the items must meet, as in `em.find(Item, where)`. */
  where?: Readonly<Record<string, unknown>>;
  /** Defaults to the relation's `orderBy`, then the primary key. */
  orderBy?: Readonly<Record<string, unknown>> | readonly Readonly<Record<string, unknown>>[];
  limit?: number;
  offset?: number;
}

/**
 * `where` of `collection.nativeUpdate` / `nativeDelete`: what `em.nativeUpdate(Item, where)` takes
 * (criteria on the items, an item or its primary key), checked before any SQL.
 */
export type CollectionWhere = object | string | number | bigint;

/** Changes queued on a collection since it was loaded or last flushed. */
export interface CollectionOps<T> {
  readonly added: ReadonlySet<T>;
  readonly removed: ReadonlySet<T>;
  /** All links (or children) the database has for the owner are to go, before `added` is applied. */
  readonly cleared: boolean;
  /** Through-entity values for links being added (`attach`). */
  readonly pivot: ReadonlyMap<T, Readonly<Record<string, unknown>>>;
  /** New through-entity values for links that stay (`updatePivot`). */
  readonly pivotUpdates: ReadonlyMap<T, Readonly<Record<string, unknown>>>;
}

/**
 * The items of a OneToMany or ManyToMany property. `add` / `remove` / `set` / `removeAll` only queue
 * changes — nothing is loaded or written until `em.flush()` — so adding to a collection you have not
 * loaded costs no query.
 *
 * @example
 * @OneToMany(() => Post, p => p.author) posts = new Collection<Post>(this);
 *
 * user.posts.add(post);               // or a reference, or a bare primary key: user.posts.add(42)
 * await em.flush();                   // writes the FK (1:N) or the join-table row (M:N)
 * await user.posts.init();            // loads the items
 * for (const p of user.posts) console.log(p.title);
 */
export class Collection<T extends object> implements Iterable<T> {
  readonly owner: object;
  // Shared while empty (most collections of new entities stay so): made on the first item.
  #items: T[] = NO_ITEMS as T[];
  /** Membership of `#items` (and of local adds before loading); made when first needed, see {@link #memberSet}. */
  #members?: Set<T>;
  #initialized: boolean;
  // Queued changes, through-entity values and pending keys are made on first use: a collection
  // (one per entity per collection property) starts with two containers, not seven.
  #added?: Set<T>;
  #removed?: Set<T>;
  #cleared = false;
  #pivot?: Map<T, Record<string, unknown>>;
  #pivotUpdates?: Map<T, Record<string, unknown>>;
  /** Items given before the owner was managed, resolved when it is attached. */
  #pending?: unknown[];
  #property?: OneToManyProperty | ManyToManyProperty;
  /** Set instead of `#property` for a read-only has-many-through (`@ManyThrough`). */
  #through?: ManyThroughProperty;
  #host?: CollectionHost;

  /** @param owner the entity that holds the collection (pass `this`). */
  constructor(owner: object, items?: Iterable<T>) {
    this.owner = owner;
    // A collection built by the owner's constructor belongs to a new entity: it is complete.
    this.#initialized = true;
    if (items) for (const item of items) this.add(item);
  }

  /** @internal Bind to its property and manager once the owner becomes managed. */
  _attach(property: OneToManyProperty | ManyToManyProperty, host: CollectionHost, initialized?: boolean): void {
    this.#property = property;
    this.#host = host;
    if (initialized !== undefined) this.#initialized = initialized;
    // Items added while the owner was not managed were only recorded; now that the other side is
    // known, let it follow (a child's FK, the owning side of a M:N).
    if (this.#added) for (const item of this.#added) host.propagate(this.owner, property, item, 'add');
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending?.length) this.add(...(pending as T[]));
    // Changes queued before the owner was managed are news to this host.
    if (this._dirty()) host.collectionChanged(this as unknown as Collection<object>);
  }

  /** @internal Bind a has-many-through collection (read-only) to its property and manager. */
  _attachThrough(property: ManyThroughProperty, host: CollectionHost, initialized: boolean): void {
    this.#through = property;
    this.#host = host;
    this.#initialized = initialized;
  }

  /** @internal */
  get _property(): OneToManyProperty | ManyToManyProperty | ManyThroughProperty | undefined {
    return this.#property ?? this.#through;
  }

  /** Queue items to be linked. Items: entities, references or bare primary keys. */
  add(...items: (T | unknown)[]): void {
    this.#writable('add()');
    for (const raw of items) {
      const item = this.#resolve(raw);
      if (item === undefined) continue;
      if (this.#memberSet().has(item) || this.#added?.has(item)) continue;
      if (this.#removed?.has(item)) this.#removed.delete(item);
      else (this.#added ??= new Set()).add(item);
      this.#addLocal(item);
      if (this.#property) {
        this.#host!.collectionChanged(this as unknown as Collection<object>);
        this.#host!.propagate(this.owner, this.#property, item, 'add');
      }
    }
  }

  /**
   * Queue a link with values for the extra columns of the relation's `through` entity (Lucid's
   * `attach`, Sequelize's `add(x, { through })`). If the link already exists, its values are
   * updated instead.
   *
   * @example
   * user.cars.attach(car, { since: 2020 });          // INSERT INTO user_cars (user_id, car_id, since) ...
   */
  attach(item: T | unknown, pivot: Record<string, unknown>): void {
    this.#writable('attach()');
    const resolved = this.#resolve(item);
    if (resolved === undefined) return;
    this.#checkPivot(pivot);
    this.add(resolved);
    this.#ownerSide(resolved)?._setPivot(this.#ownerSideItem(resolved), { ...pivot }, 'insert');
  }

  /**
   * Queue new values for the extra columns of an existing link's `through` row.
   *
   * @example
   * user.cars.updatePivot(car, { since: 2021 });     // UPDATE user_cars SET since = ? WHERE ...
   */
  updatePivot(item: T | unknown, pivot: Record<string, unknown>): void {
    this.#writable('updatePivot()');
    const resolved = this.#resolve(item);
    if (resolved === undefined) return;
    this.#checkPivot(pivot);
    this.#ownerSide(resolved)?._setPivot(this.#ownerSideItem(resolved), { ...pivot }, 'update');
  }

  /** @internal Record through-entity values on the owning side's queue. */
  _setPivot(item: T, values: Record<string, unknown>, kind: 'insert' | 'update'): void {
    if (kind === 'insert' || this.#added?.has(item)) {
      (this.#pivot ??= new Map()).set(item, { ...this.#pivot.get(item), ...values });
    } else {
      (this.#pivotUpdates ??= new Map()).set(item, { ...this.#pivotUpdates.get(item), ...values });
    }
    this.#changed();
  }

  /** Tells the host that the queue changed (see `CollectionHost.collectionChanged`). */
  #changed(): void {
    if (this.#property) this.#host!.collectionChanged(this as unknown as Collection<object>);
  }

  /** The collection whose queue is written: this one on the owning side, the item's on the inverse side. */
  #ownerSide(item: T): Collection<object> | undefined {
    const p = this.#property;
    if (!p || p.kind !== 'm:n') return undefined;
    if (p.owner) return this as unknown as Collection<object>;
    const other = (item as Record<string, unknown>)[p.mappedBy!];
    return other instanceof Collection ? other : undefined;
  }

  #ownerSideItem(item: T): T {
    const p = this.#property;
    return (p && p.kind === 'm:n' && !p.owner ? this.owner : item) as T;
  }

  #checkPivot(pivot: Record<string, unknown>): void {
    const p = this.#property;
    const label = this.#label();
    if (!p) {
      throw new UsageError('NOT_MANAGED', `${label}: pivot values need a managed owner. Persist the owner first (em.persist / em.create).`);
    }
    if (p.kind !== 'm:n' || !p.pivot.through) {
      throw new UsageError(
        'NO_PIVOT_COLUMNS',
        `${label} has no through entity, so its links carry no values. Map it with { through: () => JoinEntity } to give the join table columns of its own.`,
      );
    }
    const through = p.pivot.through;
    const linkProps = new Set([p.pivot.ownerProperty, p.pivot.targetProperty]);
    for (const key of Object.keys(pivot)) {
      const prop = through.propertiesByName[key];
      if (!prop || linkProps.has(key) || prop.kind === '1:m' || prop.kind === 'm:n') {
        const allowed = through.properties.filter((x) => !linkProps.has(x.name) && (x.kind === 'scalar' || x.kind === 'm:1')).map((x) => x.name);
        throw new UsageError(
          'UNKNOWN_PIVOT_PROPERTY',
          `${through.name}.${key} is not a column of the link ${label} can set. Settable: ${allowed.join(', ') || 'none'}.`,
        );
      }
    }
  }

  /** Queue items to be unlinked (1:N: the child's FK is set to NULL, or the child removed with `orphanRemoval`). */
  remove(...items: (T | unknown)[]): void {
    this.#writable('remove()');
    for (const raw of items) {
      const item = this.#resolve(raw);
      if (item === undefined) continue;
      if (this.#added?.has(item)) this.#added.delete(item);
      else (this.#removed ??= new Set()).add(item);
      this.#pivot?.delete(item);
      this.#pivotUpdates?.delete(item);
      this.#removeLocal(item);
      if (this.#property) {
        this.#host!.collectionChanged(this as unknown as Collection<object>);
        this.#host!.propagate(this.owner, this.#property, item, 'remove');
      }
    }
  }

  /** Replace the whole content. On a collection that is not loaded, every existing link is dropped at flush. */
  set(items: Iterable<T | unknown>): void {
    this.#writable('set()');
    const next = [...items].map((i) => this.#resolve(i)).filter((i): i is T => i !== undefined);
    if (!this.#initialized) {
      for (const item of [...(this.#added ?? [])]) this.remove(item);
      this.#cleared = true;
      this.#removed?.clear();
      this.#initialized = true;
      this.#changed();
      this.add(...next);
      return;
    }
    const keep = new Set(next);
    for (const item of [...this.#items]) if (!keep.has(item)) this.remove(item);
    this.add(...next);
  }

  /** Unlink everything (without loading the collection). */
  removeAll(): void {
    this.#writable('removeAll()');
    this.set([]);
  }

  /** Whether the item is in the collection. Needs the collection loaded unless the item was just added. */
  contains(item: T | unknown): boolean {
    this.#bind();
    const resolved = this.#resolve(item);
    if (resolved === undefined) return false;
    if (this.#initialized) return this.#memberSet().has(resolved);
    if (this.#added?.has(resolved)) return true;
    if (this.#removed?.has(resolved)) return false;
    throw this.#notLoaded('contains()');
  }

  /** Number of items; the collection must be loaded (see `loadCount()` otherwise). */
  count(): number {
    this.#bind();
    if (!this.#initialized) throw this.#notLoaded('count()');
    return this.#items.length;
  }

  get length(): number {
    return this.count();
  }

  /** The items. Throws a clear error when the collection has not been loaded. */
  getItems(): T[] {
    this.#bind();
    if (!this.#initialized) throw this.#notLoaded('getItems()');
    return [...this.#items];
  }

  isInitialized(): boolean {
    this.#bind();
    return this.#initialized;
  }

  /** Load the items from the database (queued changes are kept and applied on top). */
  async init(): Promise<Collection<T>> {
    this.#bind();
    if (this.#initialized) return this;
    if (!this.#host) throw new UsageError('USAGE', `${this.#label()} cannot be loaded: its owner is not managed by an EntityManager.`);
    await this.#host.loadCollection(this as unknown as Collection<object>);
    return this;
  }

  /** Alias of `init()`: load the items and return them. */
  async load(): Promise<T[]> {
    await this.init();
    return this.getItems();
  }

  /** Count the items with a COUNT query (or in memory when loaded). */
  async loadCount(): Promise<number> {
    this.#bind();
    if (this.#initialized) return this.#items.length;
    if (!this.#host) throw new UsageError('USAGE', `${this.#label()} cannot be counted: its owner is not managed by an EntityManager.`);
    return this.#host.countCollection(this as unknown as Collection<object>);
  }

  /**
   * A filtered page of the items, read with one query, without loading the collection: it stays
   * as it is (not initialised if it was not), and queued changes are not applied to the result
   * (Doctrine's and MikroORM's `matching`). The items are managed entities like any other.
   *
   * @example
   * const recent = await user.posts.matching({ where: { published: true }, orderBy: { id: 'desc' }, limit: 10 });
   */
  async matching(options: MatchingOptions = {}): Promise<T[]> {
    this.#bind();
    if (!this.#host || !this._property) throw new UsageError('USAGE', `${this.#label()} cannot be queried: its owner is not managed by an EntityManager.`);
    return (await this.#host.matchCollection(this as unknown as Collection<object>, options)) as T[];
  }

  /**
   * UPDATE the items of this collection that match `where`, in one statement, without loading them
   * (Lucid's `user.related('posts').query().where(...).update(...)`): `em.nativeUpdate` on the item
   * entity, restricted to this owner's items (1:N: by the foreign key; M:N: by its link rows).
   * `where` and `data` are those of `em.nativeUpdate`; mistakes in them fail before any SQL.
   *
   * Like `em.nativeUpdate`, it writes the database only: entities already in memory keep their
   * values (reload them with `em.refresh`, or read in a new fork), queued changes stay queued, no
   * hooks or validation run, and the collection is not loaded. An owner that has no row yet has no
   * items: 0, without a statement. Returns the number of rows updated.
   *
   * @example
   * await user.posts.nativeUpdate({ published: false }, { archived: true });
   * // UPDATE "posts" SET "archived" = ? WHERE "posts"."author_id" = ? AND "posts"."published" = ?
   */
  // Typed loosely: criteria types of T inside Collection<T> make every entity type depend on itself
  // (the compiler reports a circular type). The run-time checks name unknown properties and
  // operators before any SQL.
  async nativeUpdate(where: CollectionWhere, data: Readonly<Record<string, unknown>>): Promise<number> {
    return this.#write('nativeUpdate()', where, data);
  }

  /**
   * DELETE the items of this collection that match `where`, in one statement, without loading them
   * (Lucid's related query `delete()`). It deletes the item **rows**, as `em.nativeDelete` on the
   * item entity would, restricted to this owner's items: on a many-to-many the tags themselves go,
   * and with them (by the join table's `on delete cascade`) their links to every owner. To unlink
   * items and keep them, use `remove()` / `removeAll()` and `flush()`.
   *
   * Like `em.nativeDelete`, it writes the database only: deleted entities already in memory stay
   * there (and in loaded collections), no hooks, cascades or `orphanRemoval` run beyond the
   * database's own foreign-key rules. An owner that has no row yet: 0, without a statement.
   * Returns the number of rows deleted.
   *
   * @example
   * await user.posts.nativeDelete({ published: false });
   * // DELETE FROM "posts" WHERE "posts"."author_id" = ? AND "posts"."published" = ?
   * await post.tags.nativeDelete({ name: { $like: 'tmp-%' } });
   * // DELETE FROM "tags" WHERE "tags"."id" IN (SELECT "links"."tag_id" FROM "post_tags" "links" WHERE "links"."post_id" = ?) AND ...
   */
  async nativeDelete(where: CollectionWhere): Promise<number> {
    return this.#write('nativeDelete()', where);
  }

  #write(method: string, where: unknown, data?: Readonly<Record<string, unknown>>): Promise<number> {
    this.#writable(method);
    this.#bind();
    if (!this.#host || !this.#property) {
      throw new UsageError(
        'NOT_MANAGED',
        `${this.#label()}.${method} needs an owner managed by an EntityManager, to know whose items to change. Persist the owner (em.persist / em.create) or load it first.`,
      );
    }
    return this.#host.writeCollection(this as unknown as Collection<object>, where, data);
  }

  /**
   * The values of the extra columns of the link to `item`, for a many-to-many with a `through`
   * entity, as read by populate or `matching()` (no query). Works from either side. Undefined when
   * that link's values have not been loaded.
   *
   * @example
   * const user = await em.findOneOrFail(User, 1, { populate: ['cars'] });
   * for (const car of user.cars) console.log(car.model, user.cars.pivotOf(car)?.since);
   */
  pivotOf(item: T | unknown): Readonly<Record<string, unknown>> | undefined {
    const p = this.#property;
    if (!p || p.kind !== 'm:n' || !p.pivot.through) {
      throw new UsageError(
        'NO_PIVOT_COLUMNS',
        `${this.#label()} has no through entity, so its links carry no values. Map it with { through: () => JoinEntity } to give the join table columns of its own.`,
      );
    }
    const resolved = this.#resolve(item);
    if (resolved === undefined) return undefined;
    return p.owner ? getLinkValues(this.owner, p.name, resolved) : getLinkValues(resolved, p.mappedBy!, this.owner);
  }

  [Symbol.iterator](): Iterator<T> {
    return this.getItems()[Symbol.iterator]();
  }

  /** Serialises as its items when loaded (see `wrap(e).toObject()` for the full rules). */
  toJSON(): unknown {
    this.#bind();
    return this.#initialized ? this.#items : undefined;
  }

  /** @internal Queued changes since load / last flush. */
  _ops(): CollectionOps<T> {
    return {
      added: this.#added ?? (NONE as ReadonlySet<T>),
      removed: this.#removed ?? (NONE as ReadonlySet<T>),
      cleared: this.#cleared,
      pivot: this.#pivot ?? (NO_VALUES as ReadonlyMap<T, Readonly<Record<string, unknown>>>),
      pivotUpdates: this.#pivotUpdates ?? (NO_VALUES as ReadonlyMap<T, Readonly<Record<string, unknown>>>),
    };
  }

  /**
   * @internal The items a flush follows from this collection: all of them when loaded, else the
   * ones added since. Live, not a copy: the caller reads them before anything changes.
   */
  _members(): Iterable<T> {
    return this.#initialized ? this.#items : (this.#added ?? (NONE as ReadonlySet<T>));
  }

  /** @internal Whether anything is queued. */
  _dirty(): boolean {
    return this.#cleared || (this.#added?.size ?? 0) > 0 || (this.#removed?.size ?? 0) > 0 || (this.#pivotUpdates?.size ?? 0) > 0;
  }

  /** @internal After a successful flush the queue is written: forget it. */
  _commit(): void {
    this.#added?.clear();
    this.#removed?.clear();
    this.#cleared = false;
    this.#pivot?.clear();
    this.#pivotUpdates?.clear();
  }

  /** @internal Set the loaded items; queued changes are applied on top. */
  _hydrate(items: Iterable<T>): void {
    this.#items = [];
    this.#members = undefined;
    this.#initialized = true;
    const removed = this.#removed;
    if (!this.#cleared) for (const item of items) if (!removed?.has(item)) this.#addLocal(item);
    if (this.#added) for (const item of this.#added) this.#addLocal(item);
  }

  /**
   * @internal `_hydrate` for items known to be distinct, in an array the collection keeps (the caller
   * hands it over): no membership set is built until something asks, which a loaded collection that
   * is only read never does.
   */
  _hydrateDistinct(items: T[]): void {
    if (this.#cleared || this.#removed?.size || this.#added?.size) return this._hydrate(items);
    this.#items = items;
    this.#members = undefined;
    this.#initialized = true;
  }

  /** @internal In-memory change from the other side of a bidirectional relation (no queued op). */
  _addLocal(item: T): void {
    if (this.#initialized) this.#addLocal(item);
  }

  /** @internal */
  _removeLocal(item: T): void {
    this.#removeLocal(item);
  }

  /** @internal Queue without propagating (the other side already did). */
  _queue(item: T, op: 'add' | 'remove'): void {
    if (op === 'add') {
      if (this.#memberSet().has(item) || this.#added?.has(item)) return;
      if (this.#removed?.has(item)) this.#removed.delete(item);
      else (this.#added ??= new Set()).add(item);
      this.#addLocal(item);
    } else {
      if (this.#added?.has(item)) this.#added.delete(item);
      else (this.#removed ??= new Set()).add(item);
      this.#pivot?.delete(item);
      this.#pivotUpdates?.delete(item);
      this.#removeLocal(item);
    }
    this.#changed();
  }

  #addLocal(item: T): void {
    const members = this.#memberSet();
    if (members.has(item)) return;
    members.add(item);
    if (!this.#initialized) return;
    if (this.#items === NO_ITEMS) this.#items = [];
    this.#items.push(item);
  }

  #removeLocal(item: T): void {
    if (!this.#memberSet().delete(item)) return;
    const i = this.#items.indexOf(item);
    if (i >= 0) this.#items.splice(i, 1);
  }

  /** The membership set, built from the loaded items the first time it is needed. */
  #memberSet(): Set<T> {
    return (this.#members ??= new Set(this.#initialized ? this.#items : undefined));
  }

  #resolve(raw: unknown): T | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (!this.#property) {
      if (typeof raw === 'object' && !(raw instanceof Date)) return raw as T;
      (this.#pending ??= []).push(raw);
      return undefined;
    }
    return this.#host!.resolveItem(this.#property, raw) as T;
  }

  /**
   * A has-many-through of an entity built with `new` (its class field) is bound once the owner is
   * in the database: before that nothing can reach it, so it stays the empty collection it was built as.
   */
  #bind(): void {
    if (this.#property || this.#through) return;
    const state = getState(this.owner);
    if (!state || state.status === 'new') return;
    const record = this.owner as Record<string, unknown>;
    for (const p of state.meta.properties) {
      if (p.kind === 'through' && record[p.name] === this) this._attachThrough(p, state.owner as CollectionHost, false);
    }
  }

  /** Writes go to the relations a has-many-through follows, never to it. */
  #writable(method: string): void {
    if (this.#property) return;
    const name = this.#through?.name ?? throughPropertyName(this.owner, this as unknown as Collection<object>);
    if (name === undefined) return;
    const owner = getState(this.owner)?.meta.name ?? this.owner.constructor?.name ?? 'Entity';
    const path = this.#through ? this.#through.hops.map((h) => h.name).join('.') : 'its path';
    throw new UsageError(
      'READ_ONLY_RELATION',
      `${owner}.${name} is a has-many-through (@ManyThrough along '${path}') and is read-only, so ${method} cannot change it. ` +
        `Change the relations along the path instead (the first one is ${owner}.${path.split('.')[0]}).`,
    );
  }

  #label(): string {
    const state = getState(this.owner);
    return `${state?.meta.name ?? this.owner.constructor?.name ?? 'Entity'}.${this._property?.name ?? 'collection'}`;
  }

  #notLoaded(what: string): UsageError {
    const owner = getState(this.owner)?.meta.name ?? this.owner.constructor?.name ?? 'Entity';
    const prop = this._property?.name ?? 'collection';
    return new UsageError(
      'COLLECTION_NOT_LOADED',
      `${owner}.${prop} is not loaded, so ${what} cannot answer. Populate it (em.find(${owner}, where, { populate: ['${prop}'] })) ` +
        `or call await ${lowerFirst(owner)}.${prop}.init() first.`,
    );
  }
}

/**
 * The collection `entity.<name>` holds, without making one: entities built from rows get theirs on
 * first read (see `accessorPrototype`), and code that only keeps loaded collections in step must not
 * make thousands of them. Undefined when there is none yet, which means nothing was loaded or queued.
 */
export function existingCollection(entity: object, name: string): Collection<object> | undefined {
  if (!Object.prototype.hasOwnProperty.call(entity, name)) return undefined;
  const value = (entity as Record<string, unknown>)[name];
  return value instanceof Collection ? (value as Collection<object>) : undefined;
}

/** The items of every empty collection until its first item: never written to (see `#addLocal`). */
const NO_ITEMS: never[] = [];

// What `_ops()` hands out for a queue never used (read only: the collection makes its own on first write).
const NONE: ReadonlySet<never> = new Set<never>();
const NO_VALUES: ReadonlyMap<never, never> = new Map<never, never>();

/** The `@ManyThrough` property of `owner` that holds `collection`, read from the decorators (the owner may not be managed yet). */
function throughPropertyName(owner: object, collection: Collection<object>): string | undefined {
  const record = owner as Record<string, unknown>;
  for (let c: Function | null = owner.constructor; c && c !== Object && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    for (const raw of getRawMetadata(c)?.properties.values() ?? []) {
      if (raw.kind === 'through' && record[raw.name] === collection) return raw.name;
    }
  }
  return undefined;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
