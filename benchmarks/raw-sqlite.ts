import type { Database, Statement } from 'better-sqlite3';
import type { CatalogSeed, GraphAuthorData, ItemData, ItemRecord, Store } from './fixtures.js';
import {
  CUSTOMER_SQL, distinct, FILM_SQL, graphRows, INVENTORY_SQL, ITEM_COLUMNS, RecordContender, RENTAL_SQL, slices, stitchAuthors, stitchCatalog, stitchRentals,
  type AuthorRecord, type CatalogAuthorRecord, type RentalRecord,
} from './raw-contender.js';

// Rows per statement, the fastest of a few sizes when measured. A CASE update compares each row with
// the WHEN list in turn (quadratic in the rows per statement): 100 rows take a fifth of the time of
// 1,000. (A prepared one-row statement run in a loop is faster still on SQLite; see README.md.)
const INSERT_ROWS = 1_000; // also W8's books and links
const UPDATE_ROWS = 100;
const DELETE_ROWS = 10_000;

/** `n` copies of `tuple` joined by `separator`. */
export function marks(n: number, tuple = '?', separator = ', '): string {
  return Array.from({ length: n }, () => tuple).join(separator);
}

export function itemRecord(r: Record<string, unknown>): ItemRecord {
  return { id: r.id as number, name: r.name as string, email: r.email as string, score: r.score as number, active: r.active === 1, createdAt: new Date(r.created_at as string) };
}

/** A datetime as joinery stores it on SQLite (ISO text), back to a Date. */
export const sqliteDate = (v: unknown): Date => new Date(v as string);

/**
 * SQLite through better-sqlite3 (synchronous; in-memory database): booleans as 0/1 and datetimes as
 * ISO text, converted the way an application would.
 */
export class RawSqlite extends RecordContender {
  readonly label = 'raw';
  readonly #selectOne: Statement;
  readonly #selectAll: Statement;

  constructor(
    readonly db: Database,
    readonly store: Store,
  ) {
    super();
    this.#selectOne = db.prepare(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ?`);
    this.#selectAll = db.prepare(`SELECT ${ITEM_COLUMNS} FROM items`);
  }

  protected async insertItems(data: readonly ItemData[]): Promise<ItemRecord[]> {
    const items: ItemRecord[] = data.map((d) => ({ id: 0, ...d }));
    this.db.transaction(() => {
      for (const part of slices(items, INSERT_ROWS)) {
        const params: unknown[] = [];
        for (const it of part) params.push(it.name, it.email, it.score, it.active ? 1 : 0, it.createdAt.toISOString());
        const rows = this.db
          .prepare(`INSERT INTO items (name, email, score, active, created_at) VALUES ${marks(part.length, '(?, ?, ?, ?, ?)')} RETURNING id`)
          .all(params) as { id: number }[];
        for (let i = 0; i < part.length; i++) part[i]!.id = rows[i]!.id;
      }
    })();
    return items;
  }

  protected async findItems(): Promise<ItemRecord[]> {
    return (this.#selectAll.all() as Record<string, unknown>[]).map(itemRecord);
  }

  protected async updateNames(items: readonly ItemRecord[]): Promise<void> {
    this.db.transaction(() => {
      for (const part of slices(items, UPDATE_ROWS)) {
        const params: unknown[] = [];
        for (const it of part) params.push(it.id, it.name);
        for (const it of part) params.push(it.id);
        this.db.prepare(`UPDATE items SET name = CASE id ${marks(part.length, 'WHEN ? THEN ?', ' ')} END WHERE id IN (${marks(part.length)})`).run(params);
      }
    })();
  }

  protected async deleteItems(ids: readonly number[]): Promise<void> {
    this.db.transaction(() => {
      for (const part of slices(ids, DELETE_ROWS)) this.db.prepare(`DELETE FROM items WHERE id IN (${marks(part.length)})`).run(part);
    })();
  }

  protected async findItem(id: number): Promise<ItemRecord | null> {
    const row = this.#selectOne.get(id) as Record<string, unknown> | undefined;
    return row ? itemRecord(row) : null;
  }

  protected async findAuthorsWithBooks(): Promise<AuthorRecord[]> {
    const authors = this.db.prepare('SELECT id, name FROM authors').all() as Record<string, unknown>[];
    const ids = authors.map((a) => a.id);
    const books = this.db.prepare(`SELECT id, title, pages, author_id FROM books WHERE author_id IN (${marks(ids.length)})`).all(ids) as Record<string, unknown>[];
    return stitchAuthors(authors, books);
  }

  protected async findCatalog(): Promise<CatalogAuthorRecord[]> {
    const all = (sql: string, params: readonly unknown[] = []) => this.db.prepare(sql).all(params) as Record<string, unknown>[];
    const authors = all('SELECT id, name FROM catalog_authors');
    const authorIds = authors.map((a) => a.id);
    const books = all(`SELECT id, title, pages, author_id, publisher_id FROM catalog_books WHERE author_id IN (${marks(authorIds.length)})`, authorIds);
    const publisherIds = distinct(books, 'publisher_id');
    const publishers = all(`SELECT id, name FROM publishers WHERE id IN (${marks(publisherIds.length)})`, publisherIds);
    const bookIds = books.map((b) => b.id);
    const tags = all(`SELECT bt.book_id, t.id, t.name FROM catalog_book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id IN (${marks(bookIds.length)})`, bookIds);
    return stitchCatalog(authors, books, publishers, tags);
  }

  protected async findRentals(): Promise<RentalRecord[]> {
    const all = (sql: string, params: readonly unknown[] = []) => this.db.prepare(sql).all(params) as Record<string, unknown>[];
    const rentals = all(RENTAL_SQL);
    const customerIds = distinct(rentals, 'customer_id');
    const customers = all(`${CUSTOMER_SQL} WHERE id IN (${marks(customerIds.length)})`, customerIds);
    const copyIds = distinct(rentals, 'inventory_id');
    const copies = all(`${INVENTORY_SQL} WHERE id IN (${marks(copyIds.length)})`, copyIds);
    const filmIds = distinct(copies, 'film_id');
    const films = all(`${FILM_SQL} WHERE id IN (${marks(filmIds.length)})`, filmIds);
    return stitchRentals(rentals, customers, copies, films, sqliteDate);
  }

  protected async insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void> {
    const { authors, books, links } = graphRows(graph, seed);
    this.db.transaction(() => {
      const authorIds = (this.db.prepare(`INSERT INTO catalog_authors (name) VALUES ${marks(authors.length, '(?)')} RETURNING id`).all(authors) as { id: number }[]).map((r) => r.id);
      const bookIds: number[] = [];
      for (const part of slices(books, INSERT_ROWS)) {
        const params: unknown[] = [];
        for (const b of part) params.push(b.title, b.pages, authorIds[b.author], b.publisherId);
        const rows = this.db.prepare(`INSERT INTO catalog_books (title, pages, author_id, publisher_id) VALUES ${marks(part.length, '(?, ?, ?, ?)')} RETURNING id`).all(params) as { id: number }[];
        for (const r of rows) bookIds.push(r.id);
      }
      for (const part of slices(links, INSERT_ROWS)) {
        const params: unknown[] = [];
        for (const l of part) params.push(bookIds[l.book], l.tagId);
        this.db.prepare(`INSERT INTO catalog_book_tags (book_id, tag_id) VALUES ${marks(part.length, '(?, ?)')}`).run(params);
      }
    })();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export function sqliteStore(db: Database): Store {
  return {
    dialect: 'sqlite',
    itemsSeeded: false,
    async exec(sql, params = []) {
      const stmt = db.prepare(sql);
      if (stmt.reader) return stmt.all(params as unknown[]) as Record<string, unknown>[];
      stmt.run(params as unknown[]);
      return [];
    },
  };
}
