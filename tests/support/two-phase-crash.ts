/**
 * A process that dies in the middle of a two-phase commit, for the recovery tests: it flushes one
 * Account (connection `default`) and one LedgerEntry (connection `ledger`) with twoPhaseCommit, and
 * exits with code 17 the moment the database has answered the chosen statement, leaving its
 * transactions as a crash would (the servers see the connections drop).
 *
 *     echo '{"connections": {...}, "crashAt": "after-prepare", "account": "a", "ref": "r"}' | node two-phase-crash.js
 *
 * The orders come on stdin so that a test can start the process (loading modules takes most of its
 * time) while it prepares the databases.
 *
 * - `after-prepare`: after the PREPARE of the (one) branch, before the commit decision;
 * - `after-commit-point`: after the coordinator's COMMIT, which carries the decision, before
 *   any branch is committed;
 * - `after-branch-commit`: after the (one) branch's COMMIT PREPARED / XA COMMIT, before the
 *   decision row is removed.
 *
 * Exits 0 if the flush completes (the caller treats that as a failure), 1 on an error.
 */
import { Joinery, type ConnectionConfig } from 'joinery';
import { Account, LedgerEntry, TWO_PHASE_ENTITIES } from '../fixtures/two-phase.js';

const CRASHED = 17;

const CRASH_POINTS = ['after-prepare', 'after-commit-point', 'after-branch-commit'] as const;
type CrashPoint = (typeof CRASH_POINTS)[number];

interface Orders {
  connections: Record<string, ConnectionConfig>;
  crashAt: CrashPoint;
  account: string;
  ref: string;
}

async function readOrders(): Promise<Orders> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const orders = JSON.parse(text) as Orders;
  if (!orders.connections || !CRASH_POINTS.includes(orders.crashAt) || !orders.account || !orders.ref) {
    throw new Error(`two-phase-crash: bad orders on stdin: ${text}`);
  }
  return orders;
}

async function main(): Promise<void> {
  const { connections, crashAt, account, ref } = await readOrders();
  const orm = await Joinery.init({
    entities: TWO_PHASE_ENTITIES,
    connections,
    twoPhaseCommit: true,
    // The logger runs right after the database answered a statement: the place to pull the plug.
    logger: (q) => {
      const prepared = /^(PREPARE TRANSACTION|XA PREPARE) /.test(q.sql);
      const committed = q.sql === 'COMMIT;'; // in a two-phase flush only the coordinator sends a plain COMMIT
      const branchCommitted = /^(COMMIT PREPARED|XA COMMIT) /.test(q.sql);
      if ((crashAt === 'after-prepare' && prepared) || (crashAt === 'after-commit-point' && committed) || (crashAt === 'after-branch-commit' && branchCommitted)) {
        process.exit(CRASHED);
      }
    },
  });
  const em = orm.em.fork();
  em.create(Account, { name: account, balance: 100 });
  em.create(LedgerEntry, { ref, amount: 100 });
  await em.flush();
  await orm.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
