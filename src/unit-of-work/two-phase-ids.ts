import { createHash, randomBytes } from 'node:crypto';

/**
 * Global transaction ids of a two-phase commit:
 *
 *     joinery_<flush id>_<coordinator tag>_<branch tag>
 *
 * - `joinery_` makes them recognisable among other prepared transactions on the server;
 * - the flush id (start time in base 36, then 48 random bits) groups the branches of one flush;
 * - a tag is 8 hex digits of a hash of a connection's name, dialect and database: the coordinator
 *   tag says where the flush's commit decision is recorded, the branch tag which connection the
 *   branch belongs to. The second matters on MySQL/MariaDB, whose XA RECOVER lists the prepared
 *   transactions of every database on the server.
 *
 * At most 46 characters: MySQL takes 64 for a gtrid, PostgreSQL 200.
 */
const XID = /^joinery_([a-z0-9]{8,24})_([0-9a-f]{8})_([0-9a-f]{8})$/;

/** A parsed joinery global transaction id. */
export interface BranchXid {
  readonly xid: string;
  readonly flushId: string;
  readonly coordinatorTag: string;
  readonly branchTag: string;
}

export function newFlushId(now = Date.now()): string {
  return now.toString(36) + randomBytes(6).toString('hex');
}

export function branchXid(flushId: string, coordinatorTag: string, branchTag: string): string {
  return `joinery_${flushId}_${coordinatorTag}_${branchTag}`;
}

/** The parts of a joinery id; undefined for any other prepared transaction. */
export function parseXid(xid: string): BranchXid | undefined {
  const m = XID.exec(xid);
  return m ? { xid, flushId: m[1]!, coordinatorTag: m[2]!, branchTag: m[3]! } : undefined;
}

/**
 * The tag of a connection. `database` is what the server calls the database (pg
 * `current_database()`, MySQL `database()`, SQLite the main file), so two applications that share
 * a MySQL server but not a database never take each other's branches for their own.
 */
export function connectionTag(connection: string, dialect: string, database: string): string {
  return createHash('sha1').update(`${connection}\u0000${dialect}\u0000${database}`).digest('hex').slice(0, 8);
}

/** When the flush started, read back from its id (for reports; the clock is the flushing process's). */
export function flushStartedAt(flushId: string): Date | undefined {
  const ms = parseInt(flushId.slice(0, flushId.length - 12), 36);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}
