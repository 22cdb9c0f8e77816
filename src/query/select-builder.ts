import type { Driver, Statement } from '../drivers/driver.js';
import { UsageError } from '../errors/usage-error.js';
import type { Dialect, EntityMetadata } from '../metadata/types.js';
import { CriteriaCompiler, isPlainCriteria, type Fragment } from './criteria.js';
import { resolveOrderBy, type OrderByInput } from './order-by.js';
import type { CountsOption } from './relation-counts.js';
import { SqlDialect } from './sql-dialect.js';
import { describeValue, isCount, valueProblem } from '../entity/value-rules.js';
import { criteriaError, criteriaParam } from './criteria-scalars.js';
import { checkLockMode, lockClause, type LockMode } from './lock-mode.js';

export { orderColumns, type OrderByInput, type QueryOrder, type QueryOrderMap } from './order-by.js';

export interface SelectOptions {
  /**
   * Sort by columns and by properties of to-one relations at any depth (joined with LEFT JOIN,
   * which cannot duplicate rows, so `limit` and `offset` still count root entities).
   *
   * @example
   * { orderBy: { author: { name: 'asc' }, id: 'desc' } }
   */
  orderBy?: OrderByInput;
  /** The counts the query loads: `orderBy` may name them. */
  counts?: CountsOption;
  limit?: number;
  offset?: number;
  /**
   * Lock the rows read until the transaction ends (inside `em.transactional` only):
   * `'pessimistic_write'` is `FOR UPDATE`, `'pessimistic_read'` `FOR SHARE` (MySQL/MariaDB:
   * `LOCK IN SHARE MODE`); SQLite has no row locks and sends no clause. See docs-site/unit-of-work.md.
   *
   * @example
   * await em.transactional(async (tem) => {
   *   const account = await tem.findOneOrFail(Account, id, { lockMode: 'pessimistic_write' });
   *   account.balance -= amount;   // no other transaction can change the row before this commits
   * });
   */
  lockMode?: LockMode;
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
  /** `columns`: the root's columns to read (a partial load, `fields`); every column when undefined. */
  select(meta: EntityMetadata, where: unknown, options: SelectOptions & { readonly columns?: readonly string[] } = {}, extra?: Fragment): Statement {
    if (options.lockMode === undefined) return this.#select(meta, where, options, extra);
    checkLockMode(options.lockMode, meta.name);
    const stmt = this.#select(meta, where, options, extra);
    return { ...stmt, sql: stmt.sql + lockClause(this.driver.dialect, options.lockMode, ROOT) };
  }

  #select(meta: EntityMetadata, where: unknown, options: SelectOptions & { readonly columns?: readonly string[] }, extra?: Fragment): Statement {
    const columns = options.columns;
    if (!columns && (typeof where === 'number' || typeof where === 'string') && !extra && options.orderBy === undefined && options.offset === undefined) {
      const byKey = this.#byKey(meta, where, options.limit);
      if (byKey) return byKey;
    }
    const compiler = new CriteriaCompiler(this.d);
    compiler.nextAlias(); // e0 is the root
    const cond = compiler.compile(meta, where, ROOT);
    // Checked before anything is assembled: a bad orderBy must fail before any SQL, like a bad where.
    const order = resolveOrderBy(meta, options.orderBy, this.d, ROOT, options.counts);
    const limit = options.limit === undefined ? undefined : checkCount('limit', meta, options.limit);
    const offset = options.offset === undefined ? undefined : checkCount('offset', meta, options.offset);
    if (!order.joins.length && offset === undefined) {
      // The common shapes, written out as knex would write them (knex costs more than the query on a PK lookup).
      let sql = columns ? this.#selectColumns(meta, columns) : this.#selectFrom(meta);
      const params: unknown[] = [];
      const where: string[] = [];
      if (cond.sql !== MATCH_ALL) {
        where.push(cond.sql);
        params.push(...cond.params);
      }
      if (extra) {
        where.push(extra.sql);
        params.push(...extra.params);
      }
      if (where.length) sql += ` where ${where.join(' and ')}`;
      if (order.terms.length) {
        sql += ` order by ${order.terms.join(', ')}`;
        params.push(...order.params);
      }
      // Written into the SQL (it is a checked integer): a bound LIMIT made SQLite's lookup by
      // primary key 4-5 times slower than `limit 1` (measured on better-sqlite3 12, 2,000 lookups).
      if (limit !== undefined) sql += ` limit ${limit}`;
      return limit === 1 ? { sql, params, oneRow: true } : { sql, params };
    }
    const qb = this.driver.knex
      .queryBuilder()
      .select((columns ?? meta.columns.map((c) => c.name)).map((c) => `${ROOT}.${c}`))
      .from({ [ROOT]: meta.tableName });
    for (const join of order.joins) qb.joinRaw(join);
    if (cond.sql !== MATCH_ALL) qb.whereRaw(cond.sql, cond.params as never[]);
    if (extra) qb.whereRaw(extra.sql, extra.params as never[]);
    if (order.terms.length) qb.orderByRaw(order.terms.join(', '), order.params as never[]);
    if (limit !== undefined) qb.limit(limit);
    if (offset !== undefined) qb.offset(offset);
    const { sql, bindings } = qb.toSQL();
    return { sql, params: bindings as unknown[] };
  }

  /**
   * A lookup by one bare key value (`em.findOne(User, 7)`), the hottest read there is: its SQL is the
   * same every time, built once per type, and only the key is converted per call. Undefined for
   * composite keys (the criteria compiler reports the mistake).
   */
  #byKey(meta: EntityMetadata, key: number | string, limit: number | undefined): Statement | undefined {
    const pk = meta.primaryKeys.length === 1 ? meta.primaryKeys[0]! : undefined;
    if (pk?.kind !== 'scalar') return undefined;
    const dialect = this.driver.dialect;
    const cache = byKeyCache[dialect];
    let texts = cache.get(meta);
    if (texts === undefined) {
      // The condition quoted as the criteria compiler quotes it: the same SQL as the general path.
      const sql = `${this.#selectFrom(meta)} where ${this.d.quote(ROOT)}.${this.d.quote(pk.column.name)} = ?`;
      texts = { sql, limitOne: `${sql} limit 1` };
      cache.set(meta, texts);
    }
    // The very same string object each time for findOne (`limit 1`): the driver's caches look
    // statements up by their text, and a string built per call is hashed (and flattened) anew.
    let sql = limit === 1 ? texts.limitOne : texts.sql;
    if (limit !== undefined && limit !== 1) sql += ` limit ${checkCount('limit', meta, limit)}`;
    const problem = valueProblem(pk.column, key, dialect, 'criteria');
    if (problem) throw criteriaError(problem, `${meta.name}.${pk.name}`);
    const params = [criteriaParam(dialect, pk.column, key)];
    return limit === 1 ? { sql, params, oneRow: true } : { sql, params };
  }

  /** `select <every column of meta> from <table> as e0`, quoted the way knex quotes, built once per type. */
  #selectFrom(meta: EntityMetadata): string {
    const cache = selectFromCache[this.driver.dialect];
    let sql = cache.get(meta);
    if (sql === undefined) {
      const q = knexQuote(this.driver.dialect);
      sql = `select ${meta.columns.map((c) => `${q(ROOT)}.${q(c.name)}`).join(', ')} from ${q(meta.tableName)} as ${q(ROOT)}`;
      cache.set(meta, sql);
    }
    return sql;
  }

  /** `select <columns> from <table> as e0` for a partial load (not cached: `fields` vary per call). */
  #selectColumns(meta: EntityMetadata, columns: readonly string[]): string {
    const q = knexQuote(this.driver.dialect);
    return `select ${columns.map((c) => `${q(ROOT)}.${q(c)}`).join(', ')} from ${q(meta.tableName)} as ${q(ROOT)}`;
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

  /**
   * UPDATE ... SET ... WHERE <criteria> for `em.nativeUpdate`; `scope` (the rows of one owner's
   * collection, for `collection.nativeUpdate`) is ANDed before the criteria.
   */
  update(meta: EntityMetadata, where: unknown, set: { column: string; value: unknown }[], scope?: Fragment): Statement {
    const cond = this.#rootlessWhere(meta, where, scope);
    const sql = `UPDATE ${this.d.quote(meta.tableName)} SET ${set.map((s) => `${this.d.quote(s.column)} = ?`).join(', ')} WHERE ${cond.sql}`;
    return { sql, params: [...set.map((s) => s.value), ...cond.params] };
  }

  /** DELETE FROM ... WHERE <criteria> for `em.nativeDelete`, with the `scope` of `update`. */
  delete(meta: EntityMetadata, where: unknown, scope?: Fragment): Statement {
    const cond = this.#rootlessWhere(meta, where, scope);
    return { sql: `DELETE FROM ${this.d.quote(meta.tableName)} WHERE ${cond.sql}`, params: cond.params };
  }

  /**
   * Whether `where` compiles to no condition at all (`{}`, `undefined`, `{ $and: [] }`, only
   * `undefined` values), so that an UPDATE or DELETE with it would reach every row. Decided on the
   * criteria as written, before any cross-connection step: keys a step finds never make a
   * condition vanish here. Unknown names and operators throw as they would in the statement.
   */
  selectsEveryRow(meta: EntityMetadata, where: unknown): boolean {
    if (where !== undefined && !isPlainCriteria(where)) return false;
    return new CriteriaCompiler(this.d, { anyConnection: true }).compile(meta, where, ROOT).sql === MATCH_ALL;
  }

  // UPDATE/DELETE cannot alias their table on every dialect (MySQL allows no alias in
  // single-table DELETE with subqueries on the same table); the table name serves as the alias.
  #rootlessWhere(meta: EntityMetadata, where: unknown, scope?: Fragment): Fragment {
    const compiler = new CriteriaCompiler(this.d, { mutatedTable: meta.tableName });
    const cond = compiler.compile(meta, where, meta.tableName);
    if (!scope) return cond;
    // Compiled criteria are parenthesised wherever AND would bind into them.
    return cond.sql === MATCH_ALL ? scope : { sql: `${scope.sql} AND ${cond.sql}`, params: [...scope.params, ...cond.params] };
  }
}

const builders = new WeakMap<Driver, SelectBuilder>();

/** The SelectBuilder of a driver, shared by every fork (it keeps no per-request state). */
export function selectBuilderFor(driver: Driver): SelectBuilder {
  let b = builders.get(driver);
  if (!b) builders.set(driver, (b = new SelectBuilder(driver)));
  return b;
}

// Module-wide, not per builder: every fork has builders of its own.
const selectFromCache: Record<Dialect, WeakMap<EntityMetadata, string>> = { pg: new WeakMap(), mysql: new WeakMap(), sqlite: new WeakMap() };
/** A lookup by key's text, without a limit and with `limit 1` (findOne's). */
interface ByKeyTexts {
  readonly sql: string;
  readonly limitOne: string;
}
const byKeyCache: Record<Dialect, WeakMap<EntityMetadata, ByKeyTexts>> = { pg: new WeakMap(), mysql: new WeakMap(), sqlite: new WeakMap() };

/** Identifier quoting as knex does it for each client (SQLite takes backticks too). */
export function knexQuote(dialect: Dialect): (s: string) => string {
  return dialect === 'pg' ? (s) => `"${s.replace(/"/g, '""')}"` : (s) => `\`${s.replace(/`/g, '``')}\``;
}

function checkCount(what: 'limit' | 'offset', meta: EntityMetadata, n: number): number {
  if (!isCount(n)) throw badCount(what, `a ${meta.name} query`, n);
  return n;
}

/**
 * Checks `limit` and `offset` before anything runs: safe, non-negative integers (a larger number is
 * not exact in JS, and a string or NaN would reach the SQL text). `subject` names the query.
 *
 * @example
 * checkPaging({ limit: -1 }, 'a User query');   // throws BAD_OPTION
 */
export function checkPaging(options: { readonly limit?: unknown; readonly offset?: unknown }, subject: string): void {
  if (options.limit !== undefined && !isCount(options.limit)) throw badCount('limit', subject, options.limit);
  if (options.offset !== undefined && !isCount(options.offset)) throw badCount('offset', subject, options.offset);
}

function badCount(what: 'limit' | 'offset', subject: string, n: unknown): UsageError {
  return new UsageError('BAD_OPTION', `${what} for ${subject} must be a non-negative integer (at most ${Number.MAX_SAFE_INTEGER}), got ${describeValue(n)}.`);
}
