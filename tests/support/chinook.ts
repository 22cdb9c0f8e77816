/**
 * The Chinook sample database (a music store: artists, albums, tracks, playlists, invoices), loaded
 * from the scripts kept beside the repository in `../shared/datasets/chinook/`, one per dialect.
 * Missing scripts skip the tests that need them with one loud line, or fail under `CI=true`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Joinery } from 'joinery';
import type { TestDialect } from './databases.js';

const SCRIPTS: Record<TestDialect, string> = {
  sqlite: 'Chinook_Sqlite.sql',
  pg: 'Chinook_PostgreSql.sql',
  mysql: 'Chinook_MySql.sql',
};

/** `<repo>/../shared/datasets/chinook`, from the repository root. */
export function chinookDir(repoRoot: string): string {
  return resolve(repoRoot, '..', 'shared', 'datasets', 'chinook');
}

/**
 * Whether the scripts are there. Under `CI=true` their absence throws (the round trip must run in
 * CI); otherwise it prints one line saying which tests are not run and why.
 */
export function chinookAvailable(repoRoot: string): boolean {
  const dir = chinookDir(repoRoot);
  const missing = Object.values(SCRIPTS).filter((f) => !existsSync(join(dir, f)));
  if (missing.length === 0) return true;
  const message = `[joinery tests] the Chinook scripts ${missing.join(', ')} are missing from ${dir} (the folder shared/datasets/chinook beside the repository)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true needs them for the generate:entities round trip.`);
  process.stderr.write(`${message}: not running the Chinook round-trip tests\n`);
  return false;
}

/**
 * The statements of a dialect's script, without what targets another database: the scripts drop
 * and create a `chinook` database and switch to it (`\c`, `USE`), which a test database must not.
 */
export function chinookStatements(repoRoot: string, dialect: TestDialect): string[] {
  const text = readFileSync(join(chinookDir(repoRoot), SCRIPTS[dialect]), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  return splitStatements(text).filter((s) => !/^(drop|create)\s+database\b|^use\s|^\\c\b/i.test(s));
}

/** Runs the whole script of the ORM's dialect on its default connection. */
export async function loadChinook(orm: Joinery, repoRoot: string, dialect: TestDialect): Promise<void> {
  const knex = orm.getDriver().knex;
  const statements = chinookStatements(repoRoot, dialect);
  if (dialect === 'sqlite') {
    // One exec of the whole script: better-sqlite3 runs it in C, far faster than statement by statement.
    const connection = (await knex.client.acquireConnection()) as { exec(sql: string): void };
    try {
      connection.exec(['begin', ...statements, 'commit'].join(';\n'));
    } finally {
      await knex.client.releaseConnection(connection);
    }
    return;
  }
  await knex.transaction(async (trx) => {
    for (const sql of statements) await trx.raw(sql);
  });
}

/** Splits a script at the semicolons outside quoted strings. */
function splitStatements(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") quoted = !quoted;
    else if (ch === ';' && !quoted) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter((s) => s.length > 0);
}
