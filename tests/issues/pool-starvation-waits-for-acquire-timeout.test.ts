// Regression: a query outside the transaction while every pooled connection was held by that
// transaction (orm.em.fork().find() inside em.transactional, pool of one) stalled for knex's
// acquire timeout (60 s, not configurable through joinery's types) and then failed with knex's own
// text. Now `pool.acquireTimeoutMillis` sets the wait, and the failure is a DriverError
// POOL_EXHAUSTED that says what holds the pool and how to fix it.
import test from 'ava';
import { DriverError, Entity, Joinery, PrimaryKey, Property, UsageError } from 'joinery';
import { forEachDialect } from '../support/databases.js';

@Entity({ tableName: 'ps_notes' })
class Note {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) text!: string;
}

forEachDialect(test, 'a query outside the transaction that holds the only pooled connection fails after pool.acquireTimeoutMillis with POOL_EXHAUSTED', async (t, db) => {
  const orm = await Joinery.init({ entities: [Note], ...db.config, pool: { min: 0, max: 1, acquireTimeoutMillis: 300 } });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const started = Date.now();
  const err = await t.throwsAsync(
    orm.em.transactional(async (tem) => {
      tem.create(Note, { text: 'inside' });
      await orm.em.fork().find(Note, {});   // the mistake: not `tem`
    }),
    { instanceOf: DriverError },
  );
  const waited = Date.now() - started;
  t.is(err!.code, 'POOL_EXHAUSTED');
  t.true(waited >= 250 && waited < 5000, `waited ${waited} ms`);
  t.regex(err!.message, /Connection 'default': no pooled connection became free within 300 ms \(pool\.max = 1, 1 in use, 1 of them held by open transactions/);
  t.regex(err!.message, /callback's EntityManager.*raise pool\.max; pool\.acquireTimeoutMillis/s);
  // The transaction was rolled back and its connection is free again.
  t.is(await orm.em.fork().count(Note), 0);
  await orm.em.transactional(async (tem) => {
    tem.create(Note, { text: 'inside' });
    t.is(await tem.count(Note), 0, 'the transactional em uses the transaction\'s connection');
  });
  t.is(await orm.em.fork().count(Note), 1);
});

forEachDialect(test, 'pool.acquireTimeoutMillis must be a positive whole number', async (t, db) => {
  for (const bad of [0, -5, 1.5, '100']) {
    const err = await t.throwsAsync(Joinery.init({ entities: [Note], ...db.config, pool: { acquireTimeoutMillis: bad as number } }), { instanceOf: UsageError });
    t.is(err!.code, 'BAD_CONNECTION_CONFIG');
    t.regex(err!.message, /pool\.acquireTimeoutMillis must be a whole number of milliseconds above 0/);
  }
}, { dialects: ['sqlite', 'pg'] });
