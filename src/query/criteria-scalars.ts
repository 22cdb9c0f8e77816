import { UsageError } from '../errors/usage-error.js';
import { toDatabaseValue } from '../entity/value-conversion.js';
import type { ColumnMetadata, ScalarType } from '../metadata/types.js';
import { and, cond, describe, definedEntries, isOperatorObject, lookupTable, MATCH_ALL, MATCH_NONE, not, or, type Cond } from './criteria-sql.js';
import { placeholders, type SqlDialect } from './sql-dialect.js';

export const SCALAR_OPERATORS = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$like', '$ilike', '$not'] as const;

/** What a scalar condition compares: one column, named for messages as `Entity.property`. */
export interface ScalarOperand {
  /** `Entity.property`, for error messages. */
  readonly label: string;
  readonly type: ScalarType;
  readonly column: ColumnMetadata;
  /** The qualified, quoted column: `"e0"."age"`. */
  readonly sql: string;
}

const TEXT_TYPES: readonly ScalarType[] = ['string', 'text', 'uuid'];
const COMPARISON_SQL = lookupTable({ $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' });

/**
 * A condition on one scalar column: a value (equality), `null` (IS NULL), an array ($in) or an
 * operator object. `$ne` and `$nin` keep rows whose value is NULL, like a `!==` in JS would.
 */
export function scalarCondition(d: SqlDialect, x: ScalarOperand, value: unknown): Cond {
  if (value === null) return isNull(x);
  if (Array.isArray(value)) return scalarCondition(d, x, { $in: value });
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
  if (!TEXT_TYPES.includes(x.type)) {
    throw new UsageError(
      'BAD_CRITERIA',
      `${op} matches text, but ${x.label} is a ${x.type} column. Compare it with $eq, $in, $gt & co. instead.`,
    );
  }
  if (typeof v !== 'string') {
    throw new UsageError('BAD_CRITERIA', `${op} on ${x.label} takes a pattern string such as 'A%', got ${describe(v)}.`);
  }
  // PostgreSQL has no LIKE for uuid.
  const col = x.type === 'uuid' && d.dialect === 'pg' ? `CAST(${x.sql} AS text)` : x.sql;
  const escape = d.dialect === 'sqlite' ? ` ESCAPE '\\'` : '';
  if (op === '$like') return cond(`${col} LIKE ?${escape}`, [v], x.column.nullable);
  if (d.dialect === 'pg') return cond(`${col} ILIKE ?`, [v], x.column.nullable);
  // MySQL's LIKE follows the column's collation, which may be case-sensitive (`_bin`, `_cs`).
  return cond(`LOWER(${col}) LIKE LOWER(?)${escape}`, [v], x.column.nullable);
}

/** A comparison value, checked against the column's type, converted for the dialect. */
function bind(d: SqlDialect, x: ScalarOperand, v: unknown, what: string): unknown {
  const where = what === 'a value' ? x.label : `${what} on ${x.label}`;
  if (v === undefined) throw new UsageError('BAD_CRITERIA', `${where} got undefined. Leave the property out to not filter by it, or pass null to match NULL.`);
  if (x.type !== 'json' && typeof v === 'object' && v !== null && !(v instanceof Date)) {
    throw new UsageError(
      'BAD_CRITERIA',
      `${x.label} is a ${x.type} column; compare it with a value or an operator object ({ $gt: 1 }), not ${describe(v)}.`,
    );
  }
  if (x.type === 'boolean' && typeof v !== 'boolean' && v !== 0 && v !== 1) {
    // Boolean('false') is true: a string from a query string would silently invert the filter.
    throw new UsageError('BAD_CRITERIA', `${x.label} is a boolean column; compare it with true or false, got ${describe(v)}.`);
  }
  if ((x.type === 'datetime' || x.type === 'date') && !(typeof v === 'string' || typeof v === 'number' || v instanceof Date)) {
    throw new UsageError('BAD_CRITERIA', `${x.label} is a ${x.type} column; compare it with a Date or an ISO-8601 string, got ${describe(v)}.`);
  }
  if (x.type === 'datetime' && Number.isNaN((v instanceof Date ? v : new Date(v as string)).getTime())) {
    throw new UsageError('BAD_CRITERIA', `${x.label} is a datetime column and ${describe(v)} is not a valid date. Pass a Date or an ISO-8601 string.`);
  }
  return toDatabaseValue(x.type, v, d.dialect);
}
