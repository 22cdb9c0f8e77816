import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { CatalogSeed, GraphAuthorData, ItemData, ItemRecord, Store } from './fixtures.js';
import {
  CUSTOMER_SQL, distinct, FILM_SQL, graphRows, INVENTORY_SQL, ITEM_COLUMNS, RecordContender, RENTAL_SQL, slices, stitchAuthors, stitchCatalog, stitchRentals,
  type AuthorRecord, type CatalogAuthorRecord, type RentalRecord,
} from './raw-contender.js';
import { itemRecord, marks } from './raw-mysql.js';

// The unprepared baseline's sizes (raw-mysql.ts): all of them stay under the 65,535 placeholders a
// prepared statement may have.
const INSERT_ROWS = 5_000;
const UPDATE_ROWS = 500;
const DELETE_ROWS = 10_000;

/** What `execute` takes as its values (mysql2 does not export the type by name). */
type Values = NonNullable<Parameters<Connection['execute']>[1]>;

/**
 * MySQL / MariaDB with server-side prepared statements: mysql2's `execute` (the binary protocol;
 * mysql2 prepares each distinct text once per connection and keeps it) on one dedicated connection,
 * `timezone: 'Z'` and a UTC session as the others. The statements are the unprepared baseline's.
 */
export class RawPreparedMysql extends RecordContender {
  readonly label = 'raw-prepared';
  constructor(
    readonly conn: Connection,
    readonly store: Store,
  ) {
    super();
  }

  async #rows(sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
    return (await this.conn.execute<RowDataPacket[]>(sql, params as Values))[0];
  }

  async #write(sql: string, params: unknown[]): Promise<ResultSetHeader> {
    return (await this.conn.execute<ResultSetHeader>(sql, params as Values))[0];
  }

  async #transaction(fn: () => Promise<void>): Promise<void> {
    await this.conn.beginTransaction();
    try {
      await fn();
      await this.conn.commit();
    } catch (e) {
      await this.conn.rollback();
      throw e;
    }
  }

  protected async insertItems(data: readonly ItemData[]): Promise<ItemRecord[]> {
    const items: ItemRecord[] = data.map((d) => ({ id: 0, ...d }));
    await this.#transaction(async () => {
      for (const part of slices(items, INSERT_ROWS)) {
        const params: unknown[] = [];
        for (const it of part) params.push(it.name, it.email, it.score, it.active, it.createdAt);
        const res = await this.#write(`INSERT INTO items (name, email, score, active, created_at) VALUES ${marks(part.length, '(?, ?, ?, ?, ?)')}`, params);
        // InnoDB hands a multi-row INSERT consecutive ids starting at insertId.
        for (let i = 0; i < part.length; i++) part[i]!.id = res.insertId + i;
      }
    });
    return items;
  }

  protected async findItems(): Promise<ItemRecord[]> {
    return (await this.#rows(`SELECT ${ITEM_COLUMNS} FROM items`)).map(itemRecord);
  }

  protected async updateNames(items: readonly ItemRecord[]): Promise<void> {
    await this.#transaction(async () => {
      for (const part of slices(items, UPDATE_ROWS)) {
        const params: unknown[] = [];
        for (const it of part) params.push(it.id, it.name);
        for (const it of part) params.push(it.id);
        await this.#write(`UPDATE items SET name = CASE id ${marks(part.length, 'WHEN ? THEN ?', ' ')} END WHERE id IN (${marks(part.length)})`, params);
      }
    });
  }

  protected async deleteItems(ids: readonly number[]): Promise<void> {
    await this.#transaction(async () => {
      for (const part of slices(ids, DELETE_ROWS)) await this.#write(`DELETE FROM items WHERE id IN (${marks(part.length)})`, [...part]);
    });
  }

  protected async findItem(id: number): Promise<ItemRecord | null> {
    const rows = await this.#rows(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ?`, [id]);
    return rows.length ? itemRecord(rows[0]!) : null;
  }

  protected async findAuthorsWithBooks(): Promise<AuthorRecord[]> {
    const authors = await this.#rows('SELECT id, name FROM authors');
    const ids = authors.map((a) => a.id as number);
    const books = await this.#rows(`SELECT id, title, pages, author_id FROM books WHERE author_id IN (${marks(ids.length)})`, ids);
    return stitchAuthors(authors, books);
  }

  protected async findCatalog(): Promise<CatalogAuthorRecord[]> {
    const authors = await this.#rows('SELECT id, name FROM catalog_authors');
    const authorIds = authors.map((a) => a.id as number);
    const books = await this.#rows(`SELECT id, title, pages, author_id, publisher_id FROM catalog_books WHERE author_id IN (${marks(authorIds.length)})`, authorIds);
    const publisherIds = distinct(books, 'publisher_id');
    const publishers = await this.#rows(`SELECT id, name FROM publishers WHERE id IN (${marks(publisherIds.length)})`, publisherIds);
    const bookIds = books.map((b) => b.id as number);
    const tags = await this.#rows(`SELECT bt.book_id, t.id, t.name FROM catalog_book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id IN (${marks(bookIds.length)})`, bookIds);
    return stitchCatalog(authors, books, publishers, tags);
  }

  protected async findRentals(): Promise<RentalRecord[]> {
    const rentals = await this.#rows(RENTAL_SQL);
    const customerIds = distinct(rentals, 'customer_id');
    const customers = await this.#rows(`${CUSTOMER_SQL} WHERE id IN (${marks(customerIds.length)})`, customerIds);
    const copyIds = distinct(rentals, 'inventory_id');
    const copies = await this.#rows(`${INVENTORY_SQL} WHERE id IN (${marks(copyIds.length)})`, copyIds);
    const filmIds = distinct(copies, 'film_id');
    const films = await this.#rows(`${FILM_SQL} WHERE id IN (${marks(filmIds.length)})`, filmIds);
    return stitchRentals(rentals, customers, copies, films);
  }

  protected async insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void> {
    const { authors, books, links } = graphRows(graph, seed);
    await this.#transaction(async () => {
      const a = await this.#write(`INSERT INTO catalog_authors (name) VALUES ${marks(authors.length, '(?)')}`, authors);
      const bookIds: number[] = [];
      for (const part of slices(books, INSERT_ROWS)) {
        const params: unknown[] = [];
        for (const b of part) params.push(b.title, b.pages, a.insertId + b.author, b.publisherId);
        const res = await this.#write(`INSERT INTO catalog_books (title, pages, author_id, publisher_id) VALUES ${marks(part.length, '(?, ?, ?, ?)')}`, params);
        for (let i = 0; i < part.length; i++) bookIds.push(res.insertId + i);
      }
      for (const part of slices(links, INSERT_ROWS)) {
        const params: unknown[] = [];
        for (const l of part) params.push(bookIds[l.book], l.tagId);
        await this.#write(`INSERT INTO catalog_book_tags (book_id, tag_id) VALUES ${marks(part.length, '(?, ?)')}`, params);
      }
    });
  }

  close(): Promise<void> {
    return this.conn.end();
  }
}
