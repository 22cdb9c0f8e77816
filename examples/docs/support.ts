/**
 * Set-up for the docs examples that need a database server: a database of the example's own,
 * created empty, and the connection config to spread into `Joinery.init`.
 *
 * - PostgreSQL: `PG_URL`, default `postgres://postgres@127.0.0.1:5432/test` (an admin database).
 * - MySQL / MariaDB: `MYSQL_URL`, default `mysql://root@127.0.0.1:3306/test`.
 * - The database is named after the example file, prefixed by `JOINERY_TEST_DB_PREFIX` (default
 *   `joinery_`): `examples/docs/unit-of-work/batching.ts` → `joinery_docs_unit_of_work_batching`.
 *
 * The docs test reads `exampleDatabase('pg'` / `exampleDatabase('mysql'` in an example's source to
 * know which servers it needs, so name the dialect as a string literal.
 *
 * @example
 * export async function main(): Promise<void> {
 *   const db = await exampleDatabase('pg', __filename);
 *   const orm = await Joinery.init({ entities: [User], ...db.config });
 *   try {
 *     // ... what the page shows
 *   } finally {
 *     await orm.close();
 *     await db.drop();
 *   }
 * }
 */
import { createHash } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import type { ConnectionConfig } from 'joinery';

export interface ExampleDatabase {
  /** `{ client, connection }`: spread it into `Joinery.init({ entities, ...db.config })`. */
  readonly config: ConnectionConfig;
  /** The database's name on the server. */
  readonly name: string;
  /** Its connection URL, for examples that show a URL or open a driver connection of their own. */
  readonly url: string;
  /** Drops the database; close every `Joinery` using it first. */
  drop(): Promise<void>;
}

const PG_URL = process.env.PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';
const CONNECT_TIMEOUT_MS = 3000;

/**
 * Drops and creates the database of `exampleFile` (pass `__filename`) on the `dialect` server.
 */
export async function exampleDatabase(dialect: 'pg' | 'mysql', exampleFile: string): Promise<ExampleDatabase> {
  const name = exampleDatabaseName(exampleFile);
  if (dialect === 'pg') {
    await withPg(async (c) => {
      await pgDropDatabase(c, name);
      await c.query(`CREATE DATABASE "${name}"`);
    });
    return {
      name,
      url: withDatabase(PG_URL, name),
      config: { client: 'pg', connection: withDatabase(PG_URL, name) },
      drop: () => withPg((c) => pgDropDatabase(c, name)),
    };
  }
  await withMysql(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  });
  return {
    name,
    url: withDatabase(MYSQL_URL, name),
    config: { client: 'mysql', connection: withDatabase(MYSQL_URL, name) },
    drop: () => withMysql((c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``)).then(() => undefined),
  };
}

/**
 * `[a-z0-9_]`, at most 63 characters: the prefix, `docs`, and the example's path under
 * examples/docs without its extension.
 */
export function exampleDatabaseName(exampleFile: string): string {
  const prefix = (process.env.JOINERY_TEST_DB_PREFIX || 'joinery_').toLowerCase().replace(/[^a-z0-9_]/g, '_');
  // Compiled examples run from build/examples/docs, the sources live in examples/docs: both map to one name.
  const parts = resolve(exampleFile).split(/[\\/]/);
  const docs = parts.findLastIndex((p, i) => p === 'examples' && parts[i + 1] === 'docs') + 1;
  const path = docs > 0 ? parts.slice(docs + 1).join('/') : relative(process.cwd(), exampleFile);
  let key = `docs_${path.replace(/\.[cm]?[jt]s$/, '')}`.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const room = 63 - prefix.length;
  if (key.length > room) key = `${key.slice(0, room - 9)}_${createHash('sha1').update(key).digest('hex').slice(0, 8)}`;
  return prefix + key;
}

async function withPg<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function pgDropDatabase(c: Client, name: string): Promise<void> {
  try {
    // FORCE (PostgreSQL 13+) ends sessions an interrupted earlier run may have left behind.
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } catch (e) {
    if ((e as { code?: string }).code !== '42601') throw e;
    await c.query(`DROP DATABASE IF EXISTS "${name}"`);
  }
}

async function withMysql<T>(fn: (c: Awaited<ReturnType<typeof createConnection>>) => Promise<T>): Promise<T> {
  const conn = await createConnection({ uri: MYSQL_URL, connectTimeout: CONNECT_TIMEOUT_MS });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
