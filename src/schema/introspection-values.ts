import type { Dialect, ReferentialAction } from '../metadata/types.js';
import type { DefaultValue } from './schema-model.js';

/**
 * Turning what a database reports about a column (its type name, its default as text) into the
 * spelling the generator writes, so that an unchanged column compares equal and `update()` is
 * idempotent.
 */

const PG_TYPE_ALIASES: readonly [RegExp, string][] = [
  [/^character varying/, 'varchar'],
  [/^character\b/, 'char'],
  [/^timestamp(\(\d+\))? with time zone$/, 'timestamptz$1'],
  [/^timestamp(\(\d+\))? without time zone$/, 'timestamp$1'],
  [/^time(\(\d+\))? with time zone$/, 'timetz$1'],
  [/^time(\(\d+\))? without time zone$/, 'time$1'],
];

/** A live column type in the generator's spelling: `character varying(80)` → `varchar(80)`, `int(11)` → `int`. */
export function normalizeLiveType(type: string, dialect: Dialect): string {
  let t = type.trim().toLowerCase().replace(/\s+/g, ' ');
  if (dialect === 'pg') {
    for (const [from, to] of PG_TYPE_ALIASES) t = t.replace(from, to);
  } else if (dialect === 'mysql') {
    // Display widths (MariaDB, MySQL < 8.0.19) mean nothing, except that tinyint(1) is the boolean.
    if (t !== 'tinyint(1)' && !t.startsWith('tinyint(1) ')) t = t.replace(/^(tinyint|smallint|mediumint|int|integer|bigint)\(\d+\)/, '$1');
    t = t.replace(/^integer\b/, 'int');
  }
  return t.replace(/\s*,\s*/g, ',');
}

/** A referential action as reported by any of the three databases. */
export function normalizeRule(rule: string | null | undefined): ReferentialAction | 'set default' {
  switch ((rule ?? '').trim().toLowerCase()) {
    case 'cascade':
    case 'c':
      return 'cascade';
    case 'set null':
    case 'n':
      return 'set null';
    case 'restrict':
    case 'r':
      return 'restrict';
    case 'set default':
    case 'd':
      return 'set default';
    default:
      return 'no action';
  }
}

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const QUOTED = /^'((?:[^']|'')*)'$/s;
// A trailing PostgreSQL cast, possibly several: `'x'::character varying`, `'{}'::jsonb`, `'-1'::integer`.
const PG_CASTS = /^(.*?)((::[a-z_][a-z0-9_ ]*(\([\d, ]+\))?(\[\])?)+)$/is;

/** A PostgreSQL default as `pg_get_expr` prints it. `nextval(...)` (serial) is not a default. */
export function parsePgDefault(text: string | null | undefined): DefaultValue | undefined {
  if (text === null || text === undefined) return undefined;
  let t = text.trim();
  if (/^nextval\(/i.test(t)) return undefined;
  const cast = PG_CASTS.exec(t);
  if (cast) {
    const inner = cast[1]!.trim();
    if (QUOTED.test(inner) || NUMBER.test(stripParens(inner)) || /^null$/i.test(inner)) t = inner;
  }
  if (/^null$/i.test(t)) return undefined;
  const quoted = QUOTED.exec(t);
  if (quoted) return { kind: 'literal', value: quoted[1]!.replace(/''/g, "'") };
  if (NUMBER.test(stripParens(t))) return { kind: 'literal', value: stripParens(t) };
  if (/^(true|false)$/i.test(t)) return { kind: 'literal', value: t.toLowerCase() === 'true' };
  return { kind: 'expression', sql: t };
}

/**
 * A MySQL or MariaDB `information_schema.COLUMNS.COLUMN_DEFAULT`. MariaDB reports SQL (`'abc'`,
 * `NULL` for "no default", `current_timestamp(3)`); MySQL 8 reports the bare value, and an expression
 * (flagged DEFAULT_GENERATED in EXTRA) with charset introducers and escaped quotes: `_utf8mb4\'x\'`.
 */
export function parseMysqlDefault(text: string | null | undefined, extra: string, mariadb: boolean): DefaultValue | undefined {
  if (text === null || text === undefined) return undefined;
  const t = text.trim();
  if (mariadb) {
    if (/^null$/i.test(t)) return undefined;
    const quoted = /^'((?:[^'\\]|''|\\.)*)'$/s.exec(t);
    if (quoted) return { kind: 'literal', value: unescapeMysql(quoted[1]!) };
    if (NUMBER.test(t)) return { kind: 'literal', value: t };
    return { kind: 'expression', sql: t };
  }
  if (/default_generated/i.test(extra)) {
    const unescaped = t.replace(/\\'/g, "'");
    const literal = /^\(?(?:_[a-z0-9]+)?'((?:[^'\\]|''|\\.)*)'\)?$/is.exec(unescaped);
    if (literal) return { kind: 'literal', value: unescapeMysql(literal[1]!) };
    return { kind: 'expression', sql: unescaped };
  }
  return { kind: 'literal', value: t };
}

/** A SQLite `PRAGMA table_info` default: the expression text exactly as it was declared. */
export function parseSqliteDefault(text: string | null | undefined): DefaultValue | undefined {
  if (text === null || text === undefined) return undefined;
  const t = stripParens(text.trim());
  if (/^null$/i.test(t)) return undefined;
  const quoted = QUOTED.exec(t);
  if (quoted) return { kind: 'literal', value: quoted[1]!.replace(/''/g, "'") };
  if (NUMBER.test(t)) return { kind: 'literal', value: t };
  return { kind: 'expression', sql: t };
}

/**
 * Whether two defaults are the same for a column of `type`. Literals compare by value (numbers
 * numerically, JSON structurally, booleans as the dialect stores them); expressions compare without
 * case, spaces or outer parentheses.
 */
export function defaultsEqual(a: DefaultValue | undefined, b: DefaultValue | undefined, type: string, dialect: Dialect): boolean {
  if (!a || !b) return !a && !b;
  const x = defaultText(a, dialect);
  const y = defaultText(b, dialect);
  if (a.kind === 'literal' && b.kind === 'literal') {
    if (NUMBER.test(x) && NUMBER.test(y)) return Number(x) === Number(y);
    if (/json/.test(type) || (dialect === 'mysql' && type === 'longtext')) {
      const jx = canonicalJson(x);
      const jy = canonicalJson(y);
      if (jx !== undefined && jy !== undefined) return jx === jy;
    }
    return x === y;
  }
  return canonicalExpression(x) === canonicalExpression(y);
}

function defaultText(d: DefaultValue, dialect: Dialect): string {
  if (d.kind === 'expression') return d.sql;
  if (typeof d.value === 'boolean') return dialect === 'pg' ? String(d.value) : d.value ? '1' : '0';
  return String(d.value);
}

function canonicalExpression(sql: string): string {
  return stripParens(sql.trim()).toLowerCase().replace(/\s+/g, '');
}

function canonicalJson(text: string): string | undefined {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return undefined;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** `(x)` → `x`, repeatedly, only when the parentheses wrap the whole text. */
export function stripParens(sql: string): string {
  let t = sql;
  while (t.startsWith('(') && t.endsWith(')') && wrapsWhole(t)) t = t.slice(1, -1).trim();
  return t;
}

function wrapsWhole(t: string): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    if (ch === "'") quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (depth === 0 && i < t.length - 1) return false;
  }
  return depth === 0;
}

function unescapeMysql(s: string): string {
  return s.replace(/''/g, "'").replace(/\\(.)/gs, (_m, ch: string) => ({ n: '\n', r: '\r', t: '\t', '0': '\0', Z: '\x1a' })[ch] ?? ch);
}
