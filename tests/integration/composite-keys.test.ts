// Composite primary keys: scalar parts, a relation as part of the key, FKs to a composite key, and
// a through entity keyed by its two relations — inserted, updated, found, referenced and deleted.
import test from 'ava';
import {
  AfterDelete, BeforeDelete, Collection, Entity, Joinery, ManyToOne, OneToMany, OnLoad, PrimaryKey, Property, type QueryLogEntry, type Rel,
} from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Car, User, UserCar } from '../fixtures/blog.js';

const events: string[] = [];

@Entity()
class Translation {
  @PrimaryKey({ type: 'string', length: 8 }) locale!: string;
  @PrimaryKey({ type: 'string', length: 64 }) key!: string;
  @Property({ type: 'text' }) text!: string;
  @OnLoad() loaded() {
    events.push(`load ${this.locale}/${this.key}`);
  }
}

@Entity()
class Order {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) customer!: string;
  @OneToMany(() => OrderLine, (l) => l.order, { orphanRemoval: true }) lines = new Collection<OrderLine>(this);
}

@Entity()
class OrderLine {
  @ManyToOne(() => Order, { primary: true }) order!: Rel<Order>;
  @PrimaryKey({ type: 'integer', autoincrement: false }) lineNo!: number;
  @Property({ type: 'integer' }) qty!: number;
  @OneToMany(() => Shipment, (s) => s.line) shipments = new Collection<Shipment>(this);
  @BeforeDelete() bye() {
    events.push(`beforeDelete line ${this.lineNo}`);
  }
  @AfterDelete() gone() {
    events.push(`afterDelete line ${this.lineNo}`);
  }
}

@Entity()
class Shipment {
  @PrimaryKey() id!: number;
  @ManyToOne(() => OrderLine, { nullable: true, deleteRule: 'set null' }) line?: Rel<OrderLine> | null;
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Translation, Order, OrderLine, Shipment, ...BLOG], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  events.length = 0;
  return { orm, log };
}

forEachDialect(test, 'scalar composite keys: insert, find by key, update, delete', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  em.create(Translation, { locale: 'en', key: 'hi', text: 'Hello' });
  em.create(Translation, { locale: 'fr', key: 'hi', text: 'Salut' });
  await em.flush();
  const em2 = orm.em.fork();
  const fr = await em2.findOneOrFail(Translation, { locale: 'fr', key: 'hi' });
  t.deepEqual(events, ['load fr/hi']);
  t.is(em2.getReference(Translation, ['fr', 'hi']), fr);
  t.is(em2.getReference(Translation, { locale: 'fr', key: 'hi' }), fr);
  fr.text = 'Bonjour';
  await em2.flush();
  t.is((await orm.em.fork().findOneOrFail(Translation, ['fr', 'hi'])).text, 'Bonjour');
  em2.remove(fr);
  await em2.flush();
  t.deepEqual((await orm.em.fork().find(Translation, {})).map((x) => x.locale), ['en']);
});

forEachDialect(test, 'a relation as part of the key, FKs to a composite key, cascade through orphanRemoval', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const order = em.create(Order, { customer: 'Ann' });
  const l1 = em.create(OrderLine, { order, lineNo: 1, qty: 2 });
  em.create(OrderLine, { order, lineNo: 2, qty: 5 });
  const ship = em.create(Shipment, { line: l1 });
  await em.flush();
  t.true(order.lines.contains(l1));

  const em2 = orm.em.fork();
  const loaded = await em2.findOneOrFail(Order, order.id, { populate: ['lines.shipments'] });
  t.deepEqual(loaded.lines.getItems().map((l) => [l.lineNo, l.qty, l.shipments.count()]).sort(), [[1, 2, 1], [2, 5, 0]]);
  const line2 = em2.getReference(OrderLine, [order.id, 2]);
  t.is(line2.qty, 5, 'the reference is the loaded line (identity map by composite key)');
  line2.qty = 6;
  await em2.flush();
  t.is((await orm.em.fork().findOneOrFail(OrderLine, { order: order.id, lineNo: 2 })).qty, 6);

  em2.remove(loaded);
  await em2.flush();
  t.deepEqual(events.filter((e) => e.includes('Delete')).sort(), ['afterDelete line 1', 'afterDelete line 2', 'beforeDelete line 1', 'beforeDelete line 2']);
  t.is(await orm.em.fork().count(OrderLine), 0);
  const orphanShip = await orm.em.fork().findOneOrFail(Shipment, ship.id);
  t.is(orphanShip.line, null, 'the FK to the deleted line was set null by the database');
});

forEachDialect(test, 'a through entity keyed by its relations: links added and removed through the collection', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const u = em.create(User, { email: 'u@x.io', passwordHash: 'h' });
  const [a, b] = [em.create(Car, { model: 'A' }), em.create(Car, { model: 'B' })];
  u.cars.add(a, b);
  await em.flush();
  t.is(await orm.em.fork().count(UserCar), 2);
  const em2 = orm.em.fork();
  const ref = em2.getReference(User, u.id);
  ref.cars.remove(a.id);
  await em2.flush();
  const left = await orm.em.fork().find(UserCar, {}, { populate: ['car'] });
  t.deepEqual(left.map((l) => l.car.model), ['B']);
  const link = await orm.em.fork().findOneOrFail(UserCar, { user: u.id, car: b.id });
  t.is(link.since, null);
});
