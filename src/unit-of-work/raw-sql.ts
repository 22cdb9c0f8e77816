import type { Driver, Statement } from '../drivers/driver.js';
import { placeholderCount } from '../drivers/native-placeholders.js';
import { UsageError } from '../errors/usage-error.js';
import type { EntityMetadata } from '../metadata/types.js';

/** Something that compiles to SQL with `?` bindings: a knex query builder or `knex.raw` (e.g. from `em.qb()`). */
export interface SqlSource {
  toSQL(): { sql: string; bindings: readonly unknown[] };
}

/** Options of `em.execute`. */
export interface ExecuteOptions {
  /**
   * The connection to run on, for applications with several (`Joinery.init({ connections })`).
   * Default: the connection of the query builder when it came from `em.createQueryBuilder`, else
   * `default` (the first connection).
   */
  connection?: string;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The connection each builder handed out by `em.createQueryBuilder` runs on (knex builders chain on themselves). */
const builderConnections = new WeakMap<object, string>();

export function rememberBuilderConnection(builder: object, connection: string): void {
  builderConnections.set(builder, connection);
}

/** The driver `em.execute` runs on: the one named, the builder's, or the default connection. */
export function executeDriver(drivers: ReadonlyMap<string, Driver>, sql: unknown, options: ExecuteOptions): Driver {
  const name = options.connection ?? (typeof sql === 'object' && sql !== null ? builderConnections.get(sql) : undefined);
  if (name === undefined) return drivers.get('default') ?? drivers.values().next().value!;
  const driver = typeof name === 'string' ? drivers.get(name) : undefined;
  if (!driver) {
    throw new UsageError('UNKNOWN_CONNECTION', `em.execute: there is no connection named ${JSON.stringify(name)}. Known: ${[...drivers.keys()].join(', ')}.`);
  }
  return driver;
}

/**
 * The statement `em.execute(sql, params)` sends, checked before anything is sent: SQL text (or a
 * query builder, whose own bindings are used), an array of parameters with no `undefined` (a value
 * never set must not become NULL), one per `?`.
 */
export function rawStatement(driver: Driver, sql: string | SqlSource, params: readonly unknown[] | undefined): Statement {
  if (typeof sql === 'object' && sql !== null && typeof (sql as SqlSource).toSQL === 'function') {
    if (params !== undefined && params.length) {
      throw new UsageError('BAD_SQL_PARAMS', `em.execute got a query builder and ${params.length} parameter(s): a builder carries its own bindings, pass none.`);
    }
    const compiled = (sql as SqlSource).toSQL();
    return { sql: compiled.sql, params: compiled.bindings };
  }
  if (typeof sql !== 'string' || !sql.trim()) {
    throw new UsageError('BAD_SQL', `em.execute needs SQL text (or a query builder from em.createQueryBuilder), got ${typeof sql === 'string' ? 'an empty string' : typeof sql}.`);
  }
  const list = params ?? [];
  if (!Array.isArray(list)) {
    throw new UsageError('BAD_SQL_PARAMS', `em.execute: parameters go in an array, one per ? in the SQL (e.g. em.execute('select * from users where id = ?', [id])), got ${typeof list}.`);
  }
  const missing = list.findIndex((p) => p === undefined);
  if (missing !== -1) {
    throw new UsageError('BAD_SQL_PARAMS', `em.execute: parameter ${missing} is undefined. Pass null for SQL NULL, or check the value you meant to pass.`);
  }
  // Without parameters the text is sent as written (a literal '?' in it stays as it is).
  if (list.length) {
    const count = placeholderCount(driver.dialect, sql);
    if (count !== undefined && count !== list.length) {
      throw new UsageError('BAD_SQL_PARAMS', `em.execute: the SQL has ${count} ? placeholder(s) and ${list.length} parameter(s) were given; give one parameter per ? (write a literal question mark as \\?).`);
    }
  }
  return { sql, params: list };
}

/**
 * The row `em.map(Entity, row)` hydrates: own properties only (a key named like an Object method
 * must not be read from the prototype), and the primary key columns present.
 */
export function mappableRow(meta: EntityMetadata, row: unknown): Record<string, unknown> {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new UsageError('BAD_ROW', `em.map(${meta.name}, row) needs a row object keyed by column name, got ${row === null ? 'null' : Array.isArray(row) ? 'an array' : typeof row}.`);
  }
  const own: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(row)) own[key] = (row as Record<string, unknown>)[key];
  const missing = meta.primaryKeyColumns.filter((c) => !hasOwn.call(own, c) || own[c] === null || own[c] === undefined);
  if (missing.length) {
    throw new UsageError(
      'BAD_ROW',
      `em.map(${meta.name}, row): the row has no value for the primary key column(s) ${missing.join(', ')} of ${meta.tableName} ` +
        `(it has: ${Object.keys(own).join(', ') || 'no columns'}). Select the key columns; rows are keyed by column name, not property name.`,
    );
  }
  return own;
}
