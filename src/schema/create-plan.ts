import type { DdlBuilder } from './ddl-builder.js';
import { nativeEnumsOf, type TableSchema } from './schema-model.js';
import { forwardForeignKeys } from './table-order.js';

/**
 * Statements of one connection, split by how they must run. `before` and `after` run on the same
 * connection as `statements` but are session settings, not schema changes (see the executor).
 */
export interface StatementPlan {
  readonly before: readonly string[];
  readonly statements: readonly string[];
  readonly after: readonly string[];
}

/** All statements of a plan in the order they run. */
export function planStatements(plan: StatementPlan): string[] {
  return [...plan.before, ...plan.statements, ...plan.after];
}

/**
 * CREATE statements for `tables` (already in dependency order). FKs that point forward in that order
 * (a cycle) are added once all tables exist on pg and mysql; SQLite cannot add a constraint to an
 * existing table but accepts a reference to a table that does not exist yet, so it declares them all inline.
 */
export function buildCreateStatements(tables: readonly TableSchema[], ddl: DdlBuilder): string[] {
  const forward = ddl.dialect === 'sqlite' ? new Set() : forwardForeignKeys(tables);
  // PostgreSQL enum types first: the tables' columns name them.
  const out: string[] = nativeEnumsOf(tables).map((e) => ddl.createEnumType(e));
  for (const t of tables) {
    out.push(ddl.createTable(t, t.foreignKeys.filter((fk) => !forward.has(fk))));
    out.push(...ddl.createTableIndexes(t));
  }
  for (const t of tables) {
    for (const fk of t.foreignKeys) if (forward.has(fk)) out.push(ddl.addForeignKey(t.name, fk));
  }
  return out;
}

/**
 * DROP statements for `tables`, dependents first. FKs are taken care of per dialect: CASCADE on pg;
 * FK checks off for the session on mysql (reset in `after`, which the executor runs even when a drop
 * fails); on sqlite FK checks deferred to COMMIT, by which time every table is gone, so a cycle with
 * rows in it drops too (the pragma resets itself at the end of the transaction).
 */
export function buildDropPlan(tables: readonly TableSchema[], ddl: DdlBuilder): StatementPlan {
  const statements = [...tables].reverse().map((t) => ddl.dropTable(t.name));
  switch (ddl.dialect) {
    case 'pg':
      return { before: [], statements: [...statements, ...nativeEnumsOf(tables).map((e) => ddl.dropEnumType(e.name))], after: [] };
    case 'mysql':
      return { before: ['set foreign_key_checks = 0'], statements, after: ['set foreign_key_checks = 1'] };
    case 'sqlite':
      return { before: [], statements: ['pragma defer_foreign_keys = on', ...statements], after: [] };
  }
}
