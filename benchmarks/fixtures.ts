// Data every contender starts from, and the SQL-level helpers that set it up and check results.
// Nothing here is timed.

export type BenchDialect = 'pg' | 'mysql' | 'sqlite';

export const ITEMS = 10_000;
export const LOOKUPS = 2_000;
export const AUTHORS = 1_000;
export const BOOKS_PER_AUTHOR = 10;

/** Untimed SQL access to one database, `?` placeholders on every dialect. */
export interface Store {
  readonly dialect: BenchDialect;
  exec(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Whether `items` holds exactly the seeded rows (so W2 and W5 can skip reseeding). */
  itemsSeeded: boolean;
  /** The W7 catalogue as seeded (W8 adds to the same tables and removes what it added). */
  catalog?: CatalogSeed;
  /** W9: each seeded rental's key with its customer's email and its film's title, `email|title`. */
  rentals?: Map<number, string>;
}

/** One row of `items` as the workloads create it (no key yet). */
export interface ItemData {
  name: string;
  email: string;
  score: number;
  active: boolean;
  createdAt: Date;
}

/** A loaded item, as the raw baselines build it (the same JS types joinery gives). */
export interface ItemRecord extends ItemData {
  id: number;
}

const EPOCH = Date.UTC(2024, 0, 1);

export function itemData(i: number): ItemData {
  return {
    name: `item ${i}`,
    email: `user${i}@example.com`,
    score: (i * 7919) % 1000,
    active: i % 2 === 0,
    createdAt: new Date(EPOCH + i * 61_000),
  };
}

export function allItemData(): ItemData[] {
  return Array.from({ length: ITEMS }, (_, i) => itemData(i));
}

/** The new name W3 gives an item. */
export function renamed(id: number): string {
  return `renamed ${id}`;
}

/** A parameter as the database stores it (SQLite: booleans 0/1, datetimes as ISO text). */
export function dbValue(dialect: BenchDialect, v: unknown): unknown {
  if (typeof v === 'boolean') return dialect === 'pg' ? v : v ? 1 : 0;
  if (v instanceof Date) return dialect === 'sqlite' ? v.toISOString() : v;
  return v;
}

async function insertRows(store: Store, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const per = 1000;
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    await store.exec(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => tuple).join(', ')}`,
      part.flat().map((v) => dbValue(store.dialect, v)),
    );
  }
}

export async function emptyItems(store: Store): Promise<void> {
  // item_notes (Item.notes, always empty) references items: PostgreSQL truncates the two together;
  // InnoDB refuses to truncate a referenced table at all, so MySQL deletes (keys carry on from the last).
  if (store.dialect === 'pg') await store.exec('TRUNCATE items, item_notes RESTART IDENTITY');
  else await store.exec('DELETE FROM items');
  store.itemsSeeded = false;
}

/** `items` back to the seeded rows, unless it already is. */
export async function seedItems(store: Store, force = false): Promise<void> {
  if (store.itemsSeeded && !force) return;
  await emptyItems(store);
  const rows = allItemData().map((d) => [d.name, d.email, d.score, d.active, d.createdAt]);
  await insertRows(store, 'items', ['name', 'email', 'score', 'active', 'created_at'], rows);
  await analyze(store, ['items']);
  store.itemsSeeded = true;
}

/**
 * Planner statistics for freshly loaded tables, as a database that has served traffic has them.
 * Without them the plan of a read depends on whether autovacuum happened to run since the seed
 * (PostgreSQL chose a parallel plan for W7's books read, 3x slower), which is noise for every contender.
 */
async function analyze(store: Store, tables: readonly string[]): Promise<void> {
  if (store.dialect === 'mysql') await store.exec(`ANALYZE TABLE ${tables.join(', ')}`);
  else for (const t of tables) await store.exec(`ANALYZE ${t}`);
}

/** W6: AUTHORS parents with BOOKS_PER_AUTHOR children each (read only, seeded once). */
export async function seedAuthors(store: Store): Promise<void> {
  await insertRows(store, 'authors', ['name'], Array.from({ length: AUTHORS }, (_, i) => [`author ${i}`]));
  const ids = (await store.exec('SELECT id FROM authors ORDER BY id')).map((r) => Number(r.id));
  const books: unknown[][] = [];
  for (const id of ids) for (let j = 0; j < BOOKS_PER_AUTHOR; j++) books.push([`book ${id}.${j}`, 100 + j, id]);
  await insertRows(store, 'books', ['title', 'pages', 'author_id'], books);
}

// W7 / W8: authors → books → one publisher and a few tags each (M:N through catalog_book_tags).
export const CATALOG_AUTHORS = 100;
export const CATALOG_BOOKS_PER_AUTHOR = 10;
export const CATALOG_TAGS_PER_BOOK = 5;
export const PUBLISHERS = 20;
export const TAGS = 50;
export const GRAPH_AUTHORS = 200;
export const GRAPH_BOOKS_PER_AUTHOR = 10;
export const GRAPH_TAGS_PER_BOOK = 3;

/** A book of a catalogue graph: its publisher and tags as indexes into the seeded publishers and tags. */
export interface GraphBookData {
  title: string;
  pages: number;
  publisher: number;
  tags: number[];
}

export interface GraphAuthorData {
  name: string;
  books: GraphBookData[];
}

/**
 * `authors` authors with `perAuthor` books each, book k having publisher k mod PUBLISHERS and
 * `tagsPerBook` distinct tags, (k + step·j) mod TAGS. `first` numbers the books, so W8's new books
 * do not repeat the seeded titles.
 */
export function graphData(authors: number, perAuthor: number, tagsPerBook: number, step: number, first = 0): GraphAuthorData[] {
  const out: GraphAuthorData[] = [];
  let k = first;
  for (let a = 0; a < authors; a++) {
    const books: GraphBookData[] = [];
    for (let b = 0; b < perAuthor; b++, k++) {
      books.push({ title: `cbook ${k}`, pages: 100 + (k % 400), publisher: k % PUBLISHERS, tags: Array.from({ length: tagsPerBook }, (_, j) => (k + step * j) % TAGS) });
    }
    out.push({ name: `cauthor ${first + a * perAuthor}`, books });
  }
  return out;
}

export const publisherName = (i: number): string => `publisher ${i}`;
export const tagName = (i: number): string => `tag ${i}`;

/** The W7 catalogue. */
export function catalogData(): GraphAuthorData[] {
  return graphData(CATALOG_AUTHORS, CATALOG_BOOKS_PER_AUTHOR, CATALOG_TAGS_PER_BOOK, 7);
}

/** The W8 graph: its books numbered after the catalogue's. */
export function newGraphData(): GraphAuthorData[] {
  return graphData(GRAPH_AUTHORS, GRAPH_BOOKS_PER_AUTHOR, GRAPH_TAGS_PER_BOOK, 11, CATALOG_AUTHORS * CATALOG_BOOKS_PER_AUTHOR);
}

/** What a database holds after the catalogue is seeded: W8 links its books to these publishers and tags. */
export interface CatalogSeed {
  publisherIds: number[];
  tagIds: number[];
  maxAuthorId: number;
  maxBookId: number;
}

async function ids(store: Store, table: string): Promise<number[]> {
  return (await store.exec(`SELECT id FROM ${table} ORDER BY id`)).map((r) => Number(r.id));
}

/** Seeds publishers, tags and the W7 catalogue (once per database, read only). */
export async function seedCatalog(store: Store): Promise<CatalogSeed> {
  await insertRows(store, 'publishers', ['name'], Array.from({ length: PUBLISHERS }, (_, i) => [publisherName(i)]));
  await insertRows(store, 'tags', ['name'], Array.from({ length: TAGS }, (_, i) => [tagName(i)]));
  const publisherIds = await ids(store, 'publishers');
  const tagIds = await ids(store, 'tags');
  const data = catalogData();
  await insertRows(store, 'catalog_authors', ['name'], data.map((a) => [a.name]));
  const authorIds = await ids(store, 'catalog_authors');
  const books = data.flatMap((a, i) => a.books.map((b) => [b.title, b.pages, authorIds[i], publisherIds[b.publisher]]));
  await insertRows(store, 'catalog_books', ['title', 'pages', 'author_id', 'publisher_id'], books);
  const bookIds = await ids(store, 'catalog_books');
  const links = data.flatMap((a) => a.books).flatMap((b, i) => b.tags.map((t) => [bookIds[i], tagIds[t]]));
  await insertRows(store, 'catalog_book_tags', ['book_id', 'tag_id'], links);
  store.catalog = { publisherIds, tagIds, maxAuthorId: authorIds[authorIds.length - 1]!, maxBookId: bookIds[bookIds.length - 1]! };
  return store.catalog;
}

/** Removes what W8 added, leaving the seeded catalogue (links go with their books: the FKs cascade, but say so for every engine). */
export async function removeNewGraph(store: Store): Promise<CatalogSeed> {
  const seed = store.catalog!;
  await store.exec('DELETE FROM catalog_book_tags WHERE book_id > ?', [seed.maxBookId]);
  await store.exec('DELETE FROM catalog_books WHERE id > ?', [seed.maxBookId]);
  await store.exec('DELETE FROM catalog_authors WHERE id > ?', [seed.maxAuthorId]);
  return seed;
}

// W9: a rental shop's history (the shape of the Sakila sample database): every rental with its
// customer and its copy of a film (inventory), each copy with its film.
export const RENTALS = 16_000;
export const CUSTOMERS = 600;
export const INVENTORY = 4_000;
export const FILMS = 1_000;

export const filmTitle = (i: number): string => `film ${i}`;
export const customerEmail = (i: number): string => `customer${i}@example.com`;
/** Rental r: customer r mod CUSTOMERS, copy 7r mod INVENTORY (every copy is rented: 7 and 4,000 are coprime). */
export const rentalCustomer = (r: number): number => r % CUSTOMERS;
export const rentalInventory = (r: number): number => (r * 7) % INVENTORY;
/** Copy j is of film j mod FILMS, in store 1 or 2. */
export const inventoryFilm = (j: number): number => j % FILMS;

/** Seeds W9's films, copies, customers and rentals (once per database, read only). */
export async function seedRentals(store: Store): Promise<Map<number, string>> {
  await insertRows(store, 'films', ['title', 'length'], Array.from({ length: FILMS }, (_, i) => [filmTitle(i), 60 + (i % 120)]));
  const filmIds = await ids(store, 'films');
  await insertRows(store, 'inventory', ['store_id', 'film_id'], Array.from({ length: INVENTORY }, (_, j) => [1 + (j % 2), filmIds[inventoryFilm(j)]]));
  const inventoryIds = await ids(store, 'inventory');
  await insertRows(
    store,
    'customers',
    ['first_name', 'last_name', 'email'],
    Array.from({ length: CUSTOMERS }, (_, i) => [`first ${i}`, `last ${i}`, customerEmail(i)]),
  );
  const customerIds = await ids(store, 'customers');
  await insertRows(
    store,
    'rentals',
    ['rental_date', 'customer_id', 'inventory_id'],
    Array.from({ length: RENTALS }, (_, r) => [new Date(EPOCH + r * 3_600_000), customerIds[rentalCustomer(r)], inventoryIds[rentalInventory(r)]]),
  );
  const rentalIds = await ids(store, 'rentals');
  store.rentals = new Map(rentalIds.map((id, r) => [id, `${customerEmail(rentalCustomer(r))}|${filmTitle(inventoryFilm(rentalInventory(r)))}`]));
  return store.rentals;
}

/** Seeds what the read workloads share (W6's authors and books, W7's catalogue, W9's rentals): once per database. */
export async function seedShared(store: Store): Promise<void> {
  await seedAuthors(store);
  await seedCatalog(store);
  await seedRentals(store);
  await analyze(store, ['authors', 'books', 'publishers', 'tags', 'catalog_authors', 'catalog_books', 'catalog_book_tags', 'films', 'inventory', 'customers', 'rentals']);
}

export async function count(store: Store, table: string, where = '', params: unknown[] = []): Promise<number> {
  const rows = await store.exec(`SELECT COUNT(*) AS n FROM ${table}${where ? ` WHERE ${where}` : ''}`, params);
  return Number(rows[0]!.n);
}

export async function itemIds(store: Store): Promise<number[]> {
  return (await store.exec('SELECT id FROM items ORDER BY id')).map((r) => Number(r.id));
}

/** `LOOKUPS` existing ids in a fixed scattered order (W5). */
export function lookupOrder(ids: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) out.push(ids[(i * 4_099) % ids.length]!);
  return out;
}

export class VerificationError extends Error {}

export function expect(ok: boolean, message: string): void {
  if (!ok) throw new VerificationError(message);
}

export function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected) throw new VerificationError(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

/** Checks that an item carries the JS types both contenders must produce. */
export function expectItemShape(it: ItemRecord, what: string): void {
  expect(
    typeof it.id === 'number' && typeof it.name === 'string' && typeof it.email === 'string' &&
      typeof it.score === 'number' && typeof it.active === 'boolean' && it.createdAt instanceof Date && !Number.isNaN(it.createdAt.getTime()),
    `${what}: item ${JSON.stringify(it)} does not have the expected JS types`,
  );
}
