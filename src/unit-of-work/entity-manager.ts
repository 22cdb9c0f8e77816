import type { Driver, DriverTransaction, IsolationLevel, QueryBuilder, Statement } from '../drivers/driver.js';
import { checkIsolationLevel } from '../drivers/isolation-level.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { UsageError } from '../errors/usage-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { Collection } from '../entity/collection.js';
import { getState } from '../entity/entity-state.js';
import { checkedPrimaryKey, primaryKeyValues } from '../entity/primary-key.js';
import { toDatabaseValue } from '../entity/value-conversion.js';
import type { MetadataSnapshot } from '../metadata/metadata-storage-types.js';
import type { EntityMetadata } from '../metadata/types.js';
import { collectionScope } from '../query/collection-scope.js';
import { describe } from '../query/criteria-sql.js';
import { checkPaging } from '../query/select-builder.js';
import { EntityLoader, type FindOptions } from '../query/entity-loader.js';
import type { ColumnData, EntityData } from '../entity/entity-data.js';
import type { Loaded } from '../entity/loaded.js';
import type { PathsOf, PopulatePath, TypedFindOneOptions, TypedFindOptions } from '../query/populate-path.js';
import type { DataOf, WhereOf } from '../query/typed-criteria.js';
import type { ReplicaSet } from '../drivers/replica-set.js';
import { connectionsOf, Executor, type CommitExecutor } from './executor.js';
import { ReadRouter, withReadFrom, type ReadOptions } from './read-routing.js';
import { runInTransactions } from './connection-transactions.js';
import { runInSavepoints } from './savepoints.js';
import { lockingFindOptions } from './pessimistic-lock.js';
import { upsertRows, type UpsertContext, type UpsertOptions } from './upsert.js';
import { assignData, newEntity, type AssignOptions } from './assign.js';

export type { AssignOptions } from './assign.js';
import { UnitOfWork } from './unit-of-work.js';
import { columnProperties, type ColumnProperty } from './change-sets.js';
import { validateColumnValues } from './validation.js';
import { executeDriver, mappableRow, rawStatement, rememberBuilderConnection, type ExecuteOptions, type SqlSource } from './raw-sql.js';

const hasOwn = Object.prototype.hasOwnProperty;

type Ctor<T> = (abstract new (...args: any[]) => T) | (new (...args: any[]) => T);


/** Options of `em.nativeUpdate` / `em.nativeDelete`. */
export interface NativeWriteOptions {
  /**
   * Allow criteria with no condition at all (`{}`, `undefined`, only `undefined` values, `{ $and: [] }`):
   * without it such a call throws `WHOLE_TABLE_WRITE` instead of changing every row of the table.
   *
   * @example
   * await em.nativeDelete(Session, {}, { all: true });   // empty the table, on purpose
   */
  all?: boolean;
}

/** Options of `em.transactional`. */
export interface TransactionalOptions {
  /**
   * The isolation level of the transactions it opens (one per connection). Not allowed on a nested
   * call, which runs in a savepoint of the enclosing transactions and so at their level.
   *
   * @example
   * await em.transactional(async (tem) => { ... }, { isolationLevel: 'serializable' });
   */
  isolationLevel?: IsolationLevel;
}

/** Options of `em.populate`: the per-path constraints, ordering and strategy `find` takes. */
export type PopulateOptions = Pick<FindOptions, 'populateWhere' | 'populateOrderBy' | 'strategy'>;

/** The replicas of a Joinery without any (shared by its forks, never changed). */
const NO_REPLICAS: ReadonlyMap<string, ReplicaSet> = new Map();

/** What every EntityManager of one Joinery shares. */
export interface EntityManagerContext {
  readonly metadata: MetadataSnapshot;
  readonly drivers: ReadonlyMap<string, Driver>;
  /** `Joinery.init({ twoPhaseCommit })`: how transactions over several connections end. */
  readonly twoPhaseCommit?: boolean;
  /** Read replicas of the connections that have some (`replicas` in the connection config). */
  readonly replicas?: ReadonlyMap<string, ReplicaSet>;
}

/**
 * The unit of work of one request: an identity map plus queued changes, written by `flush()` in one
 * transaction. Make one per request with `orm.em.fork()`.
 *
 * @example
 * const em = orm.em.fork();
 * const user = em.create(User, { email: 'a@b.c', passwordHash: 'x' });
 * user.posts.add(em.create(Post, { title: 'Hello', author: user }));
 * await em.flush();
 * const again = await em.findOneOrFail(User, { email: 'a@b.c' });   // same object: identity map
 */
export class EntityManager {
  readonly #ctx: EntityManagerContext;
  readonly #uow: UnitOfWork;
  readonly #loader: EntityLoader;
  /** Open transactions (inside `transactional`), per connection. */
  #transactions?: Map<string, DriverTransaction>;
  /** Which reads go to a replica; shared with the forks `transactional` makes, so their writes count. */
  readonly #reads: ReadRouter;
  /** How many `transactional` calls this EntityManager runs inside (0: none); names savepoints. */
  readonly #depth: number;

  constructor(ctx: EntityManagerContext, transactions?: Map<string, DriverTransaction>, reads?: ReadRouter, depth = 0) {
    this.#ctx = ctx;
    this.#depth = depth;
    this.#transactions = transactions;
    this.#reads = reads ?? new ReadRouter(ctx.replicas ?? NO_REPLICAS);
    this.#loader = new EntityLoader(ctx.drivers, () => this.#uow, (c) => this.#transactions?.get(c), (c) => this.#reads.reader(c));
    // Made by the first flush: a fork that only reads (a request's lookups) never needs one.
    let executor: Executor | undefined;
    // Marked before the statements run: after a failed (or partly committed) flush, reading the
    // primary is still right, and a replica might show either state.
    const tracked: CommitExecutor = {
      execute: (steps, result) => {
        this.#reads.wrote(steps.flatMap(connectionsOf));
        executor ??= new Executor(ctx.drivers, () => this.#transactions, { twoPhaseCommit: ctx.twoPhaseCommit ?? false });
        return executor.execute(steps, result);
      },
    };
    this.#uow = new UnitOfWork(ctx.metadata, tracked, this.#loader, { writeCollection: (c, where, data) => this.#writeCollection(c, where, data) }, (c) => ctx.drivers.get(c)!.dialect);
  }

  /**
   * A fresh EntityManager with an empty identity map (one per request or unit of work). Its reads
   * go to read replicas again until it writes (see {@link EntityManager.usePrimary}).
   */
  fork(): EntityManager {
    return new EntityManager(this.#ctx);
  }

  /**
   * From now on, every read of this EntityManager goes to the primary of its connection, as after a
   * write. For connections configured with `replicas`; a no-op otherwise. Per query:
   * `{ readFrom: 'primary' }` on find, findOne, findAndCount and count.
   *
   * @example
   * const em = orm.em.fork().usePrimary();   // e.g. right after another service wrote what we read
   * const order = await em.findOneOrFail(Order, id);
   */
  usePrimary(): this {
    this.#reads.usePrimary();
    return this;
  }

  /** Metadata of an entity class (for tools and tests). */
  getMetadata(entity: Function): EntityMetadata {
    return this.#ctx.metadata.get(entity);
  }

  #meta(entity: Function): EntityMetadata {
    return this.#ctx.metadata.get(entity);
  }

  /**
   * A new managed entity, inserted at the next flush. Relation values may be entities,
   * references or primary keys; collection values arrays of those.
   *
   * @example
   * const post = em.create(Post, { title: 'Hi', author: 1, tags: [tag, 2] });
   */
  create<T extends object>(entity: Ctor<T>, data: DataOf<EntityData<T>, T>, options: AssignOptions<T> = {}): T {
    const meta = this.#meta(entity);
    const created: object[] = [];
    try {
      const instance = newEntity(this.#uow, meta, created);
      assignData(this.#uow, meta, instance, data as Record<string, unknown>, options as AssignOptions<object>, 'create', created);
      return instance as T;
    } catch (e) {
      // The caller never got the objects: the next flush must not insert them.
      for (const c of created) this.#uow.remove(c);
      throw e;
    }
  }

  /**
   * Copies `data` onto a managed entity (through the same relation handling as `create`).
   *
   * @example
   * em.assign(user, req.body, { fields: ['name', 'bio'] });   // other keys are ignored
   */
  assign<T extends object>(entity: T, data: EntityData<T>, options: AssignOptions<T> = {}): T {
    const state = getState(entity);
    const meta = state?.meta ?? this.#ctx.metadata.get((entity as { constructor: Function }).constructor);
    const created: object[] = [];
    try {
      assignData(this.#uow, meta, entity, data as Record<string, unknown>, options as AssignOptions<object>, 'assign', created);
    } catch (e) {
      for (const c of created) this.#uow.remove(c);
      throw e;
    }
    return entity;
  }

  /** Queue new entities for insertion (and what they reach through cascade persist). */
  persist(entity: object | object[]): this {
    for (const e of Array.isArray(entity) ? entity : [entity]) this.#uow.persist(e);
    return this;
  }

  /** Queue entities for deletion at the next flush. */
  remove(entity: object | object[]): this {
    for (const e of Array.isArray(entity) ? entity : [entity]) this.#uow.remove(e);
    return this;
  }

  /**
   * Write every queued change in one transaction (per connection): inserts in FK order, updates,
   * join-table changes, deletes — batched. On failure nothing in memory changes; fix and retry.
   *
   * A COMMIT whose reply is lost (the connection died) is settled on a new connection first: if it
   * committed, the flush succeeds; if not, it fails as rolled back and a retry is safe. Only when
   * that cannot be found out does it fail with a `CommitOutcomeUnknownError`, after which this
   * EntityManager refuses `flush()` until {@link EntityManager.resolveInDoubt} (or `clear()`).
   */
  flush(): Promise<void> {
    return this.#uow.flush();
  }

  /**
   * Says how a flush that failed with `CommitOutcomeUnknownError` ended, once you have looked at the
   * database: `'committed'` takes the flush as done (new entities get their keys and join the
   * identity map, snapshots and collections are updated, after-hooks run: as after a successful
   * flush); `'rolled-back'` keeps memory as it is, so the next flush writes those changes again.
   * Call it before changing the entities again. Either way `flush()` works again afterwards.
   *
   * @example
   * try {
   *   await em.flush();
   * } catch (e) {
   *   if (!(e instanceof CommitOutcomeUnknownError)) throw e;
   *   const saved = (await orm.em.fork().count(Order, { ref: order.ref })) > 0;   // once the database answers again
   *   await em.resolveInDoubt(saved ? 'committed' : 'rolled-back');
   * }
   */
  resolveInDoubt(outcome: 'committed' | 'rolled-back'): Promise<void> {
    return this.#uow.resolveInDoubt(outcome);
  }

  /** Detach everything: the next find loads fresh objects. Also ends a flush's in-doubt state. */
  clear(): void {
    this.#uow.clear();
  }

  /**
   * Runs `fn` with a forked EntityManager inside one transaction per connection; flushes it at the
   * end, commits, and rolls back if `fn` (or the flush) throws.
   *
   * Called on the EntityManager a `transactional` callback received, it nests: `fn` runs in a
   * savepoint of the open transactions, with a fork of its own. When it throws, everything since
   * the savepoint is rolled back, the fork is cleared (its entities detached), and the error goes
   * to the caller, who may catch it and go on with the enclosing transaction, or not, which rolls
   * that back too. The caller's own entities and queued changes are untouched either way: the
   * fork has its own identity map (see docs-site/unit-of-work.md#nested-transactions).
   *
   * @example
   * await em.transactional(async (tem) => {
   *   const order = tem.create(Order, { ref: 'A-1' });
   *   try {
   *     await tem.transactional(async (inner) => { inner.create(Coupon, { code, order: order.id }); });
   *   } catch (e) {
   *     if (!(e instanceof UniqueConstraintViolationError)) throw e;   // the order is kept, without the coupon
   *   }
   * }, { isolationLevel: 'repeatable read' });
   */
  async transactional<R>(fn: (em: EntityManager) => Promise<R>, options: TransactionalOptions = {}): Promise<R> {
    checkIsolationLevel(options.isolationLevel);
    if (this.#transactions?.size) return this.#nestedTransactional(fn, options);
    const open = new Map<string, DriverTransaction>(this.#transactions ?? []);
    const names = [...this.#ctx.drivers.keys()].filter((c) => !open.has(c));
    const settings = { twoPhaseCommit: this.#ctx.twoPhaseCommit ?? false, isolationLevel: options.isolationLevel };
    return runInTransactions(this.#ctx.drivers, names, settings, async (opened) => {
      for (const [name, trx] of opened) open.set(name, trx);
      const fork = new EntityManager(this.#ctx, open, this.#reads, this.#depth + 1);
      const result = await fn(fork);
      await fork.flush();
      return result;
    });
  }

  async #nestedTransactional<R>(fn: (em: EntityManager) => Promise<R>, options: TransactionalOptions): Promise<R> {
    if (options.isolationLevel !== undefined) {
      throw new UsageError(
        'NESTED_ISOLATION_LEVEL',
        `em.transactional(fn, { isolationLevel: '${options.isolationLevel}' }) was called inside another transactional callback, where it runs ` +
          'in a savepoint of the open transaction, whose isolation level cannot change any more. Set isolationLevel on the outermost em.transactional.',
      );
    }
    const open = this.#transactions!;
    const fork = new EntityManager(this.#ctx, open, this.#reads, this.#depth + 1);
    return runInSavepoints(open, this.#depth, async () => {
      try {
        const result = await fn(fork);
        await fork.flush();
        return result;
      } catch (e) {
        // Its rows are rolled back: entities that claim to have them must not be used again.
        fork.clear();
        throw e;
      }
    });
  }

  /**
   * The managed object for a primary key, without a query (loaded on demand with `wrap(ref).init()`).
   * A key its column cannot hold (`'abc'` for an integer key) is a `UsageError` (`BAD_PRIMARY_KEY`).
   *
   * @example
   * const author = em.getReference(User, 1);
   */
  getReference<T extends object>(entity: Ctor<T>, pk: unknown): T {
    const meta = this.#meta(entity);
    return this.#uow.getReference(meta, checkedPrimaryKey(meta, pk, this.#ctx.drivers.get(meta.connection)!.dialect, 'em.getReference')) as T;
  }

  /**
   * Entities matching `where`. Equality, operators (`$in $gt $like ...`), `$and/$or/$not`, `null`,
   * relation values (entity, reference or key) and nested criteria through relations.
   *
   * @example
   * const posts = await em.find(Post, { author: user, title: { $like: 'Hello%' } }, { orderBy: { id: 'desc' }, limit: 10 });
   * const users = await em.find(User, {}, { populate: ['posts.tags'] });
   * users[0].posts.getItems()[0].tags.getItems();   // typed as loaded: Loaded<User, 'posts.tags'>
   */
  find<T extends object, P extends string = never>(entity: Ctor<T>, where?: WhereOf<T>, options?: TypedFindOptions<T, P>): Promise<Loaded<T, PathsOf<P>>[]>;
  // The signature above is the public one; this implementation signature hands the loader plain
  // options. (`{} as WhereOf<T>`: the distributive FilterQuery accepts no literal while T is generic.)
  async find<T extends object>(entity: Ctor<T>, where: WhereOf<T> = {} as WhereOf<T>, options: FindOptions = {}): Promise<T[]> {
    const meta = this.#meta(entity);
    if (options.lockMode !== undefined) options = lockingFindOptions(meta, options, this.#transactions?.get(meta.connection), 'find');
    return (await (options.readFrom ? withReadFrom(options.readFrom, () => this.#loader.find(meta, where, options)) : this.#loader.find(meta, where, options))) as T[];
  }

  /** The first match, or null. */
  findOne<T extends object, P extends string = never>(entity: Ctor<T>, where: WhereOf<T>, options?: TypedFindOneOptions<T, P>): Promise<Loaded<T, PathsOf<P>> | null>;
  async findOne<T extends object>(entity: Ctor<T>, where: WhereOf<T>, options: Omit<FindOptions, 'limit'> = {}): Promise<T | null> {
    const meta = this.#meta(entity);
    if (options.lockMode !== undefined) options = lockingFindOptions(meta, options, this.#transactions?.get(meta.connection), 'findOne');
    const direct = this.#fromIdentityMap(meta, where, options);
    if (direct !== undefined) return direct as T;
    const one = { ...options, limit: 1 };
    const [first] = await (options.readFrom ? withReadFrom(options.readFrom, () => this.#loader.find(meta, where, one)) : this.#loader.find(meta, where, one));
    return (first as T) ?? null;
  }

  /** Like findOne, but throws NotFoundError when nothing matches. */
  findOneOrFail<T extends object, P extends string = never>(entity: Ctor<T>, where: WhereOf<T>, options?: TypedFindOneOptions<T, P>): Promise<Loaded<T, PathsOf<P>>>;
  async findOneOrFail<T extends object>(entity: Ctor<T>, where: WhereOf<T>, options: Omit<FindOptions, 'limit'> = {}): Promise<T> {
    const found = await this.findOne(entity, where, options);
    if (!found) throw new NotFoundError(this.#meta(entity).name, where);
    return found;
  }

  /** Items of one page and the total count of matches (for pagination). */
  findAndCount<T extends object, P extends string = never>(entity: Ctor<T>, where?: WhereOf<T>, options?: TypedFindOptions<T, P>): Promise<[Loaded<T, PathsOf<P>>[], number]>;
  async findAndCount<T extends object>(entity: Ctor<T>, where: WhereOf<T> = {} as WhereOf<T>, options: FindOptions = {}): Promise<[T[], number]> {
    // The count would run even when the page query fails its options.
    const meta = this.#meta(entity);
    checkPaging(options, `a ${meta.name} query`);
    this.#loader.checkFindOptions(meta, options);
    const [items, total] = await Promise.all([this.find(entity, where, options), this.count(entity, where, options)]);
    return [items, total];
  }

  /** Number of rows matching `where`. */
  count<T extends object>(entity: Ctor<T>, where: WhereOf<T> = {} as WhereOf<T>, options: ReadOptions = {}): Promise<number> {
    return withReadFrom(options.readFrom, () => this.#loader.count(this.#meta(entity), where));
  }

  /**
   * Load relations of entities already in memory, without N+1: one query per path level. The
   * entities are loaded in place; the returned array is typed with the new paths.
   *
   * @example
   * const users = await em.find(User, {});
   * const withPosts = await em.populate(users, ['posts']);   // Loaded<User, 'posts'>[]
   * await em.populate(users, ['posts'], { populateWhere: { posts: { published: true } } });
   */
  populate<T extends object, P extends string = never>(
    entities: T | readonly T[],
    paths: readonly PopulatePath<T, P>[],
    options?: PopulateOptions,
  ): Promise<Loaded<T, PathsOf<P>>[]>;
  async populate<T extends object>(entities: T | T[], paths: readonly string[], options: PopulateOptions = {}): Promise<T[]> {
    const list = Array.isArray(entities) ? entities : [entities];
    if (!list.length) return list;
    const meta = getState(list[0]!)?.meta ?? this.#ctx.metadata.get((list[0] as { constructor: Function }).constructor);
    await this.#loader.populate(meta, list, paths, options);
    return list;
  }

  /**
   * Reload an entity's columns from the database, discarding unflushed changes to them. Always
   * reads the primary (a replica may not have the latest row yet, which is what refresh is for).
   */
  async refresh<T extends object>(entity: T): Promise<T> {
    const state = getState(entity);
    if (!state) throw new UsageError('NOT_MANAGED', 'em.refresh() got an entity this EntityManager does not manage.');
    const key = primaryKeyValues(state.meta, entity);
    if (!key) throw new UsageError('NOT_PERSISTED', `em.refresh() got a new ${state.meta.name} that has no row yet. Flush it first.`);
    const found = await withReadFrom('primary', () => this.#loader.loadByKeys(state.meta, [key], true));
    if (!found.length) throw new NotFoundError(state.meta.name, key, `${state.meta.name} ${key.join('/')} no longer exists in the database.`);
    await this.#uow.afterLoad(found);
    return entity;
  }

  /**
   * UPDATE rows matching `where` directly, without loading them (entities in memory are not changed).
   * Criteria with no condition (`{}`) throw `WHOLE_TABLE_WRITE` unless `{ all: true }` is passed.
   *
   * @example
   * await em.nativeUpdate(User, { active: false }, { deletedAt: new Date() });
   * await em.nativeUpdate(User, {}, { active: true }, { all: true });   // every row, on purpose
   */
  async nativeUpdate<T extends object>(entity: Ctor<T>, where: WhereOf<T>, data: DataOf<ColumnData<T>, T>, options: NativeWriteOptions = {}): Promise<number> {
    const meta = this.#meta(entity);
    this.#requireCondition(meta, where, options, 'nativeUpdate');
    const set = this.#columnSet(meta, data as Record<string, unknown>, 'nativeUpdate');
    if (!set.length) return 0;
    // Criteria through relations on another connection become keys first (step queries there).
    // A write picks its rows from the primaries: a replica's keys may be stale.
    const resolved = await withReadFrom('primary', () => this.#loader.resolveWhere(meta, where));
    return this.#write(meta.connection, this.#loader.builder(meta.connection).update(meta, resolved, set));
  }

  /**
   * DELETE rows matching `where` directly, without loading them (entities in memory are not changed).
   * Criteria with no condition (`{}`) throw `WHOLE_TABLE_WRITE` unless `{ all: true }` is passed.
   *
   * @example
   * await em.nativeDelete(Post, { published: false });
   * await em.nativeDelete(Post, {}, { all: true });   // every row, on purpose
   */
  async nativeDelete<T extends object>(entity: Ctor<T>, where: WhereOf<T>, options: NativeWriteOptions = {}): Promise<number> {
    const meta = this.#meta(entity);
    this.#requireCondition(meta, where, options, 'nativeDelete');
    const resolved = await withReadFrom('primary', () => this.#loader.resolveWhere(meta, where));
    return this.#write(meta.connection, this.#loader.builder(meta.connection).delete(meta, resolved));
  }

  /**
   * Inserts a row, or updates the row with the same primary key (or the same values of
   * `onConflictFields`, a unique property set) in one statement (`INSERT ... ON CONFLICT DO UPDATE`;
   * MySQL/MariaDB `ON DUPLICATE KEY UPDATE`), and returns the managed entity of the row as it is
   * afterwards: inserted or updated, with its generated key and the columns the data did not give.
   * Every given property but the conflict target is written; the others keep their values on
   * update and take their defaults on insert. Runs at once (in the current transaction, if any),
   * checked like a flush first; lifecycle hooks, `onCreate`/`onUpdate` and version checks do not
   * run (see docs-site/unit-of-work.md#upsert).
   *
   * @example
   * const user = await em.upsert(User, { email: 'ann@x.io', name: 'Ann', passwordHash: h }, { onConflictFields: ['email'] });
   * user.id;   // the existing row's id, or the new one's
   */
  async upsert<T extends object>(entity: Ctor<T>, data: EntityData<T>, options: UpsertOptions<T> = {}): Promise<T> {
    const meta = this.#meta(entity);
    const [one] = await upsertRows(this.#upsertContext(meta), [data], options as UpsertOptions<object>, `em.upsert(${meta.name}, data)`);
    return one as T;
  }

  /**
   * {@link EntityManager.upsert} for many rows: one statement per set of given properties (chunked
   * to the database's parameter limit), the entities returned in the order of `data`. Two items
   * with the same conflict values are a `UsageError` `UPSERT_DUPLICATE`.
   *
   * @example
   * const tags = await em.upsertMany(Tag, [{ name: 'orm' }, { name: 'sql' }], { onConflictFields: ['name'] });
   */
  async upsertMany<T extends object>(entity: Ctor<T>, data: readonly EntityData<T>[], options: UpsertOptions<T> = {}): Promise<T[]> {
    const meta = this.#meta(entity);
    const caller = `em.upsertMany(${meta.name}, data)`;
    if (!Array.isArray(data)) throw new UsageError('BAD_ASSIGN', `${caller}: data must be an array of ${meta.name} data objects, got ${typeof data}.`);
    if (!data.length) return [];
    return (await upsertRows(this.#upsertContext(meta), data, options as UpsertOptions<object>, caller)) as T[];
  }

  #upsertContext(meta: EntityMetadata): UpsertContext {
    this.#reads.wrote([meta.connection]);
    return {
      meta,
      driver: this.#ctx.drivers.get(meta.connection)!,
      transaction: this.#transactions?.get(meta.connection),
      columnSet: (data, caller) => this.#columnSet(meta, data, caller),
      resolve: (prop, value) => this.#uow.resolveItem(prop as never, value),
      hydrate: (row) => this.#uow.hydrateRow(meta, row, undefined, true),
    };
  }

  /**
   * A whole-table UPDATE or DELETE only when asked for: criteria that lost their condition (an
   * `undefined` value from a request, an empty `$and`) must not reach every row by accident.
   */
  #requireCondition(meta: EntityMetadata, where: unknown, options: NativeWriteOptions, method: 'nativeUpdate' | 'nativeDelete'): void {
    if (options.all === true || !this.#loader.builder(meta.connection).selectsEveryRow(meta, where)) return;
    const call = method === 'nativeUpdate' ? `em.nativeUpdate(${meta.name}, {}, data, { all: true })` : `em.nativeDelete(${meta.name}, {}, { all: true })`;
    throw new UsageError(
      'WHOLE_TABLE_WRITE',
      `em.${method}(${meta.name}, ...) got criteria with no condition (${describe(where)}), so it would ${method === 'nativeUpdate' ? 'update' : 'delete'} every row of ${meta.tableName}. ` +
        `An undefined value means "no condition", so check the values you passed; to write every row on purpose, say so: ${call}.`,
    );
  }

  /**
   * `SET` columns for `data`: scalars converted for the database, to-one relations as their key
   * columns. Checked like a flush first: every failure at once, before any SQL.
   */
  #columnSet(meta: EntityMetadata, data: Record<string, unknown>, caller: string): { column: string; value: unknown }[] {
    const dialect = this.#ctx.drivers.get(meta.connection)!.dialect;
    const byName = new Map(columnProperties(meta).map((p) => [p.name, p]));
    const values: [ColumnProperty, unknown][] = [];
    for (const [key, value] of Object.entries(data)) {
      const p = byName.get(key);
      if (!p) {
        throw new UsageError('UNKNOWN_PROPERTY', `${caller}: ${meta.name}.${key} is not a column property of ${meta.name}. Columns: ${[...byName.keys()].join(', ')}.`);
      }
      values.push([p, p.kind === 'scalar' || value === null || value === undefined ? value : this.#uow.resolveItem(p as never, value)]);
    }
    const failures = validateColumnValues(meta, values, dialect);
    for (const [p, value] of values) {
      // A new entity has no key yet: writing its FK would silently write NULL.
      if (p.kind !== 'scalar' && value !== null && value !== undefined && !primaryKeyValues(p.target, value as object)) {
        failures.push({
          entity: meta.name,
          property: p.name,
          value,
          rule: 'required',
          message: `${meta.name}.${p.name} was given a new ${p.target.name} that has no key yet (${caller} writes directly, without a flush). Flush it first, or pass null to clear the relation.`,
        });
      }
    }
    if (failures.length) throw new ValidationError(failures);
    const set: { column: string; value: unknown }[] = [];
    for (const [p, value] of values) {
      if (p.kind === 'scalar') set.push({ column: p.column.name, value: toDatabaseValue(p.type, value, dialect) });
      else {
        const key = value === null || value === undefined ? undefined : primaryKeyValues(p.target, value as object);
        p.joinColumns.forEach((c, i) => set.push({ column: c.name, value: key ? toDatabaseValue(c.type, key[i], dialect) : null }));
      }
    }
    return set;
  }

  /** Runs an UPDATE or DELETE on the primary (in the open transaction, if any); affected rows. */
  async #write(connection: string, stmt: Statement): Promise<number> {
    this.#reads.wrote([connection]);
    const res = await this.#ctx.drivers.get(connection)!.execute(stmt, this.#transactions?.get(connection));
    return res.affectedRows;
  }

  /**
   * `collection.nativeUpdate` (with `data`) / `nativeDelete`: the statement `em.nativeUpdate` /
   * `em.nativeDelete` would send for the item entity, ANDed with the rows of this owner's items.
   */
  async #writeCollection(collection: Collection<object>, where: unknown, data?: Readonly<Record<string, unknown>>): Promise<number> {
    const prop = collection._property;
    const state = getState(collection.owner);
    if (!prop || prop.kind === 'through' || !state) throw new Error('joinery: a collection write needs a bound, writable collection');
    const owner = state.meta;
    const target = prop.target;
    const method = `${owner.name}.${prop.name}.${data ? 'nativeUpdate' : 'nativeDelete'}()`;
    const set = data && this.#columnSet(target, data as Record<string, unknown>, method);
    const key = primaryKeyValues(owner, collection.owner);
    const builder = this.#loader.builder(target.connection);
    // Built even for an owner without a row, so that mistakes surface the same way.
    const scope = collectionScope(builder.d, owner, prop, key ?? owner.primaryKeyColumns.map(() => null));
    const resolved = await withReadFrom('primary', () => this.#loader.resolveWhere(target, where));
    const stmt = set ? builder.update(target, resolved, set, scope) : builder.delete(target, resolved, scope);
    if (!key || (set && !set.length)) return 0;
    return this.#write(target.connection, stmt);
  }

  /**
   * Runs SQL you wrote, with `?` placeholders bound to `params` (on every dialect), inside the
   * current `em.transactional` transaction when there is one, on the primary. Resolves to the rows
   * (none for a statement that returns none) as plain objects keyed by column name, with integers
   * as numbers on every dialect: `count(*)`, `sum(int_column)`, integer columns (a `bigint` beyond
   * 2^53); decimals with fractional digits stay exact strings (see docs-site/raw-sql.md). A query
   * builder from {@link EntityManager.createQueryBuilder} can be passed instead of SQL text.
   * The identity map is not touched: turn rows into entities with {@link EntityManager.map}.
   *
   * @example
   * const [{ n }] = await em.execute<{ n: number }>('select count(*) as n from posts where author_id = ?', [user.id]);
   * await em.transactional(async (tem) => {
   *   await tem.execute('update counters set value = value + ? where name = ?', [1, 'visits']);   // same transaction
   * });
   * const rows = await em.execute('select * from events', [], { connection: 'archive' });
   */
  async execute<R extends object = Record<string, unknown>>(sql: string | SqlSource, params?: readonly unknown[], options: ExecuteOptions = {}): Promise<R[]> {
    const driver = executeDriver(this.#ctx.drivers, sql, options);
    const stmt = rawStatement(driver, sql, params);
    const connection = driver.connectionName;
    // It may write: later reads of this EntityManager must see it (not a replica that may lag).
    this.#reads.wrote([connection]);
    return (await driver.query(stmt, this.#transactions?.get(connection))) as R[];
  }

  /**
   * knex's query builder on the entity's table (optionally aliased), on its connection, inside the
   * current `em.transactional` transaction when there is one: joins, group by, aggregates, anything
   * knex writes. Await it for the driver's own result values, or pass it to
   * {@link EntityManager.execute} for rows normalized as `execute` does; {@link EntityManager.map}
   * turns rows into managed entities. Column names are the database's (`author_id`).
   *
   * @example
   * const perAuthor = await em.execute(
   *   em.createQueryBuilder(Post, 'p').select('p.author_id').count('* as posts').groupBy('p.author_id'),
   * );   // [{ author_id: 1, posts: 3 }, ...]
   * const rows = await em.qb(Post).where('title', 'like', 'Hello%').orderBy('id');
   * const posts = rows.map((row) => em.map(Post, row));
   */
  createQueryBuilder<T extends object>(entity: Ctor<T>, alias?: string): QueryBuilder {
    const meta = this.#meta(entity);
    if (alias !== undefined && (typeof alias !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias))) {
      throw new UsageError('BAD_ALIAS', `em.createQueryBuilder(${meta.name}, alias): the alias must be a plain identifier (letters, digits, _), got ${JSON.stringify(alias) ?? String(alias)}.`);
    }
    const connection = meta.connection;
    this.#reads.wrote([connection]);
    const driver = this.#ctx.drivers.get(connection)!;
    const builder = driver.queryBuilder(alias ? `${meta.tableName} as ${alias}` : meta.tableName, this.#transactions?.get(connection));
    rememberBuilderConnection(builder, connection);
    return builder;
  }

  /** Short for {@link EntityManager.createQueryBuilder}. */
  qb<T extends object>(entity: Ctor<T>, alias?: string): QueryBuilder {
    return this.createQueryBuilder(entity, alias);
  }

  /**
   * The managed entity for a raw row (keyed by column name, e.g. from `em.execute` or a query
   * builder), through the same hydration as `find`: values converted to the properties' types,
   * to-one columns as references, and the identity map consulted, so an entity already loaded is
   * returned as it is (its in-memory changes kept). The row must hold the primary key column(s);
   * columns it lacks are left unset. `@OnLoad` hooks do not run (`map` is synchronous).
   *
   * @example
   * const rows = await em.execute('select * from users where lower(email) = lower(?)', [email]);
   * const user = rows.length ? em.map(User, rows[0]) : null;
   */
  map<T extends object>(entity: Ctor<T>, row: Record<string, unknown>): T {
    const meta = this.#meta(entity);
    return this.#uow.hydrateRow(meta, mappableRow(meta, row), undefined) as T;
  }

  /** @internal What every EntityManager of one Joinery shares: the key of its fork in a request context. */
  get _shared(): object {
    return this.#ctx;
  }

  /** @internal */
  get _unitOfWork(): UnitOfWork {
    return this.#uow;
  }

  /** A findOne by bare primary key that the identity map can answer without a query. */
  #fromIdentityMap(meta: EntityMetadata, where: unknown, options: FindOptions): object | undefined {
    // Populated relations, counts, locks and fields (a partial entity may lack some) need the database.
    if (options.populate?.length || options.counts !== undefined || options.lockMode !== undefined || options.fields !== undefined) return undefined;
    if (meta.primaryKeys.length !== 1 || meta.primaryKeys[0]!.kind !== 'scalar') return undefined;
    const identityMap = this.#uow.identityMap;
    // A fresh fork (one per request) has nothing to find: no key to build.
    if (identityMap.size === 0) return undefined;
    const pkName = meta.primaryKeys[0]!.name;
    let value: unknown;
    if (typeof where === 'number' || typeof where === 'string') value = where;
    else if (where && typeof where === 'object' && Object.keys(where).length === 1 && hasOwn.call(where, pkName)) {
      value = (where as Record<string, unknown>)[pkName];
      if (value !== null && typeof value === 'object') return undefined;
    } else return undefined;
    const state = identityMap.getState(meta, String(value));
    if (state?.initialized && state.status === 'managed' && !state.unloaded) return state.entity;
    return undefined;
  }
}
