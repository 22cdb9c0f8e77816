// Writing through-entity (pivot) values: attach with values, attach again to change them,
// updatePivot, required pivot columns checked before SQL, and the errors for misuse.
import test from 'ava';
import {
  Collection, Entity, Joinery, ManyToMany, ManyToOne, PrimaryKey, Property, UsageError, ValidationError, type QueryLogEntry, type Rel,
} from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Car, Post, Tag, User, UserCar } from '../fixtures/blog.js';

@Entity()
class Member {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToMany(() => Club, (c) => c.members, { owner: true, through: () => Membership }) clubs = new Collection<Club>(this);
}

@Entity()
class Club {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToMany(() => Member, (m) => m.clubs) members = new Collection<Member>(this);
}

@Entity()
class Membership {
  @ManyToOne(() => Member) member!: Rel<Member>;
  @ManyToOne(() => Club) club!: Rel<Club>;
  @Property({ type: 'string' }) role!: string;
  @Property({ type: 'integer', default: 0 }) points!: number;
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [...BLOG, Member, Club, Membership], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  log.length = 0;
  return { orm, log, writes: () => log.filter((q) => /^(INSERT|UPDATE|DELETE)/.test(q.sql)).map((q) => q.sql.replace(/`/g, '"').replace(/\$\d+/g, '?')) };
}

forEachDialect(test, 'attach writes pivot values; attaching again or updatePivot changes them', async (t, db) => {
  const { orm, writes } = await setup(t, db);
  const em = orm.em.fork();
  const u = em.create(User, { email: 'u@x.io', passwordHash: 'h' });
  const car = em.create(Car, { model: 'T' });
  u.cars.attach(car, { since: 2020 });
  await em.flush();
  t.like(u.cars.pivotOf(car), { since: 2020 }, 'pivotOf reads what the flush wrote, without a query');
  t.is((await orm.em.fork().findOneOrFail(UserCar, { user: u.id, car: car.id })).since, 2020);
  const upsert = db.dialect === 'mysql' ? 'ON DUPLICATE KEY UPDATE "since" = VALUES("since")' : 'ON CONFLICT ("user_id", "car_id") DO UPDATE SET "since" = excluded."since"';
  t.is(writes().at(-1), `INSERT INTO "user_cars" ("user_id", "car_id", "since") VALUES (?, ?, ?) ${upsert}`);

  const em2 = orm.em.fork();
  const ref = em2.getReference(User, u.id);
  ref.cars.attach(car.id, { since: 2021 });
  await em2.flush();
  t.is((await orm.em.fork().findOneOrFail(UserCar, { user: u.id, car: car.id })).since, 2021, 'an existing link takes the new values');

  ref.cars.updatePivot(car.id, { since: 2022 });
  await em2.flush();
  t.like(ref.cars.pivotOf(car.id), { since: 2022 });
  t.is(writes().at(-1), 'UPDATE "user_cars" SET "since" = ? WHERE ("user_id", "car_id") IN ((?, ?))');
  t.is((await orm.em.fork().findOneOrFail(UserCar, { user: u.id, car: car.id })).since, 2022);
  t.is(await orm.em.fork().count(UserCar), 1);
});

forEachDialect(test, 'attach from the inverse side writes the owner side with its values', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const ann = em.create(Member, { name: 'Ann' });
  const chess = em.create(Club, { name: 'Chess' });
  chess.members.attach(ann, { role: 'captain', points: 3 });
  await em.flush();
  const [m] = await orm.em.fork().find(Membership, {});
  t.like(m, { role: 'captain', points: 3 });
  t.is(m!.member.id, ann.id);
});

forEachDialect(test, 'a required pivot column without a value fails validation before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const ann = em.create(Member, { name: 'Ann' });
  const chess = em.create(Club, { name: 'Chess' });
  ann.clubs.add(chess);
  const err = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(err!.failures.map((f) => `${f.entity}.${f.property}:${f.rule}`), ['Membership.role:required']);
  t.regex(err!.message, /Member\.clubs link.*member\.clubs\.attach\(item, \{ role: \.\.\. \}\)/);
  t.is(log.length, 0);
  ann.clubs.attach(chess, { role: 'member' });
  await em.flush();
  const [m] = await orm.em.fork().find(Membership, {});
  t.like(m, { role: 'member', points: 0 });
});

forEachDialect(test, 'pivot values on a relation without a through entity, or unknown ones, are errors', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const u = em.create(User, { email: 'u@x.io', passwordHash: 'h' });
  const post = em.create(Post, { title: 'p', author: u });
  const tag = em.create(Tag, { name: 't' });
  const e1 = t.throws(() => post.tags.attach(tag, { weight: 1 }), { instanceOf: UsageError });
  t.is(e1!.code, 'NO_PIVOT_COLUMNS');
  t.regex(e1!.message, /Post\.tags has no through entity/);
  const car = em.create(Car, { model: 'T' });
  const e2 = t.throws(() => u.cars.attach(car, { color: 'red' }), { instanceOf: UsageError });
  t.is(e2!.code, 'UNKNOWN_PIVOT_PROPERTY');
  t.regex(e2!.message, /UserCar\.color is not a column.*Settable: since/);
});
