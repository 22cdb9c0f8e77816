// A legacy schema with required foreign keys both ways (Sakila: store.manager_staff_id → staff and
// staff.store_id → store, both NOT NULL), created with raw DDL as such a database has it: init
// and reads work, flushes that can be ordered are, the others fail before any SQL and say why;
// with DEFERRABLE constraints (PostgreSQL, SQLite) one flush inserts and deletes both rows.
import test from 'ava';
import { Entity, ForeignKeyConstraintViolationError, Joinery, ManyToOne, MetadataError, PrimaryKey, Property, type QueryLogEntry, type Rel } from 'joinery';
import { withoutCommitRecords } from '../support/commit-records.js';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity({ tableName: 'store' })
class Store {
  @PrimaryKey({ columnName: 'store_id' }) id!: number;
  @Property({ type: 'string' }) address!: string;
  @ManyToOne(() => Staff, { joinColumn: 'manager_staff_id' }) manager!: Rel<Staff>;
}

@Entity({ tableName: 'staff' })
class Staff {
  @PrimaryKey({ columnName: 'staff_id' }) id!: number;
  @Property({ type: 'string' }) firstName!: string;
  @ManyToOne(() => Store, { joinColumn: 'store_id' }) store!: Rel<Store>;
}

// The same tables where store.manager_staff_id is DEFERRABLE INITIALLY DEFERRED.
@Entity({ tableName: 'store' })
class DStore {
  @PrimaryKey({ columnName: 'store_id' }) id!: number;
  @Property({ type: 'string' }) address!: string;
  @ManyToOne(() => DStaff, { joinColumn: 'manager_staff_id', deferrable: true }) manager!: Rel<DStaff>;
}

@Entity({ tableName: 'staff' })
class DStaff {
  @PrimaryKey({ columnName: 'staff_id' }) id!: number;
  @Property({ type: 'string' }) firstName!: string;
  @ManyToOne(() => DStore, { joinColumn: 'store_id' }) store!: Rel<DStore>;
}

// The same tables where a store may have no manager (the cycle as joinery always handled it).
@Entity({ tableName: 'store' })
class NStore {
  @PrimaryKey({ columnName: 'store_id' }) id!: number;
  @Property({ type: 'string' }) address!: string;
  @ManyToOne(() => NStaff, { joinColumn: 'manager_staff_id', nullable: true }) manager?: Rel<NStaff> | null;
}

@Entity({ tableName: 'staff' })
class NStaff {
  @PrimaryKey({ columnName: 'staff_id' }) id!: number;
  @Property({ type: 'string' }) firstName!: string;
  @ManyToOne(() => NStore, { joinColumn: 'store_id' }) store!: Rel<NStore>;
}

const ID: Record<TestDb['dialect'], string> = {
  sqlite: 'integer primary key',
  pg: 'serial primary key',
  mysql: 'int auto_increment primary key',
};

/**
 * Sakila's two tables with one store and its manager, the way its dump builds them: both tables,
 * the rows, then the store → staff constraint (SQLite cannot add one later: it is declared inline
 * and the seed runs with the checks deferred to COMMIT).
 */
async function legacySchema(orm: Joinery, db: TestDb, deferrable: boolean, nullable = false): Promise<void> {
  const later = deferrable ? ' deferrable initially deferred' : '';
  const manager = nullable ? 'integer null unique' : 'integer not null unique';
  const run = (sql: string) => orm.em.fork().execute(sql);
  if (db.dialect === 'sqlite') {
    await run(`create table store (store_id integer primary key, manager_staff_id ${manager} references staff (staff_id)${later}, address varchar(50) not null)`);
    await run('create table staff (staff_id integer primary key, first_name varchar(45) not null, store_id integer not null references store (store_id))');
    await orm.em.fork().transactional(async (em) => {
      await em.execute('pragma defer_foreign_keys = on');
      await em.execute(`insert into store (manager_staff_id, address) values (1, '47 MySakila Drive')`);
      await em.execute(`insert into staff (first_name, store_id) values ('Mike', 1)`);
    });
    return;
  }
  const q = (s: string) => (db.dialect === 'mysql' ? s.replace(/"/g, '`') : s);
  await run(q(`create table "store" ("store_id" ${ID[db.dialect]}, "manager_staff_id" ${manager}, "address" varchar(50) not null)`));
  await run(q(`create table "staff" ("staff_id" ${ID[db.dialect]}, "first_name" varchar(45) not null, "store_id" integer not null, constraint "fk_staff_store" foreign key ("store_id") references "store" ("store_id") on delete restrict)`));
  await run(q(`insert into "store" ("manager_staff_id", "address") values (1, '47 MySakila Drive')`));
  await run(q(`insert into "staff" ("first_name", "store_id") values ('Mike', 1)`));
  // PostgreSQL checks RESTRICT at once even in a deferrable constraint: the deferrable one is NO ACTION.
  await run(q(`alter table "store" add constraint "fk_store_staff" foreign key ("manager_staff_id") references "staff" ("staff_id") on delete ${deferrable ? 'no action' : 'restrict'}${later}`));
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb, entities: Function[] = [Store, Staff], deferrable = false, nullable = false) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await legacySchema(orm, db, deferrable, nullable);
  log.length = 0;
  const sql = () => withoutCommitRecords(log.map((q) => q.sql.replace(/\$\d+/g, '?')));
  return { orm, log, sql };
}

/** The table each INSERT / UPDATE / DELETE of `statements` writes, with its verb. */
const writes = (statements: string[]) =>
  statements.flatMap((s) => {
    const m = /^(insert into|update|delete from) [`"]?(\w+)[`"]?/i.exec(s);
    return m ? [`${m[1]!.split(' ')[0]!.toUpperCase()} ${m[2]}`] : [];
  });

forEachDialect(test, 'init accepts the cycle and reads work', async (t, db) => {
  const { orm } = await setup(t, db);
  const [store] = await orm.em.fork().find(Store, {}, { populate: ['manager'] });
  t.is(store!.address, '47 MySakila Drive');
  t.is(store!.manager.firstName, 'Mike');
  t.is(store!.manager.store, store);
});

forEachDialect(test, 'a flush whose rows have an order inserts them row by row: staff, store, staff', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const home = await em.findOneOrFail(Store, { address: '47 MySakila Drive' });
  // Jon works at the existing store and manages the new one, whose first clerk is Ann.
  const jon = em.create(Staff, { firstName: 'Jon', store: home });
  const store = em.create(Store, { address: '28 MySQL Boulevard', manager: jon });
  const ann = em.create(Staff, { firstName: 'Ann', store });
  const before = sql().length;
  await em.flush();
  t.deepEqual(writes(sql().slice(before)), ['INSERT staff', 'INSERT store', 'INSERT staff']);
  const check = orm.em.fork();
  const again = await check.findOneOrFail(Store, { id: store.id }, { populate: ['manager'] });
  t.is(again.manager.id, jon.id);
  t.is((await check.findOneOrFail(Staff, { id: ann.id })).store, again);
});

forEachDialect(test, 'only one side new: a new clerk at an existing store is one INSERT', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  em.create(Staff, { firstName: 'Jon', store: em.getReference(Store, 1) });
  await em.flush();
  t.deepEqual(writes(sql()), ['INSERT staff']);
});

forEachDialect(test, 'two new rows that need each other: FK_CYCLE before any SQL, then fixed and flushed again', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const home = await em.findOneOrFail(Store, { address: '47 MySakila Drive' });
  const store = em.create(Store, { address: '28 MySQL Boulevard' } as Store);
  const bob = em.create(Staff, { firstName: 'Bob', store });
  store.manager = bob;
  const before = sql().length;
  const error = await t.throwsAsync(em.flush(), { instanceOf: MetadataError });
  t.is(error!.code, 'FK_CYCLE');
  // Either FK of the cycle may come first; the one named in entity/property is one of them.
  t.true(['Store.manager', 'Staff.store'].includes(`${error!.entity}.${error!.property}`));
  t.regex(error!.message, /Store\.manager → Staff/);
  t.regex(error!.message, /Staff\.store → Store/);
  t.regex(error!.message, /in its own flush/);
  t.regex(error!.message, /nullable: true/);
  t.regex(error!.message, /deferrable: true/);
  t.deepEqual(sql().slice(before), [], 'nothing reached the database');
  // The fix the message names: Bob starts at the existing store; moved once the new one exists.
  bob.store = home;
  await em.flush();
  bob.store = store;
  await em.flush();
  const check = await orm.em.fork().findOneOrFail(Staff, { firstName: 'Bob' }, { populate: ['store.manager'] });
  t.is(check.store.id, store.id);
  t.is(check.store.manager, check);
});

forEachDialect(test, 'a nullable side breaks the cycle as before: INSERT with NULL, then UPDATE; deleting both sets it NULL first', async (t, db) => {
  const { orm, sql, log } = await setup(t, db, [NStore, NStaff], false, true);
  const em = orm.em.fork();
  const store = em.create(NStore, { address: '28 MySQL Boulevard' });
  const bob = em.create(NStaff, { firstName: 'Bob', store });
  store.manager = bob;
  await em.flush();
  t.deepEqual(writes(sql()), ['INSERT store', 'INSERT staff', 'UPDATE store']);
  const insert = log.find((q) => /^insert into [`"]?store/i.test(q.sql))!;
  t.true(insert.params.includes(null) && !insert.params.some((v) => typeof v === 'number' && v < 0), 'NULL, not a placeholder');
  const em2 = orm.em.fork();
  const [doomed] = await em2.find(NStore, { address: '28 MySQL Boulevard' }, { populate: ['manager'] });
  em2.remove([doomed!, doomed!.manager!]);
  const before = sql().length;
  await em2.flush();
  t.deepEqual(writes(sql().slice(before)), ['UPDATE store', 'DELETE staff', 'DELETE store']);
  t.is(await orm.em.fork().count(NStore, {}), 1);
});

forEachDialect(test, 'deleting both rows of the cycle: FK_CYCLE before any SQL, no NULL written into a NOT NULL column', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const [store] = await em.find(Store, {}, { populate: ['manager'] });
  em.remove([store!, store!.manager]);
  const before = sql().length;
  const error = await t.throwsAsync(em.flush(), { instanceOf: MetadataError });
  t.is(error!.code, 'FK_CYCLE');
  t.regex(error!.message, /Cannot delete/);
  t.regex(error!.message, /Store\.manager → Staff, Staff\.store → Store/);
  t.deepEqual(sql().slice(before), []);
  t.is(await orm.em.fork().count(Store, {}), 1);
});

forEachDialect(test, 'deleting rows of the two tables that do not point at each other: ordered row by row', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const home = await em.findOneOrFail(Store, { address: '47 MySakila Drive' });
  const jon = em.create(Staff, { firstName: 'Jon', store: home });
  const store = em.create(Store, { address: '28 MySQL Boulevard', manager: jon });
  em.create(Staff, { firstName: 'Ann', store });
  await em.flush();
  const em2 = orm.em.fork();
  const doomed = await em2.find(Staff, { firstName: { $in: ['Jon', 'Ann'] } }, { populate: ['store'] });
  em2.remove([...doomed, doomed.find((s) => s.firstName === 'Ann')!.store]);
  const before = sql().length;
  await em2.flush();
  // Ann points at the store, the store at Jon: Ann, then the store, then Jon.
  t.deepEqual(writes(sql().slice(before)), ['DELETE staff', 'DELETE store', 'DELETE staff']);
  const left = orm.em.fork();
  t.is(await left.count(Store, {}), 1);
  t.deepEqual((await left.find(Staff, {})).map((s) => s.firstName), ['Mike']);
});

forEachDialect(
  test,
  'DEFERRABLE constraint: both new rows in one flush (placeholder, then the real key before COMMIT), and both deleted in one flush',
  async (t, db) => {
    const { orm, sql, log } = await setup(t, db, [DStore, DStaff], true);
    const em = orm.em.fork();
    const store = em.create(DStore, { address: '28 MySQL Boulevard' } as DStore);
    const bob = em.create(DStaff, { firstName: 'Bob', store });
    store.manager = bob;
    const store2 = em.create(DStore, { address: '3 SQLite Lane' } as DStore);
    const eve = em.create(DStaff, { firstName: 'Eve', store: store2 });
    store2.manager = eve;
    await em.flush();
    const statements = sql();
    t.deepEqual(writes(statements), ['INSERT store', 'INSERT staff', 'UPDATE store']);
    // The unique manager column takes a distinct placeholder per row; the UPDATE sets the keys.
    const insert = log.find((q) => /^insert into [`"]?store/i.test(q.sql))!;
    t.deepEqual(insert.params.flat().filter((v) => typeof v === 'number' && v < 0), [-1, -2]);
    const insertStore = orm.em.fork();
    const rows = await insertStore.find(DStore, {}, { populate: ['manager'], orderBy: { id: 'asc' } });
    t.deepEqual(rows.map((s) => `${s.address}: ${s.manager.firstName}`), ['47 MySakila Drive: Mike', '28 MySQL Boulevard: Bob', '3 SQLite Lane: Eve']);
    t.true(rows.every((s) => s.manager.store === s));

    const em2 = orm.em.fork();
    const [doomed] = await em2.find(DStore, { address: '28 MySQL Boulevard' }, { populate: ['manager'] });
    em2.remove([doomed!, doomed!.manager]);
    const before = sql().length;
    await em2.flush();
    t.deepEqual(writes(sql().slice(before)), ['DELETE staff', 'DELETE store'], 'no UPDATE to NULL first');
    t.is(await orm.em.fork().count(DStore, {}), 2);
  },
  { dialects: ['sqlite', 'pg'] },
);

forEachDialect(
  test,
  'deferrable: true on MySQL: FK_CYCLE at flush that says MySQL has no deferrable constraints',
  async (t, db) => {
    const { orm, sql } = await setup(t, db, [DStore, DStaff]);
    const em = orm.em.fork();
    const store = em.create(DStore, { address: '28 MySQL Boulevard' } as DStore);
    store.manager = em.create(DStaff, { firstName: 'Bob', store });
    const error = await t.throwsAsync(em.flush(), { instanceOf: MetadataError });
    t.is(error!.code, 'FK_CYCLE');
    t.regex(error!.message, /DStore\.manager is deferrable, but this database \(MySQL\) has no deferrable constraints/);
    t.deepEqual(sql(), []);
  },
  { dialects: ['mysql'] },
);

forEachDialect(test, 'schema.create declares deferrable: true as DEFERRABLE INITIALLY DEFERRED where the database has it', async (t, db) => {
  const orm = await Joinery.init({ entities: [DStore, DStaff], ...db.config });
  t.teardown(() => orm.close());
  const ddl = (await orm.schema.getCreateSQL()).toLowerCase();
  const clauses = ddl.match(/foreign key[^,;]*/g) ?? [];
  const deferred = clauses.filter((c) => c.includes('deferrable initially deferred'));
  t.is(clauses.length, 2);
  t.is(deferred.length, db.dialect === 'mysql' ? 0 : 1);
  if (db.dialect !== 'mysql') t.regex(deferred[0]!, /manager_staff_id/);
  await orm.schema.create();
  // And it works: both new rows in one flush (MySQL: refused before any SQL, as above).
  const em = orm.em.fork();
  const store = em.create(DStore, { address: 'a' } as DStore);
  store.manager = em.create(DStaff, { firstName: 'Bob', store });
  if (db.dialect === 'mysql') await t.throwsAsync(em.flush(), { instanceOf: MetadataError });
  else {
    await em.flush();
    t.is((await orm.em.fork().findOneOrFail(DStore, { id: store.id }, { populate: ['manager'] })).manager.firstName, 'Bob');
  }
});

@Entity({ tableName: 'category' })
class Category {
  @PrimaryKey({ columnName: 'category_id' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToOne(() => Category, { joinColumn: 'parent_id' }) parent!: Rel<Category>;
}

forEachDialect(test, 'a required self-reference: a chain of new rows goes in parent first, one INSERT per level; deletes children first', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Category], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  const q = (s: string) => (db.dialect === 'mysql' ? s.replace(/"/g, '`') : s);
  const run = (sql: string) => orm.em.fork().execute(q(sql));
  await run(
    `create table "category" ("category_id" ${ID[db.dialect]}, "name" varchar(25) not null, "parent_id" integer not null, ` +
      `constraint "fk_category_parent" foreign key ("parent_id") references "category" ("category_id") on delete restrict)`,
  );
  // The root is its own parent (a row may point at itself within one statement).
  await run(`insert into "category" ("category_id", "name", "parent_id") values (1000, 'All', 1000)`);
  const em = orm.em.fork();
  const root = await em.findOneOrFail(Category, { id: 1000 });
  const drama = em.create(Category, { name: 'Drama', parent: root });
  const noir = em.create(Category, { name: 'Noir', parent: drama });
  const neo = em.create(Category, { name: 'Neo-noir', parent: noir });
  log.length = 0;
  await em.flush();
  t.deepEqual(writes(withoutCommitRecords(log.map((l) => l.sql))), ['INSERT category', 'INSERT category', 'INSERT category']);
  const check = await orm.em.fork().findOneOrFail(Category, { id: neo.id }, { populate: ['parent.parent'] });
  t.is(check.parent.parent.name, 'Drama');

  const em2 = orm.em.fork();
  const doomed = await em2.find(Category, { name: { $in: ['Drama', 'Noir', 'Neo-noir'] } });
  em2.remove(doomed);
  log.length = 0;
  await em2.flush();
  t.deepEqual(writes(withoutCommitRecords(log.map((l) => l.sql))), ['DELETE category', 'DELETE category', 'DELETE category']);
  t.deepEqual(log.filter((l) => /^delete from [`"]category/i.test(l.sql)).map((l) => l.params.flat()), [[neo.id], [noir.id], [drama.id]]);
  // The root alone, pointing at itself: one DELETE. InnoDB checks a self-reference row by row
  // and refuses it (a MySQL limitation no statement order can avoid): the FK error, typed.
  const em3 = orm.em.fork();
  em3.remove(await em3.findOneOrFail(Category, { id: 1000 }));
  if (db.dialect === 'mysql') {
    await t.throwsAsync(em3.flush(), { instanceOf: ForeignKeyConstraintViolationError });
    t.is(await orm.em.fork().count(Category, {}), 1);
  } else {
    await em3.flush();
    t.is(await orm.em.fork().count(Category, {}), 0);
  }
});
