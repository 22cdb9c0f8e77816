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
