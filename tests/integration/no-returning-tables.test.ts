// Tables that cannot answer INSERT ... RETURNING (@Entity({ returning: false })): a PostgreSQL table
// partitioned by DO INSTEAD rules, as legacy databases have it, and the same option on SQLite and
// MySQL. Keys come from the sequence (PostgreSQL) or the last insert id, still one INSERT per table.
import test from 'ava';
import { DriverError, Entity, Joinery, ManyToOne, PrimaryKey, Property, UsageError, type QueryLogEntry } from 'joinery';
import { withoutCommitRecords } from '../support/commit-records.js';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity({ tableName: 'measurements', returning: false })
class Measurement {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) city!: string;
  @Property({ type: 'date' }) taken!: string;
}

@Entity({ tableName: 'measurement_notes' })
class MeasurementNote {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) text!: string;
  // Rows live in the partitions, which an FK to the parent would not see: legacy schemas have none.
  @ManyToOne(() => Measurement, { constraints: false }) measurement!: Measurement;
}

/** The same table, mapped without the option (what fails on PostgreSQL). */
@Entity({ tableName: 'measurements' })
class PlainMeasurement {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) city!: string;
  @Property({ type: 'date' }) taken!: string;
}

/** A key whose default is a sequence no column owns: pg_get_serial_sequence cannot find it. */
@Entity({ tableName: 'legacy_readings', returning: false })
class LegacyReading {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'float' }) value!: number;
}

@Entity({ tableName: 'legacy_readings', returning: false, sequence: 'legacy_reading_ids' })
class NamedSequenceReading {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'float' }) value!: number;
}

/** The schema exactly as the legacy database has it. */
const DDL: Record<TestDb['dialect'], string[]> = {
  pg: [
    'CREATE TABLE measurements (id serial PRIMARY KEY, city varchar(255) NOT NULL, taken date NOT NULL)',
    "CREATE TABLE measurements_2024 (CHECK (taken >= DATE '2024-01-01' AND taken < DATE '2025-01-01')) INHERITS (measurements)",
    "CREATE TABLE measurements_2025 (CHECK (taken >= DATE '2025-01-01' AND taken < DATE '2026-01-01')) INHERITS (measurements)",
    "CREATE RULE measurements_insert_2024 AS ON INSERT TO measurements WHERE (taken >= DATE '2024-01-01' AND taken < DATE '2025-01-01') DO INSTEAD INSERT INTO measurements_2024 VALUES (NEW.*)",
    "CREATE RULE measurements_insert_2025 AS ON INSERT TO measurements WHERE (taken >= DATE '2025-01-01' AND taken < DATE '2026-01-01') DO INSTEAD INSERT INTO measurements_2025 VALUES (NEW.*)",
    'CREATE TABLE measurement_notes (id serial PRIMARY KEY, text varchar(255) NOT NULL, measurement_id integer NOT NULL)',
    'CREATE SEQUENCE legacy_reading_ids START 500',
    "CREATE TABLE legacy_readings (id integer PRIMARY KEY DEFAULT nextval('legacy_reading_ids'), value double precision NOT NULL)",
  ],
  sqlite: [
    'CREATE TABLE measurements (id integer PRIMARY KEY AUTOINCREMENT, city varchar(255) NOT NULL, taken date NOT NULL)',
    'CREATE TABLE measurement_log (id integer PRIMARY KEY AUTOINCREMENT, city varchar(255))',
    // The trigger's own insert must not leak into the ids the flush reads back.
    'CREATE TRIGGER measurements_log AFTER INSERT ON measurements BEGIN INSERT INTO measurement_log (city) VALUES (NEW.city); END',
    'CREATE TABLE measurement_notes (id integer PRIMARY KEY AUTOINCREMENT, text varchar(255) NOT NULL, measurement_id integer NOT NULL)',
  ],
  mysql: [
    'CREATE TABLE measurements (id int AUTO_INCREMENT PRIMARY KEY, city varchar(255) NOT NULL, taken date NOT NULL)',
    'CREATE TABLE measurement_log (id int AUTO_INCREMENT PRIMARY KEY, city varchar(255))',
    'CREATE TRIGGER measurements_log AFTER INSERT ON measurements FOR EACH ROW INSERT INTO measurement_log (city) VALUES (NEW.city)',
    'CREATE TABLE measurement_notes (id int AUTO_INCREMENT PRIMARY KEY, text varchar(255) NOT NULL, measurement_id int NOT NULL)',
  ],
};

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb, entities: Function[] = [Measurement, MeasurementNote]) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  const em = orm.em.fork();
  for (const sql of DDL[db.dialect]) await em.execute(sql);
  log.length = 0;
  return { orm, log };
}

/** The statements of a flush (placeholders as `?`), without the transaction's own. */
function writes(log: readonly QueryLogEntry[]): string[] {
  return withoutCommitRecords(log.map((q) => q.sql.replace(/\$\d+/g, '?'))).filter((s) => !/^(begin|commit|rollback)/i.test(s.trim()));
}

forEachDialect(test, 'new rows of a table that cannot return get keys without RETURNING, one INSERT for all of them', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const a = em.create(Measurement, { city: 'Oslo', taken: '2024-03-01' });
  const b = em.create(Measurement, { city: 'Lima', taken: '2025-07-14' });
  const c = em.create(Measurement, { city: 'Pune', taken: '2024-11-30' });
  const notes = [a, b, c].map((m) => em.create(MeasurementNote, { text: `about ${m.city}`, measurement: m }));
  await em.flush();

  const expected: Record<TestDb['dialect'], string[]> = {
    pg: [
      'SELECT nextval(pg_get_serial_sequence(?, ?)) AS k FROM generate_series(1, CAST(? AS integer))',
      'INSERT INTO "measurements" ("id", "city", "taken") SELECT * FROM unnest(CAST(? AS integer[]), CAST(? AS text[]), CAST(? AS date[]))',
      'INSERT INTO "measurement_notes" ("text", "measurement_id") SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS integer[])) RETURNING "id"',
    ],
    sqlite: [
      'INSERT INTO "measurements" ("city", "taken") VALUES (?, ?), (?, ?), (?, ?)',
      'SELECT last_insert_rowid() AS k',
      'INSERT INTO "measurement_notes" ("text", "measurement_id") VALUES (?, ?), (?, ?), (?, ?) RETURNING "id"',
    ],
    mysql: [
      'INSERT INTO `measurements` (`city`, `taken`) VALUES (?, ?), (?, ?), (?, ?)',
      'INSERT INTO `measurement_notes` (`text`, `measurement_id`) VALUES (?, ?), (?, ?), (?, ?)',
    ],
  };
  t.deepEqual(writes(log), expected[db.dialect]);
  if (db.dialect === 'pg') t.deepEqual(log.find((q) => q.sql.startsWith('SELECT nextval'))!.params, ['"measurements"', 'id', 3]);

  t.deepEqual([a.id, b.id, c.id], [1, 2, 3]);
  const check = orm.em.fork();
  const rows = await check.execute('SELECT id, city FROM measurements ORDER BY id');
  t.deepEqual(rows, [{ id: 1, city: 'Oslo' }, { id: 2, city: 'Lima' }, { id: 3, city: 'Pune' }]);
  const noteRows = await check.execute('SELECT text, measurement_id FROM measurement_notes ORDER BY id');
  t.deepEqual(noteRows, notes.map((n) => ({ text: n.text, measurement_id: n.measurement.id })));
  if (db.dialect === 'pg') {
    // The rules put each row in its partition: none is in the parent itself.
    t.deepEqual(await check.execute('SELECT count(*) AS n FROM ONLY measurements'), [{ n: 0 }]);
    t.deepEqual(await check.execute('SELECT id FROM measurements_2024 ORDER BY id'), [{ id: 1 }, { id: 3 }]);
    t.deepEqual(await check.execute('SELECT id FROM measurements_2025'), [{ id: 2 }]);
  } else {
    t.deepEqual(await check.execute('SELECT count(*) AS n FROM measurement_log'), [{ n: 3 }], 'the trigger ran for every row');
  }

  // The entities are managed under the keys they got: a change is an UPDATE of that row.
  log.length = 0;
  b.city = 'Quito';
  await em.flush();
  t.is(writes(log).length, 1);
  t.deepEqual(await check.execute('SELECT city FROM measurements WHERE id = 2'), [{ city: 'Quito' }]);
});

forEachDialect(test, 'rows given their own key keep it; the sequence is asked only for the others', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const own = em.create(Measurement, { id: 40, city: 'Oslo', taken: '2024-03-01' });
  const drawn = em.create(Measurement, { city: 'Lima', taken: '2025-07-14' });
  await em.flush();
  t.is(own.id, 40);
  t.is(typeof drawn.id, 'number');
  t.not(drawn.id, 40);
  if (db.dialect === 'pg') {
    t.deepEqual(log.find((q) => q.sql.startsWith('SELECT nextval'))!.params.at(-1), 1);
    // Both rows have a key now: one INSERT for both.
    t.deepEqual(writes(log).filter((s) => s.startsWith('INSERT')), ['INSERT INTO "measurements" ("id", "city", "taken") SELECT * FROM unnest(CAST(? AS integer[]), CAST(? AS text[]), CAST(? AS date[]))']);
  }
  const rows = await orm.em.fork().execute('SELECT id, city FROM measurements ORDER BY city');
  t.deepEqual(rows, [{ id: drawn.id, city: 'Lima' }, { id: 40, city: 'Oslo' }]);
});

forEachDialect(
  test,
  'PostgreSQL: without the option the rule-partitioned table refuses the INSERT; a flush that fails leaves the entities new',
  async (t, db) => {
    const { orm } = await setup(t, db, [PlainMeasurement]);
    const em = orm.em.fork();
    const m = em.create(PlainMeasurement, { city: 'Oslo', taken: '2024-03-01' });
    const e = await t.throwsAsync(em.flush(), { instanceOf: DriverError });
    t.regex(String((e!.cause as Error).message), /cannot perform INSERT RETURNING/);
    t.is((m as { id?: number }).id, undefined);
  },
  { dialects: ['pg'] },
);

forEachDialect(
  test,
  'PostgreSQL: a key whose sequence pg_get_serial_sequence cannot find needs `sequence`, and the error says so before any INSERT',
  async (t, db) => {
    const { orm, log } = await setup(t, db, [LegacyReading]);
    const em = orm.em.fork();
    const r = em.create(LegacyReading, { value: 1.5 });
    const e = await t.throwsAsync(em.flush(), { instanceOf: UsageError });
    t.is(e!.code, 'NO_KEY_SEQUENCE');
    t.regex(e!.message, /LegacyReading\.id: table legacy_readings has returning: false, and no sequence generates id/);
    t.regex(e!.message, /sequence: '<sequence name>'/);
    t.false(writes(log).some((s) => s.startsWith('INSERT')));
    t.is((r as { id?: number }).id, undefined);

    const other = await Joinery.init({ entities: [NamedSequenceReading], ...db.config });
    t.teardown(() => other.close());
    const named = other.em.fork();
    const [x, y] = [named.create(NamedSequenceReading, { value: 1 }), named.create(NamedSequenceReading, { value: 2 })];
    await named.flush();
    t.deepEqual([x.id, y.id], [500, 501]);
    t.deepEqual(await orm.em.fork().execute('SELECT id FROM legacy_readings ORDER BY id'), [{ id: 500 }, { id: 501 }]);
  },
  { dialects: ['pg'] },
);
