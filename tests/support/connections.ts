// Several connections for one test: each named connection gets this file's database of the dialect
// asked for (emptied), one Joinery over all of them with every statement logged, the schema created.
import test, { type ExecutionContext } from 'ava';
import { Joinery, type ConnectionConfig, type QueryLogEntry } from 'joinery';
import { testDatabase, type TestDialect } from './databases.js';

export interface MultiConnection {
  orm: Joinery;
  /** Every statement sent, on every connection; empty it with `log.length = 0`. */
  log: QueryLogEntry[];
}

/**
 * @param dialects connection name → dialect, e.g. `{ default: 'pg', media: 'mysql' }`; the database
 *   of each is this file's one named after the connection (so two tests of one file share them).
 */
export async function openConnections(
  t: ExecutionContext,
  dialects: Readonly<Record<string, TestDialect>>,
  entities: readonly Function[],
): Promise<MultiConnection> {
  const connections: Record<string, ConnectionConfig> = {};
  for (const [name, dialect] of Object.entries(dialects)) {
    const db = await testDatabase(dialect, test.meta.file, name === 'default' ? 'main' : name);
    await db.reset();
    connections[name] = db.config;
  }
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [...entities], connections, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  return { orm, log };
}
