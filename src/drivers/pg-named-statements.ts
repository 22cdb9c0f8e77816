import { StatementLru } from './statement-lru.js';

/** The parts of node-postgres' Client the named statements rely on. */
export interface PgClient {
  query(config: { text: string; values: unknown[]; name?: string }, callback: (err: Error | null, result: unknown) => void): void;
  query(text: string, callback: (err: Error | null) => void): void;
  /** 'I' idle, 'T' in a transaction, 'E' in a failed transaction (from the last ReadyForQuery). */
  getTransactionStatus?(): string | null;
  /** node-postgres' own record of the statements parsed on this connection, by name. */
  connection?: { parsedStatements?: Record<string, string> };
}

/**
 * Statement texts seen once before they are prepared: a text that never repeats (an IN list of a
 * new length) would cost a Parse of its own either way, plus a DEALLOCATE when it leaves the cache.
 */
const SEEN_FACTOR = 4;

/**
 * Longest text that gets a name. Bulk statements of a flush (1,000-row INSERT chunks) repeat their
 * text and are worth preparing, but the server keeps a plan per name for the connection's lifetime.
 */
const MAX_NAMED_SQL_LENGTH = 262_144;

interface Named {
  /** {@link ddlGeneration} when the names were given. */
  generation: number;
  /** Names are never reused on a connection: a failed DEALLOCATE leaves nothing to collide with. */
  seq: number;
  names: StatementLru<string>;
  seen: StatementLru<true>;
  /** Names to deallocate before the connection's next statement ('*': all of them). */
  stale: string[];
}

const perConnection = new WeakMap<PgClient, Named>();

/**
 * Bumped by every DDL statement sent through joinery (schema create/update, migrations, em.execute):
 * a cached plan whose tables changed can fail with "cached plan must not change result type", and
 * its parameter types were fixed when it was prepared. Process-wide, as any connection may point at
 * the database that changed; DDL is rare, re-preparing is cheap.
 */
let ddlGeneration = 0;

const DDL = /^(?:create|alter|drop|truncate|rename|comment|do|import|security)\b/i;

/** Notes a statement about to be sent: DDL makes every connection's named statements stale. */
export function noteStatement(sql: string): void {
  const start = statementStart(sql);
  if (DDL.test(sql.slice(start, start + 16))) ddlGeneration++;
}

/** Where the first keyword of `sql` begins, after blanks and comments (a migration file's header). */
function statementStart(sql: string): number {
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      if (end === -1) return sql.length;
      i = end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) return sql.length;
      i = end + 2;
    } else {
      return i;
    }
  }
}

/**
 * The name to send `text` under on `client`, or `undefined` to send it unnamed: the first time a text
 * is seen, or when it has no parameters (BEGIN, COMMIT, DDL) or is very long. Evicted names are
 * deallocated on the server.
 */
export function statementName(client: PgClient, text: string, hasParams: boolean, max: number): string | undefined {
  if (!hasParams || max === 0 || text.length > MAX_NAMED_SQL_LENGTH) return undefined;
  let named = perConnection.get(client);
  if (!named) {
    named = newNamed(client, max);
    perConnection.set(client, named);
  } else if (named.generation !== ddlGeneration) {
    forgetAll(client, named);
  }
  const name = named.names.get(text);
  if (name !== undefined) return name;
  if (!named.seen.has(text)) {
    named.seen.set(text, true);
    return undefined;
  }
  named.seen.delete(text);
  const fresh = `joinery_${++named.seq}`;
  named.names.set(text, fresh);
  return fresh;
}

/**
 * After "prepared statement does not exist" (the server lost it: DISCARD ALL, a pooler) or "cached
 * plan must not change result type" (DDL not sent through joinery): every name on `client` is
 * dropped and deallocated, so the next use prepares afresh.
 */
export function forgetStatements(client: PgClient): void {
  const named = perConnection.get(client);
  if (named) forgetAll(client, named);
}

/** Whether `error` is one a fresh, unnamed send of the same statement would not hit. */
export function isStaleStatementError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  // 26000 invalid_sql_statement_name; 0A000 feature_not_supported is also raised for other reasons.
  return e.code === '26000' || (e.code === '0A000' && /cached plan must not change result type/i.test(String(e.message)));
}

/** Names currently given on `client`, for tests and diagnostics. */
export function namedStatementCount(client: PgClient): number {
  return perConnection.get(client)?.names.size ?? 0;
}

function newNamed(client: PgClient, max: number): Named {
  const named: Named = {
    generation: ddlGeneration,
    seq: 0,
    names: new StatementLru<string>(max, (_text, name) => {
      delete client.connection?.parsedStatements?.[name];
      if (named.stale[0] !== '*') named.stale.push(name);
    }),
    seen: new StatementLru<true>(max * SEEN_FACTOR),
    stale: [],
  };
  return named;
}

function forgetAll(client: PgClient, named: Named): void {
  named.generation = ddlGeneration;
  named.seen.clear();
  if (named.names.clear().length === 0 && named.stale.length === 0) return;
  const parsed = client.connection?.parsedStatements;
  if (parsed) for (const name of Object.keys(parsed)) if (name.startsWith('joinery_')) delete parsed[name];
  named.stale = ['*'];
}

/**
 * The DEALLOCATE statements owed on `client` (evicted names, or all after DDL), as one simple query
 * to send before its next statement; `undefined` when none. Not reported to the statement log
 * (housekeeping, like the driver's own connection set-up). In a failed transaction it fails too;
 * the server then keeps the statements until the connection closes, and their names are never
 * used again.
 */
export function takeDeallocations(client: PgClient): string | undefined {
  const named = perConnection.get(client);
  if (!named || named.stale.length === 0) return undefined;
  const stale = named.stale;
  named.stale = [];
  return stale[0] === '*' ? 'DEALLOCATE ALL' : stale.map((name) => `DEALLOCATE ${name}`).join('; ');
}
