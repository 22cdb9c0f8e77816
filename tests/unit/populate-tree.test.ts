// Populate options → the tree the loaders walk: paths, '*', eager, strategies, and how populateWhere /
// populateOrderBy are split between levels. No database.
import test from 'ava';
import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, UsageError, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import type { EntityMetadata } from '../../src/metadata/types.js';
import { CriteriaCompiler } from '../../src/query/criteria.js';
import { buildPopulateTree, type PopulateSpec, type PopulateTree } from '../../src/query/populate-tree.js';
import { SqlDialect } from '../../src/query/sql-dialect.js';

@Entity()
class Author {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToOne(() => Bio, (b) => b.author) bio?: Rel<Bio> | null;
  @OneToMany(() => Book, (b) => b.author, { strategy: 'joined' }) books = new Collection<Book>(this);
  @OneToMany(() => Note, (n) => n.author) notes = new Collection<Note>(this);
}

@Entity()
class Bio {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @OneToOne(() => Author, (a) => a.bio, { owner: true, eager: true }) author!: Rel<Author>;
}

@Entity()
class Book {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) title!: string;
  @Property({ type: 'boolean' }) published!: boolean;
  @ManyToOne(() => Author, { eager: true }) author!: Rel<Author>;
  @OneToMany(() => Page, (p) => p.book) pages = new Collection<Page>(this);
  @ManyToMany(() => Genre) genres = new Collection<Genre>(this);
}

@Entity()
class Page {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'integer' }) no!: number;
  @ManyToOne(() => Book) book!: Rel<Book>;
}

@Entity()
class Genre {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
}

@Entity({ connection: 'archive' })
class Note {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Author) author!: Rel<Author>;
}

const md = discoverMetadata([Author, Bio, Book, Page, Genre, Note], { connections: ['default', 'archive'] });
const meta = (cls: Function): EntityMetadata => md.get(cls);
const checkWhere: PopulateSpec['checkWhere'] = (owner, prop, w) => void new CriteriaCompiler(new SqlDialect('sqlite')).compileItems(owner, prop, w, 'e0', 'p');

function tree(cls: Function, spec: Partial<PopulateSpec>): PopulateTree {
  return buildPopulateTree(meta(cls), { paths: [], eager: false, checkWhere, ...spec });
}

/** path → [strategy, where, orderBy], for compact assertions. */
function flat(t: PopulateTree, prefix = ''): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [name, node] of t) {
    const path = prefix + name;
    out[path] = [node.strategy, node.where, node.orderBy].filter((x, i) => i === 0 || x !== undefined);
    Object.assign(out, flat(node.children, `${path}.`));
  }
  return out;
}

test('paths share prefixes; strategies come from the relation unless the query says otherwise', (t) => {
  t.deepEqual(flat(tree(Author, { paths: ['books.pages', 'books.genres', 'bio'] })), {
    books: ['joined'],
    'books.pages': ['select-in'],
    'books.genres': ['select-in'],
    bio: ['select-in'],
  });
  t.deepEqual(flat(tree(Author, { paths: ['books.pages'], strategy: 'select-in' })), { books: ['select-in'], 'books.pages': ['select-in'] });
  t.deepEqual(flat(tree(Author, { paths: ['books', 'notes'], strategy: 'joined' })), { books: ['joined'], notes: ['select-in'] }, 'another connection cannot be joined');
});

test("'*' takes every relation of its level; eager relations are added at every level, once per path", (t) => {
  t.deepEqual(Object.keys(flat(tree(Book, { paths: ['*'] }))), ['author', 'pages', 'genres']);
  t.deepEqual(Object.keys(flat(tree(Author, { paths: ['books.*'] }))), ['books', 'books.author', 'books.pages', 'books.genres']);
  // Book.author is eager, Bio.author too; Author → Book → Author stops at the second Author.
  t.deepEqual(Object.keys(flat(tree(Book, { eager: true }))), ['author']);
  t.deepEqual(Object.keys(flat(tree(Author, { paths: ['books'], eager: true }))), ['books', 'books.author']);
});

test('populateWhere: populated collections nest, everything else is criteria of the level', (t) => {
  const got = flat(tree(Author, {
    paths: ['books.pages', 'books.genres'],
    where: { books: { published: true, author: { name: 'x' }, pages: { no: { $gt: 1 } }, $or: [{ title: 'a' }, { title: 'b' }] } },
  }));
  t.deepEqual(got.books, ['joined', { published: true, author: { name: 'x' }, $or: [{ title: 'a' }, { title: 'b' }] }]);
  t.deepEqual(got['books.pages'], ['select-in', { no: { $gt: 1 } }]);
  t.deepEqual(got['books.genres'], ['select-in']);
  // Not populated: genres is criteria for books ("books with such a genre").
  t.deepEqual(flat(tree(Author, { paths: ['books'], where: { books: { genres: { name: 'sf' } } } })).books, ['joined', { genres: { name: 'sf' } }]);
});

test('populateOrderBy: directions for the level, objects for populated collections below', (t) => {
  const got = flat(tree(Author, { paths: ['books.pages'], orderBy: { books: { title: 'desc', pages: { no: 'asc' } } } }));
  t.deepEqual(got.books, ['joined', { title: 'desc' }]);
  t.deepEqual(got['books.pages'], ['select-in', { no: 'asc' }]);
});

test('mistakes name Entity.property and the fix', (t) => {
  const cases: [Partial<PopulateSpec>, string, RegExp][] = [
    [{ paths: ['books.nope'] }, 'UNKNOWN_POPULATE', /Book\.nope does not exist\. Relations of Book: author, pages, genres/],
    [{ paths: ['books.title'] }, 'UNKNOWN_POPULATE', /Book\.title is not a relation/],
    [{ paths: [''] }, 'UNKNOWN_POPULATE', /relation paths/],
    [{ paths: ['books'], where: [] as never }, 'BAD_POPULATE_WHERE', /populateWhere must be an object keyed by populated collections of Author/],
    [{ paths: ['books'], where: { notes: {} } }, 'BAD_POPULATE_WHERE', /Author\.notes, which is not populated\. Add 'notes'/],
    [{ paths: ['bio'], where: { bio: {} } }, 'BAD_POPULATE_WHERE', /Author\.bio, which is a to-one relation/],
    [{ paths: ['books'], where: { name: 'x' } }, 'BAD_POPULATE_WHERE', /Author\.name, which is not a relation/],
    [{ paths: ['books'], where: { books: { nope: 1 } } }, 'UNKNOWN_PROPERTY', /Book\.nope/],
    [{ paths: ['books'], orderBy: { books: { title: 'up' } } }, 'BAD_ORDER', /Book\.title/],
    [{ paths: ['books'], orderBy: { books: { pages: { no: 'asc' } } } }, 'BAD_POPULATE_ORDER_BY', /Book\.pages, which is not populated/],
    [{ paths: ['books'], orderBy: { books: 'asc' } }, 'BAD_POPULATE_ORDER_BY', /populateOrderBy\.books must order the Book items of Author\.books/],
    [{ paths: ['books'], strategy: 'eager' as never }, 'BAD_OPTION', /'select-in' or 'joined'/],
  ];
  for (const [spec, code, message] of cases) {
    const err = t.throws(() => tree(Author, spec), { instanceOf: UsageError });
    t.is(err?.code, code, err?.message);
    t.regex(err?.message ?? '', message);
  }
});
