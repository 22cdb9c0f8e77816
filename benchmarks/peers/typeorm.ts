// TypeORM (latest) in its idiomatic paths: decorated entities, DataSource, repository `save` in
// chunks inside one transaction, `remove`, `find` with `relations` (its default join strategy).
import 'reflect-metadata';
import { Column, DataSource, Entity, JoinColumn, JoinTable, ManyToMany, ManyToOne, OneToMany, PrimaryGeneratedColumn, type DataSourceOptions, type EntityManager } from 'typeorm';
import type { ContenderId } from '../contender.js';
import { renamed, seedShared, type BenchDialect, type CatalogSeed, type GraphAuthorData, type ItemData, type ItemRecord, type Store } from '../fixtures.js';
import { packageVersion, type PeerContext } from '../peer-context.js';
import { rentalViews, type CatalogAuthorView, type PopulatedParent, type RentalView } from '../verify.js';
import { WorkloadContender } from '../workload-contender.js';

// Rows per INSERT of `save`: the raw baseline's size (larger ones pass SQLite's limit of bound values).
const CHUNK = 1_000;
// `remove` deletes a chunk with `WHERE id = ? OR id = ? ...`: SQLite parses that as an expression
// tree, at most 1,000 deep.
const REMOVE_CHUNK = 500;

@Entity('items')
class Item {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @Column() email!: string;
  @Column('integer') score!: number;
  @Column() active!: boolean;
  @Column({ name: 'created_at' }) createdAt!: Date;
  @OneToMany(() => ItemNote, (n) => n.item) notes!: ItemNote[];
}

@Entity('item_notes')
class ItemNote {
  @PrimaryGeneratedColumn() id!: number;
  @Column() body!: string;
  @ManyToOne(() => Item, (i) => i.notes) @JoinColumn({ name: 'item_id' }) item!: Item;
}

@Entity('authors')
class Author {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @OneToMany(() => Book, (b) => b.author) books!: Book[];
}

@Entity('books')
class Book {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @Column('integer') pages!: number;
  @ManyToOne(() => Author, (a) => a.books) @JoinColumn({ name: 'author_id' }) author!: Author;
  @Column({ name: 'author_id' }) authorId!: number;
}

@Entity('publishers')
class Publisher {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
}

@Entity('tags')
class Tag {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
}

@Entity('catalog_authors')
class CatalogAuthor {
  @PrimaryGeneratedColumn() id!: number;
  @Column() name!: string;
  @OneToMany(() => CatalogBook, (b) => b.author, { cascade: ['insert'] }) books!: CatalogBook[];
}

@Entity('catalog_books')
class CatalogBook {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @Column('integer') pages!: number;
  @ManyToOne(() => CatalogAuthor, (a) => a.books) @JoinColumn({ name: 'author_id' }) author!: CatalogAuthor;
  @ManyToOne(() => Publisher) @JoinColumn({ name: 'publisher_id' }) publisher!: Publisher;
  @ManyToMany(() => Tag)
  @JoinTable({ name: 'catalog_book_tags', joinColumn: { name: 'book_id' }, inverseJoinColumn: { name: 'tag_id' } })
  tags!: Tag[];
}

@Entity('films')
class Film {
  @PrimaryGeneratedColumn() id!: number;
  @Column() title!: string;
  @Column('integer') length!: number;
}

@Entity('inventory')
class Inventory {
  @PrimaryGeneratedColumn() id!: number;
  @Column('integer', { name: 'store_id' }) storeId!: number;
  @ManyToOne(() => Film) @JoinColumn({ name: 'film_id' }) film!: Film;
}

@Entity('customers')
class Customer {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'first_name' }) firstName!: string;
  @Column({ name: 'last_name' }) lastName!: string;
  @Column() email!: string;
}

@Entity('rentals')
class Rental {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'rental_date' }) rentalDate!: Date;
  @ManyToOne(() => Customer) @JoinColumn({ name: 'customer_id' }) customer!: Customer;
  @ManyToOne(() => Inventory) @JoinColumn({ name: 'inventory_id' }) inventory!: Inventory;
}

const ENTITIES = [Item, ItemNote, Author, Book, Publisher, Tag, CatalogAuthor, CatalogBook, Film, Inventory, Customer, Rental];

class TypeormContender extends WorkloadContender<Item[], Author[], CatalogAuthor[], Rental[]> {
  readonly label: ContenderId = 'typeorm';
  // A joined read builds the related objects row by row, without an identity map across rows.
  protected override readonly sharesRelatedObjects = false;

  constructor(
    readonly ds: DataSource,
    readonly store: Store,
  ) {
    super();
  }

  #tx<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  protected insertItems(data: readonly ItemData[]): Promise<Item[]> {
    const items = this.ds.getRepository(Item).create(data as ItemData[]);
    return this.#tx((m) => m.save(items, { chunk: CHUNK }));
  }

  protected findItems(): Promise<Item[]> {
    return this.ds.getRepository(Item).find();
  }

  protected loadItems(): Promise<Item[]> {
    return this.findItems();
  }

  protected loadedCount(items: Item[]): number {
    return items.length;
  }

  protected async renameItems(items: Item[]): Promise<void> {
    for (const it of items) it.name = renamed(it.id);
    await this.#tx((m) => m.save(items, { chunk: CHUNK }));
  }

  protected async removeItems(items: Item[]): Promise<void> {
    await this.#tx((m) => m.remove(items, { chunk: REMOVE_CHUNK }));
  }

  protected findItem(id: number): Promise<ItemRecord | null> {
    return this.ds.getRepository(Item).findOneBy({ id });
  }

  protected findAuthorsWithBooks(): Promise<Author[]> {
    return this.ds.getRepository(Author).find({ relations: { books: true } });
  }

  protected parentsView(authors: Author[]): PopulatedParent[] {
    // TypeORM sets no back-reference on the children: each names its parent by the foreign key.
    return authors.map((a) => ({ id: a.id, children: a.books.map((b) => ({ id: b.id, pages: b.pages, parentId: b.authorId })) }));
  }

  protected parentsCount(authors: Author[]): number {
    return authors.length + authors.reduce((n, a) => n + a.books.length, 0);
  }

  protected findCatalog(): Promise<CatalogAuthor[]> {
    return this.ds.getRepository(CatalogAuthor).find({ relations: { books: { publisher: true, tags: true } } });
  }

  protected catalogView(authors: CatalogAuthor[]): CatalogAuthorView[] {
    return authors.map((a) => ({ name: a.name, books: a.books.map((b) => ({ title: b.title, publisher: b.publisher.name, tags: b.tags.map((t) => t.name) })) }));
  }

  protected findRentals(): Promise<Rental[]> {
    return this.ds.getRepository(Rental).find({ relations: { customer: true, inventory: { film: true } } });
  }

  protected rentalsView(rentals: Rental[]): RentalView[] {
    return rentalViews(rentals);
  }

  protected async insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void> {
    // The publishers and tags exist: objects holding their keys stand for them, as TypeORM has it.
    const publishers = seed.publisherIds.map((id) => ({ id }) as Publisher);
    const tags = seed.tagIds.map((id) => ({ id }) as Tag);
    const authors = graph.map((a) => {
      const author = new CatalogAuthor();
      author.name = a.name;
      author.books = a.books.map((b) => {
        const book = new CatalogBook();
        book.title = b.title;
        book.pages = b.pages;
        book.publisher = publishers[b.publisher]!;
        book.tags = b.tags.map((t) => tags[t]!);
        return book;
      });
      return author;
    });
    await this.#tx((m) => m.save(authors));
  }

  close(): Promise<void> {
    return this.ds.destroy();
  }
}

function options(context: PeerContext): DataSourceOptions {
  const common = { entities: ENTITIES, synchronize: false, logging: false } as const;
  switch (context.dialect) {
    case 'pg':
      return { ...common, type: 'postgres', url: context.pgUrl };
    case 'mysql':
      return { ...common, type: 'mysql', url: context.mysqlUrl, timezone: 'Z' };
    case 'sqlite':
      return { ...common, type: 'better-sqlite3', database: ':memory:' };
  }
}

function sqliteStore(ds: DataSource): Store {
  return {
    dialect: 'sqlite',
    itemsSeeded: false,
    async exec(sql, params = []) {
      const res: unknown = await ds.query(sql, params as unknown[]);
      return Array.isArray(res) ? (res as Record<string, unknown>[]) : [];
    },
  };
}

export const version = packageVersion('typeorm');
export const dialects: readonly BenchDialect[] = ['pg', 'mysql', 'sqlite'];

export async function open(context: PeerContext): Promise<TypeormContender> {
  const ds = await new DataSource(options(context)).initialize();
  try {
    let store = context.store;
    if (!store) {
      const db = (ds.driver as unknown as { databaseConnection: { exec(sql: string): void } }).databaseConnection;
      db.exec(context.schemaSql!);
      store = sqliteStore(ds);
      await seedShared(store);
    }
    return new TypeormContender(ds, store);
  } catch (e) {
    await ds.destroy();
    throw e;
  }
}
