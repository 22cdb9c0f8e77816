// A datetime means the same instant on every dialect and under every process time zone: the same
// legacy rows (zone-less PostgreSQL `timestamp`, `timestamptz`, MySQL DATETIME, SQLite text) are
// read and written by child processes running under TZ=UTC, America/New_York and Asia/Tokyo, which
// must all see equal instants and store equal wall times; the `timezone` option moves the wall time.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Joinery, MetadataError, type ConnectionConfig } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

const CHILD = join(dirname(fileURLToPath(test.meta.file)), '..', 'support', 'time-zone-child.js');
const ZONES = ['UTC', 'America/New_York', 'Asia/Tokyo'];
const run = promisify(execFile);

interface ChildOutput {
  read: (string | null)[];
  written: string;
  stored: string;
  found: number;
}

async function inChild(tz: string, config: ConnectionConfig, rawSql: string, timezone?: string): Promise<ChildOutput> {
  const { stdout } = await run(process.execPath, [CHILD, JSON.stringify({ config, rawSql, timezone })], {
    env: { ...process.env, TZ: tz },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as ChildOutput;
}

/** The legacy table as each database has it: a zone-less column (or pg timestamptz) and text rows. */
function legacyTable(dialect: TestDb['dialect'], columnType: string): { ddl: string[]; rawSql: string } {
  const rows = [
    ['legacy1', '2020-01-01 05:03:00'],
    // Before 1883 New York's local time was mean solar time (-4:56:02): pg's own parser shifts
    // such a row by seconds under TZ=America/New_York.
    ['legacy2', '1850-06-01 10:00:00'],
    ['legacy3', '2020-07-01 23:30:00.5'],
    ...(dialect === 'sqlite' ? [['legacy4', '2020-01-01T05:03:00']] : []),
  ];
  const id = dialect === 'pg' ? 'id serial primary key' : dialect === 'mysql' ? 'id int auto_increment primary key' : 'id integer primary key autoincrement';
  return {
    ddl: [
      `create table tz_events (${id}, at ${columnType}, label varchar(20) not null)`,
      `insert into tz_events (label, at) values ${rows.map(([l, v]) => `('${l}', '${v}')`).join(', ')}`,
    ],
    rawSql:
      dialect === 'pg'
        ? `select to_char(at, 'YYYY-MM-DD HH24:MI:SS.MS') as t from tz_events where label = ?`
        : dialect === 'mysql'
          ? 'select cast(at as char) as t from tz_events where label = ?'
          : 'select at as t from tz_events where label = ?',
  };
}

/** A config the child processes can open too (an in-memory SQLite database is private to its process). */
function sharedConfig(t: { teardown(fn: () => unknown): void }, db: TestDb): ConnectionConfig {
  if (db.dialect !== 'sqlite') return db.config;
  const dir = mkdtempSync(join(tmpdir(), 'joinery-tz-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return { client: 'sqlite', connection: { filename: join(dir, 'tz.db') } };
}

async function createLegacy(config: ConnectionConfig, ddl: string[]): Promise<void> {
  const orm = await Joinery.init({ entities: [], ...config });
  try {
    const em = orm.em.fork();
    for (const sql of ddl) await em.execute(sql);
  } finally {
    await orm.close();
  }
}

const NAIVE: Record<TestDb['dialect'], string> = { pg: 'timestamp(3) without time zone', mysql: 'datetime(3)', sqlite: 'text' };

forEachDialect(test, 'a zone-less datetime column reads and writes the same instants under TZ=UTC, New York and Tokyo', async (t, db) => {
  const config = sharedConfig(t, db);
  const { ddl, rawSql } = legacyTable(db.dialect, NAIVE[db.dialect]);
  await createLegacy(config, ddl);
  const outputs = await Promise.all(ZONES.map((tz) => inChild(tz, config, rawSql)));
  const expected = ['2020-01-01T05:03:00.000Z', '1850-06-01T10:00:00.000Z', '2020-07-01T23:30:00.500Z', ...(db.dialect === 'sqlite' ? ['2020-01-01T05:03:00.000Z'] : [])];
  for (const [i, out] of outputs.entries()) {
    t.deepEqual(out.read, expected, `reads under TZ=${ZONES[i]}`);
    t.is(out.written, '2020-06-01T12:00:00.250Z', `write and read back under TZ=${ZONES[i]}`);
    t.is(out.stored, db.dialect === 'sqlite' ? '2020-06-01T12:00:00.250Z' : '2020-06-01 12:00:00.250', `stored wall time under TZ=${ZONES[i]}`);
    t.is(out.found, 1, `criteria by Date under TZ=${ZONES[i]}`);
  }
});

forEachDialect(
  test,
  'a timestamptz column reads the same instants under every TZ',
  async (t, db) => {
    const { ddl, rawSql } = legacyTable('pg', 'timestamptz(3)');
    await createLegacy(db.config, ddl);
    const outputs = await Promise.all(ZONES.map((tz) => inChild(tz, db.config, rawSql)));
    for (const out of outputs) {
      t.deepEqual(out.read, ['2020-01-01T05:03:00.000Z', '1850-06-01T10:00:00.000Z', '2020-07-01T23:30:00.500Z']);
      t.is(out.written, '2020-06-01T12:00:00.250Z');
      t.is(out.stored, '2020-06-01 12:00:00.250', 'the session zone is UTC');
      t.is(out.found, 1);
    }
  },
  { dialects: ['pg'] },
);

forEachDialect(test, "timezone: '+02:00' reads and writes zone-less wall times at that offset, in every TZ", async (t, db) => {
  const config = sharedConfig(t, db);
  const { ddl, rawSql } = legacyTable(db.dialect, NAIVE[db.dialect]);
  await createLegacy(config, ddl);
  const outputs = await Promise.all(['UTC', 'Asia/Tokyo'].map((tz) => inChild(tz, config, rawSql, '+02:00')));
  const expected = ['2020-01-01T03:03:00.000Z', '1850-06-01T08:00:00.000Z', '2020-07-01T21:30:00.500Z', ...(db.dialect === 'sqlite' ? ['2020-01-01T03:03:00.000Z'] : [])];
  for (const out of outputs) {
    t.deepEqual(out.read, expected);
    t.is(out.written, '2020-06-01T12:00:00.250Z');
    // SQLite keeps writing instants as ISO-8601 UTC text; the others store the wall time at +02:00.
    t.is(out.stored, db.dialect === 'sqlite' ? '2020-06-01T12:00:00.250Z' : '2020-06-01 14:00:00.250');
    t.is(out.found, 1);
  }
});

test('a timezone that is not UTC or a fixed offset is a MetadataError', async (t) => {
  for (const timezone of ['Europe/Paris', '+25:00', 'local']) {
    const err = await t.throwsAsync(Joinery.init({ entities: [], client: 'sqlite', connection: { filename: ':memory:' }, timezone }), { instanceOf: MetadataError });
    t.is(err!.code, 'BAD_OPTION');
    t.regex(err!.message, /timezone ".*" is not 'UTC' or a fixed offset such as '\+02:00'/);
  }
  const orm = await Joinery.init({ entities: [], connections: { default: { client: 'sqlite', connection: { filename: ':memory:' }, timezone: '-05:30' } } });
  await orm.close();
  t.pass();
});
