import type { Knex } from 'knex';

/** The connection pool behind a knex client (knex types its client as `any`). */
export interface KnexPool {
  acquireConnection(): Promise<object>;
  releaseConnection(connection: object): Promise<unknown>;
  validateConnection(connection: object): boolean;
  destroyRawConnection(connection: object): Promise<void>;
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
