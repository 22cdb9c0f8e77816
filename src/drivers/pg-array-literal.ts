/**
 * A JS array parameter as the PostgreSQL array literal node-postgres would send for it (`{"a","b"}`,
 * `NULL` for null and undefined), written without its per-element regular expressions: a flush on
 * PostgreSQL sends a column of 10,000 rows as one array parameter (see `unnestable` in
 * query/dml.ts), and node-postgres escaped every element with two `replace` calls. Undefined when an
 * element is not a string, number, boolean or bigint (a Date, a Buffer, a nested array, an object):
 * node-postgres then converts the array itself, as before.
 *
 * @example
 * pgArrayLiteral(['a', 'b"c', null]);   // '{"a","b\\"c",NULL}'
 * pgArrayLiteral([1, 2]);               // '{"1","2"}'
 */
export function pgArrayLiteral(values: readonly unknown[]): string | undefined {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) {
      out += 'NULL';
      continue;
    }
    let text: string;
    switch (typeof v) {
      case 'string':
        text = v;
        break;
      case 'number':
      case 'boolean':
      case 'bigint':
        // What node-postgres' prepareValue gives these: their toString().
        text = String(v);
        break;
      default:
        return undefined;
    }
    // Quoted like node-postgres quotes every element; backslashes and quotes escaped.
    out += text.indexOf('"') === -1 && text.indexOf('\\') === -1 ? `"${text}"` : `"${text.replace(/[\\"]/g, '\\$&')}"`;
  }
  return out + '}';
}

/**
 * `values` with each array parameter that {@link pgArrayLiteral} can write replaced by its literal;
 * the same array when there is none (no copy for the usual statement).
 */
export function withPgArrayLiterals(values: unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Array.isArray(v)) continue;
    const literal = pgArrayLiteral(v);
    if (literal === undefined) continue;
    out ??= values.slice();
    out[i] = literal;
  }
  return out ?? values;
}
