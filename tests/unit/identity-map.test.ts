import test from 'ava';
import type { EntityState } from '../../src/entity/entity-state.js';
import type { EntityMetadata } from '../../src/metadata/types.js';
import { IdentityMap } from '../../src/unit-of-work/identity-map.js';

const Item = { name: 'Item' } as EntityMetadata;
const Other = { name: 'Other' } as EntityMetadata;
/** The map holds states; these tests only need the entity they point at. */
const st = (entity: object) => ({ entity }) as EntityState;

function filled(n: number): { map: IdentityMap; items: object[] } {
  const map = new IdentityMap();
  const items = Array.from({ length: n }, (_, i) => ({ id: i }));
  items.forEach((e, i) => map.set(Item, String(i), st(e)));
  map.set(Other, '0', st({ id: 0 }));
  return { map, items };
}

test('deleteEntities: every entity of a type leaves, other types stay', (t) => {
  const { map, items } = filled(5);
  map.deleteEntities(Item, items.map((_, i) => String(i)), items);
  t.is(map.size, 1);
  t.is(map.get(Item, '0'), undefined);
  t.truthy(map.get(Other, '0'));
  // The type's map still works afterwards.
  map.set(Item, '9', st(items[0]!));
  t.is(map.get(Item, '9'), items[0]);
});

test('deleteEntities: some of a type leave, the rest stay', (t) => {
  const { map, items } = filled(5);
  map.deleteEntities(Item, ['1', '3'], [items[1]!, items[3]!]);
  t.deepEqual(map.values().filter((e) => items.includes(e)), [items[0], items[2], items[4]]);
});

test('deleteEntities: a key that now maps to another entity keeps it, even when the counts match', (t) => {
  const { map, items } = filled(2);
  const newcomer = { id: 1 };
  map.set(Item, '1', st(newcomer));
  map.deleteEntities(Item, ['0', '1'], [items[0]!, items[1]!]);
  t.is(map.get(Item, '0'), undefined);
  t.is(map.get(Item, '1'), newcomer);
});

test('deleteAll: as many entities as an unchanged map holds empty it, without a key', (t) => {
  const { map } = filled(3);
  t.true(map.deleteAll(Item, 3, map.edits));
  t.is(map.get(Item, '0'), undefined);
  t.is(map.size, 1);
});

test('deleteAll: fewer entities, or a map changed since the walk, are left to deleteEntities', (t) => {
  const { map } = filled(2);
  t.false(map.deleteAll(Item, 1, map.edits));
  const walkedAt = map.edits;
  map.set(Item, '1', st({ id: 1 }));
  t.false(map.deleteAll(Item, 2, walkedAt));
  t.is(map.size, 3);
  t.false(map.deleteAll(Other, 1, walkedAt));
});

test('the map holds states: getState and states() hand them back, get() and values() their entities', (t) => {
  const { map, items } = filled(2);
  t.is(map.getState(Item, '1')!.entity, items[1]);
  t.is(map.get(Item, '1'), items[1]);
  t.is(map.getState(Item, '7'), undefined);
  t.deepEqual(
    map.states().map((s) => s.entity),
    map.values(),
  );
});
