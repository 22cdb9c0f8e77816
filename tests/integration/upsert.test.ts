// em.upsert / em.upsertMany: INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE on the primary key or a
// unique property set, returning managed entities that reflect the row afterwards.
import test from 'ava';
import { Joinery, UsageError, ValidationError, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Car, Tag, User, UserCar } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { email: 'ann@x.io', name: 'Ann', passwordHash: 'h1' });
  await em.flush();
  log.length = 0;
  return { orm, log, annId: ann.id };
}

const writes = (log: QueryLogEntry[]) => log.map((q) => q.sql).filter((s) => !/^(BEGIN|COMMIT|SELECT txid|insert into `joinery_commit)/i.test(s));

forEachDialect(test, 'upsert on the primary key inserts, then updates, and returns the managed entity', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const tag = await em.upsert(Tag, { id: 10, name: 'orm' });
  t.deepEqual([tag.id, tag.name], [10, 'orm']);
  const again = await em.upsert(Tag, { id: 10, name: 'ORM' });
  t.is(again, tag, 'the same object: identity map');
  t.is(tag.name, 'ORM');
  const sql = {
    sqlite: ['insert into "tags" ("id", "name") values (?, ?) on conflict ("id") do update set "name" = excluded."name" returning "id", "name"'],
    pg: ['insert into "tags" ("id", "name") values ($1, $2) on conflict ("id") do update set "name" = excluded."name" returning "id", "name"'],
    mysql: [
      'insert into `tags` (`id`, `name`) values (?, ?) on duplicate key update `name` = values(`name`)',
      'select `e0`.`id`, `e0`.`name` from `tags` as `e0` where `e0`.`id` IN (?)',
    ],
  }[db.dialect];
  t.deepEqual(writes(log), [...sql, ...sql]);
  await em.flush();
  t.deepEqual((await orm.em.fork().find(Tag, {})).map((x) => [x.id, x.name]), [[10, 'ORM']]);
});

forEachDialect(test, 'upsert on a unique property: the existing row keeps its key and untouched columns; a loaded entity is refreshed', async (t, db) => {
  const { orm, annId } = await setup(t, db);
  const em = orm.em.fork();
  const loaded = await em.findOneOrFail(User, annId);
  const ann = await em.upsert(User, { email: 'ann@x.io', name: 'Ann B', passwordHash: 'h2' }, { onConflictFields: ['email'] });
  t.is(ann, loaded);
  t.deepEqual([ann.id, ann.name, ann.passwordHash], [annId, 'Ann B', 'h2']);
  const bob = await em.upsert(User, { email: 'bob@x.io', passwordHash: 'h' }, { onConflictFields: ['email'] });
  t.true(bob.id > annId, 'a new row with its generated key');
  t.is(bob.name, null, 'columns the data did not give are read back');
  await em.flush(); // nothing left to write: the entities are clean
  const check = orm.em.fork();
  t.deepEqual((await check.find(User, {}, { orderBy: { id: 'asc' } })).map((u) => [u.email, u.name]), [['ann@x.io', 'Ann B'], ['bob@x.io', null]]);
});

forEachDialect(test, 'upsertMany writes one statement per table chunk and returns the entities in the order given', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(User, { email: 'ann@x.io' });
  log.length = 0;
  const users = await em.upsertMany(
    User,
    [
      { email: 'cid@x.io', name: 'Cid', passwordHash: 'h' },
      { email: 'ann@x.io', name: 'Ann C', passwordHash: 'h' },
      { email: 'dee@x.io', name: 'Dee', passwordHash: 'h' },
    ],
    { onConflictFields: ['email'] },
  );
  t.deepEqual(users.map((u) => u.name), ['Cid', 'Ann C', 'Dee']);
  t.is(users[1], ann);
  t.is(writes(log).length, db.dialect === 'mysql' ? 2 : 1, 'one upsert (and on MySQL one select)');
  t.deepEqual(await em.upsertMany(User, []), []);
  t.is(await orm.em.fork().count(User, {}), 3);
});

forEachDialect(test, 'upsert on a composite key of relations (a through entity)', async (t, db) => {
  const { orm, annId } = await setup(t, db);
  const em = orm.em.fork();
  const car = em.create(Car, { model: 'T' });
  await em.flush();
  const link = await em.upsert(UserCar, { user: annId, car, since: 2001 });
  const same = await em.upsert(UserCar, { user: annId, car: car.id, since: 2002 });
  t.is(same, link);
  t.is(link.since, 2002);
  t.is(await orm.em.fork().count(UserCar, {}), 1);
});

forEachDialect(test, 'upsert inside a transaction is rolled back with it', async (t, db) => {
  const { orm } = await setup(t, db);
  await t.throwsAsync(
    orm.em.fork().transactional(async (tem) => {
      await tem.upsert(Tag, { id: 1, name: 'x' });
      t.is(await tem.count(Tag, {}), 1);
      throw new Error('abort');
    }),
    { message: 'abort' },
  );
  t.is(await orm.em.fork().count(Tag, {}), 0);
});

forEachDialect(test, 'upsert refuses what cannot work before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const usage = async (call: () => Promise<unknown>, code: string, message: RegExp) => {
    const e = await t.throwsAsync(call(), { instanceOf: UsageError });
    t.is(e!.code, code);
    t.regex(e!.message, message);
  };
  await usage(() => em.upsert(User, { email: 'x@x.io', passwordHash: 'h' }), 'UPSERT_CONFLICT_VALUE', /em\.upsert\(User, data\): the data has no value for User\.id .*onConflictFields: \['email'\]/);
  await usage(() => em.upsert(User, { email: 'x@x.io', name: 'n', passwordHash: 'h' }, { onConflictFields: ['name'] }), 'UPSERT_NOT_UNIQUE', /onConflictFields \['name'\] of User is neither its primary key nor a unique constraint.*\['id'\], \['email'\]/);
  await usage(() => em.upsert(User, { email: 'x@x.io', passwordHash: 'h' }, { onConflictFields: ['posts' as never] }), 'UNKNOWN_PROPERTY', /User\.posts, which is not a column property/);
  await usage(() => em.upsert(User, { id: 5, email: 'x@x.io', passwordHash: 'h', posts: [] } as never), 'UNKNOWN_PROPERTY', /User\.posts is not a column property/);
  await usage(() => em.upsertMany(Tag, [{ name: 'a' }, { name: 'b' }, { name: 'a' }] as never, { onConflictFields: ['name' as never] }), 'UPSERT_NOT_UNIQUE', /Tag/);
  await usage(() => em.upsertMany(Tag, [{ id: 1, name: 'a' }, { id: 1, name: 'b' }]), 'UPSERT_DUPLICATE', /data\[0\] and data\[1\] have the same Tag\.id \(1\)/);
  const invalid = await t.throwsAsync(em.upsertMany(User, [{ id: 7, email: 'y@x.io' }, { id: 8, email: 'z@x.io' }]), { instanceOf: ValidationError });
  t.deepEqual(invalid!.failures.map((f) => `${f.entity}.${f.property}`), ['User.passwordHash', 'User.passwordHash']);
  t.regex(invalid!.message, /inserts the row when none matches/);
  const bad = await t.throwsAsync(em.upsert(Tag, { id: 'x' as never, name: 'a' }), { instanceOf: ValidationError });
  t.is(bad!.failures[0]!.property, 'id');
  t.deepEqual(writes(log), []);
});
