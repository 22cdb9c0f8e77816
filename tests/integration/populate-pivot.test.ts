// Through-entity (pivot) values read with the links: no extra query, both sides, both strategies,
// in serialization, and from Collection.matching().
import test from 'ava';
import { Joinery, UsageError, wrap, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { Car, FORUM, Post, User, seedForum } from '../fixtures/forum.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: FORUM, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  await seedForum(orm.em.fork(), 6);
  log.length = 0;
  const selects = () => log.filter((q) => /^\s*select/i.test(q.sql)).length;
  return { orm, selects };
}

forEachDialect(test, 'populated M:N items carry their link values, read without a query', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  for (const strategy of ['select-in', 'joined'] as const) {
    const em = orm.em.fork();
    const before = selects();
    const user = await em.findOneOrFail(User, { name: 'user004' }, { populate: ['cars'], strategy });
    t.is(selects() - before, strategy === 'joined' ? 1 : 2, strategy);
    // user 4 owns car 4 % 3 = Mini (since 2004, with a note) and car 5 % 3 = Panda (since 2104)
    t.deepEqual(user.cars.getItems().map((c) => c.model).sort(), ['Mini', 'Panda']);
    const mini = user.cars.getItems().find((c) => c.model === 'Mini')!;
    const panda = user.cars.getItems().find((c) => c.model === 'Panda')!;
    t.deepEqual({ ...user.cars.pivotOf(mini) }, { since: 2004, note: 'note 4' });
    t.deepEqual({ ...user.cars.pivotOf(panda) }, { since: 2104, note: null });
    t.is(selects() - before, strategy === 'joined' ? 1 : 2, 'pivotOf sends nothing');
    t.is(user.cars.pivotOf(mini.id)?.since, 2004, 'an item may be given by key');
  }
});

forEachDialect(test, 'the inverse side reads the same link values', async (t, db) => {
  const { orm } = await setup(t, db);
  for (const strategy of ['select-in', 'joined'] as const) {
    const em = orm.em.fork();
    const mini = await em.findOneOrFail(Car, { model: 'Mini' }, { populate: ['owners'], strategy });
    // Mini is car 1: owned by users i with i % 3 == 1 (since 2000 + i) and (i + 1) % 3 == 1 (since 2100 + i)
    const sinces = mini.owners.getItems().map((u) => [u.name, mini.owners.pivotOf(u)?.since]).sort();
    t.deepEqual(sinces, [['user000', 2100], ['user001', 2001], ['user003', 2103], ['user004', 2004]]);
    const user4 = mini.owners.getItems().find((u) => u.name === 'user004')!;
    t.deepEqual({ ...user4.cars.pivotOf(mini) }, { since: 2004, note: 'note 4' }, 'one record for both directions');
  }
});

forEachDialect(test, 'serialization includes $pivot where link values were loaded', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, { name: 'user002' }, { populate: ['cars'] });
  const data = wrap(user).toObject() as { cars: { model: string; $pivot?: unknown }[] };
  t.deepEqual(
    data.cars.map((c) => [c.model, c.$pivot]).sort(),
    [['Beetle', { since: 2102, note: null }], ['Panda', { since: 2002, note: 'note 2' }]],
  );
  t.deepEqual(JSON.parse(JSON.stringify(wrap(user).toJSON())), JSON.parse(JSON.stringify(data)));
  t.false('$pivot' in wrap(user.cars.getItems()[0]!).toObject(), 'a car on its own has no link context');
});

forEachDialect(test, 'matching() reads link values too; pivotOf on a plain M:N is an error', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, { name: 'user005' });
  const before = selects();
  const [car] = await user.cars.matching({ where: { model: 'Beetle' } });
  t.is(selects() - before, 1);
  t.false(user.cars.isInitialized());
  t.deepEqual({ ...user.cars.pivotOf(car!) }, { since: 2105, note: null });
  const post = await em.findOneOrFail(Post, { title: 'post 5.0' }, { populate: ['tags'] });
  const err = t.throws(() => post.tags.pivotOf(post.tags.getItems()[0]!), { instanceOf: UsageError });
  t.is(err?.code, 'NO_PIVOT_COLUMNS');
  t.regex(err?.message ?? '', /Post\.tags has no through entity/);
});

forEachDialect(test, 'values written with attach() read back after a reload', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, { name: 'user000' }, { populate: ['cars'] });
  const panda = await em.findOneOrFail(Car, { model: 'Panda' });
  user.cars.attach(panda, { since: 1999, note: 'new' });
  await em.flush();
  const again = await orm.em.fork().findOneOrFail(User, { name: 'user000' }, { populate: ['cars'], strategy: 'joined' });
  const p = again.cars.getItems().find((c) => c.model === 'Panda')!;
  t.deepEqual({ ...again.cars.pivotOf(p) }, { since: 1999, note: 'new' });
});

forEachDialect(test, '$pivot filters the links that populate, counts and matching read', async (t, db) => {
  const { orm } = await setup(t, db);
  for (const strategy of ['select-in', 'joined'] as const) {
    const users = await orm.em.fork().find(User, {}, { populate: ['cars'], populateWhere: { cars: { $pivot: { since: { $lt: 2100 } } } }, strategy, orderBy: { id: 'asc' } });
    t.deepEqual(users.map((u) => u.cars.getItems().map((c) => u.cars.pivotOf(c)?.since)), [[2000], [2001], [2002], [2003], [2004], [2005]], strategy);
    const [beetle] = await orm.em.fork().find(Car, { model: 'Beetle' }, { populate: ['owners'], populateWhere: { owners: { name: { $ne: 'user000' }, $pivot: { since: { $gte: 2100 } } } }, strategy });
    t.deepEqual(beetle!.owners.getItems().map((u) => u.name), ['user002', 'user005'], `inverse side, ${strategy}`);
  }
  const em = orm.em.fork();
  const users = await em.find(User, {}, { counts: { later: { relation: 'cars', where: { $pivot: { since: { $gte: 2100 } } } }, noted: { relation: 'cars', where: { $pivot: { note: { $ne: null } } } } }, orderBy: { id: 'asc' } });
  t.deepEqual(users.map((u) => [wrap(u).count('later'), wrap(u).count('noted')]), [[1, 1], [1, 0], [1, 1], [1, 0], [1, 1], [1, 0]]);
  const noted = await users[2]!.cars.matching({ where: { $pivot: { note: { $ne: null } } } });
  t.deepEqual(noted.map((c) => [c.model, users[2]!.cars.pivotOf(c)?.note]), [['Panda', 'note 2']]);
});
