import type { Database, Statement } from 'better-sqlite3';
import type { CatalogSeed, GraphAuthorData, ItemData, ItemRecord, Store } from './fixtures.js';
import {
  CUSTOMER_SQL, distinct, FILM_SQL, graphRows, INVENTORY_SQL, ITEM_COLUMNS, RecordContender, RENTAL_SQL, stitchAuthors, stitchCatalog, stitchRentals,
  type AuthorRecord, type CatalogAuthorRecord, type RentalRecord,
} from './raw-contender.js';
import { itemRecord, marks, sqliteDate } from './raw-sqlite.js';

/**
 * SQLite through better-sqlite3 with every statement prepared once and reused (kept by its text),
 * and the writes in SQLite's fastest form: a one-row statement run for each row inside one
 * transaction (in-process, a run costs no round trip, and SQLite need not parse a statement of
 * thousands of terms or compare each row with a CASE list).
 */
export class RawPreparedSqlite extends RecordContender {
  readonly label = 'raw-prepared';
  readonly #statements = new Map<string, Statement>();

  constructor(
    readonly db: Database,
    readonly store: Store,
  ) {
    super();
  }

  #stmt(sql: string): Statement {
    let s = this.#statements.get(sql);
    if (!s) this.#statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  #all(sql: string, params: readonly unknown[] = []): Record<string, unknown>[] {
    return this.#stmt(sql).all(params) as Record<string, unknown>[];
  }

  protected async insertItems(data: readonly ItemData[]): Promise<ItemRecord[]> {
    const items: ItemRecord[] = data.map((d) => ({ id: 0, ...d }));
    const insert = this.#stmt('INSERT INTO items (name, email, score, active, created_at) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const it of items) it.id = Number(insert.run(it.name, it.email, it.score, it.active ? 1 : 0, it.createdAt.toISOString()).lastInsertRowid);
    })();
    return items;
  }

  protected async findItems(): Promise<ItemRecord[]> {
    return this.#all(`SELECT ${ITEM_COLUMNS} FROM items`).map(itemRecord);
  }

  protected async updateNames(items: readonly ItemRecord[]): Promise<void> {
    const update = this.#stmt('UPDATE items SET name = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const it of items) update.run(it.name, it.id);
    })();
  }

  protected async deleteItems(ids: readonly number[]): Promise<void> {
    const del = this.#stmt('DELETE FROM items WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) del.run(id);
    })();
  }

  protected async findItem(id: number): Promise<ItemRecord | null> {
    const row = this.#stmt(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
    return row ? itemRecord(row) : null;
  }

  protected async findAuthorsWithBooks(): Promise<AuthorRecord[]> {
    const authors = this.#all('SELECT id, name FROM authors');
    const ids = authors.map((a) => a.id);
    return stitchAuthors(authors, this.#all(`SELECT id, title, pages, author_id FROM books WHERE author_id IN (${marks(ids.length)})`, ids));
  }

  protected async findCatalog(): Promise<CatalogAuthorRecord[]> {
    const authors = this.#all('SELECT id, name FROM catalog_authors');
    const authorIds = authors.map((a) => a.id);
    const books = this.#all(`SELECT id, title, pages, author_id, publisher_id FROM catalog_books WHERE author_id IN (${marks(authorIds.length)})`, authorIds);
    const publisherIds = distinct(books, 'publisher_id');
    const publishers = this.#all(`SELECT id, name FROM publishers WHERE id IN (${marks(publisherIds.length)})`, publisherIds);
    const bookIds = books.map((b) => b.id);
    const tags = this.#all(`SELECT bt.book_id, t.id, t.name FROM catalog_book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id IN (${marks(bookIds.length)})`, bookIds);
    return stitchCatalog(authors, books, publishers, tags);
  }

  protected async findRentals(): Promise<RentalRecord[]> {
    const rentals = this.#all(RENTAL_SQL);
    const customerIds = distinct(rentals, 'customer_id');
    const customers = this.#all(`${CUSTOMER_SQL} WHERE id IN (${marks(customerIds.length)})`, customerIds);
    const copyIds = distinct(rentals, 'inventory_id');
    const copies = this.#all(`${INVENTORY_SQL} WHERE id IN (${marks(copyIds.length)})`, copyIds);
    const filmIds = distinct(copies, 'film_id');
    const films = this.#all(`${FILM_SQL} WHERE id IN (${marks(filmIds.length)})`, filmIds);
    return stitchRentals(rentals, customers, copies, films, sqliteDate);
  }

  protected async insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void> {
    const { authors, books, links } = graphRows(graph, seed);
    const insertAuthor = this.#stmt('INSERT INTO catalog_authors (name) VALUES (?)');
    const insertBook = this.#stmt('INSERT INTO catalog_books (title, pages, author_id, publisher_id) VALUES (?, ?, ?, ?)');
    const insertLink = this.#stmt('INSERT INTO catalog_book_tags (book_id, tag_id) VALUES (?, ?)');
    this.db.transaction(() => {
      const authorIds = authors.map((name) => insertAuthor.run(name).lastInsertRowid);
      const bookIds = books.map((b) => insertBook.run(b.title, b.pages, authorIds[b.author], b.publisherId).lastInsertRowid);
      for (const l of links) insertLink.run(bookIds[l.book], l.tagId);
    })();
  }

  async close(): Promise<void> {
    // The database is the unprepared baseline's too (it closes it).
  }
}
