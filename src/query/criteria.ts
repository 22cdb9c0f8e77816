import { UsageError } from '../errors/usage-error.js';
import { getState } from '../entity/entity-state.js';
import { normalizePrimaryKey, primaryKeyValues } from '../entity/primary-key.js';
import { toDatabaseValue } from '../entity/value-conversion.js';
import type { ColumnMetadata, EntityMetadata, ManyToOneProperty, OneToOneOwnerProperty, PropertyMetadata, ScalarType } from '../metadata/types.js';
import { placeholders, type SqlDialect } from './sql-dialect.js';

/** A SQL condition with `?` placeholders and its values. */
export interface Fragment {
  sql: string;
  params: unknown[];
}

const OPERATORS = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$like', '$ilike', '$not'] as const;
const COLLECTION_OPERATORS = ['$some', '$none', '$every'] as const;

/** Compiles `where` objects to SQL. One per query: it hands out subquery aliases. */
export class CriteriaCompiler {
  #alias = 0;

  constructor(private readonly d: SqlDialect) {}

  nextAlias(): string {
    return `e${this.#alias++}`;
  }

  /**
   * `where` for `meta` rows aliased `alias`. Unknown properties and operators throw before any SQL
   * is built, naming what was given and what exists.
   */
  compile(meta: EntityMetadata, where: unknown, alias: string): Fragment {
    if (where === undefined) return { sql: '1 = 1', params: [] };
    if (!isPlainCriteria(where)) return this.#primaryKey(meta, where, alias);
    const parts: Fragment[] = [];
    for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
      if (value === undefined) continue;
      parts.push(this.#entry(meta, key, value, alias));
    }
    return and(parts);
  }

  #entry(meta: EntityMetadata, key: string, value: unknown, alias: string): Fragment {
    switch (key) {
      case '$and':
      case '$or': {
        if (!Array.isArray(value)) throw new UsageError('BAD_CRITERIA', `${key} on ${meta.name} takes an array of conditions, got ${describe(value)}.`);
        const parts = value.map((v) => this.compile(meta, v, alias));
        if (key === '$and') return and(parts);
        if (!parts.length) return { sql: '1 = 0', params: [] };
        return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
      }
      case '$not': {
        const inner = this.compile(meta, value, alias);
        return { sql: `NOT (${inner.sql})`, params: inner.params };
      }
    }
    if (key.startsWith('$')) {
      throw new UsageError('UNKNOWN_OPERATOR', `Unknown operator ${key} at the top of a ${meta.name} query. Use $and, $or or $not here, or a property name.`);
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

  #property(meta: EntityMetadata, prop: PropertyMetadata, value: unknown, alias: string): Fragment {
    switch (prop.kind) {
      case 'scalar':
        return this.#scalar(meta, prop.name, [prop.column], prop.type, value, alias);
      case 'm:1':
      case '1:1':
        if (prop.kind === '1:1' && !prop.owner) return this.#inverseOne(meta, prop, value, alias);
        return this.#toOne(meta, prop, value, alias);
      case '1:m':
      case 'm:n':
        return this.#collection(meta, prop, value, alias);
    }
  }

  #col(alias: string, column: string): string {
    return `${this.d.quote(alias)}.${this.d.quote(column)}`;
  }

  #scalar(meta: EntityMetadata, name: string, cols: readonly ColumnMetadata[], type: ScalarType, value: unknown, alias: string): Fragment {
    const col = this.#col(alias, cols[0]!.name);
    const conv = (v: unknown) => toDatabaseValue(type, v, this.d.dialect);
    if (value === null) return { sql: `${col} IS NULL`, params: [] };
    if (Array.isArray(value)) return this.#scalar(meta, name, cols, type, { $in: value }, alias);
    if (!isOperatorObject(value)) {
      if (typeof value === 'object' && !(value instanceof Date) && type !== 'json') {
        throw new UsageError('BAD_CRITERIA', `${meta.name}.${name} is a ${type} column; compare it with a value or an operator object ({ $gt: 1 }), not ${describe(value)}.`);
      }
      return { sql: `${col} = ?`, params: [conv(value)] };
    }
    const parts: Fragment[] = [];
    for (const [op, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      parts.push(this.#operator(meta, name, col, op, v, conv, (inner) => this.#scalar(meta, name, cols, type, inner, alias)));
    }
    return and(parts);
  }

  #operator(
    meta: EntityMetadata,
    name: string,
    col: string,
    op: string,
    v: unknown,
    conv: (v: unknown) => unknown,
    recurse: (inner: unknown) => Fragment,
  ): Fragment {
    switch (op) {
      case '$eq':
        return v === null ? { sql: `${col} IS NULL`, params: [] } : { sql: `${col} = ?`, params: [conv(v)] };
      case '$ne':
        return v === null ? { sql: `${col} IS NOT NULL`, params: [] } : { sql: `(${col} <> ? OR ${col} IS NULL)`, params: [conv(v)] };
      case '$in':
      case '$nin': {
        if (!Array.isArray(v)) throw new UsageError('BAD_CRITERIA', `${op} on ${meta.name}.${name} takes an array, got ${describe(v)}.`);
        const values = v.filter((x) => x !== null);
        const hasNull = values.length !== v.length;
        if (op === '$in') {
          const parts = [];
          if (values.length) parts.push(`${col} IN (${placeholders(values.length)})`);
          if (hasNull) parts.push(`${col} IS NULL`);
          return { sql: parts.length ? `(${parts.join(' OR ')})` : '1 = 0', params: values.map(conv) };
        }
        const parts = [];
        if (values.length) parts.push(`(${col} NOT IN (${placeholders(values.length)})${hasNull ? '' : ` OR ${col} IS NULL`})`);
        if (hasNull) parts.push(`${col} IS NOT NULL`);
        return { sql: parts.length ? parts.join(' AND ') : '1 = 1', params: values.map(conv) };
      }
      case '$gt':
        return { sql: `${col} > ?`, params: [conv(v)] };
      case '$gte':
        return { sql: `${col} >= ?`, params: [conv(v)] };
      case '$lt':
        return { sql: `${col} < ?`, params: [conv(v)] };
      case '$lte':
        return { sql: `${col} <= ?`, params: [conv(v)] };
      case '$like':
        return { sql: `${col} LIKE ?`, params: [v] };
      case '$ilike':
        if (this.d.dialect === 'pg') return { sql: `${col} ILIKE ?`, params: [v] };
        return { sql: `LOWER(${col}) LIKE LOWER(?)`, params: [v] };
      case '$not': {
        const inner = recurse(v);
        return { sql: `NOT (${inner.sql})`, params: inner.params };
      }
      default:
        throw new UsageError(
          'UNKNOWN_OPERATOR',
          `Unknown operator ${op} on ${meta.name}.${name}. Use one of: ${OPERATORS.join(' ')}.`,
        );
    }
  }

  /** A relation value: an entity, a reference, a bare key, or an array of those. */
  #keyOfRelationValue(target: EntityMetadata, v: unknown): unknown[] {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && (getState(v) || v instanceof (target.class as new () => object))) {
      const key = primaryKeyValues(target, v);
      if (!key) throw new UsageError('UNSAVED_ENTITY', `A new ${target.name} with no primary key yet cannot be used in a query. Flush it first.`);
      return key;
    }
    return normalizePrimaryKey(target, v);
  }

  #toOne(meta: EntityMetadata, prop: ManyToOneProperty | OneToOneOwnerProperty, value: unknown, alias: string): Fragment {
    const cols = prop.joinColumns;
    const target = prop.target;
    const colSql = cols.map((c) => this.#col(alias, c.name));
    const keyParams = (key: unknown[]) => key.map((k, i) => toDatabaseValue(cols[i]!.type, k, this.d.dialect));
    const eq = (v: unknown): Fragment => {
      if (v === null) return { sql: colSql.map((c) => `${c} IS NULL`).join(' AND '), params: [] };
      const key = this.#keyOfRelationValue(target, v);
      return { sql: colSql.map((c) => `${c} = ?`).join(' AND '), params: keyParams(key) };
    };
    if (value === null || !isPlainCriteria(value)) {
      if (Array.isArray(value) && cols.length === 1) return this.#toOne(meta, prop, { $in: value }, alias);
      return eq(value);
    }
    if (isOperatorObject(value)) {
      const parts: Fragment[] = [];
      for (const [op, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        if ((op === '$in' || op === '$nin') && Array.isArray(v)) {
          if (cols.length === 1) {
            parts.push(this.#operator(meta, prop.name, colSql[0]!, op, v.map((x) => (x === null ? null : this.#keyOfRelationValue(target, x)[0])), (x) => toDatabaseValue(cols[0]!.type, x, this.d.dialect), () => ({ sql: '', params: [] })));
          } else {
            const or = v.map((x) => eq(x));
            const f = { sql: or.length ? `(${or.map((o) => `(${o.sql})`).join(' OR ')})` : '1 = 0', params: or.flatMap((o) => o.params) };
            parts.push(op === '$in' ? f : { sql: `NOT ${f.sql}`, params: f.params });
          }
        } else if (op === '$eq') parts.push(eq(v));
        else if (op === '$ne') {
          const f = eq(v);
          parts.push(v === null ? { sql: `NOT (${f.sql})`, params: f.params } : { sql: `(NOT (${f.sql}) OR ${colSql[0]} IS NULL)`, params: f.params });
        } else if (op === '$not') {
          const f = this.#toOne(meta, prop, v, alias);
          parts.push({ sql: `NOT (${f.sql})`, params: f.params });
        } else {
          throw new UsageError('UNKNOWN_OPERATOR', `Operator ${op} cannot apply to the relation ${meta.name}.${prop.name}. Use $eq, $ne, $in, $nin, $not, or nested criteria on ${target.name}'s properties.`);
        }
      }
      return and(parts);
    }
    // Nested criteria on the target: the FK must point at a row that matches them.
    const sub = this.nextAlias();
    const inner = this.compile(target, value, sub);
    const targetCols = prop.referencedColumns.map((c) => this.#col(sub, c));
    const lhs = colSql.length === 1 ? colSql[0]! : `(${colSql.join(', ')})`;
    return {
      sql: `${lhs} IN (SELECT ${targetCols.join(', ')} FROM ${this.d.quote(target.tableName)} ${this.d.quote(sub)} WHERE ${inner.sql})`,
      params: inner.params,
    };
  }

  #ownKey(meta: EntityMetadata, alias: string): string {
    const cols = meta.primaryKeyColumns.map((c) => this.#col(alias, c));
    return cols.length === 1 ? cols[0]! : `(${cols.join(', ')})`;
  }

  /** The inverse side of a 1:1: a row of the owner's table must (not) point here. */
  #inverseOne(meta: EntityMetadata, prop: Extract<PropertyMetadata, { kind: '1:1' }>, value: unknown, alias: string): Fragment {
    const owning = prop.target.propertiesByName[(prop as { mappedBy: string }).mappedBy] as { joinColumns: readonly ColumnMetadata[] };
    const sub = this.nextAlias();
    const fkCols = owning.joinColumns.map((c) => this.#col(sub, c.name));
    const notNull = fkCols.map((c) => `${c} IS NOT NULL`).join(' AND ');
    const from = `FROM ${this.d.quote(prop.target.tableName)} ${this.d.quote(sub)}`;
    const select = fkCols.length === 1 ? fkCols[0]! : fkCols.join(', ');
    if (value === null) return { sql: `${this.#ownKey(meta, alias)} NOT IN (SELECT ${select} ${from} WHERE ${notNull})`, params: [] };
    const inner = isPlainCriteria(value) ? this.compile(prop.target, value, sub) : this.compile(prop.target, this.#pkCriteria(prop.target, value), sub);
    return { sql: `${this.#ownKey(meta, alias)} IN (SELECT ${select} ${from} WHERE ${notNull} AND ${inner.sql})`, params: inner.params };
  }

  #pkCriteria(target: EntityMetadata, v: unknown): Record<string, unknown> {
    const key = this.#keyOfRelationValue(target, v);
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

  /**
   * Collections: `$some` (default), `$none`, `$every`, by key subqueries so parents are never
   * duplicated. A bare entity / key means "contains it".
   */
  #collection(meta: EntityMetadata, prop: Extract<PropertyMetadata, { kind: '1:m' | 'm:n' }>, value: unknown, alias: string): Fragment {
    let mode = '$some' as (typeof COLLECTION_OPERATORS)[number];
    let criteria: unknown = value;
    if (value === null || !isPlainCriteria(value)) {
      const items = Array.isArray(value) ? value : [value];
      criteria = { $or: items.map((v) => this.#pkCriteria(prop.target, v)) };
    } else {
      const keys = Object.keys(value as object);
      const ops = keys.filter((k) => k.startsWith('$'));
      if (ops.length) {
        if (ops.length !== keys.length || ops.length !== 1 || !COLLECTION_OPERATORS.includes(ops[0] as '$some')) {
          throw new UsageError('UNKNOWN_OPERATOR', `${meta.name}.${prop.name} is a collection: use one of ${COLLECTION_OPERATORS.join(', ')} (alone) or nested criteria on ${prop.target.name}, got ${keys.join(', ')}.`);
        }
        mode = ops[0] as typeof mode;
        criteria = (value as Record<string, unknown>)[mode];
      }
    }
    const sub = this.nextAlias();
    let inner = this.compile(prop.target, criteria, sub);
    // A child for which the condition is NULL does not satisfy it: CASE turns unknown into "no match".
    if (mode === '$every') inner = { sql: `CASE WHEN ${inner.sql} THEN 1 ELSE 0 END = 0`, params: inner.params };
    let subquery: string;
    if (prop.kind === '1:m') {
      const fk = prop.target.propertiesByName[prop.mappedBy] as { joinColumns: readonly ColumnMetadata[] };
      const fkCols = fk.joinColumns.map((c) => this.#col(sub, c.name));
      subquery = `SELECT ${fkCols.join(', ')} FROM ${this.d.quote(prop.target.tableName)} ${this.d.quote(sub)} WHERE ${fkCols.map((c) => `${c} IS NOT NULL`).join(' AND ')} AND ${inner.sql}`;
    } else {
      const pivot = prop.pivot;
      const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
      const theirs = prop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
      const pv = this.nextAlias();
      const theirCols = theirs.map((c) => this.#col(pv, c.name));
      const targetKey = prop.target.primaryKeyColumns.map((c) => this.#col(sub, c));
      subquery =
        `SELECT ${mine.map((c) => this.#col(pv, c.name)).join(', ')} FROM ${this.d.quote(pivot.tableName)} ${this.d.quote(pv)} ` +
        `WHERE ${theirCols.length === 1 ? theirCols[0] : `(${theirCols.join(', ')})`} IN (SELECT ${targetKey.join(', ')} FROM ${this.d.quote(prop.target.tableName)} ${this.d.quote(sub)} WHERE ${inner.sql})`;
    }
    const negate = mode !== '$some';
    return { sql: `${this.#ownKey(meta, alias)} ${negate ? 'NOT IN' : 'IN'} (${subquery})`, params: inner.params };
  }

  #primaryKey(meta: EntityMetadata, where: unknown, alias: string): Fragment {
    const key = this.#keyOfRelationValue(meta, where);
    const cols = meta.primaryKeyColumns;
    const types = meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.type] : k.joinColumns.map((c) => c.type)));
    return {
      sql: cols.map((c) => `${this.#col(alias, c)} = ?`).join(' AND '),
      params: key.map((v, i) => toDatabaseValue(types[i]!, v, this.d.dialect)),
    };
  }
}

function and(parts: Fragment[]): Fragment {
  if (!parts.length) return { sql: '1 = 1', params: [] };
  if (parts.length === 1) return parts[0]!;
  return { sql: parts.map((p) => `(${p.sql})`).join(' AND '), params: parts.flatMap((p) => p.params) };
}

/** A criteria object, as opposed to a bare key, an entity, a Date or an array. */
export function isPlainCriteria(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return false;
  if (getState(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isOperatorObject(v: unknown): boolean {
  if (!isPlainCriteria(v)) return false;
  const keys = Object.keys(v as object);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
