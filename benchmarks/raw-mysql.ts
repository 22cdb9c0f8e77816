import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { CatalogSeed, GraphAuthorData, ItemData, ItemRecord, Store } from './fixtures.js';
import {
  CUSTOMER_SQL, distinct, FILM_SQL, graphRows, INVENTORY_SQL, ITEM_COLUMNS, RecordContender, RENTAL_SQL, slices, stitchAuthors, stitchCatalog, stitchRentals,
  type AuthorRecord, type CatalogAuthorRecord, type RentalRecord,
} from './raw-contender.js';

// Rows per statement, the fastest of a few sizes when measured. A CASE update compares each row
// with the WHEN list in turn (quadratic in the rows per statement), so it is kept short.
const INSERT_ROWS = 5_000; // also W8's books and links
const UPDATE_ROWS = 500;
const DELETE_ROWS = 10_000;

/** `n` copies of `tuple` joined by `separator`. */
export function marks(n: number, tuple = '?', separator = ', '): string {
  return Array.from({ length: n }, () => tuple).join(separator);
}

export function itemRecord(r: RowDataPacket): ItemRecord {
  return { id: r.id as number, name: r.name as string, email: r.email as string, score: r.score as number, active: r.active === 1, createdAt: r.created_at as Date };
}

/**
 * MySQL / MariaDB through mysql2/promise: a pool, `query` (values escaped into the text, as knex
 * does), `timezone: 'Z'`.
 */
export class RawMysql extends RecordContender {
  readonly label = 'raw';
  constructor(
    readonly pool: Pool,
    readonly store: Store,
  ) {
    super();
  }

  async #transaction(fn: (conn: PoolConnection) => Promise<void>): Promise<void> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      await fn(conn);
      await conn.commit();
    } catch (e) {
      await conn.rollback();
      throw e;
    } finally {
      conn.release();
    }
  }

  protected async insertItems(data: readonly ItemData[]): Promise<ItemRecord[]> {
    const items: ItemRecord[] = data.map((d) => ({ id: 0, ...d }));
    await this.#transaction(async (conn) => {
      for (const part of slices(items, INSERT_ROWS)) {
        const params: unknown[] = [];
        for (const it of part) params.push(it.name, it.email, it.score, it.active, it.createdAt);
        const [res] = await conn.query<ResultSetHeader>(`INSERT INTO items (name, email, score, active, created_at) VALUES ${marks(part.length, '(?, ?, ?, ?, ?)')}`, params);
        // InnoDB hands a multi-row INSERT consecutive ids starting at insertId.
        for (let i = 0; i < part.length; i++) part[i]!.id = res.insertId + i;
      }
    });
    return items;
  }

  protected async findItems(): Promise<ItemRecord[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${ITEM_COLUMNS} FROM items`);
    return rows.map(itemRecord);
  }

  protected async updateNames(items: readonly ItemRecord[]): Promise<void> {
    await this.#transaction(async (conn) => {
      for (const part of slices(items, UPDATE_ROWS)) {
        const params: unknown[] = [];
        for (const it of part) params.push(it.id, it.name);
        for (const it of part) params.push(it.id);
        await conn.query(`UPDATE items SET name = CASE id ${marks(part.length, 'WHEN ? THEN ?', ' ')} END WHERE id IN (${marks(part.length)})`, params);
      }
    });
  }

  protected async deleteItems(ids: readonly number[]): Promise<void> {
    await this.#transaction(async (conn) => {
      for (const part of slices(ids, DELETE_ROWS)) await conn.query(`DELETE FROM items WHERE id IN (${marks(part.length)})`, [...part]);
    });
  }

  protected async findItem(id: number): Promise<ItemRecord | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ?`, [id]);
    return rows.length ? itemRecord(rows[0]!) : null;
  }

  protected async findAuthorsWithBooks(): Promise<AuthorRecord[]> {
    const [authors] = await this.pool.query<RowDataPacket[]>('SELECT id, name FROM authors');
    const ids = authors.map((a) => a.id as number);
    const [books] = await this.pool.query<RowDataPacket[]>(`SELECT id, title, pages, author_id FROM books WHERE author_id IN (${marks(ids.length)})`, ids);
    return stitchAuthors(authors, books);
  }

  protected async findCatalog(): Promise<CatalogAuthorRecord[]> {
    const [authors] = await this.pool.query<RowDataPacket[]>('SELECT id, name FROM catalog_authors');
    const authorIds = authors.map((a) => a.id as number);
    const [books] = await this.pool.query<RowDataPacket[]>(`SELECT id, title, pages, author_id, publisher_id FROM catalog_books WHERE author_id IN (${marks(authorIds.length)})`, authorIds);
    const publisherIds = distinct(books, 'publisher_id');
    const [publishers] = await this.pool.query<RowDataPacket[]>(`SELECT id, name FROM publishers WHERE id IN (${marks(publisherIds.length)})`, publisherIds);
    const bookIds = books.map((b) => b.id as number);
    const [tags] = await this.pool.query<RowDataPacket[]>(
      `SELECT bt.book_id, t.id, t.name FROM catalog_book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id IN (${marks(bookIds.length)})`,
      bookIds,
    );
    return stitchCatalog(authors, books, publishers, tags);
  }

  protected async findRentals(): Promise<RentalRecord[]> {
    const [rentals] = await this.pool.query<RowDataPacket[]>(RENTAL_SQL);
    const customerIds = distinct(rentals, 'customer_id');
    const [customers] = await this.pool.query<RowDataPacket[]>(`${CUSTOMER_SQL} WHERE id IN (${marks(customerIds.length)})`, customerIds);
    const copyIds = distinct(rentals, 'inventory_id');
    const [copies] = await this.pool.query<RowDataPacket[]>(`${INVENTORY_SQL} WHERE id IN (${marks(copyIds.length)})`, copyIds);
    const filmIds = distinct(copies, 'film_id');
    const [films] = await this.pool.query<RowDataPacket[]>(`${FILM_SQL} WHERE id IN (${marks(filmIds.length)})`, filmIds);
    return stitchRentals(rentals, customers, copies, films);
  }

  protected async insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void> {
    const { authors, books, links } = graphRows(graph, seed);
    await this.#transaction(async (conn) => {
      // InnoDB hands a multi-row INSERT consecutive ids starting at insertId.
      const [a] = await conn.query<ResultSetHeader>(`INSERT INTO catalog_authors (name) VALUES ${marks(authors.length, '(?)')}`, authors);
      const bookIds: number[] = [];
      for (const part of slices(books, INSERT_ROWS)) {
        const params: unknown[] = [];
        for (const b of part) params.push(b.title, b.pages, a.insertId + b.author, b.publisherId);
        const [res] = await conn.query<ResultSetHeader>(`INSERT INTO catalog_books (title, pages, author_id, publisher_id) VALUES ${marks(part.length, '(?, ?, ?, ?)')}`, params);
        for (let i = 0; i < part.length; i++) bookIds.push(res.insertId + i);
      }
      for (const part of slices(links, INSERT_ROWS)) {
        const params: unknown[] = [];
        for (const l of part) params.push(bookIds[l.book], l.tagId);
        await conn.query(`INSERT INTO catalog_book_tags (book_id, tag_id) VALUES ${marks(part.length, '(?, ?)')}`, params);
      }
    });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export function mysqlStore(pool: Pool): Store {
  return {
    dialect: 'mysql',
    itemsSeeded: false,
    async exec(sql, params = []) {
      const [rows] = await pool.query(sql, params as unknown[]);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    },
  };
}
