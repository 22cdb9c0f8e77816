import type { QueryLogger } from './driver.js';
import { ignoreStatements, type SentStatement } from './statement-hook-client.js';

/**
 * Builds the callback that turns each sent statement into one `logger` call and, with `debug`, one
 * stderr line. Returns a no-op when neither is asked for.
 */
export function statementReporter(
  connection: string,
  opts: { logger?: QueryLogger; debug?: boolean },
): (s: SentStatement) => void {
  const { logger, debug } = opts;
  if (!logger && !debug) return ignoreStatements;
  return (s) => {
    const ms = Math.round(s.ms * 1000) / 1000;
    if (debug) console.error(formatDebugLine(connection, s));
    if (logger) {
      try {
        logger({ sql: s.sql, params: s.params, ms, connection });
      } catch (e) {
        // A broken logger must not roll back the user's transaction or lose a query result.
        console.error(`[joinery ${connection}] the logger option threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
}

/** `[joinery default] 0.4ms select * from "users" where "id" = $1 [42]` */
export function formatDebugLine(connection: string, s: SentStatement): string {
  const sql = s.sql.replace(/\s+/g, ' ').trim();
  const params = s.params.length ? ` [${s.params.map(formatParam).join(', ')}]` : '';
  const failed = s.error ? ` -- failed: ${s.error instanceof Error ? s.error.message : String(s.error)}` : '';
  return `[joinery ${connection}] ${s.ms.toFixed(1)}ms ${sql}${params}${failed}`;
}

const MAX_PARAM_CHARS = 60;

function formatParam(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > MAX_PARAM_CHARS ? `${v.slice(0, MAX_PARAM_CHARS)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  if (Buffer.isBuffer(v)) return `<Buffer ${v.length} bytes>`;
  if (typeof v === 'object') {
    let json: string;
    try {
      json = JSON.stringify(v) ?? String(v);
    } catch {
      json = String(v);
    }
    return json.length > MAX_PARAM_CHARS ? `${json.slice(0, MAX_PARAM_CHARS)}…` : json;
  }
  return String(v);
}
