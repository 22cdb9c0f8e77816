// MikroORM (latest v6) in its idiomatic paths: decorated entities, a fork of the EntityManager per
// unit of work, `em.create` + `em.flush()` (its batched INSERT / UPDATE / DELETE at the default batch
// size), `populate` for relations, references for rows that exist.
import 'reflect-metadata';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { Collection, Entity, ManyToMany, ManyToOne, MikroORM, OneToMany, PrimaryKey, Property, type Options, type Rel } from '@mikro-orm/core';
import { MySqlDriver } from '@mikro-orm/mysql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { EntityManager } from '@mikro-orm/core';
import type { ContenderId, HeapWorkload } from '../contender.js';
import { renamed, seedShared, type BenchDialect, type CatalogSeed, type GraphAuthorData, type ItemData, type ItemRecord, type Store } from '../fixtures.js';
import { packageVersion, type PeerContext } from '../peer-context.js';
import { rentalViews, type CatalogAuthorView, type PopulatedParent, type RentalView } from '../verify.js';
import { W9_ENTITIES, WorkloadContender } from '../workload-contender.js';

@Entity({ tableName: 'items' })
class Item {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property() email!: string;
  @Property() score!: number;
  @Property() active!: boolean;
  @Property() createdAt!: Date;
  @OneToMany(() => ItemNote, (n) => n.item) notes = new Collection<ItemNote>(this);
}

@Entity({ tableName: 'item_notes' })
class ItemNote {
  @PrimaryKey() id!: number;
  @Property() body!: string;
  @ManyToOne(() => Item) item!: Rel<Item>;
}

@Entity({ tableName: 'authors' })
class Author {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => Book, (b) => b.author) books = new Collection<Book>(this);
}

@Entity({ tableName: 'books' })
class Book {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() pages!: number;
  @ManyToOne(() => Author) author!: Rel<Author>;
}

@Entity({ tableName: 'publishers' })
class Publisher {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

@Entity({ tableName: 'tags' })
class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

@Entity({ tableName: 'catalog_authors' })
class CatalogAuthor {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => CatalogBook, (b) => b.author) books = new Collection<CatalogBook>(this);
}

@Entity({ tableName: 'catalog_books' })
class CatalogBook {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() pages!: number;
  @ManyToOne(() => CatalogAuthor) author!: Rel<CatalogAuthor>;
  @ManyToOne(() => Publisher) publisher!: Rel<Publisher>;
  @ManyToMany({ entity: () => Tag, pivotTable: 'catalog_book_tags', joinColumn: 'book_id', inverseJoinColumn: 'tag_id' }) tags = new Collection<Tag>(this);
}

@Entity({ tableName: 'films' })
class Film {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() length!: number;
}

@Entity({ tableName: 'inventory' })
class Inventory {
  @PrimaryKey() id!: number;
  @Property() storeId!: number;
  @ManyToOne(() => Film) film!: Rel<Film>;
}

@Entity({ tableName: 'customers' })
class Customer {
  @PrimaryKey() id!: number;
  @Property() firstName!: string;
  @Property() lastName!: string;
  @Property() email!: string;
}

@Entity({ tableName: 'rentals' })
class Rental {
  @PrimaryKey() id!: number;
  @Property() rentalDate!: Date;
  @ManyToOne(() => Customer) customer!: Rel<Customer>;
  @ManyToOne(() => Inventory) inventory!: Rel<Inventory>;
}

const ENTITIES = [Item, ItemNote, Author, Book, Publisher, Tag, CatalogAuthor, CatalogBook, Film, Inventory, Customer, Rental];

interface Loaded {
  em: EntityManager;
  items: Item[];
}

class MikroOrmContender extends WorkloadContender<Loaded, Author[], CatalogAuthor[], Rental[]> {
  readonly label: ContenderId = 'mikro-orm';

  constructor(
    readonly orm: MikroORM,
    readonly store: Store,
  ) {
    super();
  }

  protected async insertItems(data: readonly ItemData[]): Promise<Item[]> {
    const em = this.orm.em.fork();
    const items = data.map((d) => em.create(Item, d));
    await em.flush();
    return items;
  }

  protected findItems(): Promise<Item[]> {
    return this.orm.em.fork().find(Item, {});
  }

  protected async loadItems(): Promise<Loaded> {
    const em = this.orm.em.fork();
    return { em, items: await em.find(Item, {}) };
  }

  protected loadedCount(loaded: Loaded): number {
    return loaded.items.length;
  }

  protected async renameItems({ em, items }: Loaded): Promise<void> {
    for (const it of items) it.name = renamed(it.id);
    await em.flush();
  }

  protected async removeItems({ em, items }: Loaded): Promise<void> {
    em.remove(items);
    await em.flush();
  }

  protected findItem(id: number): Promise<ItemRecord | null> {
    return this.orm.em.fork().findOne(Item, id);
  }

  protected findAuthorsWithBooks(): Promise<Author[]> {
    return this.orm.em.fork().find(Author, {}, { populate: ['books'] });
  }

  protected parentsView(authors: Author[]): PopulatedParent[] {
    return authors.map((a) => ({ id: a.id, children: a.books.getItems().map((b) => ({ id: b.id, pages: b.pages, parentId: b.author.id })) }));
  }

  protected parentsCount(authors: Author[]): number {
    return authors.length + authors.reduce((n, a) => n + a.books.length, 0);
  }

  protected findCatalog(): Promise<CatalogAuthor[]> {
    return this.orm.em.fork().find(CatalogAuthor, {}, { populate: ['books.publisher', 'books.tags'] });
  }

  protected catalogView(authors: CatalogAuthor[]): CatalogAuthorView[] {
    return authors.map((a) => ({
      name: a.name,
      books: a.books.getItems().map((b) => ({ title: b.title, publisher: b.publisher.name, tags: b.tags.getItems().map((t) => t.name) })),
    }));
  }

  protected findRentals(): Promise<Rental[]> {
    return this.orm.em.fork().find(Rental, {}, { populate: ['customer', 'inventory.film'] });
  }

  protected rentalsView(rentals: Rental[]): RentalView[] {
    return rentalViews(rentals);
  }

  protected async insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void> {
    const em = this.orm.em.fork();
    const publishers = seed.publisherIds.map((id) => em.getReference(Publisher, id));
    const tags = seed.tagIds.map((id) => em.getReference(Tag, id));
    for (const a of graph) {
      const author = em.create(CatalogAuthor, { name: a.name });
      for (const b of a.books) {
        const book = em.create(CatalogBook, { title: b.title, pages: b.pages, author, publisher: publishers[b.publisher]! });
        book.tags.add(b.tags.map((t) => tags[t]!));
      }
    }
    await em.flush();
  }

  /** Keeps the EntityManager alive with what it loaded: its identity map is part of the cost. */
  override async load(workload: HeapWorkload): Promise<{ keep: unknown; entities: number }> {
    const em = this.orm.em.fork();
    if (workload === 'W2') {
      const items = await em.find(Item, {});
      return { keep: [em, items], entities: items.length };
    }
    if (workload === 'W9') return { keep: [em, await em.find(Rental, {}, { populate: ['customer', 'inventory.film'] })], entities: W9_ENTITIES };
    const authors = await em.find(Author, {}, { populate: ['books'] });
    return { keep: [em, authors], entities: this.parentsCount(authors) };
  }

  close(): Promise<void> {
    return this.orm.close(true);
  }
}

function options(context: PeerContext): Options {
  const common = { entities: ENTITIES, debug: false, allowGlobalContext: false, ensureDatabase: false } as const;
  switch (context.dialect) {
    case 'pg':
      return { ...common, driver: PostgreSqlDriver, clientUrl: context.pgUrl };
    case 'mysql':
      return { ...common, driver: MySqlDriver, clientUrl: context.mysqlUrl, timezone: '+00:00' };
    case 'sqlite':
      return { ...common, driver: BetterSqliteDriver, dbName: ':memory:' };
  }
}

/** A Store on MikroORM's own connection (the only way into its in-memory SQLite database). */
function sqliteStore(orm: MikroORM): Store {
  const knex = (orm.em.getConnection() as unknown as { getKnex(): { raw(sql: string, params: unknown[]): Promise<unknown> } }).getKnex();
  return {
    dialect: 'sqlite',
    itemsSeeded: false,
    async exec(sql, params = []) {
      const res = await knex.raw(sql, params as unknown[]);
      return Array.isArray(res) ? (res as Record<string, unknown>[]) : [];
    },
  };
}

export const version = packageVersion('@mikro-orm/core');
export const dialects: readonly BenchDialect[] = ['pg', 'mysql', 'sqlite'];

export async function open(context: PeerContext): Promise<MikroOrmContender> {
  const orm = await MikroORM.init(options(context));
  try {
    let store = context.store;
    if (!store) {
      // Its own DDL for its own in-memory database: MikroORM keeps SQLite datetimes as epoch
      // milliseconds, which joinery's `text` column would turn into strings it cannot read back.
      await orm.schema.createSchema();
      store = sqliteStore(orm);
      await seedShared(store);
    }
    return new MikroOrmContender(orm, store);
  } catch (e) {
    await orm.close(true);
    throw e;
  }
}
