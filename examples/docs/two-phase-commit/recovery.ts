import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { Joinery } from 'joinery';
import { exampleDatabase } from '../support.js';
import { entities, Photo, User } from './model.js';

/** A connection's tag, as the page describes it: 8 hex digits of sha1(name \0 dialect \0 database). */
function tag(connection: string, dialect: string, database: string): string {
  return createHash('sha1').update(`${connection}\u0000${dialect}\u0000${database}`).digest('hex').slice(0, 8);
}

/**
 * What a process that died right after phase one leaves behind: the 'media' branch of a flush,
 * prepared under a joinery id, and no decision row on the coordinator.
 */
async function leavePreparedBranch(usersUrl: string, mediaUrl: string, ownerId: number): Promise<string> {
  const flushId = Date.now().toString(36) + randomBytes(6).toString('hex');
  const coordinatorTag = tag('default', 'pg', new URL(usersUrl).pathname.slice(1));
  const xid = `joinery_${flushId}_${coordinatorTag}_${tag('media', 'mysql', new URL(mediaUrl).pathname.slice(1))}`;
  const connection = await createConnection(mediaUrl);
  try {
    await connection.query(`XA START '${xid}'`);
    await connection.query('insert into photos (url, owner_id) values (?, ?)', ['lost.png', ownerId]);
    await connection.query(`XA END '${xid}'`);
    await connection.query(`XA PREPARE '${xid}'`);
  } finally {
    await connection.end();   // the process is gone; MariaDB 10.5+ and MySQL keep the prepared branch
  }
  return xid;
}

export async function main(): Promise<void> {
  const usersUrl = (await exampleDatabase('pg', __filename)).url;
  const mediaUrl = (await exampleDatabase('mysql', __filename)).url;
  const orm = await Joinery.init({
    entities,
    connections: { default: { client: 'pg', connection: usersUrl }, media: { client: 'mysql', connection: mediaUrl } },
    twoPhaseCommit: true,
  });
  try {
    await orm.schema.create();
    const em = orm.em.fork();
    const ann = em.create(User, { name: 'Ann' });
    await em.flush();
    const xid = await leavePreparedBranch(usersUrl, mediaUrl, ann.id);

// #region docs
const report = await orm.recoverPreparedTransactions();
// { flushes: [ { flushId, startedAt, coordinator: 'default', decision: 'rollback',
//                branches: [ { connection: 'media', xid: 'joinery_…', result: 'rolled back' } ] } ],
//   errors: [] }
// #endregion docs

    assert.equal(report.flushes.length, 1);
    const [flush] = report.flushes;
    assert.equal(flush.coordinator, 'default');
    assert.equal(flush.decision, 'rollback', 'no commit decision was recorded: presumed abort');
    assert.ok(xid.startsWith(`joinery_${flush.flushId}_`));
    assert.ok(flush.startedAt instanceof Date && Math.abs(flush.startedAt.getTime() - Date.now()) < 60_000);
    assert.deepEqual(flush.branches.map((b) => ({ connection: b.connection, xid: b.xid, result: b.result })),
      [{ connection: 'media', xid, result: 'rolled back' }]);
    assert.deepEqual(report.errors, []);

    assert.deepEqual(await orm.em.fork().find(Photo, {}), [], "the branch's insert is gone");
    const pg = new Client({ connectionString: usersUrl });
    await pg.connect();
    try {
      const decisions = await pg.query('select flush_id, outcome from joinery_commit_decisions');
      assert.deepEqual(decisions.rows, [{ flush_id: flush.flushId, outcome: 'rollback' }], 'rollback decisions stay, to block a flush that wakes up late');
    } finally {
      await pg.end();
    }
    assert.deepEqual(await orm.recoverPreparedTransactions(), { flushes: [], errors: [] }, 'nothing left prepared');
  } finally {
    await orm.close();
  }
}
