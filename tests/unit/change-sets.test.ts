import test from 'ava';
import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { sameValue } from '../../src/entity/value-conversion.js';
import { computeChangeSets, type EntityView } from '../../src/unit-of-work/change-sets.js';
import { keyChangeFailures } from '../../src/unit-of-work/key-changes.js';

@Entity()
class Author {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'string', nullable: true }) nickname?: string | null;
  @Property({ type: 'json', nullable: true }) settings?: Record<string, unknown> | null;
  @Property({ type: 'datetime', nullable: true }) bornAt?: Date | null;
  @Property({ type: 'bigint', nullable: true }) followers?: bigint | null;
  @OneToOne(() => Avatar, (a) => a.author) avatar?: Rel<Avatar> | null;
  @OneToMany(() => Book, (b) => b.author) books = new Collection<Book>(this);
}

@Entity()
class Avatar {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @OneToOne(() => Author, (a) => a.avatar, { owner: true }) author!: Rel<Author>;
}

@Entity()
class Book {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => Author) author!: Rel<Author>;
  @ManyToMany(() => Genre) genres = new Collection<Genre>(this);
}

@Entity()
class Genre {
  @PrimaryKey({ type: 'integer' }) id!: number;
}

const meta = discoverMetadata([Author, Avatar, Book, Genre]);
const authorMeta = meta.get(Author);
const bookMeta = meta.get(Book);
const avatarMeta = meta.get(Avatar);

function author(data: Partial<Author>): Author {
  return Object.assign(new Author(), data);
}

function managed(entity: object, snapshot: Record<string, unknown>, m = authorMeta): EntityView {
  return { meta: m, entity, status: 'managed', initialized: true, snapshot };
}

test('a new entity is one insert carrying every column value that is set', (t) => {
  const a = author({ id: 1, name: 'Ann', nickname: null, settings: { theme: 'dark' } });
  const sets = computeChangeSets([{ meta: authorMeta, entity: a, status: 'new', initialized: true }]);
  t.is(sets.length, 1);
  t.is(sets[0]!.type, 'insert');
  t.is(sets[0]!.meta, authorMeta);
  t.is(sets[0]!.entity, a);
  // null is a value (write NULL); undefined is not (let the database default apply).
  t.deepEqual(sets[0]!.payload, { id: 1, name: 'Ann', nickname: null, settings: { theme: 'dark' } });
});

test('an insert leaves out collections and the inverse side of a one-to-one', (t) => {
  const a = author({ name: 'Ann' });
  a.avatar = new Avatar();
  const [cs] = computeChangeSets([{ meta: authorMeta, entity: a, status: 'new', initialized: true }]);
  t.deepEqual(Object.keys(cs!.payload), ['name']);
});

test('an insert carries a to-one as the related entity, owning 1:1 included', (t) => {
  const a = author({ id: 7, name: 'Ann' });
  const book = Object.assign(new Book(), { title: 'T', author: a });
  const avatar = Object.assign(new Avatar(), { author: a });
  const sets = computeChangeSets([
    { meta: bookMeta, entity: book, status: 'new', initialized: true },
    { meta: avatarMeta, entity: avatar, status: 'new', initialized: true },
  ]);
  t.deepEqual(
    sets.map((s) => s.payload),
    [{ title: 'T', author: a }, { author: a }],
  );
  t.is(sets[0]!.payload['author'], a);
});

test('an unchanged managed entity produces no change set', (t) => {
  const a = author({ id: 1, name: 'Ann', nickname: null });
  t.deepEqual(computeChangeSets([managed(a, { id: 1, name: 'Ann', nickname: null })]), []);
});

test('an update carries only the properties that changed', (t) => {
  const a = author({ id: 1, name: 'Bea', nickname: 'b', bornAt: new Date('2000-01-01T00:00:00Z') });
  const sets = computeChangeSets([managed(a, { id: 1, name: 'Ann', nickname: 'b', bornAt: new Date('2000-01-01T00:00:00Z') })]);
  t.is(sets.length, 1);
  t.is(sets[0]!.type, 'update');
  t.deepEqual(sets[0]!.payload, { name: 'Bea' });
});

test('setting a value to null is a change; leaving it undefined is not', (t) => {
  const a = author({ id: 1, name: 'Ann', nickname: null });
  t.deepEqual(computeChangeSets([managed(a, { id: 1, name: 'Ann', nickname: 'annie' })])[0]!.payload, { nickname: null });
  const b = author({ id: 2 }); // name never read: undefined means "not loaded", not "cleared"
  t.deepEqual(computeChangeSets([managed(b, { id: 2, name: 'Ann' })]), []);
});

test('a null value against a missing snapshot entry is no change', (t) => {
  const a = author({ id: 1, name: 'Ann', nickname: null });
  t.deepEqual(computeChangeSets([managed(a, { id: 1, name: 'Ann' })]), []);
});

test('json: equal content is no change, an in-place edit is one', (t) => {
  const settings = { theme: 'dark', tags: ['a'] };
  const a = author({ id: 1, name: 'Ann', settings });
  // The snapshot holds a clone, as the unit of work keeps it.
  const snap = { id: 1, name: 'Ann', settings: { theme: 'dark', tags: ['a'] } };
  t.deepEqual(computeChangeSets([managed(a, snap)]), []);
  settings.tags.push('b');
  t.deepEqual(computeChangeSets([managed(a, snap)])[0]!.payload, { settings: { theme: 'dark', tags: ['a', 'b'] } });
});

test('datetime: another Date object with the same time is no change; a different time is', (t) => {
  const snap = { id: 1, name: 'Ann', bornAt: new Date('1990-05-01T10:00:00.000Z') };
  t.deepEqual(computeChangeSets([managed(author({ id: 1, name: 'Ann', bornAt: new Date('1990-05-01T10:00:00.000Z') }), snap)]), []);
  const later = new Date('1990-05-01T10:00:00.001Z');
  t.deepEqual(computeChangeSets([managed(author({ id: 1, name: 'Ann', bornAt: later }), snap)])[0]!.payload, { bornAt: later });
});

test('bigint: the same number as bigint, number or string is no change', (t) => {
  const snap = { id: 1, name: 'Ann', followers: 9007199254740993n };
  t.deepEqual(computeChangeSets([managed(author({ id: 1, name: 'Ann', followers: 9007199254740993n }), snap)]), []);
  t.deepEqual(computeChangeSets([managed(author({ id: 1, name: 'Ann', followers: '9007199254740993' as unknown as bigint }), snap)]), []);
  t.deepEqual(computeChangeSets([managed(author({ id: 1, name: 'Ann', followers: 9007199254740994n }), snap)])[0]!.payload, {
    followers: 9007199254740994n,
  });
});

test('a to-one changes when it points at another entity, or is cleared', (t) => {
  const ann = author({ id: 1 });
  const bea = author({ id: 2 });
  const book = Object.assign(new Book(), { id: 10, title: 'T', author: ann });
  t.deepEqual(computeChangeSets([managed(book, { id: 10, title: 'T', author: ann }, bookMeta)]), []);
  book.author = bea;
  const [cs] = computeChangeSets([managed(book, { id: 10, title: 'T', author: ann }, bookMeta)]);
  t.deepEqual(Object.keys(cs!.payload), ['author']);
  t.is(cs!.payload['author'], bea);
  (book as { author: unknown }).author = null;
  t.deepEqual(computeChangeSets([managed(book, { id: 10, title: 'T', author: ann }, bookMeta)])[0]!.payload, { author: null });
});

test('a reference (never loaded) updates only the properties given a value', (t) => {
  const ref = author({ id: 5, nickname: null, name: 'Set' });
  const sets = computeChangeSets([{ meta: authorMeta, entity: ref, status: 'managed', initialized: false }]);
  t.is(sets.length, 1);
  t.is(sets[0]!.type, 'update');
  t.deepEqual(sets[0]!.payload, { name: 'Set', nickname: null });
});

test('a reference with nothing assigned produces no change set', (t) => {
  t.deepEqual(computeChangeSets([{ meta: authorMeta, entity: author({ id: 5 }), status: 'managed', initialized: false }]), []);
});

test('a reference compares against what it already wrote', (t) => {
  // After a flush the reference's snapshot holds the written values: writing them again is no change.
  const ref = author({ id: 5, name: 'Set', nickname: 'n' });
  const view: EntityView = { meta: authorMeta, entity: ref, status: 'managed', initialized: false, snapshot: { name: 'Set' } };
  t.deepEqual(computeChangeSets([view])[0]!.payload, { nickname: 'n' });
});

test('a removed entity that exists in the database is a delete', (t) => {
  const a = author({ id: 1, name: 'Ann' });
  const snapshot = { id: 1, name: 'Ann' };
  const sets = computeChangeSets([{ meta: authorMeta, entity: a, status: 'removed', initialized: true, snapshot }]);
  t.deepEqual(sets, [{ type: 'delete', meta: authorMeta, entity: a, payload: {}, snapshot }]);
});

test('a removed reference is a delete (no need to load it first)', (t) => {
  const ref = author({ id: 3 });
  const sets = computeChangeSets([{ meta: authorMeta, entity: ref, status: 'removed', initialized: false }]);
  t.is(sets.length, 1);
  t.is(sets[0]!.type, 'delete');
  t.is(sets[0]!.entity, ref);
});

test('a removed entity that was never written produces nothing', (t) => {
  t.deepEqual(computeChangeSets([{ meta: authorMeta, entity: author({ name: 'x' }), status: 'removed', initialized: true }]), []);
});

test('change sets come in the order of the views, and nothing is mutated', (t) => {
  const a = author({ name: 'new' });
  const b = author({ id: 2, name: 'changed' });
  const c = author({ id: 3, name: 'gone' });
  const snapB = Object.freeze({ id: 2, name: 'before' });
  const views: EntityView[] = [
    { meta: authorMeta, entity: c, status: 'removed', initialized: true, snapshot: { id: 3, name: 'gone' } },
    { meta: authorMeta, entity: a, status: 'new', initialized: true },
    { meta: authorMeta, entity: b, status: 'managed', initialized: true, snapshot: snapB },
  ];
  const sets = computeChangeSets(views);
  t.deepEqual(sets.map((s) => [s.type, s.entity]), [['delete', c], ['insert', a], ['update', b]]);
  t.deepEqual([a.id, a.name, b.id, b.name, c.id, c.name], [undefined, 'new', 2, 'changed', 3, 'gone']);
  t.deepEqual(snapB, { id: 2, name: 'before' });
});

@Entity()
class EveryType {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string', nullable: true }) s?: unknown;
  @Property({ type: 'text', nullable: true }) t?: unknown;
  @Property({ type: 'uuid', nullable: true }) u?: unknown;
  @Property({ type: 'integer', nullable: true }) i?: unknown;
  @Property({ type: 'float', nullable: true }) f?: unknown;
  @Property({ type: 'boolean', nullable: true }) b?: unknown;
  @Property({ type: 'date', nullable: true }) d?: unknown;
  @Property({ type: 'datetime', nullable: true }) dt?: unknown;
  @Property({ type: 'json', nullable: true }) j?: unknown;
  @Property({ type: 'bigint', nullable: true }) big?: unknown;
  @Property({ type: 'decimal', nullable: true }) dec?: unknown;
}

test('change detection of loaded entities agrees with sameValue for every scalar type and null/missing value', (t) => {
  const everyMeta = discoverMetadata([EveryType]).get(EveryType);
  const samples: unknown[] = [undefined, null, 0, 1, NaN, '', 'a', '1', true, false, 1n, new Date(5), new Date(5), { k: 1 }, { k: 1 }];
  for (const p of everyMeta.properties) {
    if (p.kind !== 'scalar' || p.primary) continue;
    for (const now of samples) {
      for (const before of samples) {
        // JSON cannot hold a BigInt (sameValue throws on it either way).
        if (p.type === 'json' && (typeof now === 'bigint' || typeof before === 'bigint')) continue;
        const e = Object.assign(new EveryType(), { id: 1, [p.name]: now });
        const snapshot: Record<string, unknown> = before === undefined ? { id: 1 } : { id: 1, [p.name]: before };
        const got = computeChangeSets([{ meta: everyMeta, entity: e, status: 'managed', initialized: true, snapshot }]);
        const changed = now !== undefined && !sameValue(p.type, now, before);
        t.deepEqual(got.length ? got[0]!.payload : undefined, changed ? { [p.name]: now } : undefined, `${p.type}: ${String(now)} against ${String(before)}`);
      }
    }
  }
});

test('a key changed after loading shows in the update payload; the same key as a string does not', (t) => {
  const snap = { id: 1, name: 'Ann' };
  t.deepEqual(computeChangeSets([managed(author({ id: 2, name: 'Ann' }), snap)])[0]!.payload, { id: 2 });
  t.deepEqual(computeChangeSets([managed(author({ id: 2, name: 'Bo' }), snap)])[0]!.payload, { id: 2, name: 'Bo' });
  t.deepEqual(computeChangeSets([managed(author({ id: null as never, name: 'Ann' }), snap)])[0]!.payload, { id: null });
  const cleared = author({ name: 'Ann' });
  t.deepEqual(computeChangeSets([managed(cleared, snap)])[0]!.payload, { id: undefined });
  t.deepEqual(computeChangeSets([managed(author({ id: '1' as never, name: 'Ann' }), snap)]), []);
  // The change set carries the snapshot: the executor addresses the row by the key in it.
  const [cs] = computeChangeSets([managed(author({ id: 2, name: 'Bo' }), snap)]);
  t.is(cs!.snapshot, snap);
});

test('a removed entity whose key changed carries the changed key; a reference is checked against its identity-map key', (t) => {
  const removed = (entity: object, snapshot: Record<string, unknown> | undefined, key?: string, initialized = true): EntityView => ({
    meta: authorMeta, entity, status: 'removed', initialized, snapshot, key,
  });
  t.deepEqual(computeChangeSets([removed(author({ id: 1, name: 'Ann' }), { id: 1, name: 'Ann' })])[0]!.payload, {});
  t.deepEqual(computeChangeSets([removed(author({ id: 3, name: 'Ann' }), { id: 1, name: 'Ann' })])[0]!.payload, { id: 3 });
  t.deepEqual(computeChangeSets([removed(author({ id: 1 }), undefined, '1', false)])[0]!.payload, {});
  t.deepEqual(computeChangeSets([removed(author({ id: 4 }), undefined, '1', false)])[0]!.payload, { id: 4 });
  const ref = (entity: object): EntityView => ({ meta: authorMeta, entity, status: 'managed', initialized: false, key: '1' });
  t.deepEqual(computeChangeSets([ref(author({ id: 1, name: 'X' }))])[0]!.payload, { name: 'X' });
  t.deepEqual(computeChangeSets([ref(author({ id: 5, name: 'X' }))])[0]!.payload, { id: 5, name: 'X' });
});

test('keyChangeFailures: one primary_key failure per changed key, naming Entity.property and the loaded key', (t) => {
  const sets = computeChangeSets([managed(author({ id: 2, name: 'Bo' }), { id: 1, name: 'Ann' }), managed(author({ id: 7, name: 'Cy' }), { id: 7, name: 'Ann' })]);
  const failures = keyChangeFailures(sets, () => 'sqlite');
  t.is(failures.length, 1);
  t.like(failures[0], { entity: 'Author', property: 'id', value: 2, rule: 'primary_key' });
  t.regex(failures[0]!.message, /^Author\.id was changed to 2 after Author 1 was loaded; .*Set it back to 1/);
  t.deepEqual(keyChangeFailures([{ type: 'insert', meta: authorMeta, entity: author({ id: 9 }), payload: { id: 9 } }], () => 'sqlite'), []);
  // A reference addresses its row by the key it was given: it must be one the column can hold.
  const [bad] = keyChangeFailures([{ type: 'delete', meta: authorMeta, entity: author({ id: '' as never }), payload: {} }], () => 'pg');
  t.like(bad, { entity: 'Author', property: 'id', value: '', rule: 'type' });
  t.regex(bad!.message, /^Author\.id .*reference made from the key ""/);
});
