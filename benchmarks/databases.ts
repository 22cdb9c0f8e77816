import Database from 'better-sqlite3';
import { Joinery } from 'joinery';
import { createConnection, createPool } from 'mysql2/promise';
import pg from 'pg';
import type { Contender } from './contender.js';
import { ENTITIES } from './entities.js';
import { seedShared, type BenchDialect, type Store } from './fixtures.js';
import { JoineryContender } from './joinery-contender.js';
import { KnexContender, knexStore, openKnex } from './knex-contender.js';
import type { PeerContext } from './peer-context.js';
import { mysqlStore, RawMysql } from './raw-mysql.js';
import { pgStore, RawPg } from './raw-pg.js';
import { RawPreparedMysql } from './raw-prepared-mysql.js';
import { RawPreparedPg } from './raw-prepared-pg.js';
import { RawPreparedSqlite } from './raw-prepared-sqlite.js';
import { RawSqlite, sqliteStore } from './raw-sqlite.js';

export const PG_URL = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/joinery_bench';
export const MYSQL_URL = process.env.BENCH_MYSQL_URL || 'mysql://root@127.0.0.1:3306/joinery_bench';
const CONNECT_TIMEOUT_MS = 3000;

/** The contenders of one dialect that need nothing from benchmarks/package.json, on fresh seeded tables; the server version; what a peer needs to join them. */
export interface DialectSetup {
  readonly contenders: Contender[];
  readonly version: string;
  readonly peer: PeerContext;
}


export async function openDialect(dialect: BenchDialect): Promise<DialectSetup> {
  switch (dialect) {
    case 'pg':
      return openPg();
    case 'mysql':
      return openMysql();
    case 'sqlite':
      return openSqlite();
  }
}

function databaseName(url: URL): string {
  return decodeURIComponent(url.pathname.replace(/^\//, ''));
}

/** Identifier check for the database name we create: it goes into DDL unquoted-safe only. */
function safeName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`database name '${name}' must be a plain identifier`);
  return name;
}

async function openPg(): Promise<DialectSetup> {
  const url = new URL(PG_URL);
  const name = safeName(databaseName(url));
  const adminUrl = new URL(PG_URL);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const orm = await Joinery.init({ entities: ENTITIES, client: 'pg', connection: PG_URL });
  const pool = new pg.Pool({ connectionString: PG_URL, max: 10 });
  // raw-prepared's own connection: named statements are prepared per connection.
  const client = new pg.Client({ connectionString: PG_URL });
  const knex = await openKnex('pg', PG_URL, MYSQL_URL);
  return closingOnError([() => orm.close(), () => pool.end(), () => client.end(), () => knex.destroy()], async () => {
    await client.connect();
    await orm.schema.drop();
    await orm.schema.create();
    const store = pgStore(pool);
    await seedShared(store);
    const version = String((await store.exec('SHOW server_version'))[0]!.server_version);
    return {
      contenders: [new RawPg(pool, store), new RawPreparedPg(client, store), new JoineryContender(orm, store), new KnexContender(knex, store)],
      version: `PostgreSQL ${version}`,
      peer: { dialect: 'pg', pgUrl: PG_URL, mysqlUrl: MYSQL_URL, store },
    };
  });
}

async function openMysql(): Promise<DialectSetup> {
  const url = new URL(MYSQL_URL);
  const name = safeName(databaseName(url));
  const options = {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    connectTimeout: CONNECT_TIMEOUT_MS,
  };
  const admin = await createConnection(options);
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
  const orm = await Joinery.init({ entities: ENTITIES, client: 'mysql', connection: MYSQL_URL });
  // The settings joinery's own mysql2 connections use: UTC datetimes, sessions in UTC.
  const pool = createPool({ ...options, database: name, timezone: 'Z', connectionLimit: 10 });
  pool.on('connection', (conn) => void conn.query("SET time_zone = '+00:00'"));
  const knex = await openKnex('mysql', PG_URL, MYSQL_URL);
  // raw-prepared's own connection: mysql2 keeps prepared statements per connection.
  const conn = await createConnection({ ...options, database: name, timezone: 'Z' });
  return closingOnError([() => orm.close(), () => pool.end(), () => conn.end(), () => knex.destroy()], async () => {
    await conn.query("SET time_zone = '+00:00'");
    await orm.schema.drop();
    await orm.schema.create();
    const store = mysqlStore(pool);
    await seedShared(store);
    const version = String((await store.exec('SELECT VERSION() AS v'))[0]!.v);
    return {
      contenders: [new RawMysql(pool, store), new RawPreparedMysql(conn, store), new JoineryContender(orm, store), new KnexContender(knex, store)],
      version: `${/mariadb/i.test(version) ? 'MariaDB' : 'MySQL'} ${version}`,
      peer: { dialect: 'mysql', pgUrl: PG_URL, mysqlUrl: MYSQL_URL, store },
    };
  });
}

/** Each contender has its own in-memory database with the same schema (joinery's DDL) and rows. */
async function openSqlite(): Promise<DialectSetup> {
  const orm = await Joinery.init({ entities: ENTITIES, client: 'sqlite', connection: { filename: ':memory:' } });
  await orm.schema.create();
  const schemaSql = orm.schema.getCreateSQL();
  const joineryStore = driverStore(orm, 'sqlite');
  await seedShared(joineryStore);
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  db.exec(schemaSql);
  const rawStore = sqliteStore(db);
  await seedShared(rawStore);
  const knex = await openKnex('sqlite', PG_URL, MYSQL_URL, schemaSql);
  const knexSide = knexStore(knex, 'sqlite');
  await seedShared(knexSide);
  const version = String((db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v);
  return {
    // raw-prepared works on raw's database (the same rows; each reseeds what it changes).
    contenders: [new RawSqlite(db, rawStore), new RawPreparedSqlite(db, rawStore), new JoineryContender(orm, joineryStore), new KnexContender(knex, knexSide)],
    version: `SQLite ${version} (better-sqlite3, in memory)`,
    peer: { dialect: 'sqlite', pgUrl: PG_URL, mysqlUrl: MYSQL_URL, schemaSql },
  };
}

/** Runs `fn`; if it fails, closes what was opened for it before rethrowing (so the process can exit). */
async function closingOnError<T>(closers: (() => Promise<unknown>)[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    for (const close of closers) await close().catch(() => undefined);
    throw e;
  }
}

/** A Store that runs through joinery's own connection (the only way into its in-memory SQLite). */
function driverStore(orm: Joinery, dialect: BenchDialect): Store {
  const driver = orm.getDriver();
  return {
    dialect,
    itemsSeeded: false,
    async exec(sql, params = []) {
      return (await driver.execute({ sql, params })).rows;
    },
  };
}
