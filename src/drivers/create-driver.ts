import knex from 'knex';
import type { ConnectionConfig } from './connection-config.js';
import type { Driver, QueryLogger } from './driver.js';
import { knexConfig } from './knex-config.js';
import { KnexDriver } from './knex-driver.js';
import { statementReporter } from './statement-log.js';

/** Options of {@link createDriver}. */
export interface CreateDriverOptions {
  /** Called once per statement sent to the database, BEGIN / COMMIT / ROLLBACK included. */
  logger?: QueryLogger;
  /** Print each statement with its time to stderr: `[joinery default] 0.4ms select ... [params]`. */
  debug?: boolean;
}

/**
 * Opens (lazily: the pool connects on the first statement) the {@link Driver} for one connection.
 *
 * Logged SQL is the SQL as sent to the database, with the database's own placeholders: `$1, $2` on
 * pg, `?` on sqlite and mysql. Connection set-up statements (joinery's `PRAGMA foreign_keys = ON` and
 * `SET time_zone`, knex's pg version probe) are not logged.
 *
 * @param name the connection name (`default` for the single-connection form of `Joinery.init`)
 * @example
 * const driver = createDriver('default', { client: 'sqlite', connection: { filename: ':memory:' } }, { debug: true });
 * const { rows } = await driver.execute({ sql: 'select ? as one', params: [1] });
 * await driver.transaction(async (trx) => {
 *   await driver.execute({ sql: 'insert into users (email) values (?)', params: ['a@b.c'] }, trx);
 * });
 * await driver.close();
 */
export function createDriver(name: string, config: ConnectionConfig, opts: CreateDriverOptions = {}): Driver {
  const onSent = statementReporter(name, opts);
  return new KnexDriver(config.client, name, knex(knexConfig(config, onSent)));
}
