import knexFactory, { type Knex } from 'knex';
import { dbValue, renamed, type BenchDialect, type CatalogSeed, type GraphAuthorData, type ItemData, type ItemRecord, type Store } from './fixtures.js';
import { distinct, graphRows, RecordContender, slices, stitchAuthors, stitchCatalog, stitchRentals, type AuthorRecord, type CatalogAuthorRecord, type RentalRecord } from './raw-contender.js';
import { sqliteDate } from './raw-sqlite.js';

// Rows per statement: the raw baseline's sizes for each dialect (see raw-*.ts), so both send the same
// statements, except SQLite inserts: knex writes a multi-row insert there as `SELECT ... UNION ALL
// SELECT ...`, and SQLite allows at most 500 terms in a compound SELECT.
const INSERT_ROWS: Record<BenchDialect, number> = { pg: 1_000, mysql: 5_000, sqlite: 500 };
const CASE_ROWS: Record<BenchDialect, number> = { pg: 10_000, mysql: 500, sqlite: 100 };
const ITEM_COLUMNS = ['id', 'name', 'email', 'score', 'active', 'created_at'];

/** The knex settings each dialect runs with: those of joinery's own connections (UTC sessions on MySQL). */
export function knexConfig(dialect: BenchDialect, pgUrl: string, mysqlUrl: string): Knex.Config {
  switch (dialect) {
    case 'pg':
      return { client: 'pg', connection: pgUrl, pool: { min: 0, max: 10 } };
    case 'mysql': {
      const url = new URL(mysqlUrl);
      return {
        client: 'mysql2',
        connection: {
          host: url.hostname,
          port: Number(url.port || 3306),
          user: decodeURIComponent(url.username || 'root'),
          password: decodeURIComponent(url.password),
          database: decodeURIComponent(url.pathname.replace(/^\//, '')),
          timezone: 'Z',
        },
        pool: {
          min: 0,
          max: 10,
          afterCreate: (conn: { query(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) =>
            conn.query("SET time_zone = '+00:00'", (err) => done(err, conn)),
        },
      };
    }
    case 'sqlite':
      return { client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true };
  }
}

/**
 * The query builder on the same connections: knex's own bulk shapes (multi-row `insert` with
 * `returning`, `whereIn` deletes and loads), and `knex.raw` only where the builder has no form for a
 * bulk update (pg: `UPDATE ... FROM (VALUES ...)`; others: `CASE` inside `update`).
 */
export class KnexContender extends RecordContender {
  readonly label = 'knex';
  readonly #dialect: BenchDialect;

  constructor(
    readonly knex: Knex,
    readonly store: Store,
  ) {
    super();
    this.#dialect = store.dialect;
  }

  #record(r: Record<string, unknown>): ItemRecord {
    const d = this.#dialect;
    return {
      id: r.id as number,
      name: r.name as string,
      email: r.email as string,
      score: r.score as number,
      active: d === 'pg' ? (r.active as boolean) : r.active === 1,
      createdAt: d === 'sqlite' ? new Date(r.created_at as string) : (r.created_at as Date),
    };
  }

  /** Inserts `rows` into `table`; the new keys in order (MySQL has no RETURNING: InnoDB's consecutive ids from the first). */
  async #insert(trx: Knex.Transaction, table: string, rows: readonly Record<string, unknown>[]): Promise<number[]> {
    if (this.#dialect === 'mysql') {
      const [first] = (await trx(table).insert(rows)) as number[];
      return rows.map((_, i) => first! + i);
    }
    const out = (await trx(table).insert(rows).returning('id')) as { id: number }[];
    return out.map((r) => r.id);
  }

  protected async insertItems(data: readonly ItemData[]): Promise<ItemRecord[]> {
    const d = this.#dialect;
    const items: ItemRecord[] = data.map((x) => ({ id: 0, ...x }));
    await this.knex.transaction(async (trx) => {
      for (const part of slices(items, INSERT_ROWS[d])) {
        const ids = await this.#insert(
          trx,
          'items',
          part.map((it) => ({ name: it.name, email: it.email, score: it.score, active: dbValue(d, it.active), created_at: dbValue(d, it.createdAt) })),
        );
        for (let i = 0; i < part.length; i++) part[i]!.id = ids[i]!;
      }
    });
    return items;
  }

  protected async findItems(): Promise<ItemRecord[]> {
    return ((await this.knex('items').select(ITEM_COLUMNS)) as Record<string, unknown>[]).map((r) => this.#record(r));
  }

  protected async updateNames(items: readonly ItemRecord[]): Promise<void> {
    const d = this.#dialect;
    await this.knex.transaction(async (trx) => {
      for (const part of slices(items, CASE_ROWS[d])) {
        const params: Knex.Value[] = [];
        for (const it of part) params.push(it.id, it.name);
        if (d === 'pg') {
          const values = part.map((_, i) => (i === 0 ? '(?::integer, ?::varchar)' : '(?, ?)')).join(', ');
          await trx.raw(`UPDATE items AS t SET name = v.name FROM (VALUES ${values}) AS v(id, name) WHERE t.id = v.id`, params);
        } else {
          await trx('items')
            .update({ name: trx.raw(`CASE id ${'WHEN ? THEN ? '.repeat(part.length)}END`, params) })
            .whereIn(
              'id',
              part.map((it) => it.id),
            );
        }
      }
    });
  }

  protected async deleteItems(ids: readonly number[]): Promise<void> {
    await this.knex.transaction(async (trx) => {
      await trx('items').whereIn('id', ids).del();
    });
  }

  protected async findItem(id: number): Promise<ItemRecord | null> {
    const row = (await this.knex('items').select(ITEM_COLUMNS).where('id', id).first()) as Record<string, unknown> | undefined;
    return row ? this.#record(row) : null;
  }

  protected async findAuthorsWithBooks(): Promise<AuthorRecord[]> {
    const authors = (await this.knex('authors').select('id', 'name')) as Record<string, unknown>[];
    const books = (await this.knex('books')
      .select('id', 'title', 'pages', 'author_id')
      .whereIn(
        'author_id',
        authors.map((a) => a.id as number),
      )) as Record<string, unknown>[];
    return stitchAuthors(authors, books);
  }

  protected async findCatalog(): Promise<CatalogAuthorRecord[]> {
    const k = this.knex;
    const authors = (await k('catalog_authors').select('id', 'name')) as Record<string, unknown>[];
    const books = (await k('catalog_books')
      .select('id', 'title', 'pages', 'author_id', 'publisher_id')
      .whereIn(
        'author_id',
        authors.map((a) => a.id as number),
      )) as Record<string, unknown>[];
    const publishers = (await k('publishers').select('id', 'name').whereIn('id', distinct(books, 'publisher_id') as number[])) as Record<string, unknown>[];
    const tags = (await k('catalog_book_tags as bt')
      .join('tags as t', 't.id', 'bt.tag_id')
      .select('bt.book_id', 't.id', 't.name')
      .whereIn(
        'bt.book_id',
        books.map((b) => b.id as number),
      )) as Record<string, unknown>[];
    return stitchCatalog(authors, books, publishers, tags);
  }

  protected async findRentals(): Promise<RentalRecord[]> {
    const k = this.knex;
    const rentals = (await k('rentals').select('id', 'rental_date', 'customer_id', 'inventory_id')) as Record<string, unknown>[];
    const customers = (await k('customers').select('id', 'first_name', 'last_name', 'email').whereIn('id', distinct(rentals, 'customer_id') as number[])) as Record<string, unknown>[];
    const copies = (await k('inventory').select('id', 'store_id', 'film_id').whereIn('id', distinct(rentals, 'inventory_id') as number[])) as Record<string, unknown>[];
    const films = (await k('films').select('id', 'title', 'length').whereIn('id', distinct(copies, 'film_id') as number[])) as Record<string, unknown>[];
    return stitchRentals(rentals, customers, copies, films, this.#dialect === 'sqlite' ? sqliteDate : undefined);
  }

  protected async insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void> {
    const { authors, books, links } = graphRows(graph, seed);
    const per = INSERT_ROWS[this.#dialect];
    await this.knex.transaction(async (trx) => {
      const authorIds = await this.#insert(
        trx,
        'catalog_authors',
        authors.map((name) => ({ name })),
      );
      const bookIds: number[] = [];
      for (const part of slices(books, per)) {
        bookIds.push(...(await this.#insert(trx, 'catalog_books', part.map((b) => ({ title: b.title, pages: b.pages, author_id: authorIds[b.author], publisher_id: b.publisherId })))));
      }
      for (const part of slices(links, per)) await trx('catalog_book_tags').insert(part.map((l) => ({ book_id: bookIds[l.book], tag_id: l.tagId })));
    });
  }

  close(): Promise<void> {
    return this.knex.destroy();
  }
}

/** Opens knex for a dialect (SQLite: its own in-memory database, created with `schemaSql`). */
export async function openKnex(dialect: BenchDialect, pgUrl: string, mysqlUrl: string, schemaSql?: string): Promise<Knex> {
  const knex = knexFactory(knexConfig(dialect, pgUrl, mysqlUrl));
  if (dialect === 'sqlite' && schemaSql) {
    // The one pooled connection of an in-memory database is the database: the DDL (several statements) goes to it directly.
    const db = (await knex.client.acquireConnection()) as { exec(sql: string): void; pragma(p: string): void };
    db.pragma('foreign_keys = ON');
    db.exec(schemaSql);
    await knex.client.releaseConnection(db);
  }
  return knex;
}

/** A Store through knex (`?` placeholders on every dialect). */
export function knexStore(knex: Knex, dialect: BenchDialect): Store {
  return {
    dialect,
    itemsSeeded: false,
    async exec(sql, params = []) {
      const res: unknown = await knex.raw(sql, params as Knex.RawBinding[]);
      if (dialect === 'pg') return (res as { rows: Record<string, unknown>[] }).rows;
      if (dialect === 'mysql') {
        const rows = (res as unknown[])[0];
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      }
      return Array.isArray(res) ? (res as Record<string, unknown>[]) : [];
    },
  };
}
