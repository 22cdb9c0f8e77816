// Flush semantics on every dialect: FK order and cycles, validation before SQL, failure and retry,
// optimistic locking, hooks, transactional.
import test from 'ava';
import {
  Joinery, OptimisticLockError, UniqueConstraintViolationError, ValidationError, type QueryLogEntry,
} from 'joinery';
import { withoutCommitRecords } from '../support/commit-records.js';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { Company, Employee, hookLog, ORG } from '../fixtures/org.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: ORG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  log.length = 0;
  hookLog.length = 0;
  return { orm, log, sql: () => withoutCommitRecords(log.map((q) => q.sql.replace(/\$\d+/g, '?').replace(/`/g, '"'))) };
}

forEachDialect(test, 'a cycle through a nullable FK is inserted as NULL and fixed by an UPDATE', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const acme = em.create(Company, { name: 'Acme' });
  const boss = em.create(Employee, { name: 'Boss', company: acme });
  acme.ceo = boss;
  await em.flush();
  const statements = sql().filter((s) => s !== 'BEGIN;' && s !== 'COMMIT;');
  t.regex(statements[0]!, /^INSERT INTO "companies"/);
  t.regex(statements[1]!, /^INSERT INTO "employees"/);
  t.regex(statements[2]!, /^UPDATE "companies" SET "ceo_id" = \?/);
  t.is(statements.length, 3);
  const loaded = await orm.em.fork().findOneOrFail(Company, { name: 'Acme' }, { populate: ['ceo'] });
  t.is(loaded.ceo!.name, 'Boss');
  t.is(loaded.ceo!.id, boss.id);
});

forEachDialect(test, 'a self-reference between new rows is inserted and then linked', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const acme = em.create(Company, { name: 'Acme' });
  const boss = em.create(Employee, { name: 'Boss', company: acme });
  const dev = em.create(Employee, { name: 'Dev', company: acme, manager: boss });
  await em.flush();
  const again = await orm.em.fork().findOneOrFail(Employee, dev.id, { populate: ['manager'] });
  t.is(again.manager!.name, 'Boss');
});

forEachDialect(test, 'validation reports every failing entity and property before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const acme = em.create(Company, { name: 'Acme' });
  em.create(Employee, { name: 'x'.repeat(21), company: acme });
  em.create(Employee, { name: 'ok', company: acme, salary: -5 });
  em.create(Employee, { name: undefined as never, company: undefined as never });
  const err = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.is(err!.code, 'VALIDATION_FAILED');
  t.deepEqual(
    err!.failures.map((f) => `${f.entity}.${f.property}:${f.rule}`).sort(),
    ['Employee.company:required', 'Employee.name:max_length', 'Employee.name:required', 'Employee.salary:validate'],
  );
  t.regex(err!.message, /Employee\.salary: must not be negative/);
  t.is(log.length, 0, 'no statement was sent');
});

forEachDialect(test, 'a failed flush rolls back, leaves memory as before, and succeeds when retried', async (t, db) => {
  const { orm } = await setup(t, db);
  const em0 = orm.em.fork();
  em0.create(Company, { name: 'Taken' });
  await em0.flush();

  const em = orm.em.fork();
  const fresh = em.create(Company, { name: 'Fresh' });
  const clash = em.create(Company, { name: 'Taken' });
  const dev = em.create(Employee, { name: 'Dev', company: fresh });
  const err = await t.throwsAsync(em.flush(), { instanceOf: UniqueConstraintViolationError });
  t.is(err!.code, 'UNIQUE_VIOLATION');
  t.regex(err!.message, /compan/);
  // Memory is as before: still new, no keys left behind.
  t.is(fresh.id as number | undefined, undefined);
  t.is(dev.id as number | undefined, undefined);
  t.is(await orm.em.fork().count(Company), 1, 'the database was rolled back');
  // Fix the data and flush again.
  clash.name = 'Other';
  await em.flush();
  t.truthy(fresh.id);
  t.truthy(dev.id);
  t.is(await orm.em.fork().count(Company), 3);
  t.is(await orm.em.fork().count(Employee), 1);
});

forEachDialect(test, 'a failed flush keeps updates dirty and inserts queued, so the retry writes both', async (t, db) => {
  const { orm } = await setup(t, db);
  const em0 = orm.em.fork();
  em0.create(Company, { name: 'A' });
  em0.create(Company, { name: 'B' });
  await em0.flush();
  const em = orm.em.fork();
  const a = await em.findOneOrFail(Company, { name: 'A' });
  a.name = 'A2';
  const clash = em.create(Company, { name: 'B' });
  await t.throwsAsync(em.flush(), { instanceOf: UniqueConstraintViolationError });
  t.is(await orm.em.fork().count(Company, { name: 'A2' }), 0, 'the rename was rolled back');
  t.is(clash.id as number | undefined, undefined);
  clash.name = 'C';
  await em.flush();
  const names = (await orm.em.fork().find(Company, {}, { orderBy: { name: 'asc' } })).map((c) => c.name);
  t.deepEqual(names, ['A2', 'B', 'C']);
});

forEachDialect(test, 'optimistic locking rejects a stale update and leaves the entity dirty', async (t, db) => {
  const { orm } = await setup(t, db);
  const em0 = orm.em.fork();
  const acme = em0.create(Company, { name: 'Acme' });
  em0.create(Employee, { name: 'Dev', company: acme });
  await em0.flush();
  const em1 = orm.em.fork();
  const em2 = orm.em.fork();
  const a = await em1.findOneOrFail(Employee, { name: 'Dev' });
  const b = await em2.findOneOrFail(Employee, { name: 'Dev' });
  t.is(a.version, 1);
  a.salary = 10;
  await em1.flush();
  t.is(a.version, 2);
  b.salary = 20;
  const err = await t.throwsAsync(em2.flush(), { instanceOf: OptimisticLockError });
  t.is(err!.code, 'OPTIMISTIC_LOCK');
  t.is(b.version, 1);
  await em2.refresh(b);
  t.is(b.salary, 10);
  t.is(b.version, 2);
  b.salary = 20;
  await em2.flush();
  t.is(b.version, 3);
});

forEachDialect(test, 'lifecycle hooks run in order and beforeCreate changes are written', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const acme = em.create(Company, { name: 'Acme' });
  const dev = em.create(Employee, { name: 'Dev', company: acme });
  await em.flush();
  t.deepEqual(hookLog, ['beforeCreate Dev', `afterCreate Dev ${dev.id}`]);
  const loaded = await orm.em.fork().findOneOrFail(Employee, dev.id);
  t.deepEqual(loaded.createdAt, new Date('2026-01-02T03:04:05.000Z'));
  hookLog.length = 0;
  dev.salary = 5;
  await em.flush();
  t.deepEqual(hookLog, ['beforeUpdate Dev']);
  hookLog.length = 0;
  await em.flush();
  t.deepEqual(hookLog, [], 'no hook for an entity that did not change');
});

forEachDialect(test, 'transactional commits on success and rolls back on error', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  await orm.em.transactional(async (em) => {
    em.create(Company, { name: 'In' });
  });
  t.is(await orm.em.fork().count(Company, { name: 'In' }), 1);
  await t.throwsAsync(
    orm.em.transactional(async (em) => {
      em.create(Company, { name: 'Out' });
      await em.flush();
      t.is(await em.count(Company, { name: 'Out' }), 1, 'visible inside the transaction');
      throw new Error('boom');
    }),
    { message: 'boom' },
  );
  t.is(await orm.em.fork().count(Company, { name: 'Out' }), 0);
  t.true(sql().includes('ROLLBACK'));
});

forEachDialect(test, 'the identity map gives one object per primary key', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em0 = orm.em.fork();
  const acme = em0.create(Company, { name: 'Acme' });
  em0.create(Employee, { name: 'Dev', company: acme });
  await em0.flush();
  const em = orm.em.fork();
  const [dev] = await em.find(Employee, {});
  const company = await em.findOneOrFail(Company, { name: 'Acme' });
  t.is(dev!.company, company, 'the FK reference and the loaded row are the same object');
  const before = sql().length;
  t.is(await em.findOne(Company, company.id), company);
  t.is(sql().length, before, 'findOne by key answered from the identity map');
  t.is(em.getReference(Company, company.id), company);
});

forEachDialect(test, 'a loaded Date changed in place is written; the same instant in a new Date is no change', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const acme = em.create(Company, { name: 'Acme' });
  em.create(Employee, { name: 'Ann', company: acme });
  await em.flush();
  const em2 = orm.em.fork();
  const ann = await em2.findOneOrFail(Employee, { name: 'Ann' });
  ann.createdAt = new Date(ann.createdAt!.getTime());
  log.length = 0;
  await em2.flush();
  t.false(log.some((q) => /^update/i.test(q.sql)), 'an equal instant writes nothing');
  ann.createdAt.setUTCFullYear(2030);
  await em2.flush();
  t.true(log.some((q) => /^update/i.test(q.sql)), 'an edit in place is a change');
  const again = await orm.em.fork().findOneOrFail(Employee, { name: 'Ann' });
  t.is(again.createdAt!.toISOString(), '2030-01-02T03:04:05.000Z');
  log.length = 0;
  await em2.flush();
  t.false(log.some((q) => /^update/i.test(q.sql)), 'and once written it is the snapshot');
});
