// A flush starts its relation passes from what changed (new entities, assigned to-ones, collections
// whose queue changed), not from every managed entity; entities built from rows get their
// collections on first read. These tests pin what users rely on: every kind of relation change is
// still written, a failed flush keeps what it had to write, and loading many entities and changing
// a few neither builds nor visits the others' collections.
import test from 'ava';
import { BeforeCreate, Collection, Entity, Joinery, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, ValidationError, type QueryLogEntry, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity()
class Shop {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Shelf, (s) => s.shop) shelves = new Collection<Shelf>(this);
}

@Entity()
class Shelf {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToOne(() => Shop, { nullable: true, cascade: ['persist'] }) shop?: Rel<Shop> | null;
  @OneToMany(() => Tin, (b) => b.shelf, { orphanRemoval: true, cascade: ['persist'] }) tins = new Collection<Tin>(this);
  @ManyToMany(() => Label, undefined, { cascade: ['persist'] }) labels = new Collection<Label>(this);
}

@Entity()
class Tin {
  /** A label the next inserted tin links to its shelf from its beforeCreate hook. */
  static labelForShelf: Label | undefined;
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToOne(() => Shelf) shelf!: Rel<Shelf>;

  @BeforeCreate() linkLabel(): void {
    const label = Tin.labelForShelf;
    Tin.labelForShelf = undefined;
    if (label) (this.shelf as Shelf).labels.add(label);
  }
}

@Entity()
class Label {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', length: 10 }) text!: string;
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb, shelves = 3) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Shop, Shelf, Tin, Label], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const shop = em.create(Shop, { name: 'corner' });
  for (let i = 0; i < shelves; i++) {
    const shelf = em.create(Shelf, { name: `S${i}`, shop });
    em.create(Tin, { name: `T${i}`, shelf });
    shelf.labels.add(em.create(Label, { text: `L${i}` }));
  }
  await em.flush();
  log.length = 0;
  return { orm, log, shopId: shop.id };
}

const own = (entity: object, name: string) => Object.prototype.hasOwnProperty.call(entity, name);

forEachDialect(test, 'a loaded entity has no collection objects until one is read, then an unloaded one bound to its manager', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const shelves = await em.find(Shelf, {}, { orderBy: { id: 'asc' } });
  t.false(own(shelves[0]!, 'tins'), 'no collection made by loading');
  t.false(JSON.stringify(shelves[0]).includes('tins'), 'and none serialised');
  const tins = shelves[0]!.tins;
  t.true(tins instanceof Collection);
  t.is(shelves[0]!.tins, tins, 'the same collection on every read');
  t.false(tins.isInitialized());
  const loaded = await tins.init();
  t.deepEqual(loaded.getItems().map((x) => x.name), ['T0']);
  t.is(loaded.getItems()[0]!.shelf, shelves[0], 'items point back at their owner');
});

forEachDialect(test, 'changing a few of many loaded entities neither builds nor writes the others\' collections', async (t, db) => {
  const { orm, log } = await setup(t, db, 40);
  const em = orm.em.fork();
  const shelves = await em.find(Shelf, {}, { orderBy: { id: 'asc' } });
  log.length = 0;
  shelves[1]!.name = 'renamed';
  shelves[2]!.tins.add(em.create(Tin, { name: 'new tin', shelf: shelves[2]! }));
  await em.flush();
  const untouched = shelves.filter((_, i) => i !== 2);
  t.true(untouched.every((s) => !own(s, 'tins') && !own(s, 'labels')), 'the flush made no collection for entities it had no reason to visit');
  const writes = log.filter((q) => /^(insert|update|delete)/i.test(q.sql) && !q.sql.includes('joinery_commit_markers'));
  t.deepEqual(writes.map((q) => q.sql.split(' ').slice(0, 3).join(' ').replace(/[`"]/g, '').toLowerCase()).sort(), ['insert into tins', 'update shelves set']);
  const check = orm.em.fork();
  t.is((await check.findOneOrFail(Shelf, shelves[1]!.id)).name, 'renamed');
  t.deepEqual((await check.find(Tin, { shelf: shelves[2]!.id }, { orderBy: { id: 'asc' } })).map((x) => x.name), ['T2', 'new tin']);
});

forEachDialect(test, 'every kind of relation change on loaded entities is written: to-one, 1:N add and orphan remove, M:N add and remove, cascade persist', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const [s0, s1, s2] = await em.find(Shelf, {}, { orderBy: { id: 'asc' }, populate: ['tins', 'labels'] });
  s0!.shop = new Shop(); // cascade persist through an assigned to-one
  s0!.shop.name = 'kiosk';
  const tin = new Tin();
  tin.name = 'cascaded';
  s1!.tins.add(tin); // cascade persist through a collection
  s1!.tins.remove(s1!.tins.getItems()[0]!); // orphan removal
  const label = new Label();
  label.text = 'fresh';
  s2!.labels.add(label); // M:N add of a new entity
  s2!.labels.remove(s2!.labels.getItems()[0]!); // M:N remove
  await em.flush();
  const check = orm.em.fork();
  const [c0, c1, c2] = await check.find(Shelf, {}, { orderBy: { id: 'asc' }, populate: ['shop', 'tins', 'labels'] });
  t.is(c0!.shop?.name, 'kiosk');
  t.deepEqual(c1!.tins.getItems().map((x) => x.name), ['cascaded']);
  t.is(await check.count(Tin, { name: 'T1' }), 0, 'the orphan is deleted');
  t.deepEqual(c2!.labels.getItems().map((x) => x.text), ['fresh']);
});

forEachDialect(test, 'a flush that fails keeps the relation changes it was to write: the next flush writes them', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const [s0, s1] = await em.find(Shelf, {}, { orderBy: { id: 'asc' } });
  const label = new Label();
  label.text = 'far too long for ten';
  s0!.labels.add(label);
  const shop = new Shop();
  shop.name = 'second';
  s1!.shop = shop;
  await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  label.text = 'short';
  await em.flush();
  const check = orm.em.fork();
  const [c0, c1] = await check.find(Shelf, {}, { orderBy: { id: 'asc' }, populate: ['shop', 'labels'] });
  t.deepEqual(c0!.labels.getItems().map((x) => x.text).sort(), ['L0', 'short']);
  t.is(c1!.shop?.name, 'second');
});

forEachDialect(test, 'a collection change made by a beforeCreate hook during the flush is written by that flush', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const shelf = await em.findOneOrFail(Shelf, { name: 'S0' });
  Tin.labelForShelf = await em.findOneOrFail(Label, { text: 'L1' });
  em.create(Tin, { name: 'hooked', shelf });
  log.length = 0;
  await em.flush();
  t.true(Tin.labelForShelf === undefined, 'the hook ran');
  t.true(log.some((q) => /^insert into .label_shelf./i.test(q.sql)), 'the link went out with the insert');
  log.length = 0;
  await em.flush();
  t.deepEqual(log.map((q) => q.sql), [], 'nothing left for the next flush');
  const c = await orm.em.fork().findOneOrFail(Shelf, { name: 'S0' }, { populate: ['labels'] });
  t.deepEqual(c.labels.getItems().map((x) => x.text).sort(), ['L0', 'L1']);
});

forEachDialect(test, 'Object.keys, JSON, spread and structuredClone of entities show their data only, never what the manager keeps', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const tin = await em.findOneOrFail(Tin, { name: 'T0' });
  t.deepEqual(Object.keys(tin).sort(), ['id', 'name']);
  t.deepEqual(JSON.parse(JSON.stringify(tin)), { id: tin.id, name: 'T0', shelf: (tin.shelf as Shelf).id });
  t.deepEqual({ ...tin }, { id: tin.id, name: 'T0' });
  t.deepEqual(structuredClone(tin), { id: tin.id, name: 'T0' });
  const made = em.create(Label, { text: 'new' });
  // Class fields without a value are own properties holding undefined under standard decorators.
  const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  t.true(Object.keys(made).every((k) => k === 'id' || k === 'text'));
  t.deepEqual(defined({ ...made }), { text: 'new' });
  t.deepEqual(defined(structuredClone(made)), { text: 'new' });
  await em.flush();
  t.deepEqual({ ...made }, { text: 'new', id: made.id });
  t.deepEqual(Object.getOwnPropertyNames(made).sort(), ['id', 'text'], 'no state property of any name');
});

forEachDialect(test, 'a collection put in place of a loaded entity\'s collection is bound: its changes are written', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const shelf = await em.findOneOrFail(Shelf, { name: 'S1' });
  const label = await em.findOneOrFail(Label, { text: 'L0' });
  (shelf as Shelf).labels = new Collection<Label>(shelf, [label]);
  t.false(shelf.labels.isInitialized(), 'bound like the one it replaces: not loaded');
  await em.flush();
  const c = await orm.em.fork().findOneOrFail(Shelf, { name: 'S1' }, { populate: ['labels'] });
  t.deepEqual(c.labels.getItems().map((x) => x.text).sort(), ['L0', 'L1']);
});

forEachDialect(test, 'em.clear() forgets the relation changes it held', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const shelf = await em.findOneOrFail(Shelf, { name: 'S0' });
  const label = new Label();
  label.text = 'dropped';
  shelf.labels.add(label);
  em.clear();
  log.length = 0;
  await em.flush();
  t.deepEqual(log.map((q) => q.sql), [], 'nothing left to write after clear');
});
