import { UsageError } from '../errors/usage-error.js';
import type { Dialect } from '../metadata/types.js';

/**
 * A pessimistic lock on the rows a find reads, held until the transaction ends:
 * `'pessimistic_write'` (`FOR UPDATE`: others can neither lock nor change them) or
 * `'pessimistic_read'` (`FOR SHARE`: others may read-lock them too, but not change them).
 */
export type LockMode = 'pessimistic_write' | 'pessimistic_read';

const MODES: readonly LockMode[] = ['pessimistic_write', 'pessimistic_read'];

/** Throws `BAD_LOCK_MODE` for anything but the two modes (the clause is written into the SQL). */
export function checkLockMode(mode: unknown, entity: string): asserts mode is LockMode {
  if (!MODES.includes(mode as LockMode)) {
    throw new UsageError(
      'BAD_LOCK_MODE',
      `lockMode for a ${entity} query must be 'pessimistic_write' or 'pessimistic_read', got ${JSON.stringify(mode) ?? String(mode)}.`,
    );
  }
}

/**
 * The locking clause that ends a SELECT whose root table is aliased `root` (a plain identifier such as `e0`). PostgreSQL locks only
 * the root's rows (`OF`): the LEFT JOINs of an `orderBy` through relations would otherwise be
 * refused ("cannot be applied to the nullable side of an outer join"). MySQL/MariaDB spell a
 * shared lock `LOCK IN SHARE MODE` (MariaDB 10.5 has no `FOR SHARE`). SQLite has no row locks:
 * nothing (its transactions are serializable; the first write locks the database).
 */
export function lockClause(dialect: Dialect, mode: LockMode, root: string): string {
  switch (dialect) {
    case 'pg':
      return ` for ${mode === 'pessimistic_write' ? 'update' : 'share'} of "${root}"`;
    case 'mysql':
      return mode === 'pessimistic_write' ? ' for update' : ' lock in share mode';
    case 'sqlite':
      return '';
  }
}
