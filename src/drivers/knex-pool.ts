import type { Knex } from 'knex';
import { DriverError } from '../errors/index.js';

/** The connection pool behind a knex client (knex types its client as `any`). */
export interface KnexPool {
  acquireConnection(): Promise<object>;
  releaseConnection(connection: object): Promise<unknown>;
  validateConnection(connection: object): boolean;
  destroyRawConnection(connection: object): Promise<void>;
  /** A connection of its own, outside the pool (knex's pool calls this to grow). */
  acquireRawConnection(): Promise<object>;
  /** tarn's pool, once the first connection was asked for. */
  pool?: { max: number; numUsed(): number; numPendingAcquires(): number; acquireTimeoutMillis?: number };
}

export function poolOf(knex: Knex): KnexPool {
  return knex.client as unknown as KnexPool;
}

/**
 * Gives back a pooled connection whose state is in doubt (a statement that ends a transaction
 * failed on it): it is destroyed, and knex's own marker keeps the pool from handing it out meanwhile.
 */
export async function discardConnection(pool: KnexPool, connection: object, failure: unknown): Promise<void> {
  (connection as { __knex__disposed?: unknown }).__knex__disposed = failure ?? true;
  await pool.destroyRawConnection(connection).catch(() => undefined);
  await pool.releaseConnection(connection);
}

/** Pooled connections held by open transactions (flushes, em.transactional, 2PC branches), per pool. */
const heldByTransactions = new WeakMap<KnexPool, number>();

/**
 * Counts the pool as holding one more connection for a transaction until the returned
 * function is called: what an acquire timeout reports.
 */
export function holdForTransaction(pool: KnexPool): () => void {
  heldByTransactions.set(pool, (heldByTransactions.get(pool) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    heldByTransactions.set(pool, (heldByTransactions.get(pool) ?? 1) - 1);
  };
}

/** A connection from the pool; knex's acquire timeout becomes a `POOL_EXHAUSTED` error. */
export async function acquireConnection(pool: KnexPool, connectionName: string): Promise<object> {
  try {
    return await pool.acquireConnection();
  } catch (error) {
    throw isAcquireTimeout(error) ? poolExhausted(pool, connectionName, error) : error;
  }
}

export function isAcquireTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'KnexTimeoutError';
}

/**
 * The error for a statement that waited the whole acquire timeout for a pooled connection: how many
 * connections open transactions hold, and the usual cause, a query outside the transaction issued
 * from inside it (orm.em.fork() in an em.transactional callback), which waits for a connection that
 * only the end of that very transaction would free.
 */
export function poolExhausted(pool: KnexPool, connectionName: string, cause: unknown): DriverError {
  const tarn = pool.pool;
  const max = tarn?.max;
  const used = tarn?.numUsed();
  const held = heldByTransactions.get(pool) ?? 0;
  const waited = tarn?.acquireTimeoutMillis;
  const waiting = tarn ? tarn.numPendingAcquires() : undefined;
  const state =
    `pool.max = ${max ?? '?'}, ${used ?? '?'} in use, ${held} of them held by open transactions (flushes, em.transactional)` +
    (waiting !== undefined ? `, ${waiting} more statements waiting` : '');
  return new DriverError(
    'POOL_EXHAUSTED',
    `Connection '${connectionName}': no pooled connection became free within ${waited !== undefined ? `${waited} ms` : 'the acquire timeout'} (${state}). ` +
      'A query outside a transaction waits for a free connection; if it runs inside an em.transactional callback while that ' +
      "transaction holds the pool's last connection, it waits for itself. Run such queries on the callback's EntityManager " +
      '(the `em` it receives, not orm.em.fork()), or raise pool.max; pool.acquireTimeoutMillis sets how long to wait.',
    { connection: connectionName },
    cause,
  );
}
