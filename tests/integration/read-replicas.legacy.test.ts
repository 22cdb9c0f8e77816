// Read replicas against a real PostgreSQL streaming replica: a second cluster cloned from the test
// server with pg_basebackup -R, started on a free port for this file and removed at the end. Replay
// on the replica is paused to make it lag, which shows where each read ran: a replica read misses
// what the primary already has.
//
// Needs a replication line in the server's pg_hba.conf (.ci/run adds one) and the server's own
// binaries (found through the server's pg_config, or `pg_config --bindir`). When run as root, the
// replica runs as the `postgres` OS user. Locally a replica that cannot be made skips the tests with
// a loud line; under CI=true it fails them.
import test, { type ExecutionContext } from 'ava';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Entity, Joinery, PrimaryKey, Property, type QueryLogEntry } from 'joinery';
import { dialects, testDatabase } from '../support/databases.js';

@Entity()
class Note {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) body!: string;
}

// One run of a streaming replica is enough (the routing does not depend on the decorator flavour),
// so this file is `.legacy.test.ts`: the standard build leaves it out.
const IN_CI = process.env.CI === 'true';

interface Standby {
  readonly port: number;
  readonly dir: string;
  stop(): void;
}

interface Setup {
  orm: Joinery;
  log: QueryLogEntry[];
  primary: Client;
  replica: Client;
  standby: Standby;
}

let setup: Setup | undefined;
let skipReason: string | undefined;

test.before(async () => {
  if (!dialects().includes('pg')) return void (skipReason = 'PostgreSQL is not reachable');
  const db = await testDatabase('pg', __filename);
  const url = new URL(db.config.connection as string);
  let standby: Standby;
  try {
    standby = await startStandby(url);
  } catch (e) {
    const message = `[joinery tests] could not create a PostgreSQL streaming replica for read-replicas.test: ${e instanceof Error ? e.message : String(e)}`;
    if (IN_CI) throw new Error(`${message}\n(.ci/run allows replication connections in pg_hba.conf; see docs-site/read-replicas.md)`);
    console.error(`\n${message}\n[joinery tests] SKIPPING the read replica tests (set CI=true to make this a failure)\n`);
    skipReason = 'no replica';
    return;
  }
  const replicaUrl = new URL(url);
  replicaUrl.port = String(standby.port);
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({
    entities: [Note],
    client: 'pg',
    connection: url.href,
    replicas: [{ connection: replicaUrl.href }],
    logger: (q) => log.push(q),
  });
  const primary = new Client({ connectionString: url.href });
  const replica = new Client({ connectionString: replicaUrl.href });
  await primary.connect();
  await replica.connect();
  setup = { orm, log, primary, replica, standby };
  await orm.schema.create();
  await caughtUp(setup);
});

test.after.always(async () => {
  if (!setup) return;
  await setup.orm.close().catch(() => {});
  await setup.primary.end().catch(() => {});
  await setup.replica.end().catch(() => {});
  setup.standby.stop();
});

/** Runs `fn` with the fixture and replay paused on the replica; resumes and waits for it after. */
function replicaTest(title: string, fn: (t: ExecutionContext, s: Setup) => Promise<void>): void {
  test.serial(title, async (t) => {
    if (!setup) {
      t.log(`skipped: ${skipReason ?? 'no replica'}`);
      t.pass();
      return;
    }
    const s = setup;
    await s.primary.query('truncate notes restart identity');
    await caughtUp(s);
    await s.replica.query('select pg_wal_replay_pause()');
    await until(async () => (await s.replica.query<{ state: string }>('select pg_get_wal_replay_pause_state() as state')).rows[0]!.state === 'paused');
    s.log.length = 0;
    try {
      await fn(t, s);
    } finally {
      await s.replica.query('select pg_wal_replay_resume()');
    }
    await caughtUp(s);
  });
}

/** Where the statements matching `sql` ran, per the logger's `connection` field. */
function ranOn(s: Setup, sql: RegExp): string[] {
  return s.log.filter((q) => sql.test(q.sql)).map((q) => q.connection);
}

replicaTest('a read outside a transaction runs on the replica, which lags while replay is paused', async (t, s) => {
  await s.primary.query("insert into notes (body) values ('written behind the replica''s back')");
  const em = s.orm.em.fork();
  t.deepEqual(await em.find(Note, {}), []);
  t.is(await em.count(Note, {}), 0);
  t.deepEqual(ranOn(s, /^select/i), ['default:replica0', 'default:replica0']);
  // The pool named replica0 is the standby, and the primary has the row.
  const [replicaDriver] = s.orm.getReplicaDrivers();
  t.deepEqual((await replicaDriver!.execute({ sql: 'select pg_is_in_recovery() as r', params: [] })).rows, [{ r: true }]);
  t.is((await em.find(Note, {}, { readFrom: 'primary' })).length, 1);
});

replicaTest('read-your-writes: after its flush a fork reads from the primary; another fork still reads the replica', async (t, s) => {
  const writer = s.orm.em.fork();
  const reader = s.orm.em.fork();
  t.deepEqual(await writer.find(Note, {}), []);
  writer.create(Note, { body: 'mine' });
  await writer.flush();
  writer.clear();
  t.deepEqual((await writer.find(Note, {})).map((n) => n.body), ['mine']);
  t.deepEqual(await writer.findAndCount(Note, {}).then(([items, total]) => [items.length, total]), [1, 1]);
  t.deepEqual(await reader.find(Note, {}), []);
  t.deepEqual(ranOn(s, /^select/i), ['default:replica0', 'default', 'default', 'default', 'default:replica0']);
  t.deepEqual(ranOn(s, /^insert/i), ['default']);
});

replicaTest('reads inside transactional run on the primary, in the transaction', async (t, s) => {
  await s.primary.query("insert into notes (body) values ('committed on the primary')");
  const em = s.orm.em.fork();
  const inside = await em.transactional(async (tem) => (await tem.find(Note, {})).map((n) => n.body));
  t.deepEqual(inside, ['committed on the primary']);
  t.deepEqual(ranOn(s, /^(begin|select|commit)/i), ['default', 'default', 'default']);
  // That transactional wrote nothing, so this fork still reads the (lagging) replica.
  t.deepEqual(await em.find(Note, {}), []);
});

replicaTest('refresh and readFrom: primary read the new value while the replica has the old one', async (t, s) => {
  await s.primary.query("insert into notes (body) values ('old')");
  await s.replica.query('select pg_wal_replay_resume()');
  await caughtUp(s);
  await s.replica.query('select pg_wal_replay_pause()');
  await until(async () => (await s.replica.query<{ state: string }>('select pg_get_wal_replay_pause_state() as state')).rows[0]!.state === 'paused');
  await s.primary.query("update notes set body = 'new'");
  const em = s.orm.em.fork();
  const note = await em.findOneOrFail(Note, { body: 'old' });
  t.is(note.body, 'old');
  await em.refresh(note);
  t.is(note.body, 'new');
  t.is((await em.fork().findOne(Note, { body: 'new' }, { readFrom: 'primary' }))?.body, 'new');
  t.is(await em.fork().findOne(Note, { body: 'new' }), null);
  t.deepEqual(ranOn(s, /^select/i), ['default:replica0', 'default', 'default', 'default:replica0']);
});

// ------------------------------------------------------------------------------------ the replica

/** Waits until the replica has replayed everything the primary has written so far. */
async function caughtUp(s: Setup): Promise<void> {
  const { rows } = await s.primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  const lsn = rows[0]!.lsn;
  await until(async () => (await s.replica.query<{ ok: boolean }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [lsn])).rows[0]!.ok);
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`the replica did not get there within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Clones the server at `url` with pg_basebackup -R into a temporary directory and starts it as a hot
 * standby on a free port. The server's own binaries are used (its `pg_config` view says where they
 * are), so the clone runs the same major version.
 */
async function startStandby(url: URL): Promise<Standby> {
  const bin = await serverBinDir(url);
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? run('id', ['-u', 'postgres'], 'find the postgres OS user (PostgreSQL refuses to run as root)').stdout.trim() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'joinery-replica-'));
  const data = join(dir, 'data');
  const port = await freePort();
  // As the postgres user when we are root: the server refuses to run as root, and its files must be its own.
  const asServer = (cmd: string, args: string[], what: string) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], what) : run(join(bin, cmd), args, what);
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      spawnSync(asRoot ? 'runuser' : join(bin, 'pg_ctl'), [...(asRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []), '-D', data, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore' });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    if (owner) run('chown', [owner, dir], 'hand the replica directory to postgres');
    asServer('pg_basebackup', [
      '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username) || 'postgres',
      '-D', data, '-R', '-X', 'stream', '-c', 'fast', '--no-sync', '--no-manifest',
    ], 'clone the server with pg_basebackup (does pg_hba.conf allow replication connections from this host?)');
    // Debian keeps postgresql.conf and pg_hba.conf outside the data directory: the clone gets its
    // own. Settings a standby needs at least as high as its primary's are copied from the primary.
    const primary = new Client({ connectionString: url.href });
    await primary.connect();
    const { rows } = await primary.query<{ name: string; setting: string }>(
      "select name, setting from pg_settings where name in ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')",
    );
    await primary.end();
    writeFileSync(join(data, 'postgresql.conf'), [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      `hba_file = '${join(data, 'pg_hba.conf')}'`,
      `ident_file = '${join(data, 'pg_ident.conf')}'`,
      'shared_buffers = 16MB',
      'fsync = off',
      ...rows.map((r) => `${r.name} = ${r.setting}`),
      '',
    ].join('\n'));
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    writeFileSync(join(data, 'pg_ident.conf'), '');
    if (owner) run('chown', ['-R', owner, data], 'hand the replica files to postgres');
    chmodSync(data, 0o700);
    started = true;
    asServer('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', 'start'], `start the replica on port ${port} (see ${join(dir, 'server.log')})`);
    return { port, dir, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

/** Where the server's binaries are: its `pg_config` view (superuser), else `pg_config --bindir`. */
async function serverBinDir(url: URL): Promise<string> {
  const candidates: string[] = [];
  const client = new Client({ connectionString: url.href });
  await client.connect();
  try {
    const { rows } = await client.query<{ setting: string }>("select setting from pg_config where name = 'BINDIR'");
    if (rows[0]) candidates.push(rows[0].setting);
  } catch {
    // Not a superuser: the view is not readable.
  } finally {
    await client.end();
  }
  const local = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (local.status === 0) candidates.push(local.stdout.trim());
  const found = candidates.find((d) => ['pg_basebackup', 'pg_ctl', 'postgres'].every((b) => existsSync(join(d, b))));
  if (!found) throw new Error(`no directory with pg_basebackup, pg_ctl and postgres found (tried: ${candidates.join(', ') || 'none'})`);
  return found;
}

function run(cmd: string, args: string[], what: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    const output = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim();
    throw new Error(`could not ${what}: ${r.error?.message ?? output.split('\n').slice(-3).join(' | ')}`);
  }
  return r;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
