/**
 * What a statement does, as far as reading its result needs to know: `'insert'` (an INSERT: a
 * single affected row names the new row's id), `'write'` (any other statement that changes rows and
 * may return them: UPDATE, DELETE, REPLACE, `WITH ... RETURNING`), `'other'` (reads, DDL, BEGIN).
 */
export type StatementKind = 'insert' | 'write' | 'other';

/** First keyword of the statement, lower case, after comments and opening parentheses. */
export function leadingKeyword(sql: string): string {
  const m = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/|\()*([a-zA-Z]+)/.exec(sql);
  return m ? m[1]!.toLowerCase() : '';
}

/** The {@link StatementKind} of `sql`, read from its text. */
export function classifyStatement(sql: string): StatementKind {
  const kw = leadingKeyword(sql);
  if (kw === 'insert') return 'insert';
  if (kw === 'update' || kw === 'delete' || kw === 'replace') return 'write';
  // WITH ... INSERT/UPDATE/DELETE ... RETURNING
  return kw === 'with' && /\breturning\b/i.test(sql) ? 'write' : 'other';
}

/**
 * {@link classifyStatement} remembered per statement text. Every result of every statement needs
 * its kind, and joinery sends the same few texts over and over (a lookup by key, a flush's
 * chunks); looking a text up costs less than reading it again (the driver's own caches have
 * already hashed it). Bounded by total length, then started afresh; texts longer than
 * `maxTextLength` are classified each time (only their start is read, short of `WITH`).
 *
 * @example
 * const kinds = new StatementKinds();
 * kinds.of('select * from users where id = ?');   // 'other'
 * kinds.of('insert into users (email) values (?)'); // 'insert'
 */
export class StatementKinds {
  readonly #kinds = new Map<string, StatementKind>();
  #chars = 0;

  constructor(
    /** Most characters of text kept, summed over the texts. */
    readonly maxChars = 1_000_000,
    /** Longer texts are not kept. */
    readonly maxTextLength = 4_096,
  ) {}

  /** Texts remembered. */
  get size(): number {
    return this.#kinds.size;
  }

  of(sql: string): StatementKind {
    let kind = this.#kinds.get(sql);
    if (kind !== undefined) return kind;
    kind = classifyStatement(sql);
    if (sql.length > this.maxTextLength) return kind;
    if (this.#chars + sql.length > this.maxChars) {
      this.#kinds.clear();
      this.#chars = 0;
    }
    this.#kinds.set(sql, kind);
    this.#chars += sql.length;
    return kind;
  }
}
