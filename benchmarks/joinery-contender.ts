import { Joinery, type EntityManager } from 'joinery';
import type { Contender, Trial, WorkloadId } from './contender.js';
import { Author, Book, Item } from './entities.js';
import { allItemData, emptyItems, expectEqual, ITEMS, itemIds, lookupOrder, renamed, seedItems, type Store } from './fixtures.js';
import { verifyInserted, verifyLoaded, verifyLookups, verifyPopulated, verifyRemoved, verifyRenamed } from './verify.js';

/** The workloads through joinery's public API, one EntityManager fork per unit of work. */
export class JoineryContender implements Contender {
  readonly label = 'joinery';

  constructor(
    readonly orm: Joinery,
    readonly store: Store,
  ) {}

  async prepare(workload: WorkloadId): Promise<Trial> {
    const { store } = this;
    switch (workload) {
      case 'W1': {
        await emptyItems(store);
        const data = allItemData();
        const em = this.orm.em.fork();
        let items: Item[] = [];
        return {
          run: async () => {
            items = data.map((d) => em.create(Item, d));
            await em.flush();
          },
          verify: async () => {
            await verifyInserted(store, items.map((i) => i.id));
            store.itemsSeeded = true;
          },
        };
      }
      case 'W2': {
        await seedItems(store);
        let items: Item[] = [];
        return {
          run: async () => {
            items = await this.orm.em.fork().find(Item, {});
          },
          verify: async () => verifyLoaded(items),
        };
      }
      case 'W3': {
        await seedItems(store, true);
        const em = this.orm.em.fork();
        const items = await em.find(Item, {});
        expectEqual(items.length, ITEMS, 'W3 set-up: loaded items');
        store.itemsSeeded = false;
        return {
          run: async () => {
            for (const it of items) it.name = renamed(it.id);
            await em.flush();
          },
          verify: async () => verifyRenamed(store),
        };
      }
      case 'W4': {
        await seedItems(store, true);
        const em = this.orm.em.fork();
        const items = await em.find(Item, {});
        expectEqual(items.length, ITEMS, 'W4 set-up: loaded items');
        store.itemsSeeded = false;
        return {
          run: async () => {
            em.remove(items);
            await em.flush();
          },
          verify: async () => verifyRemoved(store),
        };
      }
      case 'W5': {
        await seedItems(store);
        const ids = lookupOrder(await itemIds(store));
        const found: (Item | null)[] = [];
        return {
          run: async () => {
            for (const id of ids) found.push(await this.orm.em.fork().findOne(Item, id));
          },
          verify: async () => verifyLookups(ids, found),
        };
      }
      case 'W6': {
        let authors: Author[] = [];
        return {
          run: async () => {
            authors = await this.orm.em.fork().find(Author, {}, { populate: ['books'] });
          },
          verify: async () => verifyPopulated(authors.map((a) => ({ parent: a, id: a.id, children: a.books.getItems() as Book[] }))),
        };
      }
    }
  }

  async load(workload: 'W2' | 'W6'): Promise<{ keep: unknown; entities: number }> {
    const em: EntityManager = this.orm.em.fork();
    if (workload === 'W2') {
      const items = await em.find(Item, {});
      return { keep: [em, items], entities: items.length };
    }
    const authors = await em.find(Author, {}, { populate: ['books'] });
    return { keep: [em, authors], entities: authors.length + authors.reduce((n, a) => n + a.books.length, 0) };
  }

  close(): Promise<void> {
    return this.orm.close();
  }
}
