import { createDriver } from './drivers/create-driver.js';
import type { ConnectionConfig } from './drivers/connection-config.js';
import type { Driver, QueryLogger } from './drivers/driver.js';
import { createReplicaSet, type ReplicaSet } from './drivers/replica-set.js';
import { checkConnections } from './drivers/connection-check.js';
import { MetadataError } from './errors/metadata-error.js';
import { decoratedEntities } from './decorators/registry.js';
import { serialize } from './entity/serialize.js';
import { discoverMetadata } from './metadata/discovery.js';
import { parseTimezoneOption } from './entity/datetime-text.js';
import type { MetadataSnapshot } from './metadata/metadata-storage-types.js';
import { DefaultNamingStrategy, type NamingStrategy } from './metadata/naming-strategy.js';
import type { MigrationsOptions } from './migrations/migration-types.js';
import { Migrator } from './migrations/migrator.js';
import { checkMigrationsOptions, connectionMigrations } from './migrations/migrations-config.js';
import { SchemaGenerator } from './schema/schema-generator.js';
import { EntityManager } from './unit-of-work/entity-manager.js';
import { globalEntityManager } from './unit-of-work/request-context.js';
import { recoverPreparedTransactions, type RecoveryReport } from './unit-of-work/prepared-recovery.js';

/** Options of {@link Joinery.init}: one connection inline, or several under `connections`. */
export interface JoineryOptions extends Partial<ConnectionConfig> {
  /** Entity classes (through entities included). Defaults to every class decorated with @Entity. */
  entities?: Function[];
  /** Several databases: `{ default: { client, connection }, archive: { ... } }`. */
  connections?: Record<string, ConnectionConfig>;
  /** Print every statement with its time to stderr. */
  debug?: boolean;
  /** Called once for every statement sent to a database (BEGIN/COMMIT included). */
  logger?: QueryLogger;
  /** Replaces every naming default (tables, columns, join tables). */
  namingStrategy?: NamingStrategy;
  /**
   * Make a flush (and `em.transactional`) that writes to two or more connections all-or-nothing:
   * PostgreSQL `PREPARE TRANSACTION` / MySQL and MariaDB XA, with a commit decision recorded on one
   * of the connections, and {@link Joinery.recoverPreparedTransactions} for what a crash leaves
   * prepared. Writes to one connection are unaffected. PostgreSQL needs `max_prepared_transactions > 0`;
   * SQLite takes part as the one connection that commits last. See docs-site/two-phase-commit.md.
   * Default `false`: connections commit one after the other, in declaration order.
   */
  twoPhaseCommit?: boolean;
  /**
   * Where `orm.migrator` finds each connection's migration files and records what ran. Default:
   * `migrations/` (relative to the working directory) for the `default` connection,
   * `migrations/<name>/` for the others, table `joinery_migrations`. See docs-site/migrations.md.
   *
   * @example
   * { migrations: { path: 'db/migrations', connections: { archive: { path: 'db/archive' } } } }
   */
  migrations?: MigrationsOptions;
  /**
   * Let the global `orm.em` be used outside a `RequestContext` (find, persist, flush, ...) with one
   * identity map for the whole process. Default `false`: such a call throws `UsageError`
   * `GLOBAL_CONTEXT`, because in a server that map would serve stale rows to every request.
   */
  allowGlobalContext?: boolean;
  /**
   * Open one connection to every database (primaries and read replicas) in `init`, so that wrong
   * settings fail at start-up: a `DriverError` `CONNECTION_FAILED` naming the connection, with the
   * driver's reason. Default `true`; `false` connects on the first query instead (e.g. a CLI
   * command that may not need the database).
   *
   * @example
   * const orm = await Joinery.init({ entities, client: 'pg', connection: process.env.DATABASE_URL, connect: false });
   */
  connect?: boolean;
}

/**
 * The entry point: discovers and validates the mappings, opens the connections, and hands out
 * EntityManagers.
 *
 * @example
 * const orm = await Joinery.init({ entities: [User, Post], client: 'sqlite', connection: { filename: ':memory:' } });
 * await orm.schema.create();
 * const em = orm.em.fork();
 */
export class Joinery {
  /**
   * The global EntityManager: call `fork()` for each request or unit of work, or use it inside
   * `RequestContext.create(orm.em, next)`, where it is the context's own fork.
   */
  readonly em: EntityManager;
  /** create / drop / update the tables of every connection, or print their DDL. */
  readonly schema: SchemaGenerator;
  /** Migrations: create them from the diff, run them (`await orm.migrator.up()` at start), revert, list, check. */
  readonly migrator: Migrator;
  readonly metadata: MetadataSnapshot;
  readonly #drivers: Map<string, Driver>;
  readonly #replicas: Map<string, ReplicaSet>;

  private constructor(
    metadata: MetadataSnapshot,
    drivers: Map<string, Driver>,
    replicas: Map<string, ReplicaSet>,
    twoPhaseCommit: boolean,
    migrations: MigrationsOptions | undefined,
    allowGlobalContext: boolean,
    naming: NamingStrategy,
  ) {
    this.metadata = metadata;
    this.#drivers = drivers;
    this.#replicas = replicas;
    this.em = globalEntityManager(new EntityManager({ metadata, drivers, replicas, twoPhaseCommit }), allowGlobalContext);
    this.schema = new SchemaGenerator(metadata, drivers, naming, (connection) => [connectionMigrations(migrations, connection, process.cwd()).tableName]);
    this.migrator = new Migrator(metadata, drivers, migrations);
  }

  /** Discover entities (a `MetadataError` names any mapping mistake) and set up the connections. */
  static async init(options: JoineryOptions): Promise<Joinery> {
    const configs = connectionConfigs(options);
    checkMigrationsOptions(options.migrations, Object.keys(configs));
    const metadata = discoverMetadata(options.entities ?? decoratedEntities, {
      namingStrategy: options.namingStrategy,
      connections: Object.keys(configs),
      dialects: Object.fromEntries(Object.entries(configs).map(([name, c]) => [name, c.client])),
      timezones: Object.fromEntries(Object.entries(configs).map(([name, c]) => [name, parseTimezoneOption(c.timezone) ?? 0])),
    });
    const drivers = new Map<string, Driver>();
    const replicas = new Map<string, ReplicaSet>();
    for (const [name, config] of Object.entries(configs)) {
      const log = { logger: options.logger, debug: options.debug };
      drivers.set(name, createDriver(name, config, log));
      if (config.replicas?.length) replicas.set(name, createReplicaSet(name, config, log));
    }
    for (const meta of metadata.entities) installToJSON(meta.class);
    if (options.connect !== false) {
      const all = [...drivers.values(), ...[...replicas.values()].flatMap((r) => r.drivers)];
      try {
        await checkConnections(all);
      } catch (e) {
        // Nothing else will ever close these pools: the caller has no Joinery to call close() on.
        await Promise.all(all.map((d) => d.close().catch(() => undefined)));
        throw e;
      }
    }
    return new Joinery(metadata, drivers, replicas, options.twoPhaseCommit ?? false, options.migrations, options.allowGlobalContext === true, options.namingStrategy ?? new DefaultNamingStrategy());
  }

  /** The driver of a connection (advanced use: raw statements through the same pool and logger). */
  getDriver(connection = 'default'): Driver {
    const d = this.#drivers.get(connection) ?? (connection === 'default' ? [...this.#drivers.values()][0] : undefined);
    if (!d) throw new MetadataError('UNKNOWN_CONNECTION', `No connection named '${connection}'. Known: ${[...this.#drivers.keys()].join(', ')}.`);
    return d;
  }

  /**
   * Finishes the transactions that flushes with `twoPhaseCommit` left prepared when their process
   * died (or lost its connection) between prepare and commit. Each such flush is committed on every
   * connection if it had reached its commit point, and rolled back everywhere otherwise. Call it at
   * start-up, before serving requests; it is safe while other processes flush (a flush caught
   * between prepare and commit is rolled back and fails with `FLUSH_ABORTED_BY_RECOVERY`).
   *
   * @returns what was found and done, per flush and per connection; `errors` lists connections
   *   that could not be searched (call again once they are reachable)
   * @example
   * const orm = await Joinery.init({ entities, connections, twoPhaseCommit: true });
   * const report = await orm.recoverPreparedTransactions();
   * for (const f of report.flushes) console.log(`flush ${f.flushId}: ${f.decision}`, f.branches);
   */
  recoverPreparedTransactions(): Promise<RecoveryReport> {
    return recoverPreparedTransactions(this.#drivers);
  }

  /**
   * The drivers of a connection's read replicas, in `replicas` order, named `<connection>:replica<i>`
   * (advanced use: statements on a chosen replica; empty when the connection has none).
   */
  getReplicaDrivers(connection = 'default'): readonly Driver[] {
    this.getDriver(connection);
    return this.#replicas.get(connection)?.drivers ?? [];
  }

  /**
   * Whether every database (read replicas included) answers now: opens or takes one pooled
   * connection on each. `false` after {@link Joinery.close}, or when any of them cannot be reached
   * (use it in a health check).
   *
   * @example
   * app.get('/health', async () => ((await orm.isConnected()) ? 'ok' : 'database unreachable'));
   */
  async isConnected(): Promise<boolean> {
    const all = [...this.#drivers.values(), ...[...this.#replicas.values()].flatMap((r) => r.drivers)];
    if (all.some((d) => d.closed)) return false;
    try {
      await checkConnections(all);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Close every pool (replicas' included). Afterwards every use of this Joinery's EntityManagers
   * that needs the database throws `UsageError` `ORM_CLOSED`; a second call does nothing.
   */
  async close(): Promise<void> {
    await Promise.all([...this.#drivers.values(), ...[...this.#replicas.values()].flatMap((r) => r.drivers)].map((d) => d.close()));
  }
}

function connectionConfigs(options: JoineryOptions): Record<string, ConnectionConfig> {
  if (options.connections) {
    if (options.client) {
      throw new MetadataError('BAD_OPTION', 'Joinery.init got both `client` and `connections`. Put the default database under connections.default instead.');
    }
    const names = Object.keys(options.connections);
    if (!names.length) throw new MetadataError('BAD_OPTION', 'Joinery.init got an empty `connections` object. Give at least { default: { client, connection } }.');
    const out: Record<string, ConnectionConfig> = {};
    for (const [name, config] of Object.entries(options.connections)) {
      checkReplicas(name, config);
      const timezone = config.timezone ?? options.timezone;
      checkTimezone(name, timezone);
      out[name] = timezone === undefined ? config : { ...config, timezone };
    }
    return out;
  }
  if (!options.client) {
    throw new MetadataError('BAD_OPTION', "Joinery.init needs a database: { client: 'sqlite', connection: { filename: ':memory:' } } (or 'pg' / 'mysql'), or `connections`.");
  }
  const config: ConnectionConfig = {
    client: options.client,
    connection: options.connection ?? {},
    pool: options.pool,
    replicas: options.replicas,
    ...(options.timezone !== undefined ? { timezone: options.timezone } : {}),
    ...(options.preparedStatements !== undefined ? { preparedStatements: options.preparedStatements } : {}),
  };
  checkReplicas('default', config);
  checkTimezone('default', config.timezone);
  return { default: config };
}

function checkTimezone(name: string, timezone: unknown): void {
  if (timezone === undefined || (typeof timezone === 'string' && parseTimezoneOption(timezone) !== undefined)) return;
  throw new MetadataError(
    'BAD_OPTION',
    `Connection '${name}': timezone ${JSON.stringify(timezone) ?? String(timezone)} is not 'UTC' or a fixed offset such as '+02:00'. ` +
      'A zone name is not accepted: its offset changes with daylight saving time, so a stored wall time would be ambiguous.',
  );
}

function checkReplicas(name: string, config: ConnectionConfig): void {
  const { replicas } = config;
  if (replicas === undefined) return;
  const where = `Connection '${name}'`;
  if (!Array.isArray(replicas)) {
    throw new MetadataError('BAD_OPTION', `${where}: \`replicas\` must be an array such as [{ connection: 'postgres://app@replica1/app' }].`);
  }
  replicas.forEach((r, i) => {
    if (!r || typeof r !== 'object' || r.connection === undefined || r.connection === null) {
      throw new MetadataError('BAD_OPTION', `${where}: replicas[${i}] needs a \`connection\` (a URL or options), e.g. { connection: 'postgres://app@replica1/app' }.`);
    }
    if ('client' in r) {
      throw new MetadataError('BAD_OPTION', `${where}: replicas[${i}] has a \`client\`; a replica always uses its primary's client ('${config.client}'). Remove it.`);
    }
  });
}

// JSON.stringify(entity) must give the same plain data as wrap(entity).toJSON(): relations nested
// once, cycles cut, hidden properties out. Classes that define their own toJSON keep it.
function installToJSON(cls: Function): void {
  const proto = cls.prototype as Record<string, unknown>;
  if ('toJSON' in proto) return;
  Object.defineProperty(proto, 'toJSON', {
    configurable: true,
    enumerable: false,
    writable: true,
    value(this: object) {
      return serialize(this);
    },
  });
}
