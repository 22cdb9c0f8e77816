import test from 'ava';
import { Collection, Entity, ManyToMany, PrimaryKey } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import type { ManyToManyProperty } from '../../src/metadata/types.js';
import { diffLinks } from '../../src/unit-of-work/collection-diff.js';

@Entity()
class Post {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity()
class Tag {
  @PrimaryKey({ type: 'integer' }) id!: number;
}

const meta = discoverMetadata([Post, Tag]);
const postMeta = meta.get(Post);
const tags = postMeta.propertiesByName['tags'] as ManyToManyProperty;

const ops = (o: { added?: object[]; removed?: object[]; cleared?: boolean; updates?: [object, Record<string, unknown>][] }) => ({
  added: new Set(o.added ?? []),
  removed: new Set(o.removed ?? []),
  cleared: o.cleared ?? false,
  pivot: new Map<object, Record<string, unknown>>(),
  pivotUpdates: new Map<object, Record<string, unknown>>(o.updates ?? []),
});

const post = new Post();
const [a, b, c] = [new Tag(), new Tag(), new Tag()];

test('nothing queued: no diff', (t) => {
  t.is(diffLinks(tags, postMeta, post, ops({})), undefined);
});

test('added items become link inserts, removed ones link deletes', (t) => {
  const diff = diffLinks(tags, postMeta, post, ops({ added: [a, b], removed: [c] }));
  t.truthy(diff);
  t.is(diff!.prop, tags);
  t.is(diff!.ownerMeta, postMeta);
  t.is(diff!.owner, post);
  t.false(diff!.clear);
  t.deepEqual(diff!.insert, [a, b]);
  t.deepEqual(diff!.delete, [c]);
});

test('only removals: a diff with deletes and no inserts', (t) => {
  const diff = diffLinks(tags, postMeta, post, ops({ removed: [a] }));
  t.deepEqual([diff!.clear, diff!.insert, diff!.delete], [false, [], [a]]);
});

test('a clear drops every link first; removals are then redundant, additions still apply', (t) => {
  const diff = diffLinks(tags, postMeta, post, ops({ cleared: true, added: [b], removed: [a, c] }));
  t.true(diff!.clear);
  t.deepEqual(diff!.insert, [b]);
  t.deepEqual(diff!.delete, []);
});

test('removeAll() on an unloaded collection: a clear and nothing else', (t) => {
  const diff = diffLinks(tags, postMeta, post, ops({ cleared: true }));
  t.deepEqual([diff!.clear, diff!.insert, diff!.delete], [true, [], []]);
});

test('insert order follows the order items were added', (t) => {
  const diff = diffLinks(tags, postMeta, post, ops({ added: [c, a, b] }));
  t.deepEqual(diff!.insert, [c, a, b]);
});

test('the diff is a copy: later queue changes do not leak into it', (t) => {
  const queue = ops({ added: [a] });
  const diff = diffLinks(tags, postMeta, post, queue);
  (queue.added as Set<object>).add(b);
  t.deepEqual(diff!.insert, [a]);
});

test('pivot updates alone make a diff; a clear drops them (no link row is left to update)', (t) => {
  const only = diffLinks(tags, postMeta, post, ops({ updates: [[a, { weight: 2 }]] }));
  t.deepEqual(only!.pivotUpdates, [[a, { weight: 2 }]]);
  t.deepEqual([only!.insert, only!.delete, only!.clear], [[], [], false]);
  const cleared = diffLinks(tags, postMeta, post, ops({ cleared: true, updates: [[a, { weight: 2 }]] }));
  t.deepEqual(cleared!.pivotUpdates, []);
});
