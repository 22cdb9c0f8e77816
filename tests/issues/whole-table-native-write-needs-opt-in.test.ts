// Regression: em.nativeUpdate / em.nativeDelete with criteria that compile to no condition (`{}`,
// `undefined`, `{ id: undefined }` from a request without that field, `{ $and: [] }`) changed or
// deleted every row of the table without being asked to. Such a call is now WHOLE_TABLE_WRITE
// before any SQL, unless `{ all: true }` says it is meant; real criteria and collection-scoped
// writes need no opt-in.
import test from 'ava';
import { Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, UsageError, type EntityManager, type QueryLogEntry, type Rel } from 'joinery';
import { dialects, forEachDialect, type TestDb, type TestDialect } from '../support/databases.js';
import { openConnections } from '../support/connections.js';
import { WATERLINE_ENTITIES, WlPhoto, WlUser } from '../fixtures/waterline.js';

@Entity()
class Shelf {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Item, (i) => i.shelf) items = new Collection<Item>(this);
}

@Entity()
class Item {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @Property({ type: 'boolean', default: false }) archived!: boolean;
  @ManyToOne(() => Shelf) shelf!: Rel<Shelf>;
}

/** Criteria that select every row: nothing in them is a condition. */
const NO_CONDITION: readonly [string, unknown][] = [
  ['{}', {}],
  ['undefined', undefined],
  ['{ id: undefined }', { id: undefined }],
  ['{ $and: [] }', { $and: [] }],
  ['nested empty $and', { $and: [{}, { $and: [{ title: undefined }] }] }],
  ['an $or with an empty branch', { $or: [{ id: undefined }, { title: 'a1' }] }],
  ['{ title: { $nin: [] } }', { title: { $nin: [] } }],
];

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Shelf, Item], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const a = em.create(Shelf, { name: 'a' });
  const b = em.create(Shelf, { name: 'b' });
  for (const title of ['a1', 'a2']) em.create(Item, { title, shelf: a });
  em.create(Item, { title: 'b1', shelf: b });
  await em.flush();
  log.length = 0;
  return { orm, log, ids: { a: a.id, b: b.id } };
}

async function items(em: EntityManager): Promise<[string, boolean][]> {
  return (await em.fork().find(Item, {}, { orderBy: { id: 'asc' } })).map((i) => [i.title, i.archived]);
}

forEachDialect(test, 'nativeUpdate and nativeDelete without a condition are WHOLE_TABLE_WRITE before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const before = await items(em);
  log.length = 0;
  for (const [label, where] of NO_CONDITION) {
    const del = await t.throwsAsync(em.nativeDelete(Item, where as never), { instanceOf: UsageError }, `nativeDelete ${label}`);
    t.is(del?.code, 'WHOLE_TABLE_WRITE', label);
    t.regex(del!.message, /would delete every row of items.*em\.nativeDelete\(Item, \{\}, \{ all: true \}\)/, label);
    const upd = await t.throwsAsync(em.nativeUpdate(Item, where as never, { archived: true }), { instanceOf: UsageError }, `nativeUpdate ${label}`);
    t.is(upd?.code, 'WHOLE_TABLE_WRITE', label);
    t.regex(upd!.message, /would update every row of items.*em\.nativeUpdate\(Item, \{\}, data, \{ all: true \}\)/, label);
    const off = await t.throwsAsync(em.nativeDelete(Item, where as never, { all: false }), { instanceOf: UsageError }, `all: false, ${label}`);
    t.is(off?.code, 'WHOLE_TABLE_WRITE', `all: false is no opt-in (${label})`);
    const empty = await t.throwsAsync(em.nativeUpdate(Item, where as never, {}), { instanceOf: UsageError }, `nothing to set, ${label}`);
    t.is(empty?.code, 'WHOLE_TABLE_WRITE', `the criteria are checked even with nothing to set (${label})`);
  }
  t.deepEqual(log.map((q) => q.sql), [], 'nothing was sent');
  t.deepEqual(await items(em), before, 'no row changed');
});

forEachDialect(test, '{ all: true } opts in to a whole-table write', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  t.is(await em.nativeUpdate(Item, {}, { archived: true }, { all: true }), 3);
  t.deepEqual(await items(em), [['a1', true], ['a2', true], ['b1', true]]);
  t.is(await em.nativeUpdate(Item, { $or: [{ id: undefined }, { title: 'a1' }] }, { archived: false }, { all: true }), 3);
  t.is(await em.nativeDelete(Item, { $and: [] }, { all: true }), 3);
  t.deepEqual(await items(em), []);
});

forEachDialect(test, 'criteria with a condition need no opt-in, even when it matches every row or none', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  t.is(await em.nativeUpdate(Item, { title: { $ne: 'zzz' } }, { archived: true }), 3, 'a condition that happens to hold for every row');
  t.is(await em.nativeDelete(Item, { $or: [] }), 0, 'an empty $or matches nothing');
  t.is(await em.nativeDelete(Item, { id: { $in: [] } }), 0);
  t.is(await em.nativeUpdate(Item, { id: { $gt: 0 } }, {}), 0, 'nothing to set: no statement');
  const shelfA = await em.findOneOrFail(Shelf, ids.a);
  t.is(await shelfA.items.nativeUpdate({}, { title: 'on a' }), 2, "a collection's write is scoped to its owner: {} needs no opt-in");
  t.is(await shelfA.items.nativeDelete({}), 2);
  t.deepEqual(await items(em), [['b1', true]]);
  t.is(await em.nativeDelete(Shelf, ids.a), 1, 'a primary key');
});

// The decision is made on the criteria as written: keys that cross-connection steps find (or do
// not find) never turn a real condition into "every row", and a condition-less where is refused
// before any step query.
for (const dialect of ['sqlite', 'pg', 'mysql'] as readonly TestDialect[]) {
  if (!dialects().includes(dialect)) continue;
  test.serial(`[${dialect}+${dialect}] across connections: refused before the steps, real conditions allowed`, async (t) => {
    const { orm, log } = await openConnections(t, { default: dialect, media: dialect }, WATERLINE_ENTITIES);
    const seed = orm.em.fork();
    const ann = seed.create(WlUser, { name: 'Ann' });
    seed.create(WlUser, { name: 'Bob' });
    seed.create(WlPhoto, { url: 'a.jpg', owner: ann });
    await seed.flush();
    const em = orm.em.fork();
    log.length = 0;
    const err = await t.throwsAsync(em.nativeDelete(WlUser, { $and: [{ photos: undefined }] }), { instanceOf: UsageError });
    t.is(err?.code, 'WHOLE_TABLE_WRITE');
    t.deepEqual(log, [], 'no step query, no DELETE');
    t.is(await em.nativeUpdate(WlUser, { photos: { $none: { url: 'zzz' } } }, { name: 'x' }), 2, 'steps found no photo: still a condition');
    t.is(await em.nativeDelete(WlPhoto, { owner: { name: 'nobody' } }), 0);
    t.is(await orm.em.fork().count(WlPhoto), 1);
  });
}
