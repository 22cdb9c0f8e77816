import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, wrap, type QueryLogEntry, type Rel } from 'joinery';

// #region docs:model
@Entity()                                            // default
class Author {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => Book, (b) => b.author) books = new Collection<Book>(this);
}
@Entity({ connection: 'books' })
class Book {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => Author) author!: Rel<Author>;
  @ManyToOne(() => Publisher) publisher!: Rel<Publisher>;
}
@Entity({ connection: 'pubs' })
class Publisher {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}
// #endregion docs:model

const memory = { client: 'sqlite', connection: { filename: ':memory:' }, pool: { min: 1, max: 1 } } as const;

export async function main(): Promise<void> {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({
    entities: [Author, Book, Publisher],
    connections: { default: memory, books: memory, pubs: memory },
    logger: (q) => log.push(q),
  });
  try {
    await orm.schema.create();
    const seed = orm.em.fork();
    const ann = seed.create(Author, { name: 'Ann' });
    const bob = seed.create(Author, { name: 'Bob' });
    const penguin = seed.create(Publisher, { name: 'Penguin' });
    const faber = seed.create(Publisher, { name: 'Faber' });
    seed.create(Book, { title: 'A1', author: ann, publisher: penguin });
    seed.create(Book, { title: 'A2', author: ann, publisher: faber });
    seed.create(Book, { title: 'B1', author: bob, publisher: faber });
    await seed.flush();
    const em = orm.em.fork();
    log.length = 0;
    // #region docs:queries
    const penguinAuthors = await em.find(Author, { books: { publisher: { name: 'Penguin' } } });
    // pubs:    the keys of the publishers named Penguin
    // books:   the author_id of their books (publisher_id IN those keys)
    // default: the authors whose id is IN those keys

    const authors = await em.find(Author, {}, {
      populate: ['books.publisher'],                  // default, then books, then pubs
      counts: { atFaber: { relation: 'books', where: { publisher: { name: 'Faber' } } } },   // pubs, then books
      orderBy: { id: 'asc' },
    });
    // #endregion docs:queries
    assert.deepEqual(penguinAuthors.map((a) => a.name), ['Ann']);
    assert.deepEqual(log.map((q) => q.connection), ['pubs', 'books', 'default', 'default', 'books', 'pubs', 'pubs', 'books']);
    assert.deepEqual(authors.map((a) => a.books.getItems().map((b) => `${b.title}/${b.publisher.name}`).sort()), [['A1/Penguin', 'A2/Faber'], ['B1/Faber']]);
    assert.deepEqual(authors.map((a) => wrap(a).count('atFaber')), [1, 1]);
  } finally {
    await orm.close();
  }
}
