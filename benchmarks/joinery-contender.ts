import { Joinery, type EntityManager } from 'joinery';
import type { HeapWorkload } from './contender.js';
import { Author, CatalogAuthor, CatalogBook, Item, Publisher, Rental, Tag } from './entities.js';
import { renamed, type CatalogSeed, type GraphAuthorData, type ItemData, type Store } from './fixtures.js';
import { rentalViews, type CatalogAuthorView, type PopulatedParent, type RentalView } from './verify.js';
import { W9_ENTITIES, WorkloadContender } from './workload-contender.js';

interface Loaded {
  em: EntityManager;
  items: Item[];
}

/** The workloads through joinery's public API, one EntityManager fork per unit of work. */
export class JoineryContender extends WorkloadContender<Loaded, Author[], CatalogAuthor[], Rental[]> {
  readonly label = 'joinery';

  constructor(
    readonly orm: Joinery,
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

  protected findItem(id: number): Promise<Item | null> {
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
    // The publishers and tags exist: references to them, as an application holding their keys would use.
    const publishers = seed.publisherIds.map((id) => em.getReference(Publisher, id));
    const tags = seed.tagIds.map((id) => em.getReference(Tag, id));
    for (const a of graph) {
      const author = em.create(CatalogAuthor, { name: a.name });
      for (const b of a.books) {
        const book = em.create(CatalogBook, { title: b.title, pages: b.pages, author, publisher: publishers[b.publisher]! });
        for (const t of b.tags) book.tags.add(tags[t]!);
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
    return this.orm.close();
  }
}
