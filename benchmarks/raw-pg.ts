import pg from 'pg';
import type { CatalogSeed, GraphAuthorData, ItemData, ItemRecord, Store } from './fixtures.js';
import {
  CUSTOMER_SQL, distinct, FILM_SQL, graphRows, INVENTORY_SQL, ITEM_COLUMNS, RecordContender, RENTAL_SQL, slices, stitchAuthors, stitchCatalog, stitchRentals,
  type AuthorRecord, type CatalogAuthorRecord, type RentalRecord,
} from './raw-contender.js';

// Rows per statement, the fastest of 500–10,000 when measured: an INSERT of 10,000 rows (50,000
// parameters) is slower than ten of 1,000; the UPDATE ... FROM (VALUES ...) is fastest in one piece.
const INSERT_ROWS = 1_000;
const UPDATE_ROWS = 10_000;
// W8's 6,000 two-column links in one statement (12,000 parameters).
const LINK_ROWS = 10_000;

/** `$1, $2, ...` tuples of `width` for `rows` rows. */
export function tuples(rows: number, width: number, first?: readonly string[]): string {
  const out: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < width; c++) cells.push(r === 0 && first?.[c] ? `$${++n}::${first[c]}` : `$${++n}`);
    out.push(`(${cells.join(', ')})`);
  }
  return out.join(', ');
}

export function itemRecord(r: Record<string, unknown>): ItemRecord {
  return { id: r.id as number, name: r.name as string, email: r.email as string, score: r.score as number, active: r.active as boolean, createdAt: r.created_at as Date };
}

/** PostgreSQL through node-postgres: a pg.Pool, the driver's default type parsing. */
export class RawPg extends RecordContender {
  readonly label = 'raw';
  constructor(
    readonly pool: pg.Pool,
    readonly store: Store,
  ) {
    super();
  }

  async #transaction(fn: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await fn(client);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  }

  protected async insertItems(data: readonly ItemData[]): Promise<ItemRecord[]> {
    const items: ItemRecord[] = data.map((d) => ({ id: 0, ...d }));
    await this.#transaction(async (client) => {
      for (const part of slices(items, INSERT_ROWS)) {
        const sql = `INSERT INTO items (name, email, score, active, created_at) VALUES ${tuples(part.length, 5)} RETURNING id`;
        const params: unknown[] = [];
        for (const it of part) params.push(it.name, it.email, it.score, it.active, it.createdAt);
        const { rows } = await client.query<{ id: number }>(sql, params);
        for (let i = 0; i < part.length; i++) part[i]!.id = rows[i]!.id;
      }
    });
    return items;
  }

  protected async findItems(): Promise<ItemRecord[]> {
    const { rows } = await this.pool.query(`SELECT ${ITEM_COLUMNS} FROM items`);
    return rows.map(itemRecord);
  }

  protected async updateNames(items: readonly ItemRecord[]): Promise<void> {
    await this.#transaction(async (client) => {
      for (const part of slices(items, UPDATE_ROWS)) {
        const sql = `UPDATE items AS t SET name = v.name FROM (VALUES ${tuples(part.length, 2, ['integer', 'varchar'])}) AS v(id, name) WHERE t.id = v.id`;
        const params: unknown[] = [];
        for (const it of part) params.push(it.id, it.name);
        await client.query(sql, params);
      }
    });
  }

  protected async deleteItems(ids: readonly number[]): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query('DELETE FROM items WHERE id = ANY($1::integer[])', [ids]);
    });
  }

  protected async findItem(id: number): Promise<ItemRecord | null> {
    const { rows } = await this.pool.query(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = $1`, [id]);
    return rows.length ? itemRecord(rows[0]) : null;
  }

  protected async findAuthorsWithBooks(): Promise<AuthorRecord[]> {
    const authors = (await this.pool.query('SELECT id, name FROM authors')).rows;
    const books = (await this.pool.query('SELECT id, title, pages, author_id FROM books WHERE author_id = ANY($1::integer[])', [authors.map((a) => a.id)])).rows;
    return stitchAuthors(authors, books);
  }

  protected async findCatalog(): Promise<CatalogAuthorRecord[]> {
    const authors = (await this.pool.query('SELECT id, name FROM catalog_authors')).rows;
    const books = (await this.pool.query('SELECT id, title, pages, author_id, publisher_id FROM catalog_books WHERE author_id = ANY($1::integer[])', [authors.map((a) => a.id)])).rows;
    const publishers = (await this.pool.query('SELECT id, name FROM publishers WHERE id = ANY($1::integer[])', [distinct(books, 'publisher_id')])).rows;
    const tags = (
      await this.pool.query('SELECT bt.book_id, t.id, t.name FROM catalog_book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = ANY($1::integer[])', [books.map((b) => b.id)])
    ).rows;
    return stitchCatalog(authors, books, publishers, tags);
  }

  protected async findRentals(): Promise<RentalRecord[]> {
    const rentals = (await this.pool.query(RENTAL_SQL)).rows;
    const customers = (await this.pool.query(`${CUSTOMER_SQL} WHERE id = ANY($1::integer[])`, [distinct(rentals, 'customer_id')])).rows;
    const copies = (await this.pool.query(`${INVENTORY_SQL} WHERE id = ANY($1::integer[])`, [distinct(rentals, 'inventory_id')])).rows;
    const films = (await this.pool.query(`${FILM_SQL} WHERE id = ANY($1::integer[])`, [distinct(copies, 'film_id')])).rows;
    return stitchRentals(rentals, customers, copies, films);
  }

  protected async insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void> {
    const { authors, books, links } = graphRows(graph, seed);
    await this.#transaction(async (client) => {
      const authorIds = (await client.query<{ id: number }>(`INSERT INTO catalog_authors (name) VALUES ${tuples(authors.length, 1)} RETURNING id`, authors)).rows.map((r) => r.id);
      const bookIds: number[] = [];
      for (const part of slices(books, INSERT_ROWS)) {
        const params: unknown[] = [];
        for (const b of part) params.push(b.title, b.pages, authorIds[b.author], b.publisherId);
        const { rows } = await client.query<{ id: number }>(`INSERT INTO catalog_books (title, pages, author_id, publisher_id) VALUES ${tuples(part.length, 4)} RETURNING id`, params);
        for (const r of rows) bookIds.push(r.id);
      }
      for (const part of slices(links, LINK_ROWS)) {
        const params: unknown[] = [];
        for (const l of part) params.push(bookIds[l.book], l.tagId);
        await client.query(`INSERT INTO catalog_book_tags (book_id, tag_id) VALUES ${tuples(part.length, 2)}`, params);
      }
    });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** A Store on a pg pool (`?` placeholders numbered here). */
export function pgStore(pool: pg.Pool): Store {
  return {
    dialect: 'pg',
    itemsSeeded: false,
    async exec(sql, params = []) {
      let n = 0;
      return (await pool.query(sql.replace(/\?/g, () => `$${++n}`), params as unknown[])).rows;
    },
  };
}
