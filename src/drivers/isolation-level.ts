import { UsageError } from '../errors/index.js';
import type { IsolationLevel } from './driver.js';

const LEVELS: readonly IsolationLevel[] = ['read uncommitted', 'read committed', 'repeatable read', 'serializable'];

/**
 * The SQL spelling of an isolation level (`REPEATABLE READ`), checked against the four levels: it
 * goes into the statement text, so nothing else may get there.
 */
export function isolationSql(level: IsolationLevel): string {
  if (!LEVELS.includes(level)) {
    throw new UsageError(
      'BAD_ISOLATION_LEVEL',
      `${JSON.stringify(level) ?? String(level)} is not an isolation level. Use one of ${LEVELS.map((l) => `'${l}'`).join(', ')}.`,
    );
  }
  return level.toUpperCase();
}

/** Throws the `BAD_ISOLATION_LEVEL` UsageError for a level that is set and not one of the four. */
export function checkIsolationLevel(level: IsolationLevel | undefined): void {
  if (level !== undefined) isolationSql(level);
}
