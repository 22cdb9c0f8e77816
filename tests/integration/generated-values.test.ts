// Values the database makes come back: @Property({ generated: 'insert' | 'always' }) on a legacy
// schema with defaults, a generated column and a trigger that maintains last_update. Read with
// RETURNING where the statement has it, else by one SELECT by key per statement.
import test from 'ava';
import { Entity, Joinery, MetadataError, PrimaryKey, Property, UniqueConstraintViolationError, type QueryLogEntry } from 'joinery';
import { withoutCommitRecords } from '../support/commit-records.js';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity({ tableName: 'actors' })
class Actor {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  /** A column default (here a plain constant). */
  @Property({ type: 'string', generated: 'insert' }) status!: string;
  /** Maintained by a trigger (and a default) on every write. */
  @Property({ type: 'datetime', generated: 'always' }) lastUpdate!: Date;
  /** A generated column the database refuses to be written. */
  @Property({ type: 'string', generated: 'always' }) shout!: string;
}

/** The same table behind a PostgreSQL rule that forbids RETURNING (see legacy-databases docs). */
@Entity({ tableName: 'actors', returning: false })
class UnreturningActor {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'string', generated: 'insert' }) status!: string;
  @Property({ type: 'datetime', generated: 'always' }) lastUpdate!: Date;
  @Property({ type: 'string', generated: 'always' }) shout!: string;
}

const DDL: Record<TestDb['dialect'], string[]> = {
  pg: [
    `CREATE TABLE actors (id serial PRIMARY KEY, name varchar(255) NOT NULL, status varchar(20) NOT NULL DEFAULT 'active',
       last_update timestamptz NOT NULL DEFAULT now(), shout varchar(255) GENERATED ALWAYS AS (upper(name)) STORED)`,
    `CREATE FUNCTION actors_touch() RETURNS trigger AS $$ BEGIN NEW.last_update := clock_timestamp(); RETURN NEW; END $$ LANGUAGE plpgsql`,
    'CREATE TRIGGER actors_last_update BEFORE UPDATE ON actors FOR EACH ROW EXECUTE FUNCTION actors_touch()',
  ],
  sqlite: [
    `CREATE TABLE actors (id integer PRIMARY KEY AUTOINCREMENT, name varchar(255) NOT NULL, status varchar(20) NOT NULL DEFAULT 'active',
       last_update datetime NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), shout varchar(255) GENERATED ALWAYS AS (upper(name)) STORED)`,
    `CREATE TRIGGER actors_last_update AFTER UPDATE OF name, status ON actors FOR EACH ROW
       BEGIN UPDATE actors SET last_update = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+1 day') WHERE id = NEW.id; END`,
  ],
  mysql: [
    `CREATE TABLE actors (id int AUTO_INCREMENT PRIMARY KEY, name varchar(255) NOT NULL, status varchar(20) NOT NULL DEFAULT 'active',
       last_update datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), shout varchar(255) GENERATED ALWAYS AS (upper(name)) STORED)`,
  ],
};

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb, entities: Function[] = [Actor]) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  for (const sql of DDL[db.dialect]) await orm.em.fork().execute(sql);
  log.length = 0;
  const writes = () => withoutCommitRecords(log.map((q) => q.sql.replace(/\$\d+/g, '?'))).filter((s) => !/^(begin|commit)/i.test(s));
  return { orm, log, writes };
}

forEachDialect(test, 'after INSERT the defaults, the generated column and last_update are in memory, in one batch', async (t, db) => {
  const { orm, writes } = await setup(t, db);
  const em = orm.em.fork();
  const before = Date.now() - 60_000;
  const ann = em.create(Actor, { name: 'Ann' });
  const bob = em.create(Actor, { name: 'Bob', status: 'retired' });
  await em.flush();
  const expected: Record<TestDb['dialect'], string[]> = {
    pg: ['INSERT INTO "actors" ("name") VALUES (?) RETURNING "id", "status", "last_update", "shout"', 'INSERT INTO "actors" ("name", "status") VALUES (?, ?) RETURNING "id", "status", "last_update", "shout"'],
    // SQLite's RETURNING would miss what AFTER triggers write: read back by key.
    sqlite: [
      'INSERT INTO "actors" ("name") VALUES (?) RETURNING "id"',
      'INSERT INTO "actors" ("name", "status") VALUES (?, ?) RETURNING "id"',
      'SELECT "id", "status", "last_update", "shout" FROM "actors" WHERE "id" IN (?, ?)',
    ],
    mysql: [
      'INSERT INTO `actors` (`name`) VALUES (?)',
      'INSERT INTO `actors` (`name`, `status`) VALUES (?, ?)',
      'SELECT `id`, `status`, `last_update`, `shout` FROM `actors` WHERE `id` IN (?, ?)',
    ],
  };
  t.deepEqual(writes(), expected[db.dialect]);
  t.is(ann.status, 'active');
  t.is(bob.status, 'retired');
  t.is(ann.shout, 'ANN');
  t.is(bob.shout, 'BOB');
  t.true(ann.lastUpdate instanceof Date);
  t.true(ann.lastUpdate.getTime() > before);

  // Memory matches the row: a fresh load finds the same values, and the snapshot too (no write).
  const fresh = await orm.em.fork().findOneOrFail(Actor, ann.id);
  t.deepEqual([fresh.status, fresh.shout, fresh.lastUpdate.getTime()], [ann.status, ann.shout, ann.lastUpdate.getTime()]);
  const countBefore = writes().length;
  await em.flush();
  t.is(writes().length, countBefore, 'nothing is dirty after the read-back');
});

forEachDialect(test, "after UPDATE the 'always' values come back: the trigger's last_update and the recomputed column", async (t, db) => {
  const { orm, writes, log } = await setup(t, db);
  const seed = orm.em.fork();
  seed.create(Actor, { name: 'Ann' });
  seed.create(Actor, { name: 'Bob' });
  await seed.flush();
  const em = orm.em.fork();
  const [ann, bob] = await em.find(Actor, {}, { orderBy: { id: 'asc' } });
  const stamps = [ann!.lastUpdate.getTime(), bob!.lastUpdate.getTime()];
  await new Promise((r) => setTimeout(r, 20));
  ann!.name = 'Anne';
  bob!.name = 'Robert';
  // Written values of 'always' properties are ignored: the database owns them.
  ann!.shout = 'ignored';
  log.length = 0;
  await em.flush();
  const expected: Record<TestDb['dialect'], string[]> = {
    pg: ['UPDATE "actors" AS "x" SET "name" = "v"."c1" FROM unnest(CAST(? AS integer[]), CAST(? AS text[])) AS "v"("c0", "c1") WHERE "x"."id" = "v"."c0" RETURNING "x"."id", "x"."last_update", "x"."shout"'],
    sqlite: [
      'UPDATE "actors" SET "name" = "v"."column2" FROM (VALUES (?, ?), (?, ?)) AS "v" WHERE "actors"."id" = "v"."column1"',
      'SELECT "id", "last_update", "shout" FROM "actors" WHERE "id" IN (?, ?)',
    ],
    mysql: [
      'UPDATE `actors` SET `name` = CASE WHEN `id` = ? THEN ? WHEN `id` = ? THEN ? ELSE `name` END WHERE `id` IN (?, ?)',
      'SELECT `id`, `last_update`, `shout` FROM `actors` WHERE `id` IN (?, ?)',
    ],
  };
  t.deepEqual(writes(), expected[db.dialect]);
  t.deepEqual([ann!.shout, bob!.shout], ['ANNE', 'ROBERT']);
  t.true(ann!.lastUpdate.getTime() > stamps[0]!, 'the trigger moved last_update, and memory has it');
  t.true(bob!.lastUpdate.getTime() > stamps[1]!);
  const fresh = await orm.em.fork().find(Actor, {}, { orderBy: { id: 'asc' } });
  t.deepEqual(
    fresh.map((a) => [a.name, a.shout, a.lastUpdate.getTime()]),
    [ann!, bob!].map((a) => [a.name, a.shout, a.lastUpdate.getTime()]),
  );
  log.length = 0;
  await em.flush();
  t.deepEqual(writes(), [], 'the read-back values are in the snapshot: nothing left to write');
});

forEachDialect(
  test,
  'a table that cannot return reads the values back by key, one SELECT per statement',
  async (t, db) => {
    const { orm, writes, log } = await setup(t, db, [UnreturningActor]);
    const em = orm.em.fork();
    const ann = em.create(UnreturningActor, { name: 'Ann' });
    const bob = em.create(UnreturningActor, { name: 'Bob' });
    await em.flush();
    t.deepEqual(writes(), [
      'SELECT nextval(pg_get_serial_sequence(?, ?)) AS k FROM generate_series(1, CAST(? AS integer))',
      'INSERT INTO "actors" ("id", "name") SELECT * FROM unnest(CAST(? AS integer[]), CAST(? AS text[]))',
      'SELECT "id", "status", "last_update", "shout" FROM "actors" WHERE "id" IN (?, ?)',
    ]);
    t.deepEqual([ann.status, ann.shout, bob.shout], ['active', 'ANN', 'BOB']);
    const stamp = ann.lastUpdate.getTime();
    ann.name = 'Anne';
    log.length = 0;
    await em.flush();
    t.deepEqual(writes(), ['UPDATE "actors" SET "name" = ? WHERE "id" IN (?)', 'SELECT "id", "last_update", "shout" FROM "actors" WHERE "id" IN (?)']);
    t.is(ann.shout, 'ANNE');
    t.true(ann.lastUpdate.getTime() > stamp);
  },
  { dialects: ['pg'] },
);

forEachDialect(test, 'a failed flush leaves no read-back value behind', async (t, db) => {
  const { orm } = await setup(t, db);
  await orm.em.fork().execute("INSERT INTO actors (id, name) VALUES (100, 'Taken')");
  const em = orm.em.fork();
  const ok = em.create(Actor, { name: 'Ann' });
  // Inserted after Ann's row (a group of its own): the duplicate key fails the flush.
  em.create(Actor, { id: 100, name: 'Dup' });
  await t.throwsAsync(em.flush(), { instanceOf: UniqueConstraintViolationError });
  t.is(ok.status, undefined as never);
  t.is(ok.shout, undefined as never);
  t.is(ok.id, undefined as never);
});

test('generated on a key, a version property or with an unknown value is a MetadataError at init', async (t) => {
  for (const [options, message] of [
    [{ generated: 'later' }, /Thing\.label has generated: "later"; use 'insert' .* or 'always'/],
    [{ generated: 'always', version: true, type: 'integer' }, /Thing\.label is a version property with generated: 'always'/],
  ] as const) {
    @Entity({ tableName: 'things' })
    class Thing {
      @PrimaryKey({ type: 'integer' }) id!: number;
      @Property({ type: 'string', ...(options as object) }) label!: string;
    }
    const e = await t.throwsAsync(Joinery.init({ entities: [Thing], client: 'sqlite', connection: { filename: ':memory:' } }), { instanceOf: MetadataError });
    t.is(e!.code, 'BAD_OPTION');
    t.regex(e!.message, message);
  }
  // On a key only 'insert' (a key the database fills; see database-generated-keys), and not with autoincrement.
  for (const [options, message] of [
    [{ type: 'integer', generated: 'always' }, /Keyed\.id is a primary key with generated: 'always'; a key is never rewritten by the database/],
    [{ type: 'integer', autoincrement: true, generated: 'insert' }, /Keyed\.id is an autoincrement primary key with generated: 'insert'; .* Remove one of the two/],
  ] as const) {
    @Entity({ tableName: 'keyed' })
    class Keyed {
      @PrimaryKey(options as never) id!: number;
    }
    const e = await t.throwsAsync(Joinery.init({ entities: [Keyed], client: 'sqlite', connection: { filename: ':memory:' } }), { instanceOf: MetadataError });
    t.is(e!.code, 'BAD_OPTION');
    t.regex(e!.message, message);
  }
});
