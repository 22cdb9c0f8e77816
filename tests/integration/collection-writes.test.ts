// collection.nativeUpdate / nativeDelete: one UPDATE or DELETE of the item table, restricted to one
// owner's items (1:N by the foreign key, M:N by its link rows), built by the criteria compiler.
// Exact SQL per dialect, what happens to entities in memory, and every error path.
import test from 'ava';
import { Collection, Entity, Joinery, ManyThrough, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, UsageError, type QueryLogEntry, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity({ tableName: 'cw_teams' })
class Team {
  @PrimaryKey() id!: number;
  @OneToMany(() => Author, (a) => a.team) authors = new Collection<Author>(this);
  @ManyThrough(() => Note, 'authors.notes') notes = new Collection<Note>(this);
}

@Entity({ tableName: 'cw_authors' })
class Author {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToOne(() => Team, { nullable: true }) team?: Rel<Team> | null;
  @OneToMany(() => Note, (n) => n.author) notes = new Collection<Note>(this);
}

@Entity({ tableName: 'cw_notes' })
class Note {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @Property({ type: 'boolean' }) published!: boolean;
  @Property({ type: 'boolean', default: false }) archived!: boolean;
  @ManyToOne(() => Author) author!: Rel<Author>;
  @ManyToMany(() => Topic, (t) => t.notes, { owner: true, pivotTable: 'cw_note_topics' }) topics = new Collection<Topic>(this);
}

@Entity({ tableName: 'cw_topics' })
class Topic {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToMany(() => Note, (n) => n.topics) notes = new Collection<Note>(this);
}

/** The SQL as the logger shows it: backticks on MySQL, numbered placeholders on PostgreSQL. */
const q = (dialect: string, s: string) => {
  let n = 0;
  return dialect === 'mysql' ? s.replace(/"/g, '`') : dialect === 'pg' ? s.replace(/\?/g, () => `$${++n}`) : s;
};

/** Ann has notes a1 (published), a2, a3 (published); Bob has b1 (published). a1 and b1 share the topic 'shared'. */
async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Team, Author, Note, Topic], ...db.config, logger: (e) => log.push(e) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const team = em.create(Team, {});
  const ann = em.create(Author, { name: 'Ann', team });
  const bob = em.create(Author, { name: 'Bob', team });
  const shared = em.create(Topic, { name: 'shared' });
  const tmp1 = em.create(Topic, { name: 'tmp-1' });
  const tmp2 = em.create(Topic, { name: 'tmp-2' });
  const a1 = em.create(Note, { title: 'a1', published: true, author: ann, topics: [shared, tmp1, tmp2] });
  em.create(Note, { title: 'a2', published: false, author: ann });
  em.create(Note, { title: 'a3', published: true, author: ann });
  const b1 = em.create(Note, { title: 'b1', published: true, author: bob, topics: [shared, tmp2] });
  await em.flush();
  const ids = { team: team.id, ann: ann.id, bob: bob.id, a1: a1.id, b1: b1.id, shared: shared.id, tmp1: tmp1.id, tmp2: tmp2.id };
  log.length = 0;
  return { orm, log, ids };
}

const writes = (log: QueryLogEntry[]) => log.filter((e) => /^(update|delete)/i.test(e.sql));

forEachDialect(test, 'a one-to-many nativeUpdate is one UPDATE scoped by the foreign key', async (t, db) => {
  const { orm, log, ids } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(Author, ids.ann, { populate: ['notes'] });
  const a1 = ann.notes.getItems().find((n) => n.title === 'a1')!;
  log.length = 0;
  t.is(await ann.notes.nativeUpdate({ published: true }, { archived: true }), 2);
  t.is(log.length, 1, 'nothing read first');
  t.is(log[0]!.sql, q(db.dialect, 'UPDATE "cw_notes" SET "archived" = ? WHERE "cw_notes"."author_id" = ? AND "cw_notes"."published" = ?'));
  t.deepEqual(log[0]!.params, db.dialect === 'pg' ? [true, ids.ann, true] : [1, ids.ann, 1]);
  // Like em.nativeUpdate: the database changed, the entities in memory did not.
  t.false(a1.archived);
  const fresh = orm.em.fork();
  const archived = await fresh.find(Note, { archived: true }, { orderBy: { title: 'asc' } });
  t.deepEqual(archived.map((n) => n.title), ['a1', 'a3'], "Bob's published note is untouched");
  await em.refresh(a1);
  t.true(a1.archived, 'em.refresh reads the new value');

  t.is(await ann.notes.nativeUpdate({ $or: [{ title: 'a2' }, { title: 'b1' }] }, { title: 'renamed' }), 1, '$or stays inside the scope');
  t.is(await ann.notes.nativeUpdate({}, { author: ids.bob }), 3, 'a to-one value, and {} for every item');
  t.is(await fresh.count(Note, { author: ids.bob }), 4);
  // Criteria that read the modified table again (MySQL needs them materialized first).
  const bob = await em.findOneOrFail(Author, ids.bob);
  t.is(await bob.notes.nativeUpdate({ author: { notes: { $count: 4 } } }, { published: false }), 4);
  t.is(await fresh.count(Note, { published: true }), 0);
  t.is(await ann.notes.nativeUpdate({}, {}), 0, 'nothing to set: no statement');
});

forEachDialect(test, 'a one-to-many nativeDelete is one DELETE scoped by the foreign key; loaded entities stay in memory', async (t, db) => {
  const { orm, log, ids } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(Author, ids.ann, { populate: ['notes'] });
  log.length = 0;
  t.is(await ann.notes.nativeDelete({ published: false }), 1);
  t.is(log[0]!.sql, q(db.dialect, 'DELETE FROM "cw_notes" WHERE "cw_notes"."author_id" = ? AND "cw_notes"."published" = ?'));
  t.is(ann.notes.count(), 3, 'the loaded collection is not changed');
  t.is(await ann.notes.nativeDelete({ topics: { name: 'shared' } }), 1, 'criteria through relations');
  t.deepEqual((await orm.em.fork().find(Note, {}, { orderBy: { title: 'asc' } })).map((n) => n.title), ['a3', 'b1']);
  t.is(await ann.notes.nativeDelete({}), 1);
  t.is(await orm.em.fork().count(Note, {}), 1);
});

forEachDialect(test, 'a many-to-many nativeUpdate / nativeDelete changes the item rows linked to the owner', async (t, db) => {
  const { orm, log, ids } = await setup(t, db);
  const em = orm.em.fork();
  const a1 = await em.findOneOrFail(Note, ids.a1);
  log.length = 0;
  t.is(await a1.topics.nativeUpdate({ name: { $ne: 'shared' } }, { name: 'old' }), 2);
  const link = 'SELECT "links"."cw_topic_id" FROM "cw_note_topics" "links" WHERE "links"."cw_note_id" = ?';
  t.is(log[0]!.sql, q(db.dialect, `UPDATE "cw_topics" SET "name" = ? WHERE "cw_topics"."id" IN (${link}) AND "cw_topics"."name" <> ?`));
  t.deepEqual(log[0]!.params, ['old', ids.a1, 'shared']);
  log.length = 0;
  // The topics themselves are deleted, not just a1's links: b1 loses tmp-2 too (the join table's cascade).
  t.is(await a1.topics.nativeDelete({ name: 'old', id: ids.tmp2 }), 1);
  t.is(writes(log)[0]!.sql, q(db.dialect, `DELETE FROM "cw_topics" WHERE "cw_topics"."id" IN (${link}) AND ("cw_topics"."name" = ?) AND ("cw_topics"."id" = ?)`));
  const fresh = orm.em.fork();
  const b1 = await fresh.findOneOrFail(Note, ids.b1, { populate: ['topics'] });
  t.deepEqual(b1.topics.getItems().map((x) => x.name), ['shared']);
  t.deepEqual((await fresh.find(Topic, {}, { orderBy: { id: 'asc' } })).map((x) => x.name), ['shared', 'old']);

  // From the inverse side the link rows are read by the other column.
  const shared = await em.findOneOrFail(Topic, ids.shared);
  t.is(await shared.notes.nativeUpdate({ published: true }, { archived: true }), 2);
  t.deepEqual((await fresh.find(Note, { archived: true }, { orderBy: { title: 'asc' } })).map((n) => n.title), ['a1', 'b1']);
});

forEachDialect(test, 'collection writes run in the open transaction and roll back with it', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  await t.throwsAsync(
    orm.em.fork().transactional(async (em) => {
      const ann = await em.findOneOrFail(Author, ids.ann);
      t.is(await ann.notes.nativeDelete({}), 3);
      t.is(await em.count(Note, { author: ids.ann }), 0, 'visible inside the transaction');
      throw new Error('undo');
    }),
    { message: 'undo' },
  );
  t.is(await orm.em.fork().count(Note, { author: ids.ann }), 3);
});

forEachDialect(test, 'collection writes: mistakes fail before any SQL, and a new owner has nothing to change', async (t, db) => {
  const { orm, log, ids } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(Author, ids.ann);
  const team = await em.findOneOrFail(Team, ids.team);
  const a1 = await em.findOneOrFail(Note, ids.a1);
  log.length = 0;
  const code = async (p: Promise<unknown>, c: string, message: RegExp) => {
    const err = await t.throwsAsync(p, { instanceOf: UsageError, message });
    t.is((err as UsageError).code, c);
  };
  await code(ann.notes.nativeUpdate({ nope: 1 }, { archived: true }), 'UNKNOWN_PROPERTY', /Note\.nope does not exist/);
  await code(ann.notes.nativeUpdate({}, { nope: 1 }), 'UNKNOWN_PROPERTY', /Author\.notes\.nativeUpdate\(\): Note\.nope is not a column property of Note/);
  await code(ann.notes.nativeUpdate({}, { topics: [] }), 'UNKNOWN_PROPERTY', /Note\.topics is not a column property/);
  await code(ann.notes.nativeDelete({ title: { $between: [1, 2] } }), 'UNKNOWN_OPERATOR', /\$between/);
  await code(ann.notes.nativeDelete({ published: 'no' }), 'BAD_CRITERIA', /Note\.published/);
  await code(a1.topics.nativeDelete({ $pivot: { note: 1 } }), 'UNKNOWN_OPERATOR', /\$pivot cannot appear at the top of a Topic query/);
  await code(team.notes.nativeUpdate({}, { archived: true }), 'READ_ONLY_RELATION', /Team\.notes is a has-many-through .* nativeUpdate\(\) cannot change it/);
  await code(team.notes.nativeDelete({}), 'READ_ONLY_RELATION', /Team\.notes .*read-only, so nativeDelete\(\)/);
  await code(new Author().notes.nativeDelete({}), 'NOT_MANAGED', /nativeDelete\(\) needs an owner managed by an EntityManager/);
  t.is(log.length, 0, 'no statement was sent');

  const newcomer = em.create(Author, { name: 'new' });
  t.is(await newcomer.notes.nativeDelete({}), 0);
  t.is(await newcomer.notes.nativeUpdate({ published: true }, { archived: true }), 0);
  await code(newcomer.notes.nativeUpdate({ nope: 1 }, { archived: true }), 'UNKNOWN_PROPERTY', /Note\.nope/);
  t.is(log.length, 0, 'an owner without a row has no items: no statement');
});
