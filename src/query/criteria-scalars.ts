import { UsageError } from '../errors/usage-error.js';
import { toDatabaseValue } from '../entity/value-conversion.js';
import { valueProblem, type ValueProblem } from '../entity/value-rules.js';
import { ArrayType } from '../metadata/builtin-types.js';
import { isType } from '../metadata/type.js';
import type { ColumnMetadata, ColumnType, Dialect, ScalarType } from '../metadata/types.js';
import { and, cond, describe, definedEntries, isOperatorObject, lookupTable, MATCH_ALL, MATCH_NONE, not, or, type Cond } from './criteria-sql.js';
import { placeholders, type SqlDialect } from './sql-dialect.js';

export const SCALAR_OPERATORS = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$like', '$ilike', '$not', '$contains', '$overlap'] as const;

/** What a scalar condition compares: one column, named for messages as `Entity.property`. */
export interface ScalarOperand {
  /** `Entity.property`, for error messages. */
  readonly label: string;
  readonly type: ColumnType;
  readonly column: ColumnMetadata;
  /** The qualified, quoted column: `"e0"."age"`. */
  readonly sql: string;
}

const TEXT_TYPES: readonly ScalarType[] = ['string', 'text', 'uuid'];
const COMPARISON_SQL = lookupTable({ $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' });

/** A LIKE pattern is text whatever the column (a uuid column is compared as text). */
const PATTERN = { type: 'text' } as const;

/**
 * A condition on one scalar column: a value (equality), `null` (IS NULL), an array ($in) or an
 * operator object. `$ne` and `$nin` keep rows whose value is NULL, like a `!==` in JS would.
 */
export function scalarCondition(d: SqlDialect, x: ScalarOperand, value: unknown): Cond {
  if (value === null) return isNull(x);
  // An array column compares with a whole array; elsewhere an array means $in.
  if (Array.isArray(value) && !(x.type instanceof ArrayType)) return scalarCondition(d, x, { $in: value });
  if (isOperatorObject(value)) {
    return and(definedEntries(value as object).map(([op, v]) => operator(d, x, op, v)));
  }
  return eq(d, x, value, 'a value');
}

function isNull(x: ScalarOperand): Cond {
  return cond(`${x.sql} IS NULL`, [], false);
}

function eq(d: SqlDialect, x: ScalarOperand, v: unknown, what: string): Cond {
  return cond(`${x.sql} = ?`, [bind(d, x, v, what)], x.column.nullable);
}

function operator(d: SqlDialect, x: ScalarOperand, op: string, v: unknown): Cond {
  const nullable = x.column.nullable;
  switch (op) {
    case '$eq':
      return v === null ? isNull(x) : eq(d, x, v, op);
    case '$ne': {
      if (v === null) return cond(`${x.sql} IS NOT NULL`, [], false);
      const p = bind(d, x, v, op);
      return nullable ? cond(`(${x.sql} <> ? OR ${x.sql} IS NULL)`, [p], false) : cond(`${x.sql} <> ?`, [p], false);
    }
    case '$in':
    case '$nin': {
      if (!Array.isArray(v)) {
        throw new UsageError('BAD_CRITERIA', `${op} on ${x.label} takes an array of values, got ${describe(v)}. Write { ${op}: [${describe(v)}] }.`);
      }
      const values = v.filter((e) => e !== null).map((e) => bind(d, x, e, op));
      const hasNull = values.length !== v.length;
      const list = `(${placeholders(values.length)})`;
      if (op === '$in') {
        const parts: Cond[] = [];
        if (values.length) parts.push(cond(`${x.sql} IN ${list}`, values, nullable && !hasNull));
        if (hasNull) parts.push(isNull(x));
        return parts.length ? or(parts) : MATCH_NONE;
      }
      const parts: Cond[] = [];
      if (values.length) {
        // NOT IN is unknown for a NULL value; a JS-like "not one of these" keeps it.
        parts.push(nullable && !hasNull ? cond(`(${x.sql} NOT IN ${list} OR ${x.sql} IS NULL)`, values, false) : cond(`${x.sql} NOT IN ${list}`, values, false));
      }
      if (hasNull) parts.push(cond(`${x.sql} IS NOT NULL`, [], false));
      return parts.length ? and(parts) : MATCH_ALL;
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      if (v === null) {
        throw new UsageError('BAD_CRITERIA', `${op} on ${x.label} cannot compare with null: nothing is greater or less than NULL. Use null or { $ne: null } to test for NULL.`);
      }
      return cond(`${x.sql} ${COMPARISON_SQL[op]} ?`, [bind(d, x, v, op)], nullable);
    }
    case '$like':
    case '$ilike':
      return like(d, x, op, v);
    case '$not':
      return not(scalarCondition(d, x, v));
    case '$contains':
    case '$overlap':
      return arrayCondition(d, x, op, v);
    default:
      throw new UsageError(
        'UNKNOWN_OPERATOR',
        `Unknown operator ${op} on ${x.label}. Use one of: ${SCALAR_OPERATORS.join(' ')}.`,
      );
  }
}

/**
 * LIKE with `%` and `_` wildcards and `\` as the escape character on every dialect (SQLite has no
 * default escape character, PostgreSQL and MySQL use `\`). `$ilike` ignores case everywhere.
 */
function like(d: SqlDialect, x: ScalarOperand, op: '$like' | '$ilike', v: unknown): Cond {
  const textual = isType(x.type) ? x.type.textual : TEXT_TYPES.includes(x.type);
  if (!textual) {
    throw new UsageError(
      'BAD_CRITERIA',
      `${op} matches text, but ${x.label} is a ${x.type} column. Compare it with $eq, $in, $gt & co. instead.`,
    );
  }
  if (typeof v !== 'string') {
    throw new UsageError('BAD_CRITERIA', `${op} on ${x.label} takes a pattern string such as 'A%', got ${describe(v)}.`);
  }
  const problem = valueProblem(PATTERN, v, d.dialect, 'criteria');
  if (problem) throw criteriaError(problem, `${op} on ${x.label}`);
  // PostgreSQL has no LIKE for uuid or enum types.
  const col = d.dialect === 'pg' && (x.type === 'uuid' || isType(x.type)) ? `CAST(${x.sql} AS text)` : x.sql;
  const escape = d.dialect === 'sqlite' ? ` ESCAPE '\\'` : '';
  if (op === '$like') return cond(`${col} LIKE ?${escape}`, [v], x.column.nullable);
  if (d.dialect === 'pg') return cond(`${col} ILIKE ?`, [v], x.column.nullable);
  // MySQL's LIKE follows the column's collation, which may be case-sensitive (`_bin`, `_cs`).
  return cond(`LOWER(${col}) LIKE LOWER(?)${escape}`, [v], x.column.nullable);
}

/**
 * `$contains` (the array column holds every given item) and `$overlap` (it holds one of them), on
 * array columns: `@>` / `&&` on PostgreSQL, over the JSON text elsewhere.
 */
function arrayCondition(d: SqlDialect, x: ScalarOperand, op: '$contains' | '$overlap', v: unknown): Cond {
  if (!(x.type instanceof ArrayType)) {
    throw new UsageError('BAD_CRITERIA', `${op} compares arrays, but ${x.label} is not an array column. Use $in, $eq & co., or map it with type: 'array'.`);
  }
  if (!Array.isArray(v)) {
    throw new UsageError('BAD_CRITERIA', `${op} on ${x.label} takes an array of items such as ['a', 'b'], got ${describe(v)}.`);
  }
  const problem = x.type.validate(v);
  if (problem) throw new UsageError('BAD_CRITERIA', `${op} on ${x.label}: the value ${problem}.`);
  const nullable = x.column.nullable;
  if (v.length === 0) return op === '$contains' ? cond(`${x.sql} IS NOT NULL`, [], false) : MATCH_NONE;
  switch (d.dialect) {
    case 'pg':
      return cond(`${x.sql} ${op === '$contains' ? '@>' : '&&'} CAST(? AS ${x.type.pgItemType()}[])`, [v], nullable);
    case 'mysql':
      // JSON_CONTAINS with an array: every item is in the column's array; OR-ed per item for overlap
      // (MariaDB before 10.9 has no JSON_OVERLAPS).
      if (op === '$contains') return cond(`JSON_CONTAINS(${x.sql}, ?)`, [JSON.stringify(v)], nullable);
      return cond(`(${v.map(() => `JSON_CONTAINS(${x.sql}, ?)`).join(' OR ')})`, v.map((i) => JSON.stringify(i)), nullable);
    case 'sqlite': {
      const distinct = [...new Set(v)];
      const list = placeholders(distinct.length);
      if (op === '$overlap') return cond(`EXISTS (SELECT 1 FROM json_each(${x.sql}) WHERE value IN (${list}))`, distinct, nullable);
      return cond(`(SELECT COUNT(DISTINCT value) FROM json_each(${x.sql}) WHERE value IN (${list})) = ${distinct.length}`, distinct, nullable);
    }
  }
}

/** A comparison value, checked against the column's type, converted for the dialect. */
function bind(d: SqlDialect, x: ScalarOperand, v: unknown, what: string): unknown {
  const where = what === 'a value' ? x.label : `${what} on ${x.label}`;
  if (v === undefined) throw new UsageError('BAD_CRITERIA', `${where} got undefined. Leave the property out to not filter by it, or pass null to match NULL.`);
  if (x.type !== 'json' && !isType(x.type) && typeof v === 'object' && v !== null && !(v instanceof Date)) {
    throw new UsageError(
      'BAD_CRITERIA',
      `${x.label} is a ${x.type} column; compare it with a value or an operator object ({ $gt: 1 }), not ${describe(v)}.`,
    );
  }
  return criteriaValue(d.dialect, x.column, v, where);
}

/**
 * A value compared with `column`, checked as the database would take it (`valueProblem`, criteria
 * use) and converted for `dialect`; a mistake is `BAD_CRITERIA` naming `label`, before any SQL.
 * A numeric string compares as its number on every dialect (MariaDB would compare 'abc' as 0).
 *
 * @example
 * criteriaValue('mysql', ageColumn, '42', 'User.age');   // 42
 * criteriaValue('mysql', ageColumn, 'abc', 'User.age');  // throws BAD_CRITERIA: User.age must be an integer, ...
 */
export function criteriaValue(dialect: Dialect, column: ColumnMetadata, v: unknown, label: string): unknown {
  const problem = valueProblem(column, v, dialect, 'criteria');
  if (problem) throw criteriaError(problem, label);
  return criteriaParam(dialect, column, v);
}

/** The bound parameter for a criteria value `valueProblem` accepted. */
export function criteriaParam(dialect: Dialect, column: ColumnMetadata, v: unknown): unknown {
  if (typeof v === 'string' && (column.type === 'integer' || column.type === 'float')) return Number(v);
  return toDatabaseValue(column.type, v, dialect);
}

/** The error for a criteria value that does not fit its column. */
export function criteriaError(problem: ValueProblem, label: string): UsageError {
  return new UsageError('BAD_CRITERIA', problem.message(label));
}
