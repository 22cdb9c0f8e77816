import { isType, type Type } from '../metadata/type.js';
import type { Dialect, ScalarType } from '../metadata/types.js';
import { decimalPrecision, decimalScale, DEFAULT_STRING_LENGTH, type ColumnTypeSpec } from '../schema/column-types.js';

// What a column accepts, checked in JS before any SQL: a value the database would reject fails
// here with a message naming the property, instead of as a driver error half-way through a flush;
// a value it would silently change (MariaDB compares 'abc' with an int as 0, rounds decimals,
// turns Infinity into a column name) fails instead of being changed. The limits are those of the
// DDL joinery generates (schema/column-types.ts); the same limits on every dialect, except what one
// database alone enforces (NUL in text on PostgreSQL, `text` bytes on MySQL).
//
// Pure. The common case allocates nothing: a failure's message is built by a function of its own,
// only when there is a failure (a closure here would cost a context allocation per call).

/** Stable names of the value rules (`ValidationFailure.rule`). */
export type ValueRule = 'type' | 'range' | 'not_finite' | 'precision' | 'invalid_date' | 'max_length' | 'nul_byte' | 'json';

/** Why a value does not fit its column; `message` takes `Entity.property`. */
export interface ValueProblem {
  readonly rule: ValueRule;
  message(where: string): string;
}

/**
 * Where a value goes, which decides how strict the check is:
 * - `write`: a property value written by a flush or `nativeUpdate`: exactly the property's JS type,
 *   and it must fit the column (length, precision, bytes).
 * - `key`: a primary key value given for a relation (`author: '5'`): a numeric string is accepted
 *   for a numeric key (as a request parameter arrives), `''` is not, and it must fit the column.
 * - `criteria`: a value compared with the column: numeric strings are accepted for numeric
 *   columns, date strings and timestamps for datetimes; sizes are not checked, since comparing
 *   with a longer string or a wider decimal is not an error (it matches nothing).
 */
export type ValueUse = 'write' | 'key' | 'criteria';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** 2^63 as a number (exact): a number integer is in bigint range when -2^63 <= n < 2^63. */
const TWO_63 = 9223372036854775808;
/** MySQL `text`: 65,535 bytes; a UTF-16 code unit is at most 3 UTF-8 bytes. */
const MYSQL_TEXT_BYTES = 65535;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER_STRING = /^-?\d+$/;
const NUMBER_STRING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * The problem with a non-null `value` for a column of `spec` on `dialect`, or `undefined` when the
 * database takes it unchanged.
 *
 * @example
 * valueProblem({ type: 'integer' }, 2 ** 31, 'pg', 'write')?.rule;            // 'range'
 * valueProblem({ type: 'date' }, '2020-02-30', 'mysql', 'write')?.message('Post.day');
 * // "Post.day is '2020-02-30', which is not a calendar date (February 2020 has 29 days)."
 */
export function valueProblem(spec: ColumnTypeSpec, value: unknown, dialect: Dialect, use: ValueUse): ValueProblem | undefined {
  if (isType(spec.type)) return use === 'criteria' ? undefined : typeProblem(spec.type, value);
  switch (spec.type) {
    case 'string':
    case 'text':
    case 'uuid':
      return textProblem(spec, value, dialect, use);
    case 'integer':
      if (typeof value === 'number') {
        if (value >= INT32_MIN && value <= INT32_MAX && Number.isInteger(value)) return undefined;
        return Number.isFinite(value) ? (Number.isInteger(value) ? rangeOf(spec, value) : wrongType(spec, value)) : notFinite(spec, value);
      }
      if (use !== 'write' && typeof value === 'string' && INTEGER_STRING.test(value)) {
        const n = Number(value);
        return n >= INT32_MIN && n <= INT32_MAX ? undefined : rangeOf(spec, value);
      }
      return wrongType(spec, value);
    case 'bigint':
      return bigintProblem(spec, value);
    case 'float':
      if (typeof value === 'number') return Number.isFinite(value) ? undefined : notFinite(spec, value);
      if (use !== 'write' && typeof value === 'string' && NUMBER_STRING.test(value)) return Number.isFinite(Number(value)) ? undefined : notFinite(spec, value);
      return wrongType(spec, value);
    case 'decimal':
      return decimalProblem(spec, value, use);
    case 'boolean':
      if (typeof value === 'boolean' || (use === 'criteria' && (value === 0 || value === 1))) return undefined;
      return wrongType(spec, value);
    case 'date':
      return dateProblem(spec, value);
    case 'datetime':
    case 'timestamptz':
      if (value instanceof Date) return instantProblem(spec, value, value);
      if (use !== 'write' && (typeof value === 'string' || typeof value === 'number')) return instantProblem(spec, value, new Date(value));
      return wrongType(spec, value);
    case 'json':
      return jsonProblem(value, dialect);
    default: {
      const never: never = spec.type;
      throw new Error(`unknown scalar type ${String(never)}`);
    }
  }
}

function textProblem(spec: ColumnTypeSpec, value: unknown, dialect: Dialect, use: ValueUse): ValueProblem | undefined {
  if (typeof value !== 'string') return wrongType(spec, value);
  if (use === 'key' && value === '') return wrongType(spec, value);
  // PostgreSQL text cannot hold U+0000 (its protocol ends strings with it); MySQL and SQLite store it.
  if (dialect === 'pg' && value.indexOf('\u0000') !== -1) return nulByte(value);
  if (spec.type === 'uuid') return UUID.test(value) ? undefined : wrongType(spec, value);
  if (use === 'criteria') return undefined;
  if (spec.type === 'string') {
    // varchar(n) counts characters (code points); a string's length counts UTF-16 units, never fewer.
    const max = spec.length ?? DEFAULT_STRING_LENGTH;
    return value.length <= max || codePoints(value) <= max ? undefined : tooLong(value, max);
  }
  if (dialect === 'mysql' && value.length > MYSQL_TEXT_BYTES / 3 && Buffer.byteLength(value, 'utf8') > MYSQL_TEXT_BYTES) return textTooLong(value);
  return undefined;
}

function bigintProblem(spec: ColumnTypeSpec, value: unknown): ValueProblem | undefined {
  switch (typeof value) {
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX ? undefined : rangeOf(spec, value);
    case 'number':
      if (!Number.isFinite(value)) return notFinite(spec, value);
      if (!Number.isInteger(value)) return wrongType(spec, value);
      return value >= -TWO_63 && value < TWO_63 ? undefined : rangeOf(spec, value);
    case 'string': {
      if (!INTEGER_STRING.test(value)) return wrongType(spec, value);
      // Up to 18 digits always fit; longer ones are compared exactly.
      if (value.length - (value.charCodeAt(0) === 45 ? 1 : 0) <= 18) return undefined;
      const n = BigInt(value);
      return n >= INT64_MIN && n <= INT64_MAX ? undefined : rangeOf(spec, value);
    }
    default:
      return wrongType(spec, value);
  }
}

function decimalProblem(spec: ColumnTypeSpec, value: unknown, use: ValueUse): ValueProblem | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return notFinite(spec, value);
    text = String(value);
  } else if (typeof value === 'string') text = value;
  else return wrongType(spec, value);
  const precision = decimalPrecision(spec);
  const scale = decimalScale(spec);
  switch (decimalFit(text, use === 'criteria' ? Infinity : precision - scale, use === 'criteria' ? Infinity : scale)) {
    case DECIMAL_OK:
      return undefined;
    case DECIMAL_MALFORMED:
      return wrongType(spec, value);
    default:
      return tooPrecise(value, text, precision, scale);
  }
}

const DECIMAL_OK = 0;
const DECIMAL_MALFORMED = 1;
const DECIMAL_TOO_WIDE = 2;

/**
 * Whether `text` is a decimal number (`-12.50`, or the `1.5e-7` / `1e+21` form `String(number)`
 * gives) with at most `maxInteger` digits before the point and `maxFraction` after it (leading and
 * trailing zeros do not count: the database drops them). Scans characters: no match arrays.
 */
function decimalFit(text: string, maxInteger: number, maxFraction: number): number {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43 ? 1 : 0;
  const start = i;
  let integer = 0;
  for (; i < n && isDigit(text.charCodeAt(i)); i++) if (integer > 0 || text.charCodeAt(i) !== 48) integer++;
  const integerEnd = i;
  let fraction = 0;
  if (i < n && text.charCodeAt(i) === 46) {
    const from = ++i;
    for (; i < n && isDigit(text.charCodeAt(i)); i++) if (text.charCodeAt(i) !== 48) fraction = i - from + 1;
    if (i === from && integerEnd === start) return DECIMAL_MALFORMED;
  }
  if (integerEnd === start && fraction === 0 && i === start) return DECIMAL_MALFORMED;
  if (i < n && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69)) {
    // Only the one-digit mantissa JS writes (d.ddde±x): the point moves by the exponent.
    const exponent = i + 1 < n ? Number(text.slice(i + 1)) : Number.NaN;
    if (!Number.isInteger(exponent) || integerEnd - start !== 1 || integer !== 1) return DECIMAL_MALFORMED;
    if (exponent >= 0) {
      integer += exponent;
      fraction = Math.max(0, fraction - exponent);
    } else {
      integer = 0;
      fraction -= exponent;
    }
    i = n;
  }
  if (i !== n) return DECIMAL_MALFORMED;
  return integer <= maxInteger && fraction <= maxFraction ? DECIMAL_OK : DECIMAL_TOO_WIDE;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function dateProblem(spec: ColumnTypeSpec, value: unknown): ValueProblem | undefined {
  if (value instanceof Date) return instantProblem(spec, value, value);
  if (typeof value !== 'string' || !isDateShape(value)) return wrongType(spec, value);
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (year < 1) return yearOutOfRange(spec, value, year);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return notACalendarDate(value, year, month);
  return undefined;
}

/** `YYYY-MM-DD`, digits and dashes. */
function isDateShape(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  for (let i = 0; i < 10; i++) if (i !== 4 && i !== 7 && !isDigit(s.charCodeAt(i))) return false;
  return true;
}

function digitsAt(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}

/** Days in `month` (1–12) of `year` in the proleptic Gregorian calendar PostgreSQL and MySQL use. */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * A Date for a `date` or `datetime` column: a real instant in years 1–9999 (UTC). MySQL's
 * `datetime` ends at 9999, SQLite's ISO-8601 text sorts only with four-digit years, and
 * PostgreSQL has no year 0.
 */
function instantProblem(spec: ColumnTypeSpec, given: unknown, d: Date): ValueProblem | undefined {
  const time = d.getTime();
  if (Number.isNaN(time)) return invalidDate(spec, given);
  // -62135596800000 is 0001-01-01T00:00:00Z, 253402300800000 is 10000-01-01T00:00:00Z.
  if (time >= -62135596800000 && time < 253402300800000) return undefined;
  return yearOutOfRange(spec, given, d.getUTCFullYear());
}

function jsonProblem(value: unknown, dialect: Dialect): ValueProblem | undefined {
  switch (typeof value) {
    case 'string':
      return dialect === 'pg' && value.indexOf('\u0000') !== -1 ? nulByte(value) : undefined;
    case 'number':
    case 'boolean':
      return undefined;
    case 'bigint':
      return notJson(value, 'a BigInt, which JSON has no form for; store it as a string (String(value))');
    case 'function':
    case 'symbol':
    case 'undefined':
      return notJson(value, `a ${typeof value}, which JSON.stringify leaves out, so nothing would be stored`);
    default: {
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (e) {
        return notJson(value, jsonFailure(e));
      }
      if (text === undefined) return notJson(value, 'a value JSON.stringify encodes as nothing (its toJSON returned undefined)');
      // PostgreSQL's jsonb rejects the escape \u0000 inside strings (an odd run of backslashes before it).
      if (dialect === 'pg' && text.indexOf('\\u0000') !== -1 && /(?:^|[^\\])(?:\\\\)*\\u0000/.test(text)) return nulByte(value);
      return undefined;
    }
  }
}

function jsonFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/bigint/i.test(message)) return 'an object holding a BigInt, which JSON has no form for; store it as a string (String(value))';
  if (/circular/i.test(message)) return 'a circular structure (an object that contains itself), which JSON cannot encode';
  return `a value JSON.stringify cannot encode (${message})`;
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

// ----------------------------------------------------------------- failures (built only on failure)

const EXPECTED: Record<ScalarType, string> = {
  string: 'a string',
  text: 'a string',
  uuid: "a UUID string such as '0b6f5a64-3d44-4c0e-9d5b-1f0f4f7c2a11'",
  integer: 'an integer',
  bigint: 'a bigint (a bigint, an integer number or a string of digits)',
  float: 'a number',
  decimal: "a decimal number (a number or a numeric string such as '12.50')",
  boolean: 'a boolean',
  date: "a 'YYYY-MM-DD' string (or a Date)",
  datetime: 'a valid Date',
  timestamptz: 'a valid Date',
  json: 'a JSON value',
};

/** A `Type`'s own check (`Type.validate`). */
function typeProblem(type: Type, value: unknown): ValueProblem | undefined {
  const problem = type.validate(value, type.context);
  return problem === undefined ? undefined : { rule: 'type', message: (where) => `${where} ${problem}.` };
}

function wrongType(spec: ColumnTypeSpec, value: unknown): ValueProblem {
  let hint = '';
  if (spec.type === 'integer' && typeof value === 'number') hint = " Use type: 'float' or 'decimal' for fractions.";
  else if ((spec.type === 'integer' || spec.type === 'float') && typeof value === 'string') hint = ' A string must hold a number (digits only for an integer).';
  else if (spec.type === 'boolean' && typeof value === 'string') hint = ` Use true or false: Boolean(${JSON.stringify(value.slice(0, 10))}) would be ${Boolean(value)}.`;
  else if ((spec.type === 'string' || spec.type === 'text') && (typeof value === 'number' || typeof value === 'boolean')) hint = ` Compare or store it as a string: ${JSON.stringify(String(value))}.`;
  return { rule: 'type', message: (where) => `${where} must be ${EXPECTED[spec.type as ScalarType]}, got ${describeValue(value)}.${hint}` };
}

function rangeOf(spec: ColumnTypeSpec, value: unknown): ValueProblem {
  const range = spec.type === 'integer' ? `${INT32_MIN} to ${INT32_MAX} (a 32-bit integer column)` : `${INT64_MIN} to ${INT64_MAX} (a 64-bit bigint column)`;
  const fix = spec.type === 'integer' ? " Use type: 'bigint' for larger values." : " Use type: 'decimal' or 'string' for larger values.";
  return { rule: 'range', message: (where) => `${where} is ${describeValue(value)}, outside ${range}.${fix}` };
}

function notFinite(spec: ColumnTypeSpec, value: unknown): ValueProblem {
  return {
    rule: 'not_finite',
    message: (where) => `${where} is ${describeValue(value)}; a ${spec.type} column holds finite numbers only. Check the computation that produced it, or store null.`,
  };
}

function tooPrecise(value: unknown, text: string, precision: number, scale: number): ValueProblem {
  return {
    rule: 'precision',
    message: (where) =>
      `${where} is ${describeValue(value)}, which does not fit decimal(${precision},${scale}): at most ${precision - scale} digit(s) before the point and ${scale} after it` +
      `${text.includes('.') || /e-/i.test(text) ? ' (round it first, e.g. value.toFixed(' + scale + '))' : ''}. Or raise precision/scale.`,
  };
}

function invalidDate(spec: ColumnTypeSpec, value: unknown): ValueProblem {
  return { rule: 'invalid_date', message: (where) => `${where} is ${describeValue(value)}, which is not a valid ${spec.type === 'date' ? 'date' : 'date and time'}.` };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function notACalendarDate(value: string, year: number, month: number): ValueProblem {
  const why = month >= 1 && month <= 12 ? `${MONTHS[month - 1]} ${year} has ${daysIn(year, month)} days` : 'months run from 01 to 12';
  return { rule: 'invalid_date', message: (where) => `${where} is '${value}', which is not a calendar date (${why}).` };
}

function yearOutOfRange(spec: ColumnTypeSpec, value: unknown, year: number): ValueProblem {
  return { rule: 'range', message: (where) => `${where} is ${describeValue(value)}, in year ${year}; a ${spec.type} column holds years 1 to 9999.` };
}

function tooLong(value: string, max: number): ValueProblem {
  return {
    rule: 'max_length',
    message: (where) => `${where} is ${codePoints(value)} characters long; at most ${max} fit. Shorten it or raise length (or use type: 'text').`,
  };
}

function textTooLong(value: string): ValueProblem {
  return {
    rule: 'max_length',
    message: (where) => `${where} is ${Buffer.byteLength(value, 'utf8')} bytes long in UTF-8; a MySQL text column holds at most ${MYSQL_TEXT_BYTES} bytes. Shorten it.`,
  };
}

function nulByte(value: unknown): ValueProblem {
  return {
    rule: 'nul_byte',
    message: (where) => `${where} contains the character U+0000 (NUL), which PostgreSQL cannot store in text or json (value ${describeValue(value)}). Remove it, e.g. value.replaceAll('\\u0000', '').`,
  };
}

function notJson(value: unknown, what: string): ValueProblem {
  return { rule: 'json', message: (where) => `${where} is ${what}; a json property stores what JSON.stringify writes (value ${describeValue(value)}).` };
}

/** A `limit` or `offset`: a safe, non-negative integer (a larger one is not exact in JS, nor in the SQL). */
export function isCount(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) >= 0;
}

/** A value for a message: short, and never the whole of a long string. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'Invalid' : v.toISOString()})`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return `${typeof v} ${String(v)}`;
}
