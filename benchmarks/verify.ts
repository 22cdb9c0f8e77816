// Checks that a timed run did all of its work, so nothing is credited for skipped work. Untimed.
import {
  AUTHORS, BOOKS_PER_AUTHOR, CATALOG_AUTHORS, CATALOG_BOOKS_PER_AUTHOR, CATALOG_TAGS_PER_BOOK, catalogData, count, expect, expectEqual, expectItemShape, GRAPH_AUTHORS, GRAPH_BOOKS_PER_AUTHOR,
  GRAPH_TAGS_PER_BOOK, ITEMS, CUSTOMERS, FILMS, INVENTORY, RENTALS, itemIds, LOOKUPS, newGraphData, PUBLISHERS, publisherName, renamed, TAGS, tagName, type ItemRecord, type Store,
} from './fixtures.js';

export async function verifyInserted(store: Store, ids: readonly unknown[]): Promise<void> {
  expectEqual(ids.length, ITEMS, 'W1: entities created');
  expect(ids.every((id) => typeof id === 'number' && Number.isInteger(id)), 'W1: every entity got a numeric key');
  const inDb = await itemIds(store);
  expectEqual(inDb.length, ITEMS, 'W1: rows in items');
  const sorted = [...(ids as number[])].sort((a, b) => a - b);
  expect(sorted.every((id, i) => id === inDb[i]), 'W1: the keys handed back are the keys of the inserted rows');
}

export function verifyLoaded(items: readonly ItemRecord[]): void {
  expectEqual(items.length, ITEMS, 'W2: hydrated items');
  expectEqual(new Set(items.map((i) => i.id)).size, ITEMS, 'W2: distinct items');
  for (const it of [items[0]!, items[items.length - 1]!]) expectItemShape(it, 'W2');
}

export async function verifyRenamed(store: Store): Promise<void> {
  const rows = await store.exec('SELECT id, name FROM items');
  expectEqual(rows.length, ITEMS, 'W3: rows');
  const wrong = rows.filter((r) => r.name !== renamed(Number(r.id)));
  expect(wrong.length === 0, `W3: ${wrong.length} rows do not have their new name (first: ${JSON.stringify(wrong[0])})`);
}

export async function verifyRemoved(store: Store): Promise<void> {
  expectEqual(await count(store, 'items'), 0, 'W4: rows left after the delete');
}

export function verifyLookups(ids: readonly number[], found: readonly (ItemRecord | null)[]): void {
  expectEqual(found.length, LOOKUPS, 'W5: lookups');
  expect(found.every((f, i) => f !== null && f.id === ids[i]), 'W5: every lookup found its row');
  expectItemShape(found[0]!, 'W5');
}

/** W6 as the verifier sees it: each child names its parent (the object's key, or the foreign key where a contender gives no back-reference). */
export interface PopulatedParent {
  readonly id: number;
  readonly children: readonly { readonly id: number; readonly pages: number; readonly parentId: unknown }[];
}

export function verifyPopulated(parents: readonly PopulatedParent[]): void {
  expectEqual(parents.length, AUTHORS, 'W6: parents');
  let children = 0;
  for (const p of parents) {
    expectEqual(p.children.length, BOOKS_PER_AUTHOR, `W6: children of parent ${p.id}`);
    for (const c of p.children) expect(c.parentId === p.id && typeof c.pages === 'number', `W6: child ${c.id} points at its parent`);
    children += p.children.length;
  }
  expectEqual(children, AUTHORS * BOOKS_PER_AUTHOR, 'W6: children');
}

/** W7 as the verifier sees it: per author, its books with their hydrated publisher's and tags' names. */
export interface CatalogAuthorView {
  readonly name: string;
  readonly books: readonly { readonly title: string; readonly publisher: unknown; readonly tags: readonly unknown[] }[];
}

/** Every author, book, publisher and tag is there and is the one the catalogue was seeded with. */
export function verifyCatalog(authors: readonly CatalogAuthorView[]): void {
  expectEqual(authors.length, CATALOG_AUTHORS, 'W7: authors');
  const expected = new Map(catalogData().map((a) => [a.name, a]));
  let books = 0;
  for (const a of authors) {
    const want = expected.get(a.name);
    expect(want !== undefined, `W7: unexpected author ${a.name}`);
    expectEqual(a.books.length, CATALOG_BOOKS_PER_AUTHOR, `W7: books of ${a.name}`);
    const byTitle = new Map(want!.books.map((b) => [b.title, b]));
    for (const b of a.books) {
      const wb = byTitle.get(b.title);
      expect(wb !== undefined, `W7: ${a.name} has a book ${b.title} that is not theirs`);
      expectEqual(b.publisher, publisherName(wb!.publisher), `W7: publisher of ${b.title}`);
      const tags = [...b.tags].sort().join(',');
      expectEqual(tags, wb!.tags.map(tagName).sort().join(','), `W7: tags of ${b.title}`);
      books++;
    }
  }
  expectEqual(books, CATALOG_AUTHORS * CATALOG_BOOKS_PER_AUTHOR, 'W7: books');
}

/** W8: the row count of every table, and every new book and link pointing at the right rows. */
export async function verifyGraphInserted(store: Store): Promise<void> {
  const seed = store.catalog!;
  const books = GRAPH_AUTHORS * GRAPH_BOOKS_PER_AUTHOR;
  expectEqual(await count(store, 'catalog_authors'), CATALOG_AUTHORS + GRAPH_AUTHORS, 'W8: rows in catalog_authors');
  expectEqual(await count(store, 'catalog_books'), CATALOG_AUTHORS * CATALOG_BOOKS_PER_AUTHOR + books, 'W8: rows in catalog_books');
  expectEqual(await count(store, 'catalog_book_tags'), CATALOG_AUTHORS * CATALOG_BOOKS_PER_AUTHOR * CATALOG_TAGS_PER_BOOK + books * GRAPH_TAGS_PER_BOOK, 'W8: rows in catalog_book_tags');
  expectEqual(await count(store, 'publishers'), PUBLISHERS, 'W8: rows in publishers');
  expectEqual(await count(store, 'tags'), TAGS, 'W8: rows in tags');
  // Each new book under the author it was created for, with its own publisher and tags.
  const rows = await store.exec(
    `SELECT a.name AS author, b.title, p.name AS publisher, t.name AS tag FROM catalog_books b
     JOIN catalog_authors a ON a.id = b.author_id JOIN publishers p ON p.id = b.publisher_id
     JOIN catalog_book_tags bt ON bt.book_id = b.id JOIN tags t ON t.id = bt.tag_id WHERE b.id > ?`,
    [seed.maxBookId],
  );
  expectEqual(rows.length, books * GRAPH_TAGS_PER_BOOK, 'W8: new links joined to their books');
  const got = new Set(rows.map((r) => `${String(r.author)}|${String(r.title)}|${String(r.publisher)}|${String(r.tag)}`));
  for (const a of newGraphData()) {
    for (const b of a.books) {
      for (const t of b.tags) expect(got.has(`${a.name}|${b.title}|${publisherName(b.publisher)}|${tagName(t)}`), `W8: ${b.title} by ${a.name} with tag ${tagName(t)}`);
    }
  }
}

/** W9 as the verifier sees it: a rental with its customer, its copy (inventory) and the copy's film. */
export interface RentalView {
  readonly id: unknown;
  readonly rentalDate: unknown;
  readonly customer: object;
  readonly email: unknown;
  readonly inventory: object;
  readonly film: object;
  readonly title: unknown;
}

/** A rental as the contenders' objects shape it: its customer, and its copy with the film. */
export interface RentalShape {
  readonly id: unknown;
  readonly rentalDate: unknown;
  readonly customer: { readonly email: unknown };
  readonly inventory: { readonly film: { readonly title: unknown } };
}

/** W9's loaded rentals as the verification reads them. */
export function rentalViews(rentals: readonly RentalShape[]): RentalView[] {
  return rentals.map((r) => ({
    id: r.id,
    rentalDate: r.rentalDate,
    customer: r.customer,
    email: r.customer.email,
    inventory: r.inventory,
    film: r.inventory.film,
    title: r.inventory.film.title,
  }));
}

/**
 * Every rental, each with its own customer and film as seeded. `shared`: each customer, copy and
 * film is one object however many rentals point at it (an identity map, or the hand-written stitch);
 * TypeORM and Sequelize build a fresh related object for every joined row, so they are checked
 * without it.
 */
export function verifyRentals(store: Store, rentals: readonly RentalView[], shared = true): void {
  const expected = store.rentals!;
  expectEqual(rentals.length, RENTALS, 'W9: rentals');
  const seen = new Set<unknown>();
  for (const r of rentals) {
    const want = expected.get(Number(r.id));
    expect(want !== undefined && !seen.has(r.id), `W9: unexpected or repeated rental ${String(r.id)}`);
    seen.add(r.id);
    expectEqual(`${String(r.email)}|${String(r.title)}`, want, `W9: customer and film of rental ${String(r.id)}`);
  }
  const first = rentals[0]!;
  expect(first.rentalDate instanceof Date && !Number.isNaN(first.rentalDate.getTime()), `W9: rentalDate ${String(first.rentalDate)} is not a Date`);
  if (!shared) return;
  expectEqual(new Set(rentals.map((r) => r.customer)).size, CUSTOMERS, 'W9: customer objects (one per row)');
  expectEqual(new Set(rentals.map((r) => r.inventory)).size, INVENTORY, 'W9: inventory objects (one per row)');
  expectEqual(new Set(rentals.map((r) => r.film)).size, FILMS, 'W9: film objects (one per row)');
}
