import { AsyncLocalStorage } from 'node:async_hooks';
import { UsageError } from '../errors/usage-error.js';
import { EntityManager } from './entity-manager.js';

/** The forks of one request context, by the state their Joinery shares (`EntityManager._shared`). */
interface ContextStore {
  readonly forks: ReadonlyMap<object, EntityManager>;
  /** The fork of the first EntityManager given to `create`, for `RequestContext.currentEm()`. */
  readonly first: EntityManager;
}

/**
 * Made on the first `RequestContext.create`: an application that never uses request contexts
 * never creates an AsyncLocalStorage, and the global EntityManager's lookup stops at `undefined`.
 */
let storage: AsyncLocalStorage<ContextStore> | undefined;

function contextStorage(): AsyncLocalStorage<ContextStore> {
  return (storage ??= new AsyncLocalStorage<ContextStore>());
}

/** The global EntityManager behind each `orm.em` proxy. */
const globals = new WeakMap<object, EntityManager>();

/** Something that names the EntityManager of one Joinery: `orm.em`, a fork, or `orm` itself. */
export type ContextSource = EntityManager | { readonly em: EntityManager };

function entityManagerOf(source: ContextSource, caller: string): EntityManager {
  const em = source instanceof EntityManager ? source : (source as { em?: unknown } | null)?.em;
  if (!(em instanceof EntityManager)) {
    throw new UsageError('BAD_REQUEST_CONTEXT', `${caller} needs an EntityManager or a Joinery (e.g. orm.em or orm), got ${em === undefined ? typeof source : typeof em}.`);
  }
  // The proxy's own members would resolve through the context we are about to create.
  return globals.get(em) ?? em;
}

/**
 * A request context: code run inside `RequestContext.create(orm.em, next)` sees `orm.em` as a fork of
 * its own, made for that context (an empty identity map per request), through every `await` and
 * callback that `next` starts. Two requests served at the same time never share entities.
 *
 * Outside a context, `orm.em` refuses everything that would use its identity map (find, persist,
 * flush, create, ...) with a `UsageError` `GLOBAL_CONTEXT`, unless `Joinery.init({ allowGlobalContext: true })`.
 * `orm.em.fork()`, `orm.em.transactional()` and `orm.em.getMetadata()` work everywhere.
 *
 * @example
 * // express: app.use(RequestContext.middleware(orm));
 * // fastify: app.addHook('onRequest', RequestContext.middleware(orm));
 * await RequestContext.create(orm.em, async () => {
 *   const user = await orm.em.findOneOrFail(User, { email });   // this context's fork
 *   user.lastSeen = new Date();
 *   await orm.em.flush();
 * });
 */
export class RequestContext {
  private constructor() {}

  /**
   * Runs `next` in a new context with a fresh fork of each given EntityManager (one per Joinery for
   * applications with several), and returns what `next` returns (its promise, for an async `next`).
   * A context created inside another one keeps the outer forks of the other Joinery instances.
   *
   * @example
   * const page = await RequestContext.create(orm.em, () => orm.em.find(Article, {}, { limit: 20 }));
   */
  static create<R>(source: ContextSource | readonly ContextSource[], next: () => R): R {
    if (typeof next !== 'function') throw new UsageError('BAD_REQUEST_CONTEXT', `RequestContext.create needs a function to run in the context as its second argument, got ${typeof next}.`);
    const sources = Array.isArray(source) ? (source as readonly ContextSource[]) : [source as ContextSource];
    if (!sources.length) throw new UsageError('BAD_REQUEST_CONTEXT', 'RequestContext.create got an empty list: pass orm.em (or several EntityManagers of different Joinery instances).');
    const als = contextStorage();
    const forks = new Map(als.getStore()?.forks);
    let first: EntityManager | undefined;
    for (const s of sources) {
      const fork = entityManagerOf(s, 'RequestContext.create').fork();
      forks.set(fork._shared, fork);
      first ??= fork;
    }
    return als.run({ forks, first: first! }, next);
  }

  /**
   * The current context's fork of `em`'s Joinery (of the first EntityManager given to `create` when
   * `em` is left out), or `undefined` outside a context.
   *
   * @example
   * const em = RequestContext.currentEm(orm.em) ?? orm.em.fork();
   */
  static currentEm(em?: ContextSource): EntityManager | undefined {
    const key = em === undefined ? undefined : entityManagerOf(em, 'RequestContext.currentEm')._shared;
    const store = storage?.getStore();
    if (!store || key === undefined) return store?.first;
    return store.forks.get(key);
  }

  /**
   * A `(req, res, next) => void` handler that runs the rest of the request in a new context: an
   * express/connect middleware, and a fastify `onRequest` hook (whose `done` is the `next`).
   *
   * @example
   * app.use(RequestContext.middleware(orm));                     // express
   * fastify.addHook('onRequest', RequestContext.middleware(orm)); // fastify
   */
  // `next` is only ever called with no argument, so any framework's continuation fits (fastify's `done`
  // accepts only an Error, which a `(error?: unknown) => void` parameter would reject).
  static middleware(source: ContextSource | readonly ContextSource[]): (req: unknown, res: unknown, next: () => void) => void {
    const sources = Array.isArray(source) ? (source as readonly ContextSource[]) : [source as ContextSource];
    // Checked once here, so that a wrong argument fails at start-up rather than per request.
    for (const s of sources) entityManagerOf(s, 'RequestContext.middleware');
    return (_req, _res, next) => {
      RequestContext.create(sources, next);
    };
  }
}

/** Members of the global EntityManager that never touch its identity map: allowed outside a context. */
const CONTEXT_FREE = new Set<PropertyKey>(['fork', 'getMetadata', 'transactional']);

let guarded: ReadonlySet<PropertyKey> | undefined;

/** Every member of EntityManager (methods and getters) a context must resolve. */
function guardedMembers(): ReadonlySet<PropertyKey> {
  guarded ??= new Set(Object.getOwnPropertyNames(EntityManager.prototype).filter((k) => k !== 'constructor' && !CONTEXT_FREE.has(k)));
  return guarded;
}

/**
 * `orm.em`: the global EntityManager behind a proxy that resolves each member to the current request
 * context's fork, and outside a context refuses what would use the global identity map (unless
 * `allowGlobalContext`). Only the global EntityManager pays for the lookup; forks are plain objects.
 */
export function globalEntityManager(em: EntityManager, allowGlobalContext: boolean): EntityManager {
  const members = guardedMembers();
  const shared = em._shared;
  const boundOnGlobal = new Map<PropertyKey, unknown>();
  const onGlobal = (key: PropertyKey): unknown => {
    let value = boundOnGlobal.get(key);
    if (value === undefined) {
      value = Reflect.get(em, key, em);
      // Methods run on the real object: their private fields are not on the proxy.
      if (typeof value === 'function') boundOnGlobal.set(key, (value = value.bind(em)));
    }
    return value;
  };
  const proxy = new Proxy(em, {
    get(_target, key) {
      const fork = storage?.getStore()?.forks.get(shared);
      if (fork) {
        const value = Reflect.get(fork, key, fork);
        return typeof value === 'function' ? value.bind(fork) : value;
      }
      if (allowGlobalContext || !members.has(key)) return onGlobal(key);
      throw globalContextError(String(key));
    },
  });
  globals.set(proxy, em);
  return proxy;
}

function globalContextError(member: string): UsageError {
  return new UsageError(
    'GLOBAL_CONTEXT',
    `orm.em.${member}() was called on the global EntityManager outside a request context. Its identity map would be shared by ` +
      'every request of the process and serve the rows it once loaded, stale, forever. Use a fork per request or unit of work ' +
      '(const em = orm.em.fork()), or run the request inside RequestContext.create(orm.em, next) (or the RequestContext.middleware(orm) ' +
      'handler), where orm.em is that request\'s own fork. To use the global EntityManager anyway (a script, a test), pass ' +
      '{ allowGlobalContext: true } to Joinery.init.',
  );
}
