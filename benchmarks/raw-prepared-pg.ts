import type pg from 'pg';
import type { CatalogSeed, GraphAuthorData, ItemData, ItemRecord, Store } from './fixtures.js';
import {
  CUSTOMER_SQL, distinct, FILM_SQL, graphRows, INVENTORY_SQL, ITEM_COLUMNS, RecordContender, RENTAL_SQL, stitchAuthors, stitchCatalog, stitchRentals,
  type AuthorRecord, type CatalogAuthorRecord, type RentalRecord,
} from './raw-contender.js';
import { itemRecord } from './raw-pg.js';

/**
 * PostgreSQL with named (server-side prepared) statements, `{ name, text, values }`, on one
 * dedicated connection: each statement is parsed and planned once per connection and then only
 * bound and executed. A named statement's text cannot change, so the bulk writes pass one array
 * per column and `unnest` them (one statement for any number of rows) where the unprepared
 * baseline writes `VALUES` tuples.
 */
export class RawPreparedPg extends RecordContender {
  readonly label = 'raw-prepared';
  constructor(
    readonly client: pg.Client,
    readonly store: Store,
  ) {
    super();
  }

  async #query<R extends pg.QueryResultRow = Record<string, unknown>>(name: string, text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.client.query<R>({ name, text, values })).rows;
  }

  async #transaction(fn: () => Promise<void>): Promise<void> {
    await this.client.query('BEGIN');
    try {
      await fn();
      await this.client.query('COMMIT');
    } catch (e) {
      await this.client.query('ROLLBACK');
      throw e;
    }
  }

  protected async insertItems(data: readonly ItemData[]): Promise<ItemRecord[]> {
    const items: ItemRecord[] = data.map((d) => ({ id: 0, ...d }));
    const n = items.length;
    const names = new Array<string>(n), emails = new Array<string>(n), scores = new Array<number>(n), active = new Array<boolean>(n), created = new Array<Date>(n);
    for (let i = 0; i < n; i++) {
      const it = items[i]!;
      names[i] = it.name;
      emails[i] = it.email;
      scores[i] = it.score;
      active[i] = it.active;
      created[i] = it.createdAt;
    }
    await this.#transaction(async () => {
      const rows = await this.#query<{ id: number }>(
        'w1-insert',
        'INSERT INTO items (name, email, score, active, created_at) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::integer[], $4::boolean[], $5::timestamptz[]) RETURNING id',
        [names, emails, scores, active, created],
      );
      for (let i = 0; i < n; i++) items[i]!.id = rows[i]!.id;
    });
    return items;
  }

  protected async findItems(): Promise<ItemRecord[]> {
    return (await this.#query('items-all', `SELECT ${ITEM_COLUMNS} FROM items`)).map(itemRecord);
  }

  protected async updateNames(items: readonly ItemRecord[]): Promise<void> {
    await this.#transaction(async () => {
      await this.#query('w3-update', 'UPDATE items AS t SET name = v.name FROM unnest($1::integer[], $2::varchar[]) AS v(id, name) WHERE t.id = v.id', [
        items.map((it) => it.id),
        items.map((it) => it.name),
      ]);
    });
  }

  protected async deleteItems(ids: readonly number[]): Promise<void> {
    await this.#transaction(async () => {
      await this.#query('w4-delete', 'DELETE FROM items WHERE id = ANY($1::integer[])', [ids]);
    });
  }

  protected async findItem(id: number): Promise<ItemRecord | null> {
    const rows = await this.#query('w5-item', `SELECT ${ITEM_COLUMNS} FROM items WHERE id = $1`, [id]);
    return rows.length ? itemRecord(rows[0]!) : null;
  }

  protected async findAuthorsWithBooks(): Promise<AuthorRecord[]> {
    const authors = await this.#query('w6-authors', 'SELECT id, name FROM authors');
    const books = await this.#query('w6-books', 'SELECT id, title, pages, author_id FROM books WHERE author_id = ANY($1::integer[])', [authors.map((a) => a.id)]);
    return stitchAuthors(authors, books);
  }

  protected async findCatalog(): Promise<CatalogAuthorRecord[]> {
    const authors = await this.#query('w7-authors', 'SELECT id, name FROM catalog_authors');
    const books = await this.#query('w7-books', 'SELECT id, title, pages, author_id, publisher_id FROM catalog_books WHERE author_id = ANY($1::integer[])', [authors.map((a) => a.id)]);
    const publishers = await this.#query('w7-publishers', 'SELECT id, name FROM publishers WHERE id = ANY($1::integer[])', [distinct(books, 'publisher_id')]);
    const tags = await this.#query(
      'w7-tags',
      'SELECT bt.book_id, t.id, t.name FROM catalog_book_tags bt JOIN tags t ON t.id = bt.tag_id WHERE bt.book_id = ANY($1::integer[])',
      [books.map((b) => b.id)],
    );
    return stitchCatalog(authors, books, publishers, tags);
  }

  protected async findRentals(): Promise<RentalRecord[]> {
    const rentals = await this.#query('w9-rentals', RENTAL_SQL);
    const customers = await this.#query('w9-customers', `${CUSTOMER_SQL} WHERE id = ANY($1::integer[])`, [distinct(rentals, 'customer_id')]);
    const copies = await this.#query('w9-inventory', `${INVENTORY_SQL} WHERE id = ANY($1::integer[])`, [distinct(rentals, 'inventory_id')]);
    const films = await this.#query('w9-films', `${FILM_SQL} WHERE id = ANY($1::integer[])`, [distinct(copies, 'film_id')]);
    return stitchRentals(rentals, customers, copies, films);
  }

  protected async insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void> {
    const { authors, books, links } = graphRows(graph, seed);
    await this.#transaction(async () => {
      const authorIds = (await this.#query<{ id: number }>('w8-authors', 'INSERT INTO catalog_authors (name) SELECT * FROM unnest($1::varchar[]) RETURNING id', [authors])).map((r) => r.id);
      const bookRows = await this.#query<{ id: number }>(
        'w8-books',
        'INSERT INTO catalog_books (title, pages, author_id, publisher_id) SELECT * FROM unnest($1::varchar[], $2::integer[], $3::integer[], $4::integer[]) RETURNING id',
        [books.map((b) => b.title), books.map((b) => b.pages), books.map((b) => authorIds[b.author]), books.map((b) => b.publisherId)],
      );
      await this.#query('w8-links', 'INSERT INTO catalog_book_tags (book_id, tag_id) SELECT * FROM unnest($1::integer[], $2::integer[])', [
        links.map((l) => bookRows[l.book]!.id),
        links.map((l) => l.tagId),
      ]);
    });
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
