import type { Dialect } from '../metadata/types.js';

/**
 * A statement's SQL with the database's own placeholders, ready for the driver: `$1, $2, ...` on pg,
 * `?` unchanged on sqlite and mysql.
 */
export type NativeSql = { readonly sql: string } | { readonly needsKnex: true };

const QUESTION = 63; // '?'
const BACKSLASH = 92; // '\'

/**
 * Rewrites the `?` placeholders of a {@link Statement} for the driver, in one pass over the text.
 *
 * Statements are sent to the driver without knex's raw-query compilation (which rewrote every
 * placeholder with a regular expression, per statement, and was the largest single cost of large
 * flushes), so this has to give the same result as `knex.raw(sql, params)` for every statement it
 * accepts. knex gives two spellings a meaning of their own, `??` (an identifier binding) and `\?`
 * (a literal question mark); a statement containing either is answered with `needsKnex`, and the
 * caller lets knex compile it as before.
 *
 * Throws, as knex.raw did, when the number of placeholders is not the number of parameters or a
 * parameter is `undefined` (a value that was never set must not silently become NULL).
 *
 * @example
 * nativePlaceholders('pg', 'select * from users where id = ? and email = ?', [1, 'a@b.c']);
 * // { sql: 'select * from users where id = $1 and email = $2' }
 */
export function nativePlaceholders(dialect: Dialect, sql: string, params: readonly unknown[]): NativeSql {
  const known = rewritten(dialect, sql);
  if ('needsKnex' in known.native) return known.native;
  if (known.count !== params.length) throw new Error(`Expected ${params.length} bindings, saw ${known.count}`);
  for (let i = 0; i < params.length; i++) {
    if (params[i] === undefined) throw new Error(undefinedBindings(sql, params));
  }
  return known.native;
}

interface Rewritten {
  readonly native: NativeSql;
  /** Placeholders found. */
  readonly count: number;
}

/**
 * Rewritten statements by their SQL, per dialect. A flush sends the same text many times (each
 * 1,000-row chunk of an INSERT, each lookup by key), and rewriting the 5,000 placeholders of a chunk
 * cost more than anything else joinery does to it. Bounded by total length, then started afresh.
 */
const caches: Record<Dialect, Map<string, Rewritten>> = { pg: new Map(), mysql: new Map(), sqlite: new Map() };
const CACHE_CHARS = 4_000_000;
const cachedChars: Record<Dialect, number> = { pg: 0, mysql: 0, sqlite: 0 };

function remember(dialect: Dialect, sql: string, rewritten: Rewritten): void {
  const cache = caches[dialect];
  if (cachedChars[dialect] + sql.length > CACHE_CHARS) {
    cache.clear();
    cachedChars[dialect] = 0;
  }
  cache.set(sql, rewritten);
  cachedChars[dialect] += sql.length;
}

function rewrite(numbered: boolean, sql: string): Rewritten {
  // Pieces joined once at the end: thousands of `+=` on one string make a deep rope to flatten.
  const parts: string[] = [];
  let from = 0;
  let count = 0;
  for (let i = sql.indexOf('?'); i !== -1; i = sql.indexOf('?', i + 1)) {
    if (sql.charCodeAt(i + 1) === QUESTION || (i > 0 && sql.charCodeAt(i - 1) === BACKSLASH)) return { native: { needsKnex: true }, count: -1 };
    count++;
    if (numbered) {
      parts.push(sql.slice(from, i), '$' + count);
      from = i + 1;
    }
  }
  if (!numbered || count === 0) return { native: { sql }, count };
  parts.push(sql.slice(from));
  return { native: { sql: parts.join('') }, count };
}

/** knex's wording, so that the error a user sees did not change when knex stopped compiling statements. */
function undefinedBindings(sql: string, params: readonly unknown[]): string {
  const keys: number[] = [];
  params.forEach((p, i) => {
    if (p === undefined) keys.push(i);
  });
  return `Undefined binding(s) detected for keys [${keys.join(',')}] when compiling RAW query: ${sql}`;
}

/**
 * How many `?` placeholders `sql` holds, as {@link nativePlaceholders} counts them; `undefined` when
 * it uses knex's `??` or `\?` spellings (knex counts those itself).
 */
export function placeholderCount(dialect: Dialect, sql: string): number | undefined {
  const known = rewritten(dialect, sql);
  return 'needsKnex' in known.native ? undefined : known.count;
}

function rewritten(dialect: Dialect, sql: string): Rewritten {
  let known = caches[dialect].get(sql);
  if (known === undefined) {
    known = rewrite(dialect === 'pg', sql);
    remember(dialect, sql, known);
  }
  return known;
}
