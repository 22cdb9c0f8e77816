import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Contender } from './contender.js';
import type { BenchDialect, Store } from './fixtures.js';

/**
 * What a peer ORM's contender needs to join a dialect's run: the connection settings, and either the
 * shared Store of the server database (pg, MySQL: the tables exist and are seeded) or, on SQLite, the
 * schema to create in its own in-memory database (which it then seeds).
 */
export interface PeerContext {
  readonly dialect: BenchDialect;
  readonly pgUrl: string;
  readonly mysqlUrl: string;
  readonly store?: Store;
  readonly schemaSql?: string;
}

/** What each file in peers/ exports. */
export interface PeerModule {
  /** The installed version of the peer, for the report. */
  readonly version: string;
  /** Which dialects it can run here (a missing driver package leaves one out). */
  readonly dialects: readonly BenchDialect[];
  open(context: PeerContext): Promise<Contender>;
}

/**
 * The installed version of a package, found from its entry point (some packages do not export
 * their package.json).
 */
export function packageVersion(name: string): string {
  try {
    let dir = dirname(require.resolve(name));
    for (;;) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name && pkg.version) return pkg.version;
      }
      const up = dirname(dir);
      if (up === dir) return '?';
      dir = up;
    }
  } catch {
    return '?';
  }
}
