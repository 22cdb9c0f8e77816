// Regression: a loaded entity whose primary key was changed in memory (`author.id = 2`, or
// `em.assign(author, { id: 2 })` from a request body) was written with `UPDATE … WHERE id IN (2)`,
// overwriting row 2; `em.remove` then deleted row 2; and `id = null` failed with a plain Error.
// Rows are now addressed by the key they were loaded with, and a changed key is a ValidationError
// (rule 'primary_key') before any SQL.
import test from 'ava';
import { Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, ValidationError, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity()
class Writer {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Essay, (e) => e.writer) essays = new Collection<Essay>(this);
}

@Entity()
class Essay {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => Writer) writer!: Rel<Writer>;
}

/** Natural composite key, one part a relation: a key change of either part is refused. */
@Entity()
class Review {
  @ManyToOne(() => Writer, { primary: true }) writer!: Rel<Writer>;
  @PrimaryKey({ type: 'string' }) slug!: string;
  @Property({ type: 'integer' }) stars!: number;
}

async function setup(t: Parameters<Parameters<typeof forEachDialect>[2]>[0], db: TestDb) {
  const sql: string[] = [];
  const orm = await Joinery.init({ entities: [Writer, Essay, Review], ...db.config, logger: (q) => sql.push(q.sql) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const seed = orm.em.fork();
  const [a, b] = [seed.create(Writer, { name: 'Ann' }), seed.create(Writer, { name: 'Bob' })];
  seed.create(Essay, { title: 'On keys', writer: a });
  seed.create(Review, { writer: a, slug: 'first', stars: 3 });
  await seed.flush();
  t.deepEqual([a.id, b.id], [1, 2]);
  sql.length = 0;
  return { orm, sql };
}

async function rows(orm: Joinery) {
  const em = orm.em.fork();
  return (await em.find(Writer, {}, { orderBy: { id: 'asc' } })).map((w) => `${w.id}:${w.name}`);
}

function assertKeyFailure(t: Parameters<Parameters<typeof forEachDialect>[2]>[0], e: unknown, property: string) {
  t.true(e instanceof ValidationError, String(e));
  const failures = (e as ValidationError).failures;
  t.true(failures.some((f) => f.rule === 'primary_key' && f.property === property), JSON.stringify(failures.map((f) => f.rule)));
  t.regex((e as Error).message, new RegExp(`\\b\\w+\\.${property}\\b.*cannot`));
}

forEachDialect(test, 'a changed key with other changes: ValidationError before SQL, row 2 untouched', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(Writer, 1);
  sql.length = 0;
  ann.id = 2;
  ann.name = 'Mallory';
  const e = await t.throwsAsync(em.flush());
  assertKeyFailure(t, e, 'id');
  t.deepEqual(sql, [], 'nothing was sent');
  t.deepEqual(await rows(orm), ['1:Ann', '2:Bob']);
  // Fix and retry: the same unit of work writes the row it loaded.
  ann.id = 1;
  await em.flush();
  t.deepEqual(await rows(orm), ['1:Mallory', '2:Bob']);
});

forEachDialect(test, 'a changed key alone is refused too (the identity map keeps key 1)', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(Writer, 1);
  sql.length = 0;
  ann.id = 2;
  assertKeyFailure(t, await t.throwsAsync(em.flush()), 'id');
  t.deepEqual(sql, []);
  ann.id = 1;
  await em.flush();
  t.is(await em.findOne(Writer, 1), ann);
});

forEachDialect(test, 'em.remove after a key change never deletes the other row', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const bob = await em.findOneOrFail(Writer, 2);
  sql.length = 0;
  bob.id = 1;
  em.remove(bob);
  assertKeyFailure(t, await t.throwsAsync(em.flush()), 'id');
  t.deepEqual(sql, []);
  t.deepEqual(await rows(orm), ['1:Ann', '2:Bob']);
  bob.id = 2;
  await em.flush();
  t.deepEqual(await rows(orm), ['1:Ann']);
});

forEachDialect(test, 'id = null or undefined on a loaded entity is a typed ValidationError', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  for (const value of [null, undefined]) {
    const em = orm.em.fork();
    const ann = await em.findOneOrFail(Writer, 1);
    sql.length = 0;
    (ann as { id: unknown }).id = value;
    ann.name = 'changed';
    assertKeyFailure(t, await t.throwsAsync(em.flush()), 'id');
    t.deepEqual(sql, []);
    em.remove(ann);
    assertKeyFailure(t, await t.throwsAsync(em.flush()), 'id');
  }
  t.deepEqual(await rows(orm), ['1:Ann', '2:Bob']);
});

forEachDialect(test, 'a reference (never loaded) whose key is changed is refused', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const ref = em.getReference(Writer, 1);
  ref.id = 2;
  ref.name = 'Mallory';
  assertKeyFailure(t, await t.throwsAsync(em.flush()), 'id');
  em.remove(ref);
  assertKeyFailure(t, await t.throwsAsync(em.flush()), 'id');
  t.deepEqual(sql, []);
  t.deepEqual(await rows(orm), ['1:Ann', '2:Bob']);
});

forEachDialect(test, 'em.assign with another key is rejected; the same key (1 or "1") is no change', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(Writer, 1);
  const e = t.throws(() => em.assign(ann, { id: 2, name: 'Mallory' } as never));
  assertKeyFailure(t, e, 'id');
  t.is(ann.id, 1);
  t.is(ann.name, 'Ann', 'nothing of a rejected assign is applied');
  assertKeyFailure(t, t.throws(() => em.assign(ann, { id: null } as never)), 'id');
  em.assign(ann, { id: 1, name: 'Ann B.' });
  em.assign(ann, { id: '1', name: 'Ann C.' } as never);
  t.is(ann.id, 1);
  // fields: [...] leaves the key out, as mass-assignment protection does for any other key.
  em.assign(ann, { id: 2, name: 'Ann D.' } as never, { fields: ['name'] });
  await em.flush();
  t.true(sql.some((s) => /^update/i.test(s)));
  t.deepEqual(await rows(orm), ['1:Ann D.', '2:Bob']);
  // A new entity's key is still free to set (natural keys).
  const fresh = em.create(Writer, { name: 'Cy' });
  em.assign(fresh, { id: 10 } as never);
  await em.flush();
  t.deepEqual(await rows(orm), ['1:Ann D.', '2:Bob', '10:Cy']);
});

forEachDialect(test, 'a composite key with a relation part: changing either part is refused', async (t, db) => {
  const { orm, sql } = await setup(t, db);
  const em = orm.em.fork();
  const review = await em.findOneOrFail(Review, { slug: 'first' });
  sql.length = 0;
  review.writer = em.getReference(Writer, 2);
  review.stars = 5;
  assertKeyFailure(t, await t.throwsAsync(em.flush()), 'writer');
  review.writer = em.getReference(Writer, 1);
  review.slug = 'second';
  assertKeyFailure(t, await t.throwsAsync(em.flush()), 'slug');
  t.deepEqual(sql, []);
  review.slug = 'first';
  await em.flush();
  const again = await orm.em.fork().find(Review, {});
  t.deepEqual(again.map((r) => [r.slug, r.stars]), [['first', 5]]);
});
