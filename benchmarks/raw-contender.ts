import type { Contender, Trial, WorkloadId } from './contender.js';
import { allItemData, emptyItems, expectEqual, ITEMS, itemIds, lookupOrder, renamed, seedItems, type ItemData, type ItemRecord, type Store } from './fixtures.js';
import { verifyInserted, verifyLoaded, verifyLookups, verifyPopulated, verifyRemoved, verifyRenamed } from './verify.js';

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

export const ITEM_COLUMNS = 'id, name, email, score, active, created_at';

/**
 * The hand-written baseline: what an application would write against the driver to do the same
 * work, with the same guarantees (writes in one transaction, the same JS types on read). Each dialect
 * supplies the statements; the workloads themselves are the same for every dialect.
 */
export abstract class RawContender implements Contender {
  readonly label = 'raw';
  abstract readonly store: Store;

  /** Inserts the rows in one transaction; returns them as records with their new keys. */
  protected abstract insertItems(data: readonly ItemData[]): Promise<ItemRecord[]>;
  protected abstract findAllItems(): Promise<ItemRecord[]>;
  /** Writes each record's `name` in one transaction. */
  protected abstract updateNames(items: readonly ItemRecord[]): Promise<void>;
  /** Deletes the rows in one transaction. */
  protected abstract deleteItems(ids: readonly number[]): Promise<void>;
  protected abstract findItem(id: number): Promise<ItemRecord | null>;
  /** Every author with its books (`book.author` is the author object). */
  protected abstract findAuthorsWithBooks(): Promise<AuthorRecord[]>;
  abstract close(): Promise<void>;

  async prepare(workload: WorkloadId): Promise<Trial> {
    const { store } = this;
    switch (workload) {
      case 'W1': {
        await emptyItems(store);
        const data = allItemData();
        let items: ItemRecord[] = [];
        return {
          run: async () => {
            items = await this.insertItems(data);
          },
          verify: async () => {
            await verifyInserted(store, items.map((i) => i.id));
            store.itemsSeeded = true;
          },
        };
      }
      case 'W2': {
        await seedItems(store);
        let items: ItemRecord[] = [];
        return {
          run: async () => {
            items = await this.findAllItems();
          },
          verify: async () => verifyLoaded(items),
        };
      }
      case 'W3': {
        await seedItems(store, true);
        const items = await this.findAllItems();
        expectEqual(items.length, ITEMS, 'W3 set-up: loaded items');
        store.itemsSeeded = false;
        return {
          run: async () => {
            for (const it of items) it.name = renamed(it.id);
            await this.updateNames(items);
          },
          verify: async () => verifyRenamed(store),
        };
      }
      case 'W4': {
        await seedItems(store, true);
        const items = await this.findAllItems();
        expectEqual(items.length, ITEMS, 'W4 set-up: loaded items');
        store.itemsSeeded = false;
        return {
          run: async () => {
            await this.deleteItems(items.map((i) => i.id));
          },
          verify: async () => verifyRemoved(store),
        };
      }
      case 'W5': {
        await seedItems(store);
        const ids = lookupOrder(await itemIds(store));
        const found: (ItemRecord | null)[] = [];
        return {
          run: async () => {
            for (const id of ids) found.push(await this.findItem(id));
          },
          verify: async () => verifyLookups(ids, found),
        };
      }
      case 'W6': {
        let authors: AuthorRecord[] = [];
        return {
          run: async () => {
            authors = await this.findAuthorsWithBooks();
          },
          verify: async () => verifyPopulated(authors.map((a) => ({ parent: a, id: a.id, children: a.books }))),
        };
      }
    }
  }

  async load(workload: 'W2' | 'W6'): Promise<{ keep: unknown; entities: number }> {
    if (workload === 'W2') {
      const items = await this.findAllItems();
      return { keep: items, entities: items.length };
    }
    const authors = await this.findAuthorsWithBooks();
    return { keep: authors, entities: authors.length + authors.reduce((n, a) => n + a.books.length, 0) };
  }
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

/** Splits `items` into slices of at most `size`. */
export function slices<T>(items: readonly T[], size: number): (readonly T[])[] {
  const out: (readonly T[])[] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
