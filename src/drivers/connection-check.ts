import { DriverError } from '../errors/index.js';
import type { Driver } from './driver.js';

/**
 * Opens one connection on each driver, all at once, so that a wrong host, port, password or
 * database name fails at start-up rather than on the first request. The error names the
 * connection and carries the driver's own reason (as `cause` too).
 */
export async function checkConnections(drivers: readonly Driver[]): Promise<void> {
  const results = await Promise.allSettled(drivers.map((d) => d.checkConnection?.()));
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ driver: drivers[i]!, reason: r.reason as unknown }] : []));
  if (!failures.length) return;
  const first = failures[0]!;
  const all = failures.map((f) => `'${f.driver.connectionName}' (${f.driver.dialect}): ${reasonOf(f.reason)}`).join('; ');
  throw new DriverError(
    'CONNECTION_FAILED',
    `Joinery.init could not connect to ${failures.length === 1 ? 'connection' : 'connections'} ${all}. ` +
      'Check the connection settings (host, port, user, password, database or file name) and that the server is running; ' +
      'to open connections on the first query instead, pass connect: false.',
    { connection: first.driver.connectionName },
    first.reason,
  );
}

/** The driver's message; node's connect errors may carry theirs in `errors` (one per address tried). */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message) return error.message;
  const inner = (error as { errors?: unknown[]; code?: string }).errors;
  if (Array.isArray(inner) && inner.length) return inner.map(reasonOf).join(', ');
  return (error as { code?: string }).code ?? error.name;
}
