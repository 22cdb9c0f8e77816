import type { Driver, Statement } from '../drivers/driver.js';
import { UsageError } from '../errors/usage-error.js';
import type { EntityMetadata, OrderBy } from '../metadata/types.js';
import { CriteriaCompiler, type Fragment } from './criteria.js';
import { SqlDialect } from './sql-dialect.js';

export type OrderByInput = OrderBy | OrderBy[];

export interface SelectOptions {
  orderBy?: OrderByInput;
  limit?: number;
  offset?: number;
}

const ROOT = 'e0';
/** What the criteria compiler returns for "no condition"; left out of the statement. */
const MATCH_ALL = '1 = 1';

/**
 * SELECT statements for entities, assembled with knex (it knows each dialect's LIMIT/OFFSET
 * quirks); conditions come from the criteria compiler as bound fragments.
 */
export class SelectBuilder {
  readonly d: SqlDialect;

  constructor(private readonly driver: Driver) {
    this.d = new SqlDialect(driver.dialect);
  }

  /** `SELECT <all columns> FROM table e0 WHERE ... ORDER BY ... LIMIT ... OFFSET ...`. */
  select(meta: EntityMetadata, where: unknown, options: SelectOptions = {}, extra?: Fragment): Statement {
    const compiler = new CriteriaCompiler(this.d);
    compiler.nextAlias(); // e0 is the root
    const cond = compiler.compile(meta, where, ROOT);
    const qb = this.driver.knex
      .queryBuilder()
      .select(meta.columns.map((c) => `${ROOT}.${c.name}`))
      .from({ [ROOT]: meta.tableName });
    if (cond.sql !== MATCH_ALL) qb.whereRaw(cond.sql, cond.params as never[]);
    if (extra) qb.whereRaw(extra.sql, extra.params as never[]);
    for (const [column, dir] of orderColumns(meta, options.orderBy)) qb.orderBy(`${ROOT}.${column}`, dir);
    if (options.limit !== undefined) qb.limit(checkCount('limit', meta, options.limit));
    if (options.offset !== undefined) qb.offset(checkCount('offset', meta, options.offset));
    const { sql, bindings } = qb.toSQL();
    return { sql, params: bindings as unknown[] };
  }

  /** `SELECT COUNT(*) AS count FROM table e0 WHERE ...`. */
  count(meta: EntityMetadata, where: unknown, extra?: Fragment): Statement {
    const compiler = new CriteriaCompiler(this.d);
    compiler.nextAlias();
    const cond = compiler.compile(meta, where, ROOT);
    const qb = this.driver.knex.queryBuilder().count({ count: '*' }).from({ [ROOT]: meta.tableName });
    if (cond.sql !== MATCH_ALL) qb.whereRaw(cond.sql, cond.params as never[]);
    if (extra) qb.whereRaw(extra.sql, extra.params as never[]);
    const { sql, bindings } = qb.toSQL();
    return { sql, params: bindings as unknown[] };
  }

  /** UPDATE ... SET ... WHERE <criteria> for `em.nativeUpdate`. */
  update(meta: EntityMetadata, where: unknown, set: { column: string; value: unknown }[]): Statement {
    const cond = this.#rootlessWhere(meta, where);
    const sql = `UPDATE ${this.d.quote(meta.tableName)} SET ${set.map((s) => `${this.d.quote(s.column)} = ?`).join(', ')} WHERE ${cond.sql}`;
    return { sql, params: [...set.map((s) => s.value), ...cond.params] };
  }

  /** DELETE FROM ... WHERE <criteria> for `em.nativeDelete`. */
  delete(meta: EntityMetadata, where: unknown): Statement {
    const cond = this.#rootlessWhere(meta, where);
    return { sql: `DELETE FROM ${this.d.quote(meta.tableName)} WHERE ${cond.sql}`, params: cond.params };
  }

  // UPDATE/DELETE cannot alias their table on every dialect (MySQL allows no alias in
  // single-table DELETE with subqueries on the same table); the table name serves as the alias.
  #rootlessWhere(meta: EntityMetadata, where: unknown): Fragment {
    const compiler = new CriteriaCompiler(this.d);
    return compiler.compile(meta, where, meta.tableName);
  }
}

function checkCount(what: string, meta: EntityMetadata, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new UsageError('BAD_OPTION', `${what} for a ${meta.name} query must be a non-negative integer, got ${String(n)}.`);
  return n;
}

/** orderBy → [column, direction] pairs, with unknown properties and directions rejected. */
export function orderColumns(meta: EntityMetadata, orderBy: OrderByInput | undefined): [string, 'asc' | 'desc'][] {
  if (!orderBy) return [];
  const list = Array.isArray(orderBy) ? orderBy : [orderBy];
  const out: [string, 'asc' | 'desc'][] = [];
  for (const entry of list) {
    for (const [name, dirRaw] of Object.entries(entry)) {
      const dir = String(dirRaw).toLowerCase();
      if (dir !== 'asc' && dir !== 'desc') {
        throw new UsageError('BAD_ORDER', `orderBy ${meta.name}.${name}: direction must be 'asc' or 'desc', got ${JSON.stringify(dirRaw)}.`);
      }
      const p = meta.propertiesByName[name];
      if (!p) {
        throw new UsageError('UNKNOWN_PROPERTY', `orderBy names ${meta.name}.${name}, which does not exist. Known properties: ${meta.properties.map((x) => x.name).join(', ')}.`);
      }
      if (p.kind === 'scalar') out.push([p.column.name, dir]);
      else if (p.kind === 'm:1' || (p.kind === '1:1' && p.owner)) for (const c of p.joinColumns) out.push([c.name, dir]);
      else throw new UsageError('BAD_ORDER', `orderBy cannot sort ${meta.name} by the collection ${name}.`);
    }
  }
  return out;
}
