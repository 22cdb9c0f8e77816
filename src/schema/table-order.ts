import type { TableSchema } from './schema-model.js';

/**
 * Tables ordered so that a table comes after the tables its FKs reference, keeping the given order
 * otherwise. In a cycle the table met first wins and the edge that closes the cycle is ignored:
 * that FK then points forward and is added after the tables (pg, mysql) or declared inline, which
 * SQLite allows (sqlite).
 */
export function sortTablesByDependency(tables: readonly TableSchema[]): TableSchema[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: TableSchema[] = [];
  const visit = (t: TableSchema): void => {
    if (done.has(t.name) || visiting.has(t.name)) return;
    visiting.add(t.name);
    for (const fk of t.foreignKeys) {
      const target = byName.get(fk.referencedTable);
      if (target && target !== t) visit(target);
    }
    visiting.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

/**
 * FKs whose referenced table is created later than their own table (cycle back-edges): on pg and
 * mysql these are added with ALTER TABLE once every table exists.
 */
export function forwardForeignKeys(ordered: readonly TableSchema[]): Set<TableSchema['foreignKeys'][number]> {
  const position = new Map(ordered.map((t, i) => [t.name, i]));
  const forward = new Set<TableSchema['foreignKeys'][number]>();
  ordered.forEach((t, i) => {
    for (const fk of t.foreignKeys) {
      const at = position.get(fk.referencedTable);
      if (at !== undefined && at > i) forward.add(fk);
    }
  });
  return forward;
}
