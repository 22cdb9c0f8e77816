// Required foreign keys both ways (Sakila's store.manager_staff_id ↔ staff.store_id): what one flush
// can insert and delete, in which order, and the error before any SQL when nothing can order it.
import test from 'ava';
import { Collection, Entity, ManyToMany, ManyToOne, MetadataError, PrimaryKey, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { planCommit, type CommitStep, type PlanOptions } from '../../src/unit-of-work/commit-plan.js';
import { linkPurges, ownedLinksOf } from '../../src/unit-of-work/owned-links.js';
import { del, insert, make, outline } from '../support/change-set-fixtures.js';

@Entity()
class Store {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Staff) manager!: Rel<Staff>;
}
@Entity()
class Staff {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Store) store!: Rel<Store>;
}

// The same with a deferrable constraint on one side.
@Entity()
class Shop {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Clerk, { deferrable: true }) manager!: Rel<Clerk>;
}
@Entity()
class Clerk {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Shop) shop!: Rel<Shop>;
}

// Deferrable towards a key the application assigns: the value is known before either INSERT.
@Entity()
class Depot {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Keeper, { deferrable: true }) keeper!: Rel<Keeper>;
}
@Entity()
class Keeper {
  @PrimaryKey({ type: 'uuid', autoincrement: false }) id!: string;
  @ManyToOne(() => Depot) depot!: Rel<Depot>;
}

@Entity()
class Category {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Category) parent!: Rel<Category>;
}

// A cycle with a nullable side, as before: a company's CEO is one of its employees.
@Entity()
class Company {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Employee, { nullable: true }) ceo?: Rel<Employee> | null;
}
@Entity()
class Employee {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Company) company!: Rel<Company>;
}

@Entity()
class Actor {
  @PrimaryKey({ type: 'integer' }) id!: number;
}
@Entity()
class Film {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToMany(() => Actor) actors = new Collection<Actor>(this);
  @ManyToMany(() => Film, undefined, { pivotTable: 'film_sequel', joinColumn: 'film_id', inverseJoinColumn: 'sequel_id' }) sequels = new Collection<Film>(this);
}

const meta = discoverMetadata([Store, Staff, Shop, Clerk, Depot, Keeper, Category, Actor, Film, Company, Employee]);
const [companyMeta, employeeMeta] = [Company, Employee].map((c) => meta.get(c));
const [storeMeta, staffMeta, shopMeta, clerkMeta, depotMeta, keeperMeta, categoryMeta, actorMeta, filmMeta] = [Store, Staff, Shop, Clerk, Depot, Keeper, Category, Actor, Film].map((c) => meta.get(c));

const rows = (step: CommitStep | undefined) => (step && 'changeSets' in step ? step.changeSets.map((c) => c.entity) : []);
const pg: PlanOptions = { deferrableConstraints: () => true };
const mysql: PlanOptions = { deferrableConstraints: () => false };

test('one side new, the other already in the database: plain FK order, nothing deferred', (t) => {
  const oldManager = make(Staff, { id: 1 });
  const store = make(Store, { manager: oldManager });
  const clerk = make(Staff, { store });
  const steps = planCommit([insert(staffMeta, clerk), insert(storeMeta, store)], [], []);
  t.deepEqual(outline(steps), ['insert Store', 'insert Staff']);
  t.true(steps.every((s) => s.kind !== 'insert' || s.deferred.size === 0));
});

test('types in a cycle but rows not: ordered row by row, one statement per type and layer', (t) => {
  const oldStore = make(Store, { id: 1 });
  const manager = make(Staff, { store: oldStore });
  const store = make(Store, { manager });
  const clerk = make(Staff, { store });
  const steps = planCommit([insert(storeMeta, store), insert(staffMeta, manager), insert(staffMeta, clerk)], [], []);
  t.deepEqual(outline(steps), ['insert Staff', 'insert Store', 'insert Staff']);
  t.deepEqual(steps.map(rows), [[manager], [store], [clerk]]);
});

test('two new rows that need each other: FK_CYCLE before any SQL, naming both FKs and the fixes', (t) => {
  const store = make(Store, {});
  const manager = make(Staff, { store });
  store.manager = manager;
  const error = t.throws(() => planCommit([insert(storeMeta, store), insert(staffMeta, manager)], [], [], [], pg), { instanceOf: MetadataError });
  t.is(error!.code, 'FK_CYCLE');
  t.is(error!.entity, 'Store');
  t.is(error!.property, 'manager');
  t.regex(error!.message, /Store\.manager → Staff/);
  t.regex(error!.message, /Staff\.store → Store/);
  t.regex(error!.message, /its own flush/);
  t.regex(error!.message, /nullable: true/);
  t.regex(error!.message, /deferrable: true/);
});

test('deferrable FK: inserted with a placeholder and fixed up, the check waits for COMMIT', (t) => {
  const shop = make(Shop, {});
  const clerk = make(Clerk, { shop });
  shop.manager = clerk;
  const steps = planCommit([insert(clerkMeta, clerk), insert(shopMeta, shop)], [], [], [], pg);
  t.deepEqual(outline(steps), ['insert Shop', 'insert Clerk', 'fixup Shop']);
  t.deepEqual([...(steps[0] as Extract<CommitStep, { kind: 'insert' }>).deferred], ['manager']);
  t.deepEqual((steps[2] as Extract<CommitStep, { kind: 'fixup' }>).props.map((p) => p.name), ['manager']);
});

test('deferrable FK on MySQL: FK_CYCLE that says MySQL has no deferrable constraints', (t) => {
  const shop = make(Shop, {});
  const clerk = make(Clerk, { shop });
  shop.manager = clerk;
  const error = t.throws(() => planCommit([insert(clerkMeta, clerk), insert(shopMeta, shop)], [], [], [], mysql), { instanceOf: MetadataError });
  t.is(error!.code, 'FK_CYCLE');
  t.regex(error!.message, /Shop\.manager is deferrable, but this database \(MySQL\) has no deferrable constraints/);
});

test('deferrable FK to a key the application assigns: the value goes in directly, no fixup', (t) => {
  const depot = make(Depot, {});
  const keeper = make(Keeper, { id: '00000000-0000-4000-8000-000000000001', depot });
  depot.keeper = keeper;
  const steps = planCommit([insert(keeperMeta, keeper), insert(depotMeta, depot)], [], [], [], pg);
  t.deepEqual(outline(steps), ['insert Depot', 'insert Keeper']);
  t.true(steps.every((s) => s.kind !== 'insert' || s.deferred.size === 0));
});

test('required self-reference: a chain of new rows goes in layers, root first', (t) => {
  const top = make(Category, { id: 1 });
  const root = make(Category, { parent: top });
  const child = make(Category, { parent: root });
  const grandchild = make(Category, { parent: child });
  const steps = planCommit([insert(categoryMeta, grandchild), insert(categoryMeta, child), insert(categoryMeta, root)], [], []);
  t.deepEqual(steps.map(rows), [[root], [child], [grandchild]]);
});

test('a new row that is its own parent (generated key) is a cycle of one', (t) => {
  const self = make(Category, {});
  self.parent = self;
  const error = t.throws(() => planCommit([insert(categoryMeta, self)], [], []), { instanceOf: MetadataError });
  t.regex(error!.message, /Category\.parent → Category/);
});

test('deleting both rows of a required cycle: FK_CYCLE before any SQL, never NULL into a NOT NULL column', (t) => {
  const store = make(Store, { id: 1 });
  const manager = make(Staff, { id: 2, store });
  store.manager = manager;
  const error = t.throws(() => planCommit([del(storeMeta, store), del(staffMeta, manager)], [], [], [], pg), { instanceOf: MetadataError });
  t.is(error!.code, 'FK_CYCLE');
  t.regex(error!.message, /Cannot delete/);
  t.regex(error!.message, /Store\.manager → Staff, Staff\.store → Store/);
});

test('deleting both rows of a deferrable cycle: two DELETEs, no UPDATE', (t) => {
  const shop = make(Shop, { id: 1 });
  const clerk = make(Clerk, { id: 2, shop });
  shop.manager = clerk;
  const steps = planCommit([del(shopMeta, shop), del(clerkMeta, clerk)], [], [], [], pg);
  t.deepEqual(outline(steps), ['delete Clerk', 'delete Shop']);
});

test('deleting rows of types in a cycle whose rows are not: ordered row by row', (t) => {
  const otherStore = make(Store, { id: 1 });
  const manager = make(Staff, { id: 5, store: otherStore });
  const store = make(Store, { id: 2, manager });
  const clerk = make(Staff, { id: 6, store });
  const steps = planCommit([del(storeMeta, store), del(staffMeta, manager), del(staffMeta, clerk)], [], []);
  t.deepEqual(outline(steps), ['delete Staff', 'delete Store', 'delete Staff']);
  t.deepEqual(steps.map(rows), [[clerk], [store], [manager]]);
});

test('deleting a row that references itself is one DELETE', (t) => {
  const self = make(Category, { id: 1 });
  self.parent = self;
  t.deepEqual(outline(planCommit([del(categoryMeta, self)], [], [])), ['delete Category']);
});

test('link rows of deleted entities: one purge per join table and side, before the deletes', (t) => {
  const owned = ownedLinksOf(meta);
  t.deepEqual(owned.get(actorMeta!)!.pivots.map((p) => `${p.pivot.tableName}:${p.side}`), ['actor_film:target']);
  t.deepEqual(owned.get(filmMeta!)!.pivots.map((p) => `${p.pivot.tableName}:${p.side}`), ['actor_film:owner', 'film_sequel:owner', 'film_sequel:target']);
  t.is(owned.get(storeMeta!), undefined);
  const film = make(Film, { id: 1 });
  const actor = make(Actor, { id: 2 });
  const changeSets = [del(filmMeta!, film), del(actorMeta!, actor)];
  const purges = linkPurges(changeSets, owned);
  t.deepEqual(purges.map((p) => `${p.pivot.tableName}:${p.side}:${p.entities.length}`), ['actor_film:owner:1', 'film_sequel:owner:1', 'film_sequel:target:1', 'actor_film:target:1']);
  t.deepEqual(outline(planCommit(changeSets, [], [], purges)), ['link-purge', 'delete Film', 'delete Actor']);
});

test('a required cycle ordered row by row and a nullable cycle in the same flush: each handled its way', (t) => {
  const oldStore = make(Store, { id: 1 });
  const manager = make(Staff, { store: oldStore });
  const store = make(Store, { manager });
  const acme = make(Company, {});
  const boss = make(Employee, { company: acme });
  acme.ceo = boss;
  const steps = planCommit([insert(storeMeta, store), insert(staffMeta, manager), insert(companyMeta!, acme), insert(employeeMeta!, boss)], [], []);
  t.deepEqual(outline(steps).filter((s) => s.includes('Store') || s.includes('Staff')), ['insert Staff', 'insert Store']);
  t.deepEqual(outline(steps).filter((s) => s.includes('Company') || s.includes('Employee')), ['insert Company', 'insert Employee', 'fixup Company']);
});

test('deleting a required cycle ordered row by row and a nullable cycle together: the nullable one unlinked first', (t) => {
  const otherStore = make(Store, { id: 1 });
  const manager = make(Staff, { id: 5, store: otherStore });
  const store = make(Store, { id: 2, manager });
  const acme = make(Company, { id: 1 });
  const boss = make(Employee, { id: 2, company: acme });
  acme.ceo = boss;
  const steps = planCommit([del(storeMeta, store), del(staffMeta, manager), del(companyMeta!, acme), del(employeeMeta!, boss)], [], []);
  t.is(outline(steps)[0], 'unlink-before-delete Company');
  t.deepEqual(outline(steps).filter((s) => s.includes('Store') || s.includes('Staff')), ['delete Store', 'delete Staff']);
  const order = outline(steps);
  t.true(order.indexOf('delete Employee') < order.indexOf('delete Company'));
});
