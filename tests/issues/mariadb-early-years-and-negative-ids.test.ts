// Regression: on MariaDB a datetime in years 0001–0099 was stored right but read back as 2001/1950
// (mysql2 builds the Date with `new Date(y, ...)`-style calls, which map 0–99 to 19xx), and an
// explicit key of -1 was stored as -1 but became NaN in memory (the flush took the new key from the
// insert id, which MariaDB reports as '-1' for an explicit key); an explicit key of 0 made MariaDB
// generate a new key instead. Dates of every year 1–9999 and every explicit key now round-trip the
// same way on all dialects.
import test from 'ava';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity()
class Epoch {
  @PrimaryKey() id!: number;
  @Property({ type: 'datetime', nullable: true }) at?: Date | null;
  @Property({ type: 'date', nullable: true }) day?: string | null;
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const orm = await Joinery.init({ entities: [Epoch], ...db.config });
  t.teardown(() => orm.close());
  await orm.schema.create();
  return orm;
}

function utc(year: number, ...rest: number[]): Date {
  const d = new Date(Date.UTC(2000, rest[0] ?? 0, rest[1] ?? 1, rest[2] ?? 0, rest[3] ?? 0, rest[4] ?? 0, rest[5] ?? 0));
  d.setUTCFullYear(year);
  return d;
}

forEachDialect(test, 'datetimes and dates in years 1–99 read back unchanged', async (t, db) => {
  const orm = await setup(t, db);
  const em = orm.em.fork();
  const years = [1, 9, 50, 69, 70, 99, 100, 999, 1000, 1969, 2024, 9999];
  for (const y of years) em.create(Epoch, { at: utc(y, 5, 15, 12, 34, 56, 789), day: `${String(y).padStart(4, '0')}-06-15` });
  await em.flush();
  const read = await orm.em.fork().find(Epoch, {}, { orderBy: { id: 'asc' } });
  t.deepEqual(read.map((e) => e.at!.toISOString()), years.map((y) => utc(y, 5, 15, 12, 34, 56, 789).toISOString()));
  t.deepEqual(read.map((e) => e.day), years.map((y) => `${String(y).padStart(4, '0')}-06-15`));
  // Criteria and ordering see the same instants.
  const early = await orm.em.fork().find(Epoch, { at: { $lt: utc(100) } }, { orderBy: { at: 'asc' } });
  t.deepEqual(early.map((e) => e.at!.getUTCFullYear()), [1, 9, 50, 69, 70, 99]);
});

forEachDialect(test, 'an early-year datetime survives an update and a refresh', async (t, db) => {
  const orm = await setup(t, db);
  const em = orm.em.fork();
  const e = em.create(Epoch, { at: utc(2000) });
  await em.flush();
  e.at = utc(1, 0, 1, 0, 0, 0, 1);
  await em.flush();
  await em.refresh(e);
  t.is(e.at!.toISOString(), '0001-01-01T00:00:00.001Z');
});

forEachDialect(test, 'explicit keys of -1, 0 and the lowest 32-bit integer are kept in memory and in the row', async (t, db) => {
  const orm = await setup(t, db);
  const em = orm.em.fork();
  const ids = [-1, 0, -(2 ** 31), 7];
  const made = ids.map((id) => em.create(Epoch, { id, day: '2020-01-01' }));
  const generated = em.create(Epoch, { day: '2020-01-02' });
  await em.flush();
  t.deepEqual(made.map((e) => e.id), ids);
  t.true(Number.isInteger(generated.id) && !ids.includes(generated.id));
  for (const id of ids) t.is(em.getReference(Epoch, id), made[ids.indexOf(id)]);
  const read = await orm.em.fork().find(Epoch, { day: '2020-01-01' }, { orderBy: { id: 'asc' } });
  t.deepEqual(read.map((e) => e.id), [...ids].sort((a, b) => a - b));
});

forEachDialect(test, 'a flush with one explicit negative key at a time keeps each key', async (t, db) => {
  const orm = await setup(t, db);
  for (const id of [-1, -2, 0]) {
    const em = orm.em.fork();
    const e = em.create(Epoch, { id });
    await em.flush();
    t.is(e.id, id);
    t.is((await orm.em.fork().findOneOrFail(Epoch, id)).id, id);
  }
});
