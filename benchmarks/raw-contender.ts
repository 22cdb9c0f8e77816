import type { CatalogSeed, GraphAuthorData, ItemRecord } from './fixtures.js';
import { renamed } from './fixtures.js';
import { rentalViews, type CatalogAuthorView, type PopulatedParent, type RentalView } from './verify.js';
import { WorkloadContender } from './workload-contender.js';

export interface AuthorRecord {
  id: number;
  name: string;
  books: BookRecord[];
}

export interface BookRecord {
  id: number;
  title: string;
  pages: number;
  author: AuthorRecord;
}

export interface CatalogAuthorRecord {
  id: number;
  name: string;
  books: CatalogBookRecord[];
}

export interface CatalogBookRecord {
  id: number;
  title: string;
  pages: number;
  author: CatalogAuthorRecord;
  publisher: NamedRecord;
  tags: NamedRecord[];
}

/** A publisher or a tag. */
export interface NamedRecord {
  id: number;
  name: string;
}

export interface FilmRecord {
  id: number;
  title: string;
  length: number;
}

export interface InventoryRecord {
  id: number;
  storeId: number;
  film: FilmRecord;
}

export interface CustomerRecord {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
}

export interface RentalRecord {
  id: number;
  rentalDate: Date;
  customer: CustomerRecord;
  inventory: InventoryRecord;
}

export const ITEM_COLUMNS = 'id, name, email, score, active, created_at';

// W9's four statements' columns (each baseline adds its own `WHERE id = ANY / IN`).
export const RENTAL_SQL = 'SELECT id, rental_date, customer_id, inventory_id FROM rentals';
export const CUSTOMER_SQL = 'SELECT id, first_name, last_name, email FROM customers';
export const INVENTORY_SQL = 'SELECT id, store_id, film_id FROM inventory';
export const FILM_SQL = 'SELECT id, title, length FROM films';

/**
 * A hand-written baseline (the raw driver, or knex): what an application would write to do the same
 * work, with the same guarantees (writes in one transaction, the same JS types on read), built from
 * plain objects. Each subclass supplies the statements.
 */
export abstract class RecordContender extends WorkloadContender<ItemRecord[], AuthorRecord[], CatalogAuthorRecord[], RentalRecord[]> {
  protected abstract override findItems(): Promise<ItemRecord[]>;
  /** Writes each record's `name` in one transaction. */
  protected abstract updateNames(items: readonly ItemRecord[]): Promise<void>;
  /** Deletes the rows in one transaction. */
  protected abstract deleteItems(ids: readonly number[]): Promise<void>;
  /** Inserts authors, books and tag links; returns nothing the verification needs (it reads the tables). */
  protected abstract override insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void>;

  protected override loadItems(): Promise<ItemRecord[]> {
    return this.findItems();
  }

  protected override loadedCount(items: ItemRecord[]): number {
    return items.length;
  }

  protected override renameItems(items: ItemRecord[]): Promise<void> {
    for (const it of items) it.name = renamed(it.id);
    return this.updateNames(items);
  }

  protected override removeItems(items: ItemRecord[]): Promise<void> {
    return this.deleteItems(items.map((i) => i.id));
  }

  protected override parentsView(authors: AuthorRecord[]): PopulatedParent[] {
    return authors.map((a) => ({ id: a.id, children: a.books.map((b) => ({ id: b.id, pages: b.pages, parentId: b.author.id })) }));
  }

  protected override parentsCount(authors: AuthorRecord[]): number {
    return authors.length + authors.reduce((n, a) => n + a.books.length, 0);
  }

  protected override catalogView(authors: CatalogAuthorRecord[]): CatalogAuthorView[] {
    return authors.map((a) => ({ name: a.name, books: a.books.map((b) => ({ title: b.title, publisher: b.publisher.name, tags: b.tags.map((t) => t.name) })) }));
  }

  protected override rentalsView(rentals: RentalRecord[]): RentalView[] {
    return rentalViews(rentals);
  }
}

/**
 * The W9 graph from its four result sets (rentals, then the customers, copies and films they point
 * at): one object per customer, copy and film, as an identity map would have it. `date` turns the
 * driver's rental_date into a Date (SQLite hands back text).
 */
export function stitchRentals(
  rentalRows: readonly Record<string, unknown>[],
  customerRows: readonly Record<string, unknown>[],
  inventoryRows: readonly Record<string, unknown>[],
  filmRows: readonly Record<string, unknown>[],
  date: (value: unknown) => Date = (v) => v as Date,
): RentalRecord[] {
  const films = new Map<number, FilmRecord>();
  for (const r of filmRows) films.set(r.id as number, { id: r.id as number, title: r.title as string, length: r.length as number });
  const copies = new Map<number, InventoryRecord>();
  for (const r of inventoryRows) copies.set(r.id as number, { id: r.id as number, storeId: r.store_id as number, film: films.get(r.film_id as number)! });
  const customers = new Map<number, CustomerRecord>();
  for (const r of customerRows) {
    customers.set(r.id as number, { id: r.id as number, firstName: r.first_name as string, lastName: r.last_name as string, email: r.email as string });
  }
  const out: RentalRecord[] = new Array(rentalRows.length);
  for (let i = 0; i < rentalRows.length; i++) {
    const r = rentalRows[i]!;
    out[i] = { id: r.id as number, rentalDate: date(r.rental_date), customer: customers.get(r.customer_id as number)!, inventory: copies.get(r.inventory_id as number)! };
  }
  return out;
}

/** Parents and children (rows with `author_id`) stitched into one object graph. */
export function stitchAuthors(authorRows: readonly Record<string, unknown>[], bookRows: readonly Record<string, unknown>[]): AuthorRecord[] {
  const byId = new Map<number, AuthorRecord>();
  const authors = authorRows.map((r) => {
    const a: AuthorRecord = { id: r.id as number, name: r.name as string, books: [] };
    byId.set(a.id, a);
    return a;
  });
  for (const r of bookRows) {
    const author = byId.get(r.author_id as number)!;
    author.books.push({ id: r.id as number, title: r.title as string, pages: r.pages as number, author });
  }
  return authors;
}

/**
 * The W7 graph from its four result sets: authors; their books (`author_id`, `publisher_id`); the
 * publishers; and the tag links joined to their tags (`book_id`, `id`, `name`). Each publisher and tag
 * is one object however many books share it, as an identity map would have it.
 */
export function stitchCatalog(
  authorRows: readonly Record<string, unknown>[],
  bookRows: readonly Record<string, unknown>[],
  publisherRows: readonly Record<string, unknown>[],
  tagRows: readonly Record<string, unknown>[],
): CatalogAuthorRecord[] {
  const authors = new Map<number, CatalogAuthorRecord>();
  for (const r of authorRows) authors.set(r.id as number, { id: r.id as number, name: r.name as string, books: [] });
  const publishers = new Map<number, NamedRecord>();
  for (const r of publisherRows) publishers.set(r.id as number, { id: r.id as number, name: r.name as string });
  const books = new Map<number, CatalogBookRecord>();
  for (const r of bookRows) {
    const author = authors.get(r.author_id as number)!;
    const book: CatalogBookRecord = { id: r.id as number, title: r.title as string, pages: r.pages as number, author, publisher: publishers.get(r.publisher_id as number)!, tags: [] };
    author.books.push(book);
    books.set(book.id, book);
  }
  const tags = new Map<number, NamedRecord>();
  for (const r of tagRows) {
    let tag = tags.get(r.id as number);
    if (!tag) tags.set(r.id as number, (tag = { id: r.id as number, name: r.name as string }));
    books.get(r.book_id as number)!.tags.push(tag);
  }
  return [...authors.values()];
}

/** The distinct values of `key` over `rows`. */
export function distinct(rows: readonly Record<string, unknown>[], key: string): unknown[] {
  return [...new Set(rows.map((r) => r[key]))];
}

/** Splits `items` into slices of at most `size`. */
export function slices<T>(items: readonly T[], size: number): (readonly T[])[] {
  const out: (readonly T[])[] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** W8's rows, flattened: each book with its author's index, and each link with its book's index (keys are filled in as they come back). */
export function graphRows(graph: readonly GraphAuthorData[], seed: CatalogSeed): { authors: string[]; books: { title: string; pages: number; author: number; publisherId: number }[]; links: { book: number; tagId: number }[] } {
  const authors: string[] = [];
  const books: { title: string; pages: number; author: number; publisherId: number }[] = [];
  const links: { book: number; tagId: number }[] = [];
  graph.forEach((a, ai) => {
    authors.push(a.name);
    for (const b of a.books) {
      for (const t of b.tags) links.push({ book: books.length, tagId: seed.tagIds[t]! });
      books.push({ title: b.title, pages: b.pages, author: ai, publisherId: seed.publisherIds[b.publisher]! });
    }
  });
  return { authors, books, links };
}
