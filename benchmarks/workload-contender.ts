import type { Contender, ContenderId, HeapWorkload, Trial, WorkloadId } from './contender.js';
import {
  allItemData, CUSTOMERS, emptyItems, expectEqual, FILMS, INVENTORY, ITEMS, itemIds, lookupOrder, newGraphData, removeNewGraph, RENTALS, seedItems,
  type CatalogSeed, type GraphAuthorData, type ItemData, type ItemRecord, type Store,
} from './fixtures.js';
import {
  verifyCatalog, verifyGraphInserted, verifyInserted, verifyLoaded, verifyLookups, verifyPopulated, verifyRemoved, verifyRenamed, verifyRentals,
  type CatalogAuthorView, type PopulatedParent, type RentalView,
} from './verify.js';

/** The rows W9 hydrates: every rental, customer, copy and film (the heap measurement divides by it). */
export const W9_ENTITIES = RENTALS + CUSTOMERS + INVENTORY + FILMS;

/**
 * The nine workloads, written once: set-up, the timed call and verification. A contender (the raw
 * driver, knex, joinery, a peer ORM) supplies the operations in its own idiom; `Loaded` is what it
 * loads for W3/W4, `Parents` its W6 result, `Catalog` its W7 result and `Rentals` its W9 result,
 * turned into plain views for verification after the clock stops.
 */
export abstract class WorkloadContender<Loaded, Parents, Catalog, Rentals> implements Contender {
  abstract readonly label: ContenderId;
  abstract readonly store: Store;

  /** W1: inserts the rows in one transaction (one flush); returns what it created, each with its new key. */
  protected abstract insertItems(data: readonly ItemData[]): Promise<readonly { id: number }[]>;
  /** W2: every item, hydrated. */
  protected abstract findItems(): Promise<readonly ItemRecord[]>;
  /** W3 / W4 set-up (untimed): every item, loaded the way the contender changes them. */
  protected abstract loadItems(): Promise<Loaded>;
  protected abstract loadedCount(loaded: Loaded): number;
  /** W3: sets each item's name to `renamed(id)` and writes it, in one transaction. */
  protected abstract renameItems(loaded: Loaded): Promise<void>;
  /** W4: removes every loaded item, in one transaction. */
  protected abstract removeItems(loaded: Loaded): Promise<void>;
  /** W5: one item by key, in a fresh unit of work. */
  protected abstract findItem(id: number): Promise<ItemRecord | null>;
  /** W6: every author with its books. */
  protected abstract findAuthorsWithBooks(): Promise<Parents>;
  protected abstract parentsView(result: Parents): PopulatedParent[];
  protected abstract parentsCount(result: Parents): number;
  /** W7: every catalogue author with its books, each book's publisher and tags. */
  protected abstract findCatalog(): Promise<Catalog>;
  protected abstract catalogView(result: Catalog): CatalogAuthorView[];
  /** W8: inserts the graph (authors, their books linked to existing publishers and tags) in one transaction. */
  protected abstract insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void>;
  /** W9: every rental with its customer and its copy (inventory), each copy with its film. */
  protected abstract findRentals(): Promise<Rentals>;
  protected abstract rentalsView(result: Rentals): RentalView[];
  /** Whether W9's related rows come back as one object each (see verifyRentals). */
  protected readonly sharesRelatedObjects: boolean = true;
  abstract close(): Promise<void>;

  async prepare(workload: WorkloadId): Promise<Trial> {
    const { store } = this;
    switch (workload) {
      case 'W1': {
        await emptyItems(store);
        const data = allItemData();
        let items: readonly { id: number }[] = [];
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
        let items: readonly ItemRecord[] = [];
        return {
          run: async () => {
            items = await this.findItems();
          },
          verify: async () => verifyLoaded(items),
        };
      }
      case 'W3':
      case 'W4': {
        await seedItems(store, true);
        const loaded = await this.loadItems();
        expectEqual(this.loadedCount(loaded), ITEMS, `${workload} set-up: loaded items`);
        store.itemsSeeded = false;
        if (workload === 'W3') return { run: () => this.renameItems(loaded), verify: () => verifyRenamed(store) };
        return { run: () => this.removeItems(loaded), verify: () => verifyRemoved(store) };
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
        let result: Parents | undefined;
        return {
          run: async () => {
            result = await this.findAuthorsWithBooks();
          },
          verify: async () => verifyPopulated(this.parentsView(result!)),
        };
      }
      case 'W7': {
        let result: Catalog | undefined;
        return {
          run: async () => {
            result = await this.findCatalog();
          },
          verify: async () => verifyCatalog(this.catalogView(result!)),
        };
      }
      case 'W8': {
        const seed = await removeNewGraph(store);
        const graph = newGraphData();
        return {
          run: () => this.insertGraph(graph, seed),
          verify: async () => {
            await verifyGraphInserted(store);
            await removeNewGraph(store);
          },
        };
      }
      case 'W9': {
        let result: Rentals | undefined;
        return {
          run: async () => {
            result = await this.findRentals();
          },
          verify: async () => verifyRentals(store, this.rentalsView(result!), this.sharesRelatedObjects),
        };
      }
    }
  }

  async load(workload: HeapWorkload): Promise<{ keep: unknown; entities: number }> {
    if (workload === 'W2') {
      const items = await this.findItems();
      return { keep: items, entities: items.length };
    }
    if (workload === 'W9') return { keep: await this.findRentals(), entities: W9_ENTITIES };
    const result = await this.findAuthorsWithBooks();
    return { keep: result, entities: this.parentsCount(result) };
  }
}
