// set() / removeAll() on a OneToMany that was not loaded: with a required FK and no orphanRemoval the
// unlink cannot work, and is a ValidationError before any SQL (not a NOT NULL error from the
// database); with a nullable FK it unlinks, with orphanRemoval it deletes.
import test from 'ava';
import { Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, ValidationError, type QueryLogEntry, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity()
class Shelf {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Book, (b) => b.shelf) books = new Collection<Book>(this);
  @OneToMany(() => Note, (n) => n.shelf) notes = new Collection<Note>(this);
  @OneToMany(() => Label, (l) => l.shelf, { orphanRemoval: true }) labels = new Collection<Label>(this);
}

@Entity()
class Book {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => Shelf) shelf!: Rel<Shelf>;
}

@Entity()
class Note {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) text!: string;
  @ManyToOne(() => Shelf, { nullable: true }) shelf?: Rel<Shelf> | null;
}

@Entity()
class Label {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) text!: string;
  @ManyToOne(() => Shelf) shelf!: Rel<Shelf>;
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Shelf, Book, Note, Label], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const shelf = em.create(Shelf, { name: 'A' });
  em.create(Book, { title: 'B1', shelf });
  em.create(Book, { title: 'B2', shelf });
  em.create(Note, { text: 'N1', shelf });
  em.create(Label, { text: 'L1', shelf });
  await em.flush();
  log.length = 0;
  return { orm, log, shelfId: shelf.id };
}

forEachDialect(test, 'set([]) on an unloaded 1:N with a required FK is a ValidationError before any SQL', async (t, db) => {
  const { orm, log, shelfId } = await setup(t, db);
  const em = orm.em.fork();
  const shelf = await em.findOneOrFail(Shelf, shelfId);
  log.length = 0;
  shelf.books.set([]);
  const error = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.is(error!.code, 'VALIDATION_FAILED');
  t.like(error!.failures[0], { entity: 'Shelf', property: 'books', rule: 'required', instance: shelf });
  t.regex(error!.message, /Shelf\.books\.set\(\[\]\) \/ removeAll\(\) on a collection that was not loaded/);
  t.regex(error!.message, /Book\.shelf is required \(NOT NULL\)/);
  t.regex(error!.message, /orphanRemoval: true \}\) on Shelf\.books/);
  t.regex(error!.message, /nullable: true \}\) on Book\.shelf/);
  t.deepEqual(log, [], 'no statement was sent');
  t.is(await orm.em.fork().count(Book, { shelf: shelfId }), 2);
});

forEachDialect(test, 'removeAll() and set([...]) are refused the same way; a new owner has nothing to unlink', async (t, db) => {
  const { orm, log, shelfId } = await setup(t, db);
  const em = orm.em.fork();
  const shelf = await em.findOneOrFail(Shelf, shelfId);
  const other = em.create(Shelf, { name: 'B' });
  log.length = 0;
  shelf.books.removeAll();
  other.books.set([]);
  const error = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(error!.failures.map((f) => f.instance), [shelf], 'only the shelf with rows');
  t.deepEqual(log, []);

  const em2 = orm.em.fork();
  const again = await em2.findOneOrFail(Shelf, shelfId);
  again.books.set([em2.create(Book, { title: 'B4', shelf: again })]);
  const error2 = await t.throwsAsync(em2.flush(), { instanceOf: ValidationError });
  t.regex(error2!.message, /Shelf\.books\.set\(\[\.\.\.\]\)/);
});

forEachDialect(test, 'with a nullable FK set([]) unlinks, with orphanRemoval it deletes', async (t, db) => {
  const { orm, shelfId } = await setup(t, db);
  const em = orm.em.fork();
  const shelf = await em.findOneOrFail(Shelf, shelfId);
  shelf.notes.set([]);
  shelf.labels.removeAll();
  await em.flush();
  const check = orm.em.fork();
  t.deepEqual((await check.find(Note, {})).map((n) => [n.text, n.shelf ?? null]), [['N1', null]]);
  t.is(await check.count(Label, {}), 0);
});

forEachDialect(test, 'a loaded 1:N with a required FK: set([]) is refused by the ordinary required check on each child', async (t, db) => {
  const { orm, shelfId } = await setup(t, db);
  const em = orm.em.fork();
  const shelf = await em.findOneOrFail(Shelf, shelfId, { populate: ['books'] });
  shelf.books.set([]);
  const error = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(error!.failures.map((f) => `${f.entity}.${f.property}`), ['Book.shelf', 'Book.shelf']);
});
