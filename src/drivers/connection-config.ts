import type { Dialect } from '../metadata/types.js';

/**
 * Where and how to connect, knex style. `connection` is either a URL
 * (`postgres://user:pass@host:5432/db`, `mysql://root@127.0.0.1:3306/db`; for sqlite a file name)
 * or an options object handed to the driver (`pg.Client`, `mysql2.createConnection`, better-sqlite3).
 *
 * A few driver settings are fixed by joinery because the hydrator relies on them (mysql2:
 * `timezone: 'Z'`, big numbers as strings, DATE as string; pg: DATE as string): setting them here has
 * no effect.
 *
 * @example
 * const sqlite: ConnectionConfig = { client: 'sqlite', connection: { filename: ':memory:' } };
 * const pg: ConnectionConfig = { client: 'pg', connection: 'postgres://postgres@127.0.0.1:5432/app' };
 * const mysql: ConnectionConfig = { client: 'mysql', connection: { host: '127.0.0.1', user: 'root', database: 'app' }, pool: { max: 5 } };
 */
export interface ConnectionConfig {
  /** `sqlite` (better-sqlite3), `pg` (node-postgres) or `mysql` (mysql2: MySQL 8 and MariaDB 10.5+). */
  client: Dialect;
  connection: string | ConnectionOptions;
  pool?: PoolConfig;
  /**
   * Read replicas of this database, each with a pool of its own and the same `client`. Reads outside
   * a transaction go to them in turn; writes, DDL, transactions and reads after this EntityManager
   * fork has written go to the primary (`connection`). See docs-site/read-replicas.md.
   *
   * @example
   * { client: 'pg', connection: 'postgres://app@db-primary/app', replicas: [{ connection: 'postgres://app@db-replica1/app' }] }
   */
  replicas?: ReplicaConfig[];
  /**
   * The zone of datetimes stored without one (MySQL DATETIME, PostgreSQL `timestamp`, SQLite text
   * without an offset): `'UTC'` (default) or a fixed offset such as `'+02:00'`. joinery writes
   * `datetime` values as wall time in this zone and reads zone-less values back in it, whatever
   * the Node process's `TZ`; it is also the session zone (what `now()` means). A zone name such as
   * `'Europe/Paris'` is refused: its offset changes with daylight saving time, so a stored wall time
   * would not say which offset it had. See docs-site/types.md.
   *
   * @example
   * { client: 'mysql', connection: 'mysql://root@127.0.0.1/legacy', timezone: '+02:00' }
   */
  timezone?: string;
  /**
   * Server-side prepared statements for statement texts that repeat (lookups by key, the chunks of a
   * bulk INSERT, the levels of a populate): PostgreSQL gets them as named statements, MySQL through
   * mysql2's `execute`; each connection keeps at most `max` (default 256), least recently used
   * first out. On by default; turn it off behind a pooler in transaction mode (PgBouncer, RDS Proxy),
   * where consecutive statements may reach different server sessions. SQLite always reuses its
   * prepared statements, in-process. See docs-site/performance.md.
   *
   * @example
   * { client: 'pg', connection: 'postgres://app@pgbouncer:6432/app', preparedStatements: false }
   * { client: 'mysql', connection: url, preparedStatements: { max: 100 } }
   */
  preparedStatements?: boolean | { max?: number };
}

/** One read replica of a connection: where to connect, and its pool size (default: the primary's). */
export interface ReplicaConfig {
  connection: string | ConnectionOptions;
  pool?: PoolConfig;
}

/** Driver connection options; anything not listed is passed to the driver as is. */
export interface ConnectionOptions {
  /** sqlite: path of the database file, or `:memory:`. */
  filename?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  [option: string]: unknown;
}

/**
 * Connection pool size. Defaults: sqlite `{ min: 1, max: 1 }` (an in-memory database always uses
 * exactly one connection, or each connection would see its own empty database); pg and mysql
 * `{ min: 0, max: 10 }`.
 */
export interface PoolConfig {
  min?: number;
  max?: number;
  /**
   * How long a statement waits for a free pooled connection before it fails with a `DriverError`
   * `POOL_EXHAUSTED` that says what holds the pool (default 60000 ms). The usual cause is a query
   * outside a transaction issued from inside it while that transaction holds the last connection.
   *
   * @example
   * { client: 'pg', connection: url, pool: { max: 10, acquireTimeoutMillis: 5000 } }
   */
  acquireTimeoutMillis?: number;
}
