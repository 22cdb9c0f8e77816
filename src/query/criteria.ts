import { UsageError } from '../errors/usage-error.js';
import { getState } from '../entity/entity-state.js';
import { normalizePrimaryKey, primaryKeyValues } from '../entity/primary-key.js';
import { throughCondition } from './many-through-criteria.js';
import type {
  ColumnMetadata, EntityMetadata, ManyToOneProperty, OneToOneInverseProperty, OneToOneOwnerProperty, PropertyMetadata, RelationProperty, ColumnType,
} from '../metadata/types.js';
import { collectionCondition, pivotCondition, type CollectionScope } from './criteria-collections.js';
import { criteriaValue, scalarCondition } from './criteria-scalars.js';
import { and, cond, definedEntries, describe, isOperatorObject, isPlainCriteria, not, or, paren, type Cond, type Fragment } from './criteria-sql.js';
import { KeyList, ROW_KEYS } from './key-list.js';
import { keyListCondition } from './key-list-sql.js';
import type { SqlDialect } from './sql-dialect.js';

export { isPlainCriteria, type Fragment } from './criteria-sql.js';

export interface CriteriaCompilerOptions {
  /**
   * The table an UPDATE or DELETE modifies. MySQL refuses a subquery that reads the table being
   * modified (error 1093) unless it is a materialized derived table, so such subqueries are wrapped.
   */
  mutatedTable?: string;
  /** The connection the statement runs on, when it is not that of the first entity compiled. */
  connection?: string;
  /**
   * Only check the criteria (names, operators, values), letting relations reach other connections:
   * the cross-connection pre-pass validates a whole `where` this way before its first step query.
   */
  anyConnection?: boolean;
}

/** One `SELECT <keys> FROM ...` used as the right side of `IN`. */
export interface KeySubquery {
  select: readonly string[];
  table: string;
  alias: string;
  /** `INNER JOIN <table> <alias> ON <on>`, in order: the target of a many-to-many joined to its link rows, the path of a has-many-through. */
  joins?: readonly { table: string; alias: string; on: string }[];
  where: readonly Cond[];
  groupBy?: readonly string[];
  having?: Cond;
  /**
   * Group by `select` over the distinct `(select, distinctBy)` rows, so that `having` counts each
   * item once per owner however many paths reach it (a has-many-through's `$count`).
   */
  distinctBy?: readonly string[];
}

/**
 * Compiles `where` objects to SQL conditions with bound `?` parameters. One per statement: it hands
 * out subquery aliases. Relations compile to key subqueries (`fk IN (SELECT ...)`) rather than joins,
 * so a parent row never appears twice and `limit` counts parents.
 *
 * @example
 * const c = new CriteriaCompiler(new SqlDialect('pg'));
 * c.nextAlias(); // e0: the root
 * c.compile(meta, { author: { name: 'Ann' }, comments: { $count: { $gt: 2 } } }, 'e0');
 */
export class CriteriaCompiler {
  #alias = 0;
  #connection?: string;
  /** Key values of step key lists bound one placeholder each so far in this statement. */
  #inlinedKeyValues = 0;
  readonly #referenced = new Set<string>();

  constructor(
    readonly d: SqlDialect,
    private readonly options: CriteriaCompilerOptions = {},
  ) {
    this.#connection = options.connection;
  }

  nextAlias(): string {
    return `e${this.#alias++}`;
  }

  /**
   * `where` for `meta` rows aliased `alias`. Unknown properties and operators throw before any SQL
   * is built, naming what was given and what exists.
   */
  compile(meta: EntityMetadata, where: unknown, alias: string): Fragment {
    this.#connection ??= meta.connection;
    const c = where === undefined ? and([]) : this.condition(meta, where, alias);
    return { sql: c.sql, params: c.params };
  }

  /**
   * Criteria on the items of collection `prop` of `owner`, the items aliased `itemAlias` and, for a
   * many-to-many, their link rows `pivotAlias` (so `$pivot` works). For queries that read the items
   * themselves, such as relation counts.
   *
   * @example
   * // SUM(CASE WHEN <sql> THEN 1 ELSE 0 END) over "cars" "e0" JOIN "user_cars" "p"
   * c.compileItems(userMeta, userMeta.propertiesByName.cars, { $pivot: { since: { $gte: 2020 } } }, 'e0', 'p');
   */
  compileItems(owner: EntityMetadata, prop: PropertyMetadata, where: unknown, itemAlias: string, pivotAlias?: string): Fragment {
    if (prop.kind === 'through') {
      // Its items are read on their own (no link row to scope `$pivot` to).
      this.#connection ??= prop.target.connection;
      const c = this.condition(prop.target, where, itemAlias);
      return { sql: c.sql, params: c.params };
    }
    if (prop.kind !== '1:m' && prop.kind !== 'm:n') throw new Error(`joinery: ${owner.name}.${prop.name} is not a collection`);
    this.#connection ??= prop.target.connection;
    const c = this.condition(prop.target, where, itemAlias, { owner, collection: prop, pivotAlias: prop.kind === 'm:n' ? pivotAlias : undefined });
    return { sql: c.sql, params: c.params };
  }

  /** @internal `where` for `meta` rows aliased `alias`; `scope` is set inside a collection's criteria. */
  condition(meta: EntityMetadata, where: unknown, alias: string, scope?: CollectionScope): Cond {
    if (!isPlainCriteria(where)) return this.#primaryKey(meta, where, alias);
    const parts = definedEntries(where as object).map(([key, value]) => this.#entry(meta, key, value, alias, scope));
    const resolved = (where as { [ROW_KEYS]?: readonly KeyList[] })[ROW_KEYS];
    if (resolved) parts.push(...resolved.map((list) => this.#rowKeys(meta, list, alias, scope)));
    return and(parts);
  }

  /**
   * Keys a step query found on another connection: this row's primary key is (not) one of them. For
   * the items of a many-to-many the join table's columns stand in for the item's key, so the item's
   * table (on another connection) is never joined.
   */
  #rowKeys(meta: EntityMetadata, list: KeyList, alias: string, scope: CollectionScope | undefined): Cond {
    if (scope?.pivotAlias !== undefined && scope.collection.kind === 'm:n' && meta === scope.collection.target) {
      const pivot = scope.collection.pivot;
      const theirs = scope.collection.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
      return this.keyIn(theirs.map((c) => this.col(scope.pivotAlias!, c.name)), theirs.map((c) => c.type), list, false);
    }
    const cols = meta.primaryKeyColumns.map((c) => this.col(alias, c));
    const types = meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.type] : k.joinColumns.map((c) => c.type)));
    return this.keyIn(cols, types, list, false);
  }

  /**
   * @internal `cols [NOT] IN (<keys>)`: small lists one placeholder per key value, long ones in a
   * shape that binds them as one parameter (see key-list-sql.ts), whatever their length.
   */
  keyIn(colSql: readonly string[], types: readonly ColumnType[], list: KeyList, nullable: boolean): Cond {
    const r = keyListCondition(this.d, colSql, types, list, nullable, this.#inlinedKeyValues);
    this.#inlinedKeyValues += r.inlined;
    return r.cond;
  }

  #entry(meta: EntityMetadata, key: string, value: unknown, alias: string, scope: CollectionScope | undefined): Cond {
    switch (key) {
      case '$and':
      case '$or': {
        if (!Array.isArray(value)) {
          throw new UsageError('BAD_CRITERIA', `${key} on ${meta.name} takes an array of conditions, got ${describe(value)}. Write { ${key}: [{ ... }, { ... }] }.`);
        }
        const parts = value.map((v) => this.condition(meta, v, alias, scope));
        return key === '$and' ? and(parts) : or(parts);
      }
      case '$not':
        return not(this.condition(meta, value, alias, scope));
      case '$pivot':
        return pivotCondition(this, meta, value, scope);
    }
    if (key.startsWith('$')) {
      throw new UsageError(
        'UNKNOWN_OPERATOR',
        `Unknown operator ${key} at the top of a ${meta.name} query. Use $and, $or or $not here${scope?.pivotAlias ? ', $pivot for the link rows' : ''}, or a property of ${meta.name}.`,
      );
    }
    const prop = meta.propertiesByName[key];
    if (!prop) {
      throw new UsageError(
        'UNKNOWN_PROPERTY',
        `${meta.name}.${key} does not exist, so it cannot be queried. Known properties: ${meta.properties.map((p) => p.name).join(', ')}.`,
      );
    }
    return this.#property(meta, prop, value, alias);
  }

  #property(meta: EntityMetadata, prop: PropertyMetadata, value: unknown, alias: string): Cond {
    switch (prop.kind) {
      case 'scalar':
        return scalarCondition(this.d, { label: `${meta.name}.${prop.name}`, type: prop.type, column: prop.column, sql: this.col(alias, prop.column.name) }, value);
      case 'm:1':
        return this.#toOne(meta, prop, value, alias);
      case '1:1':
        return prop.owner ? this.#toOne(meta, prop, value, alias) : this.#inverseOne(meta, prop, value, alias);
      case '1:m':
      case 'm:n':
        return collectionCondition(this, meta, prop, value, alias);
      case 'through':
        return throughCondition(this, meta, prop, value, alias);
    }
  }

  /** @internal A quoted `alias.column`; records that `alias` is used. */
  col(alias: string, column: string): string {
    this.#referenced.add(alias);
    return `${this.d.quote(alias)}.${this.d.quote(column)}`;
  }

  /** @internal Whether some condition compiled so far reads a column of `alias`. */
  isReferenced(alias: string): boolean {
    return this.#referenced.has(alias);
  }

  /** @internal `a` or `(a, b)`: the left side of an IN for one or several columns. */
  tuple(cols: readonly string[]): string {
    return cols.length === 1 ? cols[0]! : `(${cols.join(', ')})`;
  }

  /** @internal The primary key of `alias` as an IN left side. */
  ownKey(meta: EntityMetadata, alias: string): string {
    return this.tuple(meta.primaryKeyColumns.map((c) => this.col(alias, c)));
  }

  /**
   * @internal Fails before any SQL when `table` lives on another database than the statement's
   * root: a subquery cannot reach it.
   */
  sameConnection(connection: string, what: string, via: RelationProperty): void {
    if (this.options.anyConnection || this.#connection === undefined || connection === this.#connection) return;
    throw new UsageError(
      'CROSS_CONNECTION',
      `${via.entity}.${via.name} leads to ${what} on connection '${connection}', but the query runs on '${this.#connection}': one SQL statement cannot read both databases. ` +
        `EntityManager queries resolve such criteria in steps; this statement was compiled without that pre-pass. Compare the relation with primary keys or entities instead (for a to-one: { ${via.name}: id }), or query ${via.target.name} first and pass what you found.`,
    );
  }

  /** @internal `(SELECT ...)` for `lhs IN <it>`, with every placeholder's value in order. */
  keySubquery(q: KeySubquery): Fragment {
    const d = this.d;
    const where = q.where.filter((w) => w.sql !== '1 = 1');
    const joins = q.joins ?? [];
    const distinct = q.distinctBy;
    const columns = distinct
      ? [...q.select.map((s, i) => `${s} AS ${d.quote(`k${i}`)}`), ...distinct.map((s, i) => `${s} AS ${d.quote(`d${i}`)}`)]
      : q.select;
    let sql = `SELECT ${distinct ? 'DISTINCT ' : ''}${columns.join(', ')} FROM ${d.quote(q.table)} ${d.quote(q.alias)}`;
    for (const j of joins) sql += ` INNER JOIN ${d.quote(j.table)} ${d.quote(j.alias)} ON ${j.on}`;
    // Every compiled condition is parenthesised where AND would bind into it (OR groups are).
    if (where.length) sql += ` WHERE ${where.map((w) => w.sql).join(' AND ')}`;
    if (distinct) {
      const rows = d.quote(`${q.alias}_distinct`);
      const keys = q.select.map((_, i) => `${rows}.${d.quote(`k${i}`)}`);
      sql = `SELECT ${keys.join(', ')} FROM (${sql}) ${rows} GROUP BY ${keys.join(', ')}`;
    } else if (q.groupBy) sql += ` GROUP BY ${q.groupBy.join(', ')}`;
    if (q.having) sql += ` HAVING ${q.having.sql}`;
    const params = [...where.flatMap((w) => w.params), ...(q.having?.params ?? [])];
    const mutated = this.options.mutatedTable;
    if (d.dialect === 'mysql' && mutated !== undefined && (q.table === mutated || joins.some((j) => j.table === mutated))) {
      // Two derived tables: DISTINCT keeps MySQL from merging the outer one back into the statement,
      // and reading the inner one by a full scan keeps MariaDB from evaluating a GROUP BY per row
      // ("LATERAL DERIVED"), which would see the rows the statement has already deleted.
      sql = `SELECT * FROM (SELECT DISTINCT * FROM (${sql}) ${d.quote(`${q.alias}_rows`)}) ${d.quote(`${q.alias}_keys`)}`;
    }
    return { sql: `(${sql})`, params };
  }

  /** @internal A relation value: an entity, a reference or a bare key. Returns key values in column order. */
  keyOfRelationValue(target: EntityMetadata, v: unknown, at = `${target.name}'s primary key`): unknown[] {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && (getState(v) || v instanceof (target.class as new () => object))) {
      const key = primaryKeyValues(target, v);
      if (!key) {
        throw new UsageError(
          'UNSAVED_ENTITY',
          `${at} was given a new ${target.name} that has no primary key yet, so no query can match it. Flush it first (await em.flush()), or query by one of its other properties.`,
        );
      }
      return key;
    }
    return normalizePrimaryKey(target, v);
  }

  /** @internal A relation value as criteria on the target's primary key properties. */
  pkCriteria(target: EntityMetadata, v: unknown, at?: string): Record<string, unknown> {
    const key = this.keyOfRelationValue(target, v, at);
    const out: Record<string, unknown> = {};
    let i = 0;
    for (const k of target.primaryKeys) {
      if (k.kind === 'scalar') out[k.name] = key[i++];
      else {
        const n = k.joinColumns.length;
        out[k.name] = n === 1 ? key[i] : key.slice(i, i + n);
        i += n;
      }
    }
    return out;
  }

  /** @internal `cols = key` for a relation value (an entity, a reference, a bare key) or `null`. */
  keyEquals(target: EntityMetadata, cols: readonly ColumnMetadata[], colSql: readonly string[], v: unknown, at?: string): Cond {
    if (v === null) return cond(colSql.map((c) => `${c} IS NULL`).join(' AND '), [], false);
    const key = this.keyOfRelationValue(target, v, at);
    return cond(
      colSql.map((c) => `${c} = ?`).join(' AND '),
      key.map((k, i) => criteriaValue(this.d.dialect, cols[i]!, k, at ?? `${target.name}'s primary key`)),
      cols.some((c) => c.nullable),
    );
  }

  #toOne(meta: EntityMetadata, prop: ManyToOneProperty | OneToOneOwnerProperty, value: unknown, alias: string): Cond {
    const cols = prop.joinColumns;
    const target = prop.target;
    const colSql = cols.map((c) => this.col(alias, c.name));
    const nullable = cols.some((c) => c.nullable);
    if (value instanceof KeyList) return this.keyIn(colSql, cols.map((c) => c.type), value, nullable);
    const eq = (v: unknown) => this.keyEquals(target, cols, colSql, v, `${meta.name}.${prop.name}`);
    if (value === null || !isPlainCriteria(value)) {
      if (Array.isArray(value) && cols.length === 1) return this.#toOne(meta, prop, { $in: value }, alias);
      return eq(value);
    }
    if (isOperatorObject(value)) {
      return and(definedEntries(value as object).map(([op, v]) => {
        switch (op) {
          case '$eq':
            return eq(v);
          case '$ne':
            if (v === null) return cond(colSql.map((c) => `${c} IS NOT NULL`).join(' AND '), [], false);
            // A NULL FK does not point at `v`, so it matches.
            return nullable ? cond(`(NOT (${eq(v).sql}) OR ${colSql[0]} IS NULL)`, eq(v).params, false) : not(eq(v));
          case '$in':
          case '$nin': {
            if (!Array.isArray(v)) {
              throw new UsageError('BAD_CRITERIA', `${op} on ${meta.name}.${prop.name} takes an array of ${target.name} entities or keys, got ${describe(v)}.`);
            }
            if (cols.length === 1) {
              const keys = v.map((x) => (x === null ? null : this.keyOfRelationValue(target, x, `${meta.name}.${prop.name}`)[0]));
              return scalarCondition(this.d, { label: `${meta.name}.${prop.name}`, type: cols[0]!.type, column: cols[0]!, sql: colSql[0]! }, { [op]: keys });
            }
            const any = or(v.map((x) => paren(eq(x))));
            return op === '$in' ? any : not(any);
          }
          case '$not':
            return not(this.#toOne(meta, prop, v, alias));
          case '$and':
          case '$or':
            return this.#relationGroup(meta, prop, op, v, (x) => this.#toOne(meta, prop, x, alias));
          default:
            throw new UsageError(
              'UNKNOWN_OPERATOR',
              `Operator ${op} cannot apply to the relation ${meta.name}.${prop.name}. Use $eq, $ne, $in, $nin, $not, $and, $or, or nested criteria on ${target.name}'s properties.`,
            );
        }
      }));
    }
    // Nested criteria on the target: the FK must point at a row that matches them.
    this.sameConnection(target.connection, `${target.name} (table ${target.tableName})`, prop);
    const sub = this.nextAlias();
    const inner = this.condition(target, value, sub);
    const q = this.keySubquery({ select: prop.referencedColumns.map((c) => this.col(sub, c)), table: target.tableName, alias: sub, where: [inner] });
    return cond(`${this.tuple(colSql)} IN ${q.sql}`, q.params, nullable);
  }

  /** `$and` / `$or` over relation values: each element is itself a value, operators or nested criteria. */
  #relationGroup(meta: EntityMetadata, prop: { name: string }, op: string, v: unknown, each: (x: unknown) => Cond): Cond {
    if (!Array.isArray(v)) {
      throw new UsageError('BAD_CRITERIA', `${op} on ${meta.name}.${prop.name} takes an array of conditions, got ${describe(v)}.`);
    }
    const parts = v.map((x) => paren(each(x)));
    return op === '$and' ? and(parts) : or(parts);
  }

  /** The inverse side of a 1:1: a row of the owner's table must (not) point here. */
  #inverseOne(meta: EntityMetadata, prop: OneToOneInverseProperty, value: unknown, alias: string): Cond {
    if (isOperatorObject(value)) {
      // Operators on the side without the FK: each becomes (NOT) IN a key subquery of the owner's table.
      return and(definedEntries(value as object).map(([op, v]) => {
        switch (op) {
          case '$eq':
            return this.#inverseOne(meta, prop, v, alias);
          case '$ne':
            return v === null ? this.#inverseOne(meta, prop, {}, alias) : not(this.#inverseOne(meta, prop, v, alias));
          case '$in':
          case '$nin': {
            if (!Array.isArray(v)) {
              throw new UsageError('BAD_CRITERIA', `${op} on ${meta.name}.${prop.name} takes an array of ${prop.target.name} entities or keys, got ${describe(v)}.`);
            }
            const any = or(v.map((x) => this.#inverseOne(meta, prop, x, alias)));
            return op === '$in' ? any : not(any);
          }
          case '$not':
            return not(this.#inverseOne(meta, prop, v, alias));
          case '$and':
          case '$or':
            return this.#relationGroup(meta, prop, op, v, (x) => this.#inverseOne(meta, prop, x, alias));
          default:
            throw new UsageError(
              'UNKNOWN_OPERATOR',
              `Operator ${op} cannot apply to the relation ${meta.name}.${prop.name}. Use $eq, $ne, $in, $nin, $not, $and, $or, or nested criteria on ${prop.target.name}'s properties.`,
            );
        }
      }));
    }
    const owning = prop.target.propertiesByName[prop.mappedBy] as OneToOneOwnerProperty;
    this.sameConnection(prop.target.connection, `${prop.target.name} (table ${prop.target.tableName})`, prop);
    const sub = this.nextAlias();
    const fkCols = owning.joinColumns.map((c) => this.col(sub, c.name));
    const notNull = cond(fkCols.map((c) => `${c} IS NOT NULL`).join(' AND '), [], false);
    const inner = value === null ? undefined : this.condition(prop.target, isPlainCriteria(value) ? value : this.pkCriteria(prop.target, value, `${meta.name}.${prop.name}`), sub);
    const q = this.keySubquery({ select: fkCols, table: prop.target.tableName, alias: sub, where: inner ? [notNull, inner] : [notNull] });
    return cond(`${this.ownKey(meta, alias)} ${value === null ? 'NOT IN' : 'IN'} ${q.sql}`, q.params, false);
  }

  #primaryKey(meta: EntityMetadata, where: unknown, alias: string): Cond {
    const key = this.keyOfRelationValue(meta, where);
    const cols = keyColumns(meta);
    return cond(
      cols.map((c) => `${this.col(alias, c.name)} = ?`).join(' AND '),
      key.map((v, i) => criteriaValue(this.d.dialect, cols[i]!, v, `${meta.name}.${cols[i]!.property}`)),
      false,
    );
  }
}

// A findOne by key compiles this per call: find the key's columns once per entity type.
const keyColumnsCache = new WeakMap<EntityMetadata, readonly ColumnMetadata[]>();

function keyColumns(meta: EntityMetadata): readonly ColumnMetadata[] {
  let cols = keyColumnsCache.get(meta);
  if (!cols) {
    cols = meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.column] : k.joinColumns));
    keyColumnsCache.set(meta, cols);
  }
  return cols;
}
