import type { DriverTransaction } from '../drivers/driver.js';
import { UsageError } from '../errors/usage-error.js';
import type { EntityMetadata } from '../metadata/types.js';
import type { FindOptions } from '../query/entity-loader.js';
import { checkLockMode } from '../query/lock-mode.js';

/**
 * The options of a find with `lockMode`, checked: a known mode, and an open transaction on the
 * entity's connection (outside one, the lock would end with the statement). Populated relations
 * are loaded select-in, without locks: only the root rows are locked, whatever the strategy.
 */
export function lockingFindOptions<O extends FindOptions>(meta: EntityMetadata, options: O, transaction: DriverTransaction | undefined, method: string): O {
  checkLockMode(options.lockMode, meta.name);
  if (!transaction) {
    throw new UsageError(
      'LOCK_OUTSIDE_TRANSACTION',
      `em.${method}(${meta.name}, ..., { lockMode: '${options.lockMode}' }) was called outside a transaction, where the lock would be released as ` +
        'soon as the statement ends. Call it on the EntityManager an em.transactional callback receives: ' +
        `await em.transactional(async (tem) => { await tem.${method}(${meta.name}, ${method === 'find' ? 'where' : 'id'}, { lockMode: '${options.lockMode}' }); ... }).`,
    );
  }
  return options.strategy === 'select-in' ? options : { ...options, strategy: 'select-in' };
}
