import type { Dialect, ScalarType } from '../metadata/types.js';
import { getColumnType, DEFAULT_DECIMAL_PRECISION, DEFAULT_DECIMAL_SCALE, DEFAULT_STRING_LENGTH } from '../schema/column-types.js';

/** The `@Property` type options that reproduce a live column type. */
export interface MappedType {
  readonly type: ScalarType;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  /** The live type, when the options above would make the schema generator write another one. */
  readonly columnType?: string;
  /** joinery has no type for it: it is read and written as text, and the generated file says so. */
  readonly unknown?: boolean;
}

const INTEGER = new Set(['integer', 'int', 'int4', 'int2', 'smallint', 'mediumint', 'tinyint', 'serial', 'smallserial']);
const BIGINT = new Set(['bigint', 'int8', 'bigserial']);
const STRING = new Set(['varchar', 'nvarchar', 'char', 'nchar', 'character', 'varchar2', 'nvarchar2', 'varying character', 'native character', 'bpchar']);
const TEXT = new Set(['text', 'tinytext', 'mediumtext', 'longtext', 'clob', 'ntext', 'citext']);
const DECIMAL = new Set(['numeric', 'decimal']);
const FLOAT = new Set(['real', 'float', 'double', 'double precision', 'float4', 'float8']);
const BOOLEAN = new Set(['boolean', 'bool']);
const DATETIME = new Set(['datetime', 'timestamp', 'timestamptz', 'datetime2', 'smalldatetime']);
const JSON_TYPES = new Set(['json', 'jsonb']);

/**
 * The joinery type of a live column, given in the introspectors' spelling (`varchar(80)`,
 * `numeric(10,2)`, `timestamptz`, `tinyint(1)`). When the schema generator would write that type
 * differently on `dialect` (SQLite's `nvarchar(160)`, PostgreSQL's `timestamp`), the live type is
 * kept as `columnType` so that the generated entities diff clean against the database.
 *
 * Types joinery does not know (`bytea`, `int[]`, `enum(...)`, `point`) become `text` with the live
 * type as `columnType`: the column round-trips, and the value is handled as a string. `text`
 * rather than `string` because `string` checks a 255-character length the column may not have.
 *
 * @example
 * mapLiveType('nvarchar(160)', 'sqlite');  // { type: 'string', length: 160, columnType: 'nvarchar(160)' }
 */
export function mapLiveType(liveType: string, dialect: Dialect): MappedType {
  const spec = scalarOf(liveType.trim().toLowerCase());
  if (!spec) return { type: 'text', columnType: liveType, unknown: true };
  return getColumnType(spec, dialect) === liveType ? spec : { ...spec, columnType: liveType };
}

function scalarOf(t: string): MappedType | undefined {
  if (t === 'tinyint(1)') return { type: 'boolean' };
  const m = /^([a-z][a-z0-9 ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?(\s+unsigned)?$/.exec(t);
  if (!m) return undefined;
  const base = m[1]!;
  const first = m[2] === undefined ? undefined : Number(m[2]);
  const second = m[3] === undefined ? undefined : Number(m[3]);
  if (m[4] && !INTEGER.has(base) && !BIGINT.has(base)) return undefined;
  if (INTEGER.has(base)) return { type: m[4] && base === 'int' ? 'bigint' : 'integer' };
  if (BIGINT.has(base)) return { type: 'bigint' };
  if (STRING.has(base) || base === 'character varying') {
    return first === undefined ? { type: 'text' } : { type: 'string', ...(first !== DEFAULT_STRING_LENGTH ? { length: first } : {}) };
  }
  if (TEXT.has(base)) return { type: 'text' };
  if (DECIMAL.has(base)) {
    const precision = first ?? DEFAULT_DECIMAL_PRECISION;
    const scale = second ?? (first === undefined ? DEFAULT_DECIMAL_SCALE : 0);
    return {
      type: 'decimal',
      ...(precision !== DEFAULT_DECIMAL_PRECISION ? { precision } : {}),
      ...(scale !== Math.min(DEFAULT_DECIMAL_SCALE, precision) ? { scale } : {}),
    };
  }
  if (FLOAT.has(base)) return { type: 'float' };
  if (BOOLEAN.has(base)) return { type: 'boolean' };
  if (base === 'date') return { type: 'date' };
  if (DATETIME.has(base)) return { type: 'datetime' };
  if (JSON_TYPES.has(base)) return { type: 'json' };
  if (base === 'uuid') return { type: 'uuid' };
  return undefined;
}
