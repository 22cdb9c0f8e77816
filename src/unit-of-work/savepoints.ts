import type { DriverTransaction } from '../drivers/driver.js';

/**
 * Runs `fn` inside a savepoint on each open transaction (a nested `em.transactional`): released
 * when `fn` resolves; rolled back to, then released, when it throws, so that the enclosing
 * transaction goes on as it was before (on PostgreSQL a failed statement would otherwise leave it
 * aborted) and the caller decides, by catching or not, whether the whole transaction fails.
 *
 * `depth` names the savepoint (`joinery_sp_<depth>`): savepoints of one transaction nest, and a
 * name is only reused after its savepoint was released.
 */
export async function runInSavepoints<T>(open: ReadonlyMap<string, DriverTransaction>, depth: number, fn: () => Promise<T>): Promise<T> {
  const name = `joinery_sp_${depth}`;
  const started: DriverTransaction[] = [];
  const send = (trx: DriverTransaction, sql: string) => trx.driver.execute({ sql, params: [] }, trx);
  let value: T;
  try {
    for (const trx of open.values()) {
      await send(trx, `SAVEPOINT ${name}`);
      started.push(trx);
    }
    value = await fn();
  } catch (error) {
    for (const trx of started) {
      try {
        await send(trx, `ROLLBACK TO SAVEPOINT ${name}`);
        await send(trx, `RELEASE SAVEPOINT ${name}`);
      } catch {
        // The connection itself failed: the enclosing transaction fails with it at COMMIT (or
        // already did); the error that matters is the one `fn` threw.
      }
    }
    throw error;
  }
  for (const trx of started) await send(trx, `RELEASE SAVEPOINT ${name}`);
  return value;
}
