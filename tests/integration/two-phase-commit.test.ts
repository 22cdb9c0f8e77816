// Flushes that write to two databases. With twoPhaseCommit: all-or-nothing, every protocol
// statement logged, and recoverable after the process dies between prepare and commit. Without it:
// committed in declaration order, and a COMMIT failing after another one is a PARTIAL_COMMIT.
// Either way memory is as before a failed flush.
import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import {
  Joinery, TransactionError, UniqueConstraintViolationError,
  type ConnectionConfig, type QueryLogEntry, type RecoveryReport,
} from 'joinery';
import { dialects, fileKey, testDatabase } from '../support/databases.js';
import { Account, LedgerEntry, TWO_PHASE_ENTITIES } from '../fixtures/two-phase.js';

/** A side of a pair: a server dialect, a SQLite file, or SQLite in memory. */
type Side = 'pg' | 'mysql' | 'sqlite' | 'sqlite-memory';
type Pair = readonly [defaultSide: Side, ledgerSide: Side];

const PG_URL = process.env.PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';
/** Exit code of tests/support/two-phase-crash.ts when it died where it was told to. */
const CRASHED = 17;
const XID = /^joinery_[a-z0-9]+_[0-9a-f]{8}_[0-9a-f]{8}$/;

interface Setup {
  orm: Joinery;
  connections: Record<string, ConnectionConfig>;
  log: QueryLogEntry[];
  /** Logged statements as `[connection] sql`, the global transaction ids replaced by `<xid>`. */
  statements(): string[];
  run(connection: string, sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  counts(): Promise<{ accounts: number; entries: number }>;
}

/** Registers `[default+ledger] title` for every pair whose servers are reachable. */
function forEachPair(title: string, pairs: readonly Pair[], impl: (t: ExecutionContext, pair: Pair) => Promise<void>): void {
  const available = new Set<Side>([...dialects(), 'sqlite-memory']);
  for (const pair of pairs) {
    if (!pair.every((s) => available.has(s))) continue;
    test.serial(`[${pair[0]}+${pair[1]}] ${title}`, (t) => impl(t, pair));
  }
}

async function setup(t: ExecutionContext, pair: Pair, opts: { twoPhaseCommit: boolean }): Promise<Setup | undefined> {
  if (opts.twoPhaseCommit && pair.includes('pg') && !(await pgCanPrepare(t))) return undefined;
  const connections = { default: await connectionFor(t, pair[0]), ledger: await connectionFor(t, pair[1], 'ledger') };
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: TWO_PHASE_ENTITIES, connections, twoPhaseCommit: opts.twoPhaseCommit, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  log.length = 0;
  const run = async (connection: string, sql: string, params: unknown[] = []) => (await orm.getDriver(connection).execute({ sql, params })).rows;
  return {
    orm,
    connections,
    log,
    statements: () => log.map((q) => `[${q.connection}] ${q.sql.replace(/'joinery_[a-z0-9_]+'/g, '<xid>')}`),
    run,
    counts: async () => {
      const em = orm.em.fork();
      return { accounts: await em.count(Account, {}), entries: await em.count(LedgerEntry, {}) };
    },
  };
}

async function connectionFor(t: ExecutionContext, side: Side, name?: string): Promise<ConnectionConfig> {
  switch (side) {
    case 'sqlite-memory':
      return { client: 'sqlite', connection: { filename: ':memory:' } };
    case 'sqlite': {
      // A file: the commit decision of a two-phase flush must outlive the process that wrote it.
      const filename = join(tmpdir(), `joinery-2pc-${process.pid}-${Math.random().toString(36).slice(2)}.db`);
      t.teardown(() => rmSync(filename, { force: true }));
      return { client: 'sqlite', connection: { filename } };
    }
    default: {
      const db = await testDatabase(side, test.meta.file, name);
      await db.reset();
      return db.config;
    }
  }
}

/** PostgreSQL refuses PREPARE TRANSACTION unless max_prepared_transactions > 0 (default 0). */
let pgPrepares: Promise<number> | undefined;
async function pgCanPrepare(t: ExecutionContext): Promise<boolean> {
  pgPrepares ??= withPg(PG_URL, async (c) => Number((await c.query('show max_prepared_transactions')).rows[0].max_prepared_transactions));
  if ((await pgPrepares) > 0) return true;
  const message =
    `PostgreSQL at ${PG_URL} has max_prepared_transactions = 0, so two-phase commit cannot be tested on it. ` +
    "Set it (psql -U postgres -c 'ALTER SYSTEM SET max_prepared_transactions = 20', then restart the server; .ci/run does this).";
  if (process.env.CI === 'true') throw new Error(`[joinery tests] ${message}`);
  console.error(`[joinery tests] skipping a two-phase commit test: ${message}`);
  t.log(`skipped: ${message}`);
  t.pass();
  return false;
}

async function withPg<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Starts tests/support/two-phase-crash.js now (it spends most of its life loading modules) and
 * returns the function that tells it what to flush and where to die; that resolves once it died there.
 */
function crashingFlush(t: ExecutionContext): (connections: Record<string, ConnectionConfig>, crashAt: 'after-prepare' | 'after-commit-point' | 'after-branch-commit') => Promise<void> {
  const script = join(__dirname, '..', 'support', 'two-phase-crash.js');
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.teardown(() => child.kill());
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
  return async (connections, crashAt) => {
    child.stdin.end(JSON.stringify({ connections, crashAt, account: 'crash', ref: 'crash' }));
    const code = await exited;
    if (code !== CRASHED) throw new Error(`the flush process exited with ${code} instead of crashing:\n${output}`);
  };
}

/**
 * Recovery, repeated while a MySQL/MariaDB branch is still attached to the dead process's session:
 * the server lets go of it only once it has noticed the disconnect.
 */
async function recover(orm: Joinery): Promise<RecoveryReport> {
  for (let attempt = 0; ; attempt++) {
    const report = await orm.recoverPreparedTransactions();
    const inUse = report.flushes.some((f) => f.branches.some((b) => b.result === 'in use'));
    if (!inUse || attempt === 50) return report;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Nothing of ours is left prepared: recovery finds nothing, and pg's catalog agrees. */
async function assertNothingPrepared(t: ExecutionContext, s: Setup): Promise<void> {
  const again = await s.orm.recoverPreparedTransactions();
  t.deepEqual(again, { flushes: [], errors: [] });
  for (const name of ['default', 'ledger']) {
    if (s.connections[name]!.client !== 'pg') continue;
    t.deepEqual(await s.run(name, 'select gid from pg_prepared_xacts where database = current_database()'), [], name);
  }
}

const BRANCH_SQL = {
  pg: { begin: 'BEGIN;', prepare: ['PREPARE TRANSACTION <xid>'], commit: 'COMMIT PREPARED <xid>', rollback: 'ROLLBACK PREPARED <xid>' },
  mysql: { begin: 'XA START <xid>', prepare: ['XA END <xid>', 'XA PREPARE <xid>'], commit: 'XA COMMIT <xid>', rollback: 'XA ROLLBACK <xid>' },
};

// ---------------------------------------------------------------- two-phase commit

forEachPair('twoPhaseCommit: prepare, record the decision, commit; every statement logged', [['pg', 'mysql'], ['mysql', 'pg'], ['pg', 'pg'], ['mysql', 'mysql'], ['sqlite', 'pg'], ['mysql', 'sqlite']], async (t, pair) => {
  const s = await setup(t, pair, { twoPhaseCommit: true });
  if (!s) return;
  const em = s.orm.em.fork();
  const account = em.create(Account, { name: 'ann', balance: 10 });
  const entry = em.create(LedgerEntry, { ref: 'r1', amount: 10 });
  await em.flush();
  t.is(typeof account.id, 'number');
  t.is(typeof entry.id, 'number');
  t.deepEqual(await s.counts(), { accounts: 1, entries: 1 });

  // The second flush has nothing to set up: the exact protocol, statement by statement.
  s.log.length = 0;
  em.create(Account, { name: 'bob', balance: 20 });
  em.create(LedgerEntry, { ref: 'r2', amount: 20 });
  await em.flush();
  const sqlite = pair.indexOf('sqlite');
  const coordinator = sqlite >= 0 ? (['default', 'ledger'] as const)[sqlite] : 'default';
  const branch = coordinator === 'default' ? 'ledger' : 'default';
  const b = BRANCH_SQL[pair[branch === 'default' ? 0 : 1] as 'pg' | 'mysql'];
  const [p1, p2] = s.connections[coordinator]!.client === 'pg' ? ['$1', '$2'] : ['?', '?'];
  const protocol = s.statements().filter((q) => !/ INSERT INTO ["`]tp_/.test(q));
  t.deepEqual(protocol, [
    `[${coordinator}] BEGIN;`,
    `[${branch}] ${b.begin}`,
    ...b.prepare.map((p) => `[${branch}] ${p}`),
    `[${coordinator}] insert into joinery_commit_decisions (flush_id, outcome) values (${p1}, ${p2})`,
    `[${coordinator}] COMMIT;`,
    `[${branch}] ${b.commit}`,
    `[${coordinator}] delete from joinery_commit_decisions where flush_id = ${p1} and outcome = ${p2}`,
  ]);
  const xids = s.log.filter((q) => q.connection === branch && /joinery_/.test(q.sql)).map((q) => /'([^']+)'/.exec(q.sql)![1]!);
  t.true(xids.every((x) => XID.test(x) && x === xids[0]), xids.join(' '));
  t.deepEqual(await s.run(coordinator, 'select flush_id from joinery_commit_decisions'), [], 'the decision is forgotten once every branch committed');
  t.deepEqual(await s.counts(), { accounts: 2, entries: 2 });
  await assertNothingPrepared(t, s);
});

forEachPair('twoPhaseCommit: a failing statement on the second connection rolls back both; memory as before; retry works', [['pg', 'mysql'], ['mysql', 'pg']], async (t, pair) => {
  const s = await setup(t, pair, { twoPhaseCommit: true });
  if (!s) return;
  const em0 = s.orm.em.fork();
  em0.create(LedgerEntry, { ref: 'taken', amount: 1 });
  await em0.flush();

  const em = s.orm.em.fork();
  const account = em.create(Account, { name: 'ann', balance: 10 });
  const entry = em.create(LedgerEntry, { ref: 'taken', amount: 10 });
  await t.throwsAsync(em.flush(), { instanceOf: UniqueConstraintViolationError });
  t.is(account.id as number | undefined, undefined);
  t.is(entry.id as number | undefined, undefined);
  t.deepEqual(await s.counts(), { accounts: 0, entries: 1 });
  t.true(s.statements().some((q) => /^\[ledger\] (XA ROLLBACK|ROLLBACK)/.test(q)), s.statements().join('\n'));
  await assertNothingPrepared(t, s);

  entry.ref = 'free';
  await em.flush();
  t.is(typeof account.id, 'number');
  t.deepEqual(await s.counts(), { accounts: 1, entries: 2 });
});

forEachPair('twoPhaseCommit: a PREPARE that fails (deferred constraint) rolls back both', [['mysql', 'pg'], ['pg', 'pg']], async (t, pair) => {
  const s = await setup(t, pair, { twoPhaseCommit: true });
  if (!s) return;
  await s.run('ledger', 'alter table tp_entries add constraint tp_entries_amount_once unique (amount) deferrable initially deferred');
  const em = s.orm.em.fork();
  const account = em.create(Account, { name: 'ann', balance: 10 });
  em.create(LedgerEntry, { ref: 'r1', amount: 5 });
  em.create(LedgerEntry, { ref: 'r2', amount: 5 });
  await t.throwsAsync(em.flush(), { instanceOf: UniqueConstraintViolationError });
  t.true(s.statements().includes('[ledger] PREPARE TRANSACTION <xid>'));
  t.is(account.id as number | undefined, undefined);
  t.deepEqual(await s.counts(), { accounts: 0, entries: 0 });
  await assertNothingPrepared(t, s);
});

forEachPair("twoPhaseCommit: a failing COMMIT of the coordinator rolls back the prepared branch and records 'rollback'", [['pg', 'mysql'], ['pg', 'pg']], async (t, pair) => {
  const s = await setup(t, pair, { twoPhaseCommit: true });
  if (!s) return;
  await s.run('default', 'alter table tp_accounts add constraint tp_accounts_balance_once unique (balance) deferrable initially deferred');
  const em = s.orm.em.fork();
  em.create(Account, { name: 'ann', balance: 7 });
  em.create(Account, { name: 'bob', balance: 7 });
  const entry = em.create(LedgerEntry, { ref: 'r1', amount: 7 });
  await t.throwsAsync(em.flush(), { instanceOf: UniqueConstraintViolationError });
  t.is(entry.id as number | undefined, undefined);
  const statements = s.statements();
  t.true(statements.includes(`[ledger] ${BRANCH_SQL[pair[1] as 'pg' | 'mysql'].rollback}`), statements.join('\n'));
  t.deepEqual((await s.run('default', 'select outcome from joinery_commit_decisions')).map((r) => r.outcome), ['rollback']);
  t.deepEqual(await s.counts(), { accounts: 0, entries: 0 });
  await assertNothingPrepared(t, s);
});

forEachPair('twoPhaseCommit: em.transactional commits both connections by two-phase commit', [['pg', 'mysql']], async (t, pair) => {
  const s = await setup(t, pair, { twoPhaseCommit: true });
  if (!s) return;
  await s.orm.em.fork().transactional(async (em) => {
    em.create(Account, { name: 'ann', balance: 1 });
    em.create(LedgerEntry, { ref: 'r1', amount: 1 });
  });
  t.true(s.statements().includes('[ledger] XA PREPARE <xid>'));
  t.deepEqual(await s.counts(), { accounts: 1, entries: 1 });
});

forEachPair('twoPhaseCommit refuses a flush whose commit decision would live in memory, or two SQLite connections', [['sqlite-memory', 'pg'], ['sqlite-memory', 'sqlite-memory']], async (t, pair) => {
  const s = await setup(t, pair, { twoPhaseCommit: true });
  if (!s) return;
  const em = s.orm.em.fork();
  const account = em.create(Account, { name: 'ann', balance: 1 });
  em.create(LedgerEntry, { ref: 'r1', amount: 1 });
  const err = await t.throwsAsync(em.flush(), { instanceOf: TransactionError });
  t.is(err!.code, 'TWO_PHASE_COMMIT_UNSUPPORTED');
  t.regex(err!.message, pair[1] === 'pg' ? /in-memory SQLite database.*database file/ : /'default', 'ledger'.*cannot prepare/);
  t.is(account.id as number | undefined, undefined);
  t.deepEqual(await s.counts(), { accounts: 0, entries: 0 });
});

// ---------------------------------------------------------------- a crash between prepare and commit

forEachPair('a process killed after PREPARE, before the decision: recovery rolls back everywhere', [['pg', 'mysql'], ['pg', 'pg'], ['sqlite', 'mysql']], async (t, pair) => {
  const flushAndCrash = crashingFlush(t);
  const s = await setup(t, pair, { twoPhaseCommit: true });
  if (!s) return;
  await flushAndCrash(s.connections, 'after-prepare');
  t.deepEqual(await s.counts(), { accounts: 0, entries: 0 }, 'a prepared branch is invisible, the coordinator never committed');

  const report = await recover(s.orm);
  t.deepEqual(report.errors, []);
  t.is(report.flushes.length, 1);
  const [flush] = report.flushes;
  t.is(flush!.coordinator, 'default');
  t.is(flush!.decision, 'rollback');
  t.deepEqual(flush!.branches.map((b) => [b.connection, b.result]), [['ledger', 'rolled back']]);
  t.regex(flush!.branches[0]!.xid, XID);
  t.deepEqual(await s.counts(), { accounts: 0, entries: 0 });
  await assertNothingPrepared(t, s);
});

forEachPair('a process killed after the commit point: recovery commits the prepared branch', [['pg', 'mysql'], ['mysql', 'pg'], ['sqlite', 'pg']], async (t, pair) => {
  const flushAndCrash = crashingFlush(t);
  const s = await setup(t, pair, { twoPhaseCommit: true });
  if (!s) return;
  await flushAndCrash(s.connections, 'after-commit-point');
  t.deepEqual(await s.counts(), { accounts: 1, entries: 0 }, 'the coordinator committed, the branch is still prepared');

  const report = await recover(s.orm);
  t.deepEqual(report.errors, []);
  t.is(report.flushes.length, 1);
  t.is(report.flushes[0]!.decision, 'commit');
  t.deepEqual(report.flushes[0]!.branches.map((b) => [b.connection, b.result]), [['ledger', 'committed']]);
  t.deepEqual(await s.counts(), { accounts: 1, entries: 1 });
  t.deepEqual(await s.run('default', 'select flush_id from joinery_commit_decisions'), [], 'a finished commit needs no decision row');
  await assertNothingPrepared(t, s);
});

forEachPair('a process killed after committing the branches, before removing the decision: recovery removes the commit row', [['pg', 'mysql'], ['mysql', 'pg'], ['mysql', 'mysql'], ['sqlite', 'mysql']], async (t, pair) => {
  const flushAndCrash = crashingFlush(t);
  const s = await setup(t, pair, { twoPhaseCommit: true });
  if (!s) return;
  await flushAndCrash(s.connections, 'after-branch-commit');
  t.deepEqual(await s.counts(), { accounts: 1, entries: 1 }, 'everything is committed');
  t.is((await s.run('default', "select flush_id from joinery_commit_decisions where outcome = 'commit'")).length, 1, 'the crash left the decision row');

  const report = await recover(s.orm);
  t.deepEqual(report, { flushes: [], errors: [] }, 'no branch is left to finish');
  t.deepEqual(await s.run('default', 'select flush_id from joinery_commit_decisions'), [], 'the finished commit needs no decision row');
  t.deepEqual(await s.counts(), { accounts: 1, entries: 1 });
  await assertNothingPrepared(t, s);
});

forEachPair("recovery leaves other prepared transactions alone (other applications', other databases')", [['pg', 'pg']], async (t, pair) => {
  const s = await setup(t, pair, { twoPhaseCommit: true });
  if (!s) return;
  const foreign = ['other_app_1', 'joinery_mwqz0ytd44df15ae52e3_deadbeef_deadbeef'];
  t.teardown(() => withPg(pgUrlOf(s.connections.ledger!), async (c) => {
    for (const gid of foreign) await c.query(`rollback prepared '${gid}'`).catch(() => undefined);
  }));
  await withPg(pgUrlOf(s.connections.ledger!), async (c) => {
    for (const gid of foreign) {
      await c.query('begin');
      await c.query(`insert into tp_entries (ref, amount) values ('${gid}', 1)`);
      await c.query(`prepare transaction '${gid}'`);
    }
  });
  const report = await s.orm.recoverPreparedTransactions();
  t.deepEqual(report, { flushes: [], errors: [] });
  const left = (await s.run('ledger', 'select gid from pg_prepared_xacts where database = current_database() order by gid')).map((r) => r.gid);
  t.deepEqual(left, [...foreign].sort());
});

function pgUrlOf(config: ConnectionConfig): string {
  return config.connection as string;
}

// ---------------------------------------------------------------- without two-phase commit

forEachPair('without twoPhaseCommit: connections commit one after the other, in declaration order', [['pg', 'mysql'], ['mysql', 'pg'], ['sqlite-memory', 'pg']], async (t, pair) => {
  const s = await setup(t, pair, { twoPhaseCommit: false });
  if (!s) return;
  const em = s.orm.em.fork();
  em.create(LedgerEntry, { ref: 'r1', amount: 1 }); // written first, committed second
  em.create(Account, { name: 'ann', balance: 1 });
  await em.flush();
  // (pg's BEGIN also takes the transaction id: see the lost-COMMIT tests)
  const ends = s.statements().filter((q) => /\] (BEGIN|COMMIT)/.test(q)).map((q) => q.replace(/BEGIN;.*/, 'BEGIN;'));
  t.deepEqual(ends, ['[ledger] BEGIN;', '[default] BEGIN;', '[default] COMMIT;', '[ledger] COMMIT;']);
  t.false(s.statements().some((q) => /PREPARE|XA |joinery_commit_decisions/.test(q)));
});

forEachPair('without twoPhaseCommit: a COMMIT failing after another committed is a PARTIAL_COMMIT; memory as before', [['mysql', 'pg'], ['pg', 'pg']], async (t, pair) => {
  const s = await setup(t, pair, { twoPhaseCommit: false });
  if (!s) return;
  await s.run('ledger', 'alter table tp_entries add constraint tp_entries_amount_once unique (amount) deferrable initially deferred');
  const em = s.orm.em.fork();
  const account = em.create(Account, { name: 'ann', balance: 10 });
  const e1 = em.create(LedgerEntry, { ref: 'r1', amount: 5 });
  em.create(LedgerEntry, { ref: 'r2', amount: 5 });
  const err = await t.throwsAsync(em.flush(), { instanceOf: TransactionError });
  t.is(err!.code, 'PARTIAL_COMMIT');
  t.deepEqual(err!.committed, ['default']);
  t.deepEqual(err!.rolledBack, ['ledger']);
  t.true(err!.cause instanceof UniqueConstraintViolationError);
  t.regex(err!.message, /'ledger' failed .* after 'default' had committed.*twoPhaseCommit: true/s);
  // What is left behind: the first connection's changes.
  t.deepEqual(await s.counts(), { accounts: 1, entries: 0 });
  // Memory is as before the flush, even though one COMMIT went through.
  t.is(account.id as number | undefined, undefined);
  t.is(e1.id as number | undefined, undefined);
});

forEachPair('without twoPhaseCommit: when the first COMMIT fails, the rest is rolled back and the error is the original one', [['pg', 'mysql']], async (t, pair) => {
  const s = await setup(t, pair, { twoPhaseCommit: false });
  if (!s) return;
  await s.run('default', 'alter table tp_accounts add constraint tp_accounts_balance_once unique (balance) deferrable initially deferred');
  const em = s.orm.em.fork();
  em.create(Account, { name: 'ann', balance: 7 });
  em.create(Account, { name: 'bob', balance: 7 });
  const entry = em.create(LedgerEntry, { ref: 'r1', amount: 7 });
  await t.throwsAsync(em.flush(), { instanceOf: UniqueConstraintViolationError });
  t.is(entry.id as number | undefined, undefined);
  t.deepEqual(await s.counts(), { accounts: 0, entries: 0 });
  t.deepEqual(s.statements().filter((q) => /\] (COMMIT|ROLLBACK)/.test(q)), ['[default] COMMIT;', '[ledger] ROLLBACK']);
});

// ---------------------------------------------------------------- housekeeping

/**
 * A run that died half-way may have left prepared transactions in this file's databases, which
 * would block dropping them: roll back whatever is prepared there before any test provisions them.
 * MySQL/MariaDB do not say which database an XA branch wrote to; joinery's branch tag does (see
 * docs-site/two-phase-commit.md).
 */
test.before(async () => {
  const base = `joinery_${fileKey(test.meta.file)}`;
  const names = { default: base, ledger: `joinery_${fileKey(test.meta.file, 'ledger')}` };
  const available = dialects();
  if (available.includes('pg')) {
    const left = await withPg(PG_URL, async (c) => (await c.query('select gid, database from pg_prepared_xacts where database like $1', [`${base}%`])).rows);
    for (const { gid, database } of left as { gid: string; database: string }[]) {
      const u = new URL(PG_URL);
      u.pathname = `/${database}`;
      await withPg(u.toString(), (c) => c.query(`rollback prepared '${gid}'`));
    }
  }
  if (available.includes('mysql')) {
    const tag = (connection: string, database: string) => createHash('sha1').update(`${connection}\u0000mysql\u0000${database}`).digest('hex').slice(0, 8);
    const ours = new Set(Object.entries(names).map(([connection, database]) => tag(connection, database)));
    const conn = await createConnection({ uri: MYSQL_URL });
    try {
      const [rows] = await conn.query('XA RECOVER');
      for (const r of rows as { data: string | Buffer; gtrid_length: number }[]) {
        const xid = String(r.data).slice(0, Number(r.gtrid_length));
        if (XID.test(xid) && ours.has(xid.slice(-8))) await conn.query(`XA ROLLBACK '${xid}'`);
      }
    } finally {
      await conn.end();
    }
  }
});
