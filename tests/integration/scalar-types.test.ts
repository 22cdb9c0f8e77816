// Every scalar type reads back as the same JS type on every dialect, and survives a round trip
// through insert, update and change detection (no spurious UPDATE after a load).
import test from 'ava';
import { Entity, Joinery, PrimaryKey, Property, type QueryLogEntry } from 'joinery';
import { forEachDialect } from '../support/databases.js';

@Entity()
class Sample {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) s!: string;
  @Property({ type: 'text' }) txt!: string;
  @Property({ type: 'integer' }) i!: number;
  @Property({ type: 'float' }) f!: number;
  @Property({ type: 'decimal', precision: 12, scale: 3 }) dec!: string;
  @Property({ type: 'boolean' }) b!: boolean;
  @Property({ type: 'date' }) day!: string;
  @Property({ type: 'datetime' }) at!: Date;
  @Property({ type: 'json' }) data!: { tags: string[]; n: number; nested: { ok: boolean } };
  @Property({ type: 'bigint' }) big!: bigint;
  @Property({ type: 'uuid' }) uid!: string;
  @Property({ type: 'boolean', nullable: true }) maybe?: boolean | null;
}

forEachDialect(test, 'each scalar type round-trips as its JS type', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Sample], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const values = {
    s: 'héllo',
    txt: 'x'.repeat(1000),
    i: -42,
    f: 3.25,
    dec: '12345.678',
    b: true,
    day: '2026-11-21',
    at: new Date('2026-11-21T10:20:30.123Z'),
    data: { tags: ['a', 'b'], n: 1, nested: { ok: true } },
    big: 9007199254740993n,
    uid: '6f1c1f4e-8c2b-4b61-9a8e-2f3c4d5e6f70',
    maybe: null,
  };
  const em = orm.em.fork();
  const created = em.create(Sample, values);
  await em.flush();
  const em2 = orm.em.fork();
  const loaded = await em2.findOneOrFail(Sample, created.id);
  const { id, ...rest } = loaded as unknown as Record<string, unknown>;
  t.is(id, created.id);
  t.deepEqual(rest, values);
  t.true(loaded.at instanceof Date);
  t.is(typeof loaded.big, 'bigint');
  log.length = 0;
  await em2.flush();
  t.deepEqual(log, [], 'a freshly loaded entity is not dirty');
  loaded.data.tags.push('c');
  loaded.b = false;
  loaded.at = new Date('2027-01-01T00:00:00.000Z');
  await em2.flush();
  const again = await orm.em.fork().findOneOrFail(Sample, created.id);
  t.deepEqual(again.data.tags, ['a', 'b', 'c'], 'in-place JSON mutation is detected');
  t.false(again.b);
  t.deepEqual(again.at, new Date('2027-01-01T00:00:00.000Z'));
  t.is(await orm.em.fork().count(Sample, { b: false, day: '2026-11-21', big: 9007199254740993n }), 1, 'criteria convert values too');
});
