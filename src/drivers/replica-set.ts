import type { ConnectionConfig } from './connection-config.js';
import { createDriver, type CreateDriverOptions } from './create-driver.js';
import type { Driver } from './driver.js';

/**
 * The read replicas of one connection, one {@link Driver} (and pool) each, handed out in turn.
 *
 * Round-robin rather than random: the load spreads evenly even over a handful of queries, and which
 * replica answers is predictable in tests and logs. The turn is shared by every EntityManager of a
 * Joinery, so many small forks still spread over all replicas.
 *
 * @example
 * const set = createReplicaSet('default', { client: 'pg', connection: primaryUrl, replicas: [{ connection: replicaUrl }] });
 * const { rows } = await set.next()!.execute({ sql: 'select pg_is_in_recovery() as r', params: [] });
 * await set.close();
 */
export class ReplicaSet {
  #turn = 0;

  constructor(readonly drivers: readonly Driver[]) {}

  /** The driver whose turn it is, or `undefined` when there is no replica. */
  next(): Driver | undefined {
    if (!this.drivers.length) return undefined;
    const d = this.drivers[this.#turn % this.drivers.length]!;
    this.#turn = (this.#turn + 1) % this.drivers.length;
    return d;
  }

  async close(): Promise<void> {
    await Promise.all(this.drivers.map((d) => d.close()));
  }
}

/** Name of the i-th replica of a connection: what the logger's `connection` field and errors show. */
export function replicaName(connection: string, index: number): string {
  return `${connection}:replica${index}`;
}

/**
 * Opens (lazily, like {@link createDriver}) one driver per entry of `config.replicas`, named
 * `<connection>:replica<i>`, with the primary's client and, unless the replica sets its own, pool size.
 */
export function createReplicaSet(connection: string, config: ConnectionConfig, opts: CreateDriverOptions = {}): ReplicaSet {
  const drivers = (config.replicas ?? []).map((r, i) =>
    createDriver(replicaName(connection, i), { client: config.client, connection: r.connection, pool: r.pool ?? config.pool, timezone: config.timezone, preparedStatements: config.preparedStatements }, opts),
  );
  return new ReplicaSet(drivers);
}
