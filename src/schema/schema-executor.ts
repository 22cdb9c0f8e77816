import type { Driver, DriverTransaction } from '../drivers/driver.js';
import { ForeignKeyConstraintViolationError } from '../errors/driver-errors.js';
import { UsageError } from '../errors/usage-error.js';
import type { StatementPlan } from './create-plan.js';

/**
 * Runs a plan on its connection, every statement through `driver.execute` so the user's logger sees
 * DDL too:
 * - pg: all in one transaction (PostgreSQL has transactional DDL: a failed create leaves nothing);
 * - sqlite: all in one transaction; `before`/`after` (FK enforcement off and back on around a table
 *   rebuild) outside it, because that pragma is a no-op inside a transaction;
 * - mysql: DDL commits implicitly, so statements simply run in order, except when the plan has
 *   session settings (`foreign_key_checks` for a drop): then a transaction pins them to one pooled
 *   connection, and `after` runs even when a statement fails so that connection goes back clean.
 */
/**
 * Schema changes skip commit settling: running a schema update again after a lost COMMIT reply is
 * harmless (it compares with the live schema first), and on MySQL a marker row written before DDL
 * would be committed by the DDL itself.
 */
const NO_SETTLING = { settleLostCommit: false } as const;

export async function runPlan(driver: Driver, plan: StatementPlan): Promise<void> {
  switch (driver.dialect) {
    case 'pg':
      if (plan.statements.length === 0) return;
      await driver.transaction((trx) => runAll(driver, [...plan.before, ...plan.statements, ...plan.after], trx), NO_SETTLING);
      return;
    case 'sqlite':
      return runSqlite(driver, plan);
    case 'mysql':
      if (plan.before.length === 0 && plan.after.length === 0) {
        await runAll(driver, plan.statements);
        return;
      }
      await driver.transaction(async (trx) => {
        await runAll(driver, plan.before, trx);
        try {
          await runAll(driver, plan.statements, trx);
        } finally {
          await runAll(driver, plan.after, trx);
        }
      }, NO_SETTLING);
      return;
  }
}

async function runSqlite(driver: Driver, plan: StatementPlan): Promise<void> {
  if (plan.statements.length === 0) return;
  // Only switch enforcement off (and back on) if it is on: never turn on what the user turned off.
  const toggle = plan.before.length > 0 && (await foreignKeysEnabled(driver));
  if (toggle) await runAll(driver, plan.before);
  try {
    await driver.transaction(async (trx) => {
      // The pragma and the transaction must share a connection: were enforcement still on here,
      // dropping the old table would fire ON DELETE CASCADE into the tables that reference it.
      if (toggle && (await foreignKeysEnabled(driver, trx))) {
        throw new UsageError(
          'SCHEMA_REBUILD_UNSAFE',
          `Connection '${driver.connectionName}': the schema update must rebuild SQLite tables with foreign keys off, but the ` +
            'transaction ran on another pooled connection than the pragma. Use a pool of one connection (pool: { max: 1 }) for the update.',
        );
      }
      await runAll(driver, plan.statements, trx);
    }, NO_SETTLING);
  } finally {
    if (toggle) await runAll(driver, plan.after);
  }
}

async function runAll(driver: Driver, statements: readonly string[], trx?: DriverTransaction): Promise<void> {
  for (const sql of statements) {
    const result = await driver.execute({ sql, params: [] }, trx);
    // `pragma foreign_key_check` reports violations as rows instead of failing; a rebuild that left
    // any must not commit.
    if (/^pragma foreign_key_check\b/i.test(sql) && result.rows.length > 0) {
      const first = result.rows[0]!;
      const table = String(first.table ?? '');
      throw new ForeignKeyConstraintViolationError(
        `Rebuilding tables for the schema update left ${result.rows.length} row(s) whose foreign key points nowhere ` +
          `(first: ${table} rowid ${String(first.rowid)} -> ${String(first.parent)}). Nothing was changed. ` +
          `Fix or delete those rows, then run the update again.`,
        { table, connection: driver.connectionName, sql },
        undefined,
      );
    }
  }
}

async function foreignKeysEnabled(driver: Driver, trx?: DriverTransaction): Promise<boolean> {
  const { rows } = await driver.execute({ sql: 'pragma foreign_keys', params: [] }, trx);
  return Number(rows[0]?.foreign_keys ?? 0) === 1;
}
