// Regression: `em.nativeUpdate(Book, where, { author: newAuthor })` with an author that was never
// flushed (no key yet) wrote NULL into every matching row's author_id without a word. It is a
// ValidationError naming Book.author now, before any SQL.
import test from 'ava';
import { Entity, Joinery, ManyToOne, PrimaryKey, Property, ValidationError, type Rel } from 'joinery';
import { forEachDialect } from '../support/databases.js';

@Entity({ tableName: 'nu_authors' })
class Author {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
}

@Entity({ tableName: 'nu_books' })
class Book {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => Author, { nullable: true }) author?: Rel<Author> | null;
}

forEachDialect(test, 'nativeUpdate with a relation to an unsaved entity is refused before SQL', async (t, db) => {
  const sent: string[] = [];
  const orm = await Joinery.init({ entities: [Author, Book], ...db.config, logger: (q) => sent.push(q.sql) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(Author, { name: 'Ann' });
  em.create(Book, { title: 'B1', author: ann });
  await em.flush();
  const fresh = em.create(Author, { name: 'Not yet saved' });
  sent.length = 0;
  const e = await t.throwsAsync(em.nativeUpdate(Book, { title: 'B1' }, { author: fresh }), { instanceOf: ValidationError });
  t.like(e?.failures[0], { entity: 'Book', property: 'author', rule: 'required' });
  t.regex(e!.message, /Book\.author was given a new Author that has no key yet.*Flush it first/);
  t.deepEqual(sent, []);
  const [book] = await orm.em.fork().find(Book, {}, { populate: ['author'] });
  t.is(book!.author?.name, 'Ann');
  // After a flush the new author has a key, and the same call writes it; null clears the relation.
  await em.flush();
  t.is(await em.nativeUpdate(Book, { title: 'B1' }, { author: fresh }), 1);
  t.is(await em.nativeUpdate(Book, { title: 'B1' }, { author: null }), 1);
});
