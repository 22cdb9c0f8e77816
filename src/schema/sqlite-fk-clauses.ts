/**
 * SQLite's `PRAGMA foreign_key_list` does not say whether an FK is deferrable, so it is read from the
 * table's `CREATE TABLE` text in sqlite_master. Each column or table constraint definition that holds
 * a `REFERENCES` clause is one FK; it is keyed by its child columns and the referenced table.
 */

/** `cols\0table` (lowercased, unquoted) of every FK declared `DEFERRABLE INITIALLY DEFERRED`. */
export function deferredForeignKeys(createSql: string): Set<string> {
  const open = createSql.indexOf('(');
  const out = new Set<string>();
  if (open < 0) return out;
  for (const def of splitTopLevel(createSql.slice(open + 1))) {
    const tokens = tokenize(def);
    const lower = tokens.map((t) => t.toLowerCase());
    const ref = lower.indexOf('references');
    if (ref < 0 || ref + 1 >= tokens.length) continue;
    if (!isDeferred(lower.slice(ref))) continue;
    const fk = lower.indexOf('foreign');
    let columns: string[];
    if (fk >= 0 && lower[fk + 1] === 'key' && tokens[fk + 2] === '(') {
      const close = tokens.indexOf(')', fk + 2);
      columns = tokens.slice(fk + 3, close).filter((t) => t !== ',').map(unquote);
    } else {
      columns = [unquote(tokens[0]!)];
    }
    out.add(foreignKeyKey(columns, unquote(tokens[ref + 1]!)));
  }
  return out;
}

/** The key {@link deferredForeignKeys} uses for an FK. */
export function foreignKeyKey(columns: readonly string[], referencedTable: string): string {
  return [...columns.map((c) => c.toLowerCase()), referencedTable.toLowerCase()].join('\u0000');
}

// `NOT DEFERRABLE`, `DEFERRABLE INITIALLY IMMEDIATE` and a bare `DEFERRABLE` are all checked at once.
function isDeferred(lower: readonly string[]): boolean {
  const i = lower.indexOf('deferrable');
  return i > 0 && lower[i - 1] !== 'not' && lower[i + 1] === 'initially' && lower[i + 2] === 'deferred';
}

/** The definitions between the table's parentheses, split at commas outside parentheses and quotes. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      i = endOfQuoted(body, i);
    } else if (ch === '(') depth++;
    else if (ch === ')') {
      if (depth === 0) {
        parts.push(body.slice(start, i));
        return parts;
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** Identifiers, quoted names and strings, and the punctuation `(`, `)`, `,` of one definition. */
function tokenize(def: string): string[] {
  const tokens: string[] = [];
  for (let i = 0; i < def.length; i++) {
    const ch = def[i]!;
    if (/\s/.test(ch)) continue;
    if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      const end = endOfQuoted(def, i);
      tokens.push(def.slice(i, end + 1));
      i = end;
    } else if (ch === '(' || ch === ')' || ch === ',') tokens.push(ch);
    else {
      let j = i;
      while (j < def.length && !/[\s(),'"`[]/.test(def[j]!)) j++;
      tokens.push(def.slice(i, j));
      i = j - 1;
    }
  }
  return tokens;
}

/** Index of the character closing the quote opened at `i` (a doubled quote char escapes it). */
function endOfQuoted(s: string, i: number): number {
  const close = s[i] === '[' ? ']' : s[i]!;
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === close) {
      if (close !== ']' && s[j + 1] === close) j += 2;
      else return j;
    } else j++;
  }
  return s.length - 1;
}

function unquote(token: string): string {
  const first = token[0];
  if (first === '"' || first === '`') return token.slice(1, -1).split(first + first).join(first);
  if (first === '[') return token.slice(1, -1);
  return token;
}
