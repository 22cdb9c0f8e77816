// Regression: metadata lookups by a user-given name went through a normal object, so a key named
// like an Object.prototype member (`constructor`, `toString`, `__proto__` from JSON.parse, ...)
// found Object.prototype's member instead of nothing. `em.nativeDelete(Book, { constructor: 1 })`
// sent `DELETE FROM books WHERE 1 = 1`; find / count / populate threw an untyped TypeError;
// `orderBy: { toString: 'asc' }` was ignored; em.create / em.assign ignored such keys. Every such
// key must now fail like any unknown name (`nope`): the same error class and code, before any SQL,
// with no row changed and Object.prototype untouched.
import test, { type ExecutionContext } from 'ava';
import {
  Collection, Entity, Joinery, ManyThrough, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, UsageError, ValidationError, wrap,
  type EntityManager, type QueryLogEntry, type Rel,
} from 'joinery';
import { dialects, forEachDialect, type TestDialect } from '../support/databases.js';
import { openConnections } from '../support/connections.js';
import { WATERLINE_ENTITIES, WlPhoto, WlUser } from '../fixtures/waterline.js';

@Entity()
class Writer {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Book, (b) => b.writer) books = new Collection<Book>(this);
  @ManyThrough(() => Label, 'books.labels') labels = new Collection<Label>(this);
}

@Entity()
class Book {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => Writer) writer!: Rel<Writer>;
  @ManyToMany(() => Label, (l) => l.books, { owner: true, through: () => Labeling }) labels = new Collection<Label>(this);
}

@Entity()
class Label {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToMany(() => Book, (b) => b.labels) books = new Collection<Book>(this);
}

@Entity()
class Labeling {
  @ManyToOne(() => Book) book!: Rel<Book>;
  @ManyToOne(() => Label) label!: Rel<Label>;
  @Property({ type: 'integer', default: 0 }) weight!: number;
}

/** Every member of Object.prototype: constructor, toString, valueOf, hasOwnProperty, __proto__, __defineGetter__, ... */
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype);
/** The control: a plain unknown name, whose error every prototype-named key must share. */
const CONTROL = 'nope';

/** `{ [key]: value }` as a request body parses it: an own property, even for `__proto__`. */
const keyed = (key: string, value: unknown): any => JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(value)}}`);
/** `keyed` plus ordinary keys (Object.assign defines `title` as an own property too). */
const withKey = (key: string, value: unknown, rest: object): any => Object.assign(keyed(key, value), rest);

interface Ctx {
  em: EntityManager;
  writer: Writer;
  book: Book;
  label: Label;
}

type ErrorClass = typeof UsageError | typeof ValidationError;

/** One entry point: what it is called, how a key reaches it, and the error it gives for an unknown name. */
interface EntryPoint {
  name: string;
  run: (c: Ctx, key: string) => unknown;
  error: ErrorClass;
  code: string;
}

const U = UsageError;
const V = ValidationError;

const ENTRY_POINTS: readonly EntryPoint[] = [
  // criteria, top level and through every nesting
  { name: 'find', run: (c, k) => c.em.find(Book, keyed(k, 1)), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'findOne', run: (c, k) => c.em.findOne(Book, keyed(k, 1)), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'findOneOrFail', run: (c, k) => c.em.findOneOrFail(Book, keyed(k, 'x')), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'count', run: (c, k) => c.em.count(Book, keyed(k, 1)), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'findAndCount', run: (c, k) => c.em.findAndCount(Book, keyed(k, 1)), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'an object value', run: (c, k) => c.em.find(Book, keyed(k, { polluted: true })), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'beside a known key', run: (c, k) => c.em.find(Book, withKey(k, 1, { title: 'x' })), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: '$or', run: (c, k) => c.em.find(Book, { $or: [{ title: 'x' }, keyed(k, 1)] }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: '$and', run: (c, k) => c.em.find(Book, { $and: [keyed(k, 1)] }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: '$not', run: (c, k) => c.em.find(Book, { $not: keyed(k, 1) }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'to-one nested', run: (c, k) => c.em.find(Book, { writer: keyed(k, 1) }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'to-one $not', run: (c, k) => c.em.find(Book, { writer: { $not: keyed(k, 1) } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'two levels deep', run: (c, k) => c.em.find(Book, { writer: { books: { $some: { $or: [keyed(k, 1)] } } } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'collection criteria', run: (c, k) => c.em.find(Writer, { books: keyed(k, 1) }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: '$some', run: (c, k) => c.em.find(Writer, { books: { $some: keyed(k, 1) } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: '$none', run: (c, k) => c.em.find(Writer, { books: { $none: keyed(k, 1) } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: '$every', run: (c, k) => c.em.find(Writer, { books: { $every: keyed(k, 1) } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: '$count $where', run: (c, k) => c.em.find(Writer, { books: { $count: 1, $where: keyed(k, 1) } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'many-to-many', run: (c, k) => c.em.find(Book, { labels: keyed(k, 1) }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'has-many-through', run: (c, k) => c.em.find(Writer, { labels: { $some: keyed(k, 1) } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'has-many-through $count $where', run: (c, k) => c.em.find(Writer, { labels: { $count: 1, $where: keyed(k, 1) } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: '$pivot', run: (c, k) => c.em.find(Book, { labels: { $pivot: keyed(k, 1) } }), error: U, code: 'UNKNOWN_PROPERTY' },
  // operator positions: a name without `$` where operators go, and `$`-prefixed names
  { name: 'scalar operator object', run: (c, k) => c.em.find(Book, { title: keyed(k, 1) }), error: U, code: 'BAD_CRITERIA' },
  { name: '$-name at the top', run: (c, k) => c.em.find(Book, keyed(`$${k}`, 1)), error: U, code: 'UNKNOWN_OPERATOR' },
  { name: '$-name on a scalar', run: (c, k) => c.em.find(Book, { title: keyed(`$${k}`, 1) }), error: U, code: 'UNKNOWN_OPERATOR' },
  { name: '$-name on a to-one', run: (c, k) => c.em.find(Book, { writer: keyed(`$${k}`, 1) }), error: U, code: 'UNKNOWN_OPERATOR' },
  { name: '$-name on a collection', run: (c, k) => c.em.find(Writer, { books: keyed(`$${k}`, {}) }), error: U, code: 'UNKNOWN_OPERATOR' },
  { name: '$-name in $count', run: (c, k) => c.em.find(Writer, { books: { $count: keyed(`$${k}`, 1) } }), error: U, code: 'UNKNOWN_OPERATOR' },
  // orderBy
  { name: 'orderBy', run: (c, k) => c.em.find(Book, {}, { orderBy: keyed(k, 'asc') }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'orderBy array', run: (c, k) => c.em.find(Book, {}, { orderBy: [{ id: 'asc' }, keyed(k, 'desc')] }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'orderBy through a relation', run: (c, k) => c.em.find(Book, {}, { orderBy: { writer: keyed(k, 'asc') } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'orderBy nested object', run: (c, k) => c.em.find(Book, {}, { orderBy: keyed(k, { id: 'asc' }) }), error: U, code: 'UNKNOWN_PROPERTY' },
  // populate, populateWhere, populateOrderBy, counts
  { name: 'populate', run: (c, k) => c.em.find(Writer, {}, { populate: [k] as never }), error: U, code: 'UNKNOWN_POPULATE' },
  { name: 'populate path', run: (c, k) => c.em.find(Writer, {}, { populate: [`books.${k}`] as never }), error: U, code: 'UNKNOWN_POPULATE' },
  { name: 'em.populate', run: (c, k) => c.em.populate(c.writer, [`books.writer.${k}`] as never), error: U, code: 'UNKNOWN_POPULATE' },
  { name: 'populateWhere', run: (c, k) => c.em.find(Writer, {}, { populate: ['books'], populateWhere: keyed(k, {}) }), error: U, code: 'BAD_POPULATE_WHERE' },
  { name: 'populateWhere items', run: (c, k) => c.em.find(Writer, {}, { populate: ['books'], populateWhere: { books: keyed(k, 1) } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'populateOrderBy', run: (c, k) => c.em.find(Writer, {}, { populate: ['books'], populateOrderBy: keyed(k, {}) }), error: U, code: 'BAD_POPULATE_ORDER_BY' },
  { name: 'populateOrderBy items', run: (c, k) => c.em.find(Writer, {}, { populate: ['books'], populateOrderBy: { books: keyed(k, 'asc') } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'counts', run: (c, k) => c.em.find(Writer, {}, { counts: [k] }), error: U, code: 'BAD_COUNTS' },
  { name: 'counts relation', run: (c, k) => c.em.find(Writer, {}, { counts: { n: { relation: k } } }), error: U, code: 'BAD_COUNTS' },
  { name: 'counts where', run: (c, k) => c.em.find(Writer, {}, { counts: { n: { relation: 'books', where: keyed(k, 1) } } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'wrap().count', run: (c, k) => wrap(c.writer).count(k), error: U, code: 'COUNT_NOT_LOADED' },
  // writes
  { name: 'nativeUpdate where', run: (c, k) => c.em.nativeUpdate(Book, keyed(k, 1), { title: 'changed' }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'nativeUpdate where in $or', run: (c, k) => c.em.nativeUpdate(Book, { $or: [keyed(k, 1)] }, { title: 'changed' }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'nativeUpdate data', run: (c, k) => c.em.nativeUpdate(Book, { id: c.book.id }, withKey(k, 'x', { title: 'changed' })), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'nativeDelete', run: (c, k) => c.em.nativeDelete(Book, keyed(k, 1)), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'nativeDelete $not', run: (c, k) => c.em.nativeDelete(Book, { $not: keyed(k, 1) }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'nativeDelete through a relation', run: (c, k) => c.em.nativeDelete(Book, { writer: keyed(k, 1) }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'em.create', run: (c, k) => c.em.create(Book, withKey(k, 'x', { title: 'new', writer: c.writer })), error: V, code: 'UNKNOWN_PROPERTY' },
  { name: 'em.create, object value', run: (c, k) => c.em.create(Writer, withKey(k, { polluted: true }, { name: 'new' })), error: V, code: 'UNKNOWN_PROPERTY' },
  { name: 'em.assign', run: (c, k) => c.em.assign(c.book, withKey(k, 'x', { title: 'changed' })), error: V, code: 'UNKNOWN_PROPERTY' },
  // collections
  { name: 'matching where', run: (c, k) => c.writer.books.matching({ where: keyed(k, 1) }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'matching orderBy', run: (c, k) => c.writer.books.matching({ orderBy: keyed(k, 'asc') }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'many-to-many matching $pivot', run: (c, k) => c.book.labels.matching({ where: { $pivot: keyed(k, 1) } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'has-many-through matching', run: (c, k) => c.writer.labels.matching({ where: keyed(k, 1), orderBy: { id: 'asc' } }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'has-many-through matching orderBy', run: (c, k) => c.writer.labels.matching({ orderBy: keyed(k, 'asc') }), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'collection nativeDelete', run: (c, k) => c.writer.books.nativeDelete(keyed(k, 1)), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'collection nativeUpdate data', run: (c, k) => c.writer.books.nativeUpdate({}, keyed(k, 'x')), error: U, code: 'UNKNOWN_PROPERTY' },
  { name: 'pivot values', run: (c, k) => c.book.labels.attach(c.label, keyed(k, 1)), error: U, code: 'UNKNOWN_PIVOT_PROPERTY' },
];

/** Every own property of Object.prototype with its descriptor's value, getter and setter. */
function prototypeFingerprint(): unknown[] {
  return Reflect.ownKeys(Object.prototype).map((k) => {
    const d = Object.getOwnPropertyDescriptor(Object.prototype, k)!;
    return [k, d.value, d.get, d.set, d.enumerable];
  });
}

async function expectRejected(t: ExecutionContext, log: QueryLogEntry[], entry: EntryPoint, key: string, ctx: Ctx): Promise<void> {
  const label = `${entry.name} with ${JSON.stringify(key)}`;
  log.length = 0;
  let error: unknown;
  try {
    await entry.run(ctx, key);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof entry.error) || error.code !== entry.code) {
    t.fail(`${label}: expected ${entry.error.name} ${entry.code}, got ${error instanceof Error ? `${error.constructor.name} ${(error as { code?: string }).code}: ${error.message}` : String(error)}`);
    return;
  }
  if (entry.code === 'UNKNOWN_PROPERTY' || entry.code === 'UNKNOWN_POPULATE') t.true(error.message.includes(key), `${label}: the message names the key`);
  t.deepEqual(log.map((q) => q.sql), [], `${label}: nothing was sent`);
}

async function rows(orm: Joinery): Promise<unknown> {
  const em = orm.em.fork();
  const books = await em.find(Book, {}, { orderBy: { id: 'asc' }, populate: ['labels'] });
  const writers = await em.find(Writer, {}, { orderBy: { id: 'asc' } });
  return {
    writers: writers.map((w) => [w.id, w.name]),
    books: books.map((b) => [b.id, b.title, b.writer.id, b.labels.getItems().map((l) => [l.id, b.labels.pivotOf(l)])]),
  };
}

forEachDialect(test, 'keys named like Object.prototype members are unknown names everywhere, before any SQL', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Writer, Book, Label, Labeling], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const seed = orm.em.fork();
  const ann = seed.create(Writer, { name: 'Ann' });
  const bob = seed.create(Writer, { name: 'Bob' });
  const red = seed.create(Label, { name: 'red' });
  const first = seed.create(Book, { title: 'First', writer: ann });
  seed.create(Book, { title: 'Second', writer: ann });
  seed.create(Book, { title: 'Third', writer: bob });
  first.labels.attach(red, { weight: 3 });
  await seed.flush();
  const before = await rows(orm);
  const fingerprint = prototypeFingerprint();

  const em = orm.em.fork();
  const ctx: Ctx = {
    em,
    writer: await em.findOneOrFail(Writer, ann.id),
    book: await em.findOneOrFail(Book, first.id),
    label: await em.findOneOrFail(Label, red.id),
  };
  // The control first: the expected error is the one an unknown name gets today.
  for (const entry of ENTRY_POINTS) await expectRejected(t, log, entry, CONTROL, ctx);
  for (const key of PROTOTYPE_KEYS) {
    for (const entry of ENTRY_POINTS) await expectRejected(t, log, entry, key, ctx);
  }

  // Failed em.create / em.assign calls left nothing to write, and the loaded book is unchanged.
  t.is(ctx.book.title, 'First');
  log.length = 0;
  await em.flush();
  t.deepEqual(log.map((q) => q.sql), [], 'the flush after the failed calls has nothing to send');
  t.deepEqual(await rows(orm), before, 'no row changed');
  t.deepEqual(prototypeFingerprint(), fingerprint, 'Object.prototype is unchanged');
  t.is(({} as { polluted?: unknown }).polluted, undefined);
});

test('metadata propertiesByName has no prototype', async (t) => {
  const orm = await Joinery.init({ entities: [Writer, Book, Label, Labeling], client: 'sqlite', connection: ':memory:' });
  t.teardown(() => orm.close());
  for (const entity of [Writer, Book, Label, Labeling]) {
    const byName = orm.em.getMetadata(entity).propertiesByName;
    t.is(Object.getPrototypeOf(byName), null, entity.name);
    for (const key of PROTOTYPE_KEYS) t.is(byName[key] as unknown, undefined, `${entity.name}.${key}`);
    t.deepEqual(Object.keys(byName), orm.em.getMetadata(entity).properties.map((p) => p.name));
  }
});

// Criteria that reach another connection are rewritten in steps before they are compiled: the
// rewrite kept a prototype-named key's entry as `undefined` (the value of no property), which
// then meant "no condition" and deleted every row.
const PAIRS: readonly TestDialect[] = ['sqlite', 'pg', 'mysql'];
for (const dialect of PAIRS) {
  if (!dialects().includes(dialect)) continue;
  test.serial(`[${dialect}+${dialect}] prototype-named keys in criteria resolved across connections`, async (t) => {
    const { orm, log } = await openConnections(t, { default: dialect, media: dialect }, WATERLINE_ENTITIES);
    const seed = orm.em.fork();
    const ann = seed.create(WlUser, { name: 'Ann' });
    seed.create(WlPhoto, { url: 'a.jpg', owner: ann });
    seed.create(WlUser, { name: 'Bob' });
    await seed.flush();
    const em = orm.em.fork();
    const cases: [string, (k: string) => Promise<unknown>][] = [
      ['nativeDelete', (k) => em.nativeDelete(WlUser, withKey(k, 1, { photos: { url: 'a.jpg' } }))],
      ['nativeDelete $and', (k) => em.nativeDelete(WlUser, { $and: [keyed(k, 1)], photos: { url: 'a.jpg' } })],
      ['nativeDelete on the other side', (k) => em.nativeDelete(WlPhoto, { owner: keyed(k, 1) })],
      ['find', (k) => em.find(WlUser, { photos: keyed(k, 1) })],
      ['nativeUpdate', (k) => em.nativeUpdate(WlPhoto, withKey(k, 1, { owner: { name: 'Ann' } }), { url: 'b.jpg' })],
    ];
    for (const key of [CONTROL, ...PROTOTYPE_KEYS]) {
      for (const [name, run] of cases) {
        log.length = 0;
        const error = await t.throwsAsync(run(key), { instanceOf: UsageError }, `${name} with ${key}`);
        t.is(error?.code, 'UNKNOWN_PROPERTY', `${name} with ${key}`);
        t.deepEqual(log.map((q) => q.sql), [], `${name} with ${key}: nothing was sent`);
      }
    }
    t.is(await orm.em.fork().count(WlUser), 2);
    t.is(await orm.em.fork().count(WlPhoto), 1);
  });
}
