import test from 'ava';
import { Collection, Entity, ManyToOne, OneToMany, PrimaryKey, Property } from '../../src/index.js';
import { UsageError } from '../../src/errors/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import type { OneToManyProperty } from '../../src/metadata/types.js';
import { planFields } from '../../src/query/partial-fields.js';
import { validateChildClears } from '../../src/unit-of-work/validation.js';

@Entity()
class Author {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'string' }) bio!: string;
  @OneToMany(() => Book, (b) => b.author) books = new Collection<Book>(this);
  @OneToMany(() => Note, (n) => n.author) notes = new Collection<Note>(this);
  @OneToMany(() => Draft, (d) => d.author, { orphanRemoval: true }) drafts = new Collection<Draft>(this);
}

@Entity()
class Book {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) title!: string;
  @Property({ type: 'string' }) body!: string;
  @ManyToOne(() => Author) author!: Author;
}

@Entity()
class Note {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Author, { nullable: true }) author?: Author | null;
}

@Entity()
class Draft {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Author) author!: Author;
}

const meta = discoverMetadata([Author, Book, Note, Draft]);
const book = meta.get(Book);
const author = meta.get(Author);

test('planFields: the key always, listed columns in declaration order, the rest remembered as unloaded', (t) => {
  const plan = planFields(book, ['title', 'author.name']);
  t.deepEqual(plan.columns, ['id', 'title', 'author_id']);
  t.deepEqual([...plan.unloaded], ['body']);
  t.deepEqual(plan.populate, ['author']);
  t.deepEqual([...plan.nested], [['author', ['name']]]);
});

test('planFields: a listed to-one reads its FK without populating; a collection is populated; deeper paths keep their relations', (t) => {
  t.deepEqual(planFields(book, ['author']).populate, []);
  t.deepEqual(planFields(book, ['author']).columns, ['id', 'author_id']);
  const plan = planFields(author, ['name', 'books', 'books.author.bio']);
  t.deepEqual(plan.columns, ['id', 'name']);
  t.deepEqual(plan.populate, ['books', 'books.author']);
  t.deepEqual([...plan.nested], [['books', ['author']], ['books.author', ['bio']]]);
});

test('planFields: unknown names, paths through scalars and empty lists are UsageErrors', (t) => {
  t.is(t.throws(() => planFields(book, ['titel']), { instanceOf: UsageError })!.code, 'UNKNOWN_PROPERTY');
  t.is(t.throws(() => planFields(book, ['author.nmae']), { instanceOf: UsageError })!.code, 'UNKNOWN_PROPERTY');
  t.is(t.throws(() => planFields(book, ['title.x']), { instanceOf: UsageError })!.code, 'BAD_OPTION');
  t.is(t.throws(() => planFields(book, ['author.name.x']), { instanceOf: UsageError })!.code, 'BAD_OPTION');
  t.is(t.throws(() => planFields(book, []), { instanceOf: UsageError })!.code, 'BAD_OPTION');
  t.is(t.throws(() => planFields(book, ['constructor']), { instanceOf: UsageError })!.code, 'UNKNOWN_PROPERTY');
});

test('validateChildClears: only a required FK without orphanRemoval is refused, naming both sides', (t) => {
  const owner = new Author();
  const clear = (name: string) => ({ prop: author.propertiesByName[name] as OneToManyProperty, owner, keep: [] });
  const failures = validateChildClears([clear('books'), clear('notes'), clear('drafts')]);
  t.deepEqual(failures.map((f) => `${f.entity}.${f.property}`), ['Author.books']);
  t.is(failures[0]!.instance, owner);
  t.regex(failures[0]!.message, /Book\.author is required \(NOT NULL\)/);
});
