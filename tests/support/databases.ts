/**
 * The databases integration tests run against: SQLite always, PostgreSQL and MySQL/MariaDB when their
 * servers answer.
 *
 * - PostgreSQL: `PG_URL`, default `postgres://postgres@127.0.0.1:5432/test` (the admin database).
 * - MySQL / MariaDB: `MYSQL_URL`, default `mysql://root@127.0.0.1:3306/test`.
 * - `JOINERY_DIALECTS=sqlite,pg` runs only the listed dialects.
 *
 * A server that does not answer within 3 s is left out with one loud line on stderr; under `CI=true`
 * it fails the run instead.
 *
 * ava runs test files in parallel processes, so every test file gets databases of its own:
 * `joinery_<file key>` on each server (dropped and created again on first use), `:memory:` on SQLite.
 *
 * Only types come from `src/`: integration tests use the public package `joinery`.
 *
 * @example
 * import test from 'ava';
 * import { Joinery } from 'joinery';
 * import { forEachDialect } from '../support/databases.js';
 *
 * forEachDialect(test, 'flush inserts parents first', async (t, db) => {
 *   const orm = await Joinery.init({ entities: [User, Post], ...db.config });
 *   t.teardown(() => orm.close());
 *   await orm.schema.create();
 *   // ...
 * });
 * // registers "[sqlite] flush inserts parents first", "[pg] ...", "[mysql] ..."
 */
import type { ExecutionContext, TestFn } from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection, type Connection } from 'mysql2/promise';
import { Client } from 'pg';
import type { ConnectionConfig } from '../../src/drivers/connection-config.js';

export type TestDialect = 'sqlite' | 'pg' | 'mysql';

/** One provisioned database of one dialect, private to the current test file. */
export interface TestDb {
  readonly dialect: TestDialect;
  /** `{ client, connection, pool? }`: spread it into `Joinery.init({ entities, ...db.config })`. */
  readonly config: ConnectionConfig;
  /** Database name on the server; `:memory:` for SQLite. */
  readonly database: string;
  /** Drops everything in the database (pg: the `public` schema; mysql: the database itself). SQLite: nothing to do. */
  reset(): Promise<void>;
  /**
   * Another empty database of the same dialect for this file, for tests with several connections:
   * `Joinery.init({ connections: { default: db.config, archive: (await db.another('archive')).config } })`.
   */
  another(name: string): Promise<TestDb>;
}

/** Per-test options of {@link forEachDialect}. */
export interface ForEachDialectOptions {
  /** Run only on these dialects (of those available), e.g. `['pg', 'mysql']`. */
  dialects?: readonly TestDialect[];
}

const ALL_DIALECTS: readonly TestDialect[] = ['sqlite', 'pg', 'mysql'];
const PG_URL = process.env.PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';
// Two checkouts testing against the same servers at once must not drop each other's databases.
const DB_PREFIX = (process.env.JOINERY_TEST_DB_PREFIX || 'joinery_').toLowerCase().replace(/[^a-z0-9_]/g, '_');
const CONNECT_TIMEOUT_MS = 3000;
/** Fail a reset blocked by a connection left open, well before ava's 60 s test timeout. */
const RESET_LOCK_TIMEOUT_S = 10;

/**
 * Registers one ava test per available dialect, titled `[<dialect>] <title>`. Each gets `db`, this
 * file's database of that dialect, emptied before the test starts (see {@link TestDb.reset}).
 *
 * The tests are `serial` because the tests of a file share its databases; files still run in
 * parallel. Create the schema inside the test and close what you open (`t.teardown(() => orm.close())`).
 *
 * @example
 * forEachDialect(test, 'RETURNING gives the ids', async (t, db) => { ... }, { dialects: ['sqlite', 'pg'] });
 */
export function forEachDialect<Context = unknown>(
  test: TestFn<Context>,
  title: string,
  impl: (t: ExecutionContext<Context>, db: TestDb) => Promise<void> | void,
  options: ForEachDialectOptions = {},
): void {
  const file = test.meta.file;
  for (const dialect of dialects()) {
    if (options.dialects && !options.dialects.includes(dialect)) continue;
    test.serial(`[${dialect}] ${title}`, async (t) => {
      const db = await testDatabase(dialect, file);
      await db.reset();
      await impl(t, db);
    });
  }
}

/**
 * The dialects whose servers are reachable now: always `sqlite`, plus `pg` and `mysql` when they
 * answer. Synchronous, so that ava tests can be registered from it (ava needs tests declared in the
 * first tick). Under `CI=true` an unreachable server throws.
 */
export function dialects(): TestDialect[] {
  if (cachedDialects) return [...cachedDialects];
  const wanted = wantedDialects();
  const servers = wanted.filter((d): d is 'pg' | 'mysql' => d !== 'sqlite');
  const reachable = reachability(servers.map((d) => serverAddress(d)));
  const result: TestDialect[] = [];
  for (const d of wanted) {
    if (d === 'sqlite' || reachable[servers.indexOf(d)]) {
      result.push(d);
      continue;
    }
    const name = d === 'pg' ? 'PostgreSQL' : 'MySQL/MariaDB';
    const at = redact(d === 'pg' ? PG_URL : MYSQL_URL);
    if (process.env.CI === 'true') {
      throw new Error(
        `[joinery tests] ${name} at ${at} is not reachable and CI=true: start it (.ci/run, see DEVELOPERS.md) ` +
          `or point ${d === 'pg' ? 'PG_URL' : 'MYSQL_URL'} at a running server.`,
      );
    }
    warnOnce(d, `[joinery tests] ${name} at ${at} is not reachable: skipping its tests (set CI=true to make this a failure)`);
  }
  cachedDialects = result;
  return [...result];
}

/**
 * This file's database of every available dialect, provisioned on first use.
 *
 * @param file the test file: `test.meta.file`
 * @param name for a second (third...) database per dialect, e.g. `'archive'` for multi-connection tests
 */
export async function testDatabases(file: string, name?: string): Promise<TestDb[]> {
  return Promise.all(dialects().map((d) => testDatabase(d, file, name)));
}

/** One dialect's database for `file` (and `name`, see {@link testDatabases}), provisioned once per process. */
export function testDatabase(dialect: TestDialect, file: string, name?: string): Promise<TestDb> {
  const key = fileKey(file, name);
  const memoKey = `${dialect}:${key}`;
  let db = provisioned.get(memoKey);
  if (!db) {
    db = provision(dialect, `${DB_PREFIX}${key}`, file);
    // A failed provisioning should fail every test that needs it, not only the first.
    provisioned.set(memoKey, db);
  }
  return db;
}

/**
 * `[a-z0-9_]`, at most 50 characters, derived from a test file path: the build flavour and the path
 * under `tests/` (`build/legacy/tests/integration/flush.test.js` → `legacy_integration_flush`), so the
 * legacy and standard builds of one test file, which run at the same time, never share a database.
 * `name` is appended (`legacy_integration_flush_archive`). A `file` without a path separator is taken
 * as a key as it is.
 */
export function fileKey(file: string, name?: string): string {
  let key = file;
  if (file.includes('/') || file.includes('\\') || file.startsWith('file:')) {
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    const parts = path.split(/[\\/]/).filter(Boolean);
    const build = parts.lastIndexOf('build');
    const tests = parts.lastIndexOf('tests');
    const from = build >= 0 && build < tests ? build + 1 : tests + 1;
    key = parts
      .slice(from)
      .filter((p) => p !== 'tests')
      .join('_')
      .replace(/\.(test|spec)\.[cm]?[jt]s$/, '')
      .replace(/\.[cm]?[jt]s$/, '');
  }
  if (name) key += `_${name}`;
  key = key.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (key.length > 50) key = `${key.slice(0, 41)}_${createHash('sha1').update(key).digest('hex').slice(0, 8)}`;
  if (!key) throw new Error(`[joinery tests] cannot derive a database name from '${file}'`);
  return key;
}

let cachedDialects: TestDialect[] | undefined;
const provisioned = new Map<string, Promise<TestDb>>();

function wantedDialects(): TestDialect[] {
  const env = process.env.JOINERY_DIALECTS?.trim();
  if (!env) return [...ALL_DIALECTS];
  const names = env.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !ALL_DIALECTS.includes(n as TestDialect));
  if (unknown.length) throw new Error(`[joinery tests] JOINERY_DIALECTS: unknown ${unknown.join(', ')} (use sqlite, pg, mysql)`);
  return ALL_DIALECTS.filter((d) => names.includes(d));
}

async function provision(dialect: TestDialect, database: string, file: string): Promise<TestDb> {
  const another = async (name: string) => {
    const db = await testDatabase(dialect, file, name);
    await db.reset();
    return db;
  };
  switch (dialect) {
    case 'sqlite':
      return {
        dialect,
        database: ':memory:',
        // One connection: every connection to :memory: is a database of its own.
        config: { client: 'sqlite', connection: { filename: ':memory:' }, pool: { min: 1, max: 1 } },
        reset: async () => {},
        another,
      };
    case 'pg': {
      await withPg(PG_URL, async (c) => {
        await pgDropDatabase(c, database);
        await c.query(`CREATE DATABASE "${database}"`);
      });
      const url = withDatabase(PG_URL, database);
      return {
        dialect,
        database,
        config: { client: 'pg', connection: url },
        another,
        reset: () =>
          explainReset(database, () =>
            withPg(url, async (c) => {
              await c.query(`SET lock_timeout = '${RESET_LOCK_TIMEOUT_S}s'`);
              await c.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
            }),
          ),
      };
    }
    case 'mysql': {
      const recreate = () =>
        withMysql(async (c) => {
          await c.query(`SET SESSION lock_wait_timeout = ${RESET_LOCK_TIMEOUT_S}`);
          await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
          await c.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
        });
      await recreate();
      return {
        dialect,
        database,
        config: { client: 'mysql', connection: withDatabase(MYSQL_URL, database) },
        reset: () => explainReset(database, recreate),
        another,
      };
    }
  }
}

/** A reset that waits on locks means an earlier test left a connection (in a transaction) open. */
async function explainReset(database: string, reset: () => Promise<void>): Promise<void> {
  try {
    await reset();
  } catch (e) {
    throw new Error(
      `[joinery tests] could not empty ${database}: ${(e as Error).message}. If it timed out on a lock, an earlier test ` +
        'left a connection open: close every orm/driver a test opens (t.teardown(() => orm.close())).',
      { cause: e },
    );
  }
}

async function withPg<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function pgDropDatabase(c: Client, database: string): Promise<void> {
  try {
    // FORCE (PostgreSQL 13+) ends sessions a crashed earlier run may have left behind.
    await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } catch (e) {
    if ((e as { code?: string }).code !== '42601') throw e;
    await c.query(`DROP DATABASE IF EXISTS "${database}"`);
  }
}

async function withMysql<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
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

function serverAddress(dialect: 'pg' | 'mysql'): { host: string; port: number } {
  const u = new URL(dialect === 'pg' ? PG_URL : MYSQL_URL);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port) || (dialect === 'pg' ? 5432 : 3306) };
}

/**
 * TCP-connects to each address in a child process, synchronously (ava registers tests synchronously).
 * A server that accepts the connection but rejects the login is "reachable": provisioning then fails
 * the tests loudly, which is right for a misconfigured server.
 */
function reachability(addresses: { host: string; port: number }[]): boolean[] {
  if (!addresses.length) return [];
  const script = `
    const net = require('node:net');
    const targets = JSON.parse(process.argv[1]);
    Promise.all(targets.map((t) => new Promise((resolve) => {
      const socket = net.connect(t);
      const done = (ok) => { clearTimeout(timer); socket.destroy(); resolve(ok); };
      const timer = setTimeout(() => done(false), ${CONNECT_TIMEOUT_MS});
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    }))).then((r) => process.stdout.write(JSON.stringify(r)));`;
  const out = spawnSync(process.execPath, ['-e', script, JSON.stringify(addresses)], {
    encoding: 'utf8',
    timeout: CONNECT_TIMEOUT_MS + 5000,
  });
  try {
    const parsed = JSON.parse(out.stdout) as boolean[];
    return addresses.map((_, i) => parsed[i] === true);
  } catch {
    return addresses.map(() => false);
  }
}

/**
 * Prints `line` once per ava run, not once per test file: ava runs each file in a child process of
 * its own, so the files share the parent's pid, and an exclusively created marker file decides.
 */
function warnOnce(dialect: TestDialect, line: string): void {
  const dir = tmpdir();
  const marker = join(dir, `joinery-tests-${process.ppid}-${dialect}.warned`);
  try {
    closeSync(openSync(marker, 'wx'));
  } catch {
    return; // another test file of this run already said it
  }
  console.error(line);
  try {
    const dayAgo = Date.now() - 24 * 3600 * 1000;
    for (const name of readdirSync(dir)) {
      if (!/^joinery-tests-\d+-\w+\.warned$/.test(name)) continue;
      const path = join(dir, name);
      if (statSync(path).mtimeMs < dayAgo) unlinkSync(path);
    }
  } catch {
    // Only housekeeping.
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
