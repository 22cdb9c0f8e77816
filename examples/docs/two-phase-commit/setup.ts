import assert from 'node:assert/strict';
import type { QueryLogEntry } from 'joinery';
import { Joinery } from 'joinery';
import { exampleDatabase } from '../support.js';
import { entities, Photo, User } from './model.js';

export async function main(): Promise<void> {
  const usersUrl = (await exampleDatabase('pg', __filename)).url;
  const mediaUrl = (await exampleDatabase('mysql', __filename)).url;
  const log: QueryLogEntry[] = [];
  const logger = (entry: QueryLogEntry) => log.push(entry);

// #region docs
const orm = await Joinery.init({
  entities,
  connections: {
    default: { client: 'pg', connection: usersUrl },    // e.g. 'postgres://app@db1/app'
    media: { client: 'mysql', connection: mediaUrl },   // e.g. 'mysql://app@db2/media'
  },
  twoPhaseCommit: true,            // default false
  logger,                          // every statement, the protocol's included
});
await orm.recoverPreparedTransactions();   // at start-up, before serving requests (see Recovery)
// #endregion docs

  try {
    await orm.schema.create();
    const em = orm.em.fork();
    const ann = em.create(User, { name: 'Ann' });
    ann.photos.add(em.create(Photo, { url: 'ann.png' }));
    log.length = 0;
    await em.flush();

    // pg 'default' is the coordinator (the first connection declared), MySQL 'media' a branch.
    const steps = log
      .map((e) => `[${e.connection}] ${e.sql.replace(/'joinery_[^']+'/, "'<xid>'")}`)
      .filter((s) => !/joinery_commit_decisions/.test(s) || /^\[default\] (insert|delete)/.test(s));
    const at = (pattern: RegExp) => {
      const i = steps.findIndex((s) => pattern.test(s));
      assert.ok(i >= 0, `no statement matches ${pattern} in:\n${steps.join('\n')}`);
      return i;
    };
    const order = [
      at(/^\[media\] XA START '<xid>'/),
      at(/^\[media\] XA END '<xid>'/),
      at(/^\[media\] XA PREPARE '<xid>'/),                                     // phase one
      at(/^\[default\] insert into "?joinery_commit_decisions"?/i),            // the decision: commit
      at(/^\[default\] COMMIT;/),                                              // the commit point
      at(/^\[media\] XA COMMIT '<xid>'/),                                      // phase two
      at(/^\[default\] delete from "?joinery_commit_decisions"?/i),            // the decision row, no longer needed
    ];
    assert.deepEqual(order, [...order].sort((a, b) => a - b), `the protocol's order:\n${steps.join('\n')}`);
    assert.ok(at(/^\[default\] insert into "users"/i) < order[3] && at(/^\[media\] insert into `photos`/i) < order[2]);

    const check = orm.em.fork();
    assert.equal((await check.find(Photo, { owner: { name: 'Ann' } })).length, 1);
    assert.deepEqual(await orm.recoverPreparedTransactions(), { flushes: [], errors: [] }, 'nothing left prepared');
  } finally {
    await orm.close();
  }
}
