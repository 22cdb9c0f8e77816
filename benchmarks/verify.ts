// Checks that a timed run did all of its work, so nothing is credited for skipped work. Untimed.
import { AUTHORS, BOOKS_PER_AUTHOR, count, expect, expectEqual, expectItemShape, ITEMS, itemIds, LOOKUPS, renamed, type ItemRecord, type Store } from './fixtures.js';

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

export interface PopulatedParent {
  readonly parent: object;
  readonly id: number;
  readonly children: readonly { readonly id: number; readonly pages: number; readonly author: unknown }[];
}

export function verifyPopulated(parents: readonly PopulatedParent[]): void {
  expectEqual(parents.length, AUTHORS, 'W6: parents');
  let children = 0;
  for (const p of parents) {
    expectEqual(p.children.length, BOOKS_PER_AUTHOR, `W6: children of parent ${p.id}`);
    for (const c of p.children) expect(c.author === p.parent && typeof c.pages === 'number', `W6: child ${c.id} points at its parent`);
    children += p.children.length;
  }
  expectEqual(children, AUTHORS * BOOKS_PER_AUTHOR, 'W6: children');
}
