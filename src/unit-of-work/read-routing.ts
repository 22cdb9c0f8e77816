import { AsyncLocalStorage } from 'node:async_hooks';
import type { Driver } from '../drivers/driver.js';
import type { ReplicaSet } from '../drivers/replica-set.js';

/** Where a read goes: the primary of its connection, or one of the connection's read replicas. */
export type ReadFrom = 'primary' | 'replica';

/** The per-query override of read routing, taken by `em.find`, `findOne`, `findAndCount`, `count`. */
export interface ReadOptions {
  /**
   * `'primary'`: read this query (and the populates it runs) from the primary. `'replica'`: read it
   * from a replica even after this fork has written. Inside `em.transactional` every read uses the
   * transaction, whatever this says. Without it: see {@link ReadRouter}.
   *
   * @example
   * const fresh = await em.findOneOrFail(Order, id, { readFrom: 'primary' });
   */
  readFrom?: ReadFrom;
}

// A per-call override has to reach the statements of the loaders several awaits down (populate
// levels, relation counts) without threading an option through each of them.
const override = new AsyncLocalStorage<ReadFrom>();

/** Runs `fn` with every read it starts routed as `readFrom` says (no override when undefined). */
export function withReadFrom<T>(readFrom: ReadFrom | undefined, fn: () => T): T {
  return readFrom ? override.run(readFrom, fn) : fn();
}

const NOTHING_WRITTEN: ReadonlySet<string> = new Set();

/**
 * Read routing of one EntityManager fork. A read outside a transaction goes to a replica of its
 * connection (in turn), unless:
 * - the call said `readFrom: 'primary'`, or the fork called `usePrimary()`;
 * - this fork has written to that connection (flush, nativeUpdate/nativeDelete, a transactional
 *   block): read-your-writes, for the rest of the fork's life;
 * - the connection has no replicas.
 * Reads in a transaction never get here: they run on the transaction (the primary).
 */
export class ReadRouter {
  // Made by the first write: most forks only read.
  #written: Set<string> | undefined;
  #primaryOnly = false;

  constructor(private readonly replicas: ReadonlyMap<string, ReplicaSet>) {}

  /** The replica driver for a read on `connection`, or `undefined` for the primary. */
  reader(connection: string): Driver | undefined {
    const set = this.replicas.get(connection);
    if (!set) return undefined;
    const forced = override.getStore();
    if (forced === 'primary') return undefined;
    if (forced !== 'replica' && (this.#primaryOnly || this.#written?.has(connection))) return undefined;
    return set.next();
  }

  /** Later reads on these connections go to the primary. */
  wrote(connections: Iterable<string>): void {
    for (const c of connections) (this.#written ??= new Set()).add(c);
  }

  /** Every later read of this fork goes to the primary. */
  usePrimary(): void {
    this.#primaryOnly = true;
  }

  /** Connections this fork has written to (reads there go to the primary). */
  get written(): ReadonlySet<string> {
    return this.#written ?? NOTHING_WRITTEN;
  }
}
