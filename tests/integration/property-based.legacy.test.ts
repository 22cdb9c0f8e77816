// Property-based tests (fast-check) of everything a user's input reaches: criteria, orderBy,
// limit/offset, populate, create/assign data, nativeUpdate/nativeDelete. On every dialect:
// - a valid query returns what a reference evaluation over the same rows in memory returns;
// - an invalid one is a typed JoineryError before any SQL (the logger saw nothing);
// - a native write changes exactly the rows its criteria name;
// - nothing reaches Object.prototype.
// A failure prints fast-check's seed and path; replay it with FC_SEED=<seed> (and FC_PATH=<path>).
// FC_RUNS sets the number of cases per property (default 200).
//
// Only in the legacy build (`.legacy.test.ts`): the properties test queries, not decorators, and the
// standard build would run the same cases a second time.
import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { Collection, Entity, Joinery, JoineryError, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, type EntityManager, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity({ tableName: 'pbt_shelves' })
class Shelf {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'integer', nullable: true }) rank?: number | null;
  @OneToMany(() => Item, (i) => i.shelf) items = new Collection<Item>(this);
}

@Entity({ tableName: 'pbt_items' })
class Item {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', length: 20 }) title!: string;
  @Property({ type: 'integer', nullable: true }) qty?: number | null;
  @Property({ type: 'boolean' }) active!: boolean;
  @ManyToOne(() => Shelf, { nullable: true }) shelf?: Rel<Shelf> | null;
  @ManyToMany(() => Label) labels = new Collection<Label>(this);
}

@Entity({ tableName: 'pbt_labels' })
class Label {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) text!: string;
}

// ------------------------------------------------------------------ the data, also kept in memory

const WORDS = ['', 'a', 'b', 'ab', 'ba', 'abc', 'bca', 'c'];

interface ShelfRow { id: number; name: string; rank: number | null }
interface ItemRow { id: number; title: string; qty: number | null; active: boolean; shelf: number | null; labels: number[] }
interface LabelRow { id: number; text: string }
interface Data { shelves: ShelfRow[]; items: ItemRow[]; labels: LabelRow[] }

/** A fixed, varied data set: NULLs, empty strings, items without a shelf or labels. */
function dataSet(): Data {
  const shelves: ShelfRow[] = [];
  for (let i = 1; i <= 5; i++) shelves.push({ id: i, name: WORDS[(i * 3) % WORDS.length]!, rank: i % 3 === 0 ? null : i * 2 - 5 });
  const labels: LabelRow[] = [1, 2, 3, 4].map((id) => ({ id, text: WORDS[id + 1]! }));
  const items: ItemRow[] = [];
  for (let i = 1; i <= 30; i++) {
    items.push({
      id: i,
      title: WORDS[(i * 5) % WORDS.length]! + (i % 4 === 0 ? 'a' : ''),
      qty: i % 5 === 0 ? null : (i * 7) % 11 - 2,
      active: i % 3 !== 0,
      shelf: i % 6 === 0 ? null : (i % 5) + 1,
      labels: [1, 2, 3, 4].filter((l) => (i + l) % 3 === 0 || (i % 7 === 0 && l === 4)),
    });
  }
  return { shelves, items, labels };
}

async function open(t: ExecutionContext, db: TestDb) {
  const sent: string[] = [];
  const orm = await Joinery.init({ entities: [Shelf, Item, Label], ...db.config, logger: (q) => sent.push(q.sql) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const data = dataSet();
  const em = orm.em.fork();
  // Keys come from the database (explicit ones would leave pg's sequences behind for later inserts).
  const shelves = data.shelves.map((s) => em.create(Shelf, { name: s.name, rank: s.rank }));
  const labels = data.labels.map((l) => em.create(Label, { text: l.text }));
  const items = data.items.map((i) =>
    em.create(Item, { title: i.title, qty: i.qty, active: i.active, shelf: i.shelf ? shelves[i.shelf - 1] : null, labels: i.labels.map((l) => labels[l - 1]!) }),
  );
  await em.flush();
  const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
  t.deepEqual([ids(shelves), ids(labels), ids(items)], [ids(data.shelves), ids(data.labels), ids(data.items)], 'a fresh table numbers rows 1, 2, 3, … in insert order');
  sent.length = 0;
  return { orm, data, sent };
}

// ------------------------------------------------------------------ reference evaluation

type Crit = Record<string, unknown>;
type Row = Record<string, unknown>;

function isOps(v: unknown): v is Crit {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'));
}

function likeToRegExp(pattern: string, flags = ''): RegExp {
  const body = [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, `s${flags}`);
}

/** JS-like semantics, as joinery documents them: NULL matches $ne and $nin, never a comparison. */
function scalarMatches(value: unknown, c: unknown): boolean {
  if (c === null) return value === null;
  if (Array.isArray(c)) return scalarMatches(value, { $in: c });
  if (!isOps(c)) return value === c;
  return Object.entries(c).every(([op, v]) => {
    switch (op) {
      case '$eq': return v === null ? value === null : value === v;
      case '$ne': return v === null ? value !== null : value !== v;
      case '$in': return (v as unknown[]).includes(value);
      case '$nin': return !(v as unknown[]).includes(value);
      case '$gt': return value !== null && (value as number) > (v as number);
      case '$gte': return value !== null && (value as number) >= (v as number);
      case '$lt': return value !== null && (value as number) < (v as number);
      case '$lte': return value !== null && (value as number) <= (v as number);
      // Patterns are lower-case and the data is too: LIKE's case rules differ per database.
      case '$like': return value !== null && likeToRegExp(v as string).test(value as string);
      case '$not': return !scalarMatches(value, v);
      default: throw new Error(`reference: unknown operator ${op}`);
    }
  });
}

function matchesGroups(c: Crit, one: (crit: Crit) => boolean): boolean | undefined {
  if (c.$and) return (c.$and as Crit[]).every(one);
  if (c.$or) return (c.$or as Crit[]).some(one);
  if (c.$not) return !one(c.$not as Crit);
  return undefined;
}

function shelfMatches(d: Data, shelf: ShelfRow, c: Crit): boolean {
  return Object.entries(c).every(([k, v]) => {
    if (k === '$and' || k === '$or' || k === '$not') return matchesGroups({ [k]: v }, (x) => shelfMatches(d, shelf, x))!;
    return scalarMatches(shelf[k as keyof ShelfRow], v);
  });
}

function itemMatches(d: Data, item: ItemRow, c: Crit): boolean {
  return Object.entries(c).every(([k, v]) => {
    if (k === '$and' || k === '$or' || k === '$not') return matchesGroups({ [k]: v }, (x) => itemMatches(d, item, x))!;
    if (k === 'shelf') {
      if (v === null || typeof v === 'number' || Array.isArray(v) || (isOps(v) && !('$and' in v || '$or' in v || '$not' in v))) return scalarMatches(item.shelf, v);
      const shelf = d.shelves.find((s) => s.id === item.shelf);
      return shelf !== undefined && shelfMatches(d, shelf, v as Crit);
    }
    if (k === 'labels') {
      const ops = v as Crit;
      const mine = d.labels.filter((l) => item.labels.includes(l.id));
      return Object.entries(ops).every(([op, inner]) => {
        const hit = (l: LabelRow) => Object.entries(inner as Crit).every(([f, fv]) => scalarMatches(l[f as keyof LabelRow], fv));
        if (op === '$some') return mine.some(hit);
        if (op === '$none') return !mine.some(hit);
        if (op === '$every') return mine.every(hit);
        throw new Error(`reference: unknown collection operator ${op}`);
      });
    }
    return scalarMatches(item[k as keyof ItemRow], v);
  });
}

// ------------------------------------------------------------------ generators of valid input

const int = fc.integer({ min: -3, max: 9 });
const word = fc.constantFrom(...WORDS);
const pattern = fc.constantFrom('a%', '%b', '%a%', '_b', 'ab', '%', '_', 'a\\_%', '%c');

function scalarCrit(value: fc.Arbitrary<unknown>, opts: { nullable: boolean; ordered: boolean; like: boolean }): fc.Arbitrary<unknown> {
  const maybeNull = opts.nullable ? fc.oneof(value, fc.constant(null)) : value;
  const base: fc.Arbitrary<unknown>[] = [
    value,
    fc.record({ $eq: maybeNull }),
    fc.record({ $ne: maybeNull }),
    fc.record({ $in: fc.array(maybeNull, { maxLength: 4 }) }),
    fc.record({ $nin: fc.array(maybeNull, { maxLength: 4 }) }),
  ];
  if (opts.nullable) base.push(fc.constant(null));
  if (opts.ordered) base.push(fc.record({ $gt: value }), fc.record({ $gte: value, $lte: value }, { requiredKeys: [] }).filter((o) => Object.keys(o).length > 0), fc.record({ $lt: value }));
  if (opts.like) base.push(fc.record({ $like: pattern }));
  const one = fc.oneof(...base);
  return fc.oneof({ weight: 4, arbitrary: one }, { weight: 1, arbitrary: fc.record({ $not: one }) });
}

const nonEmpty = (o: object) => Object.keys(o).length > 0;
const shelfFields = fc
  .record({ name: scalarCrit(word, { nullable: false, ordered: false, like: true }), rank: scalarCrit(int, { nullable: true, ordered: true, like: false }) }, { requiredKeys: [] })
  .filter(nonEmpty);

const labelFields = fc
  .record({ text: scalarCrit(word, { nullable: false, ordered: false, like: true }), id: scalarCrit(fc.integer({ min: 1, max: 4 }), { nullable: false, ordered: true, like: false }) }, { requiredKeys: [] })
  .filter(nonEmpty);

const itemFields = fc.record(
  {
    id: scalarCrit(fc.integer({ min: 0, max: 32 }), { nullable: false, ordered: true, like: false }),
    title: scalarCrit(word, { nullable: false, ordered: false, like: true }),
    qty: scalarCrit(int, { nullable: true, ordered: true, like: false }),
    active: scalarCrit(fc.boolean(), { nullable: false, ordered: false, like: false }),
    shelf: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 6 }), fc.record({ $in: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }) }), shelfFields),
    labels: fc.oneof(fc.record({ $some: labelFields }), fc.record({ $none: labelFields }), fc.record({ $every: labelFields })),
  },
  { requiredKeys: [] },
);

/** Item criteria: fields, and $and / $or / $not over smaller criteria, a few levels deep. */
const itemCriteria: fc.Arbitrary<Crit> = fc.letrec<{ crit: Crit }>((tie) => ({
  crit: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    itemFields as fc.Arbitrary<Crit>,
    fc.record({ $and: fc.array(tie('crit'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $or: fc.array(tie('crit'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ $not: tie('crit') }),
  ),
})).crit;

const order = fc.constantFrom<[string, string]>(['title', 'asc'], ['title', 'desc'], ['qty', 'asc nulls first'], ['qty', 'desc nulls last'], ['active', 'asc'], ['id', 'desc']);

function compareRows(a: ItemRow, b: ItemRow, [field, direction]: [string, string]): number {
  const x = a[field as keyof ItemRow] as string | number | boolean | null;
  const y = b[field as keyof ItemRow] as string | number | boolean | null;
  if (x === y) return 0;
  const desc = direction.startsWith('desc');
  if (x === null || y === null) return (x === null) === direction.endsWith('nulls first') ? -1 : 1;
  const c = x < y ? -1 : 1;
  return desc ? -c : c;
}

const runs = Number(process.env.FC_RUNS ?? 200);
const params = (): fc.Parameters<unknown> => ({
  numRuns: runs,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
});

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
function assertNoPrototypeChange(t: ExecutionContext): void {
  t.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore);
  t.is(Object.getPrototypeOf({}), Object.prototype);
  t.is(({} as Record<string, unknown>).polluted, undefined);
}

async function check(t: ExecutionContext, property: fc.IAsyncProperty<any>): Promise<void> {
  // fc.assert's error names the seed and the shrunk counterexample; ava prints it as the failure.
  const details = await fc.check(property, params());
  if (details.failed) t.fail(fc.defaultReportMessage(details) ?? `property failed, seed ${details.seed}`);
  else t.pass();
  assertNoPrototypeChange(t);
}

// ------------------------------------------------------------------ properties

forEachDialect(test, 'find and count with generated criteria equal a reference evaluation in memory', async (t, db) => {
  const { orm, data } = await open(t, db);
  await check(
    t,
    fc.asyncProperty(itemCriteria, async (where) => {
      const em = orm.em.fork();
      const expected = data.items.filter((i) => itemMatches(data, i, where)).map((i) => i.id);
      const found = (await em.find(Item, where as never, { orderBy: { id: 'asc' } })).map((i) => i.id);
      if (JSON.stringify(found) !== JSON.stringify(expected)) throw new Error(`find: ${JSON.stringify(where)} gave ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`);
      const count = await em.count(Item, where as never);
      if (count !== expected.length) throw new Error(`count: ${JSON.stringify(where)} gave ${count}, expected ${expected.length}`);
    }),
  );
});

forEachDialect(test, 'orderBy, limit and offset equal a sort and slice of the reference result', async (t, db) => {
  const { orm, data } = await open(t, db);
  await check(
    t,
    fc.asyncProperty(itemCriteria, order, fc.nat({ max: 12 }), fc.nat({ max: 8 }), async (where, by, limit, offset) => {
      const em = orm.em.fork();
      const expected = data.items
        .filter((i) => itemMatches(data, i, where))
        .sort((a, b) => compareRows(a, b, by) || a.id - b.id)
        .slice(offset, offset + limit)
        .map((i) => i.id);
      const orderBy = { [by[0]]: by[1], ...(by[0] === 'id' ? {} : { id: 'asc' }) };
      const [items, total] = await em.findAndCount(Item, where as never, { orderBy: orderBy as never, limit, offset });
      const found = items.map((i) => i.id);
      if (JSON.stringify(found) !== JSON.stringify(expected)) {
        throw new Error(`${JSON.stringify(where)} ${JSON.stringify(orderBy)} limit ${limit} offset ${offset}: ${JSON.stringify(found)}, expected ${JSON.stringify(expected)}`);
      }
      const all = data.items.filter((i) => itemMatches(data, i, where)).length;
      if (total !== all) throw new Error(`findAndCount total ${total}, expected ${all}`);
    }),
  );
});

const populatePaths = fc.subarray(['shelf', 'labels', 'shelf.items'], { minLength: 1 });

forEachDialect(test, 'populate loads exactly the related rows of the reference data', async (t, db) => {
  const { orm, data } = await open(t, db);
  await check(
    t,
    fc.asyncProperty(itemCriteria, populatePaths, fc.constantFrom('select-in', 'joined'), async (where, paths, strategy) => {
      const em = orm.em.fork();
      const items = await em.find(Item, where as never, { populate: paths as never, orderBy: { id: 'asc' }, strategy: strategy as never });
      for (const item of items) {
        const row = data.items.find((r) => r.id === item.id)!;
        if ((item.shelf?.id ?? null) !== row.shelf) throw new Error(`item ${item.id}: shelf ${item.shelf?.id}, expected ${row.shelf}`);
        if (paths.includes('labels')) {
          const labels = (item.labels as Collection<Label>).getItems().map((l) => l.id).sort();
          if (JSON.stringify(labels) !== JSON.stringify(row.labels)) throw new Error(`item ${item.id}: labels ${labels}, expected ${row.labels}`);
        }
        if (paths.includes('shelf.items') && item.shelf) {
          const ids = item.shelf.items.getItems().map((i) => i.id).sort((a, b) => a - b);
          const want = data.items.filter((i) => i.shelf === item.shelf!.id).map((i) => i.id);
          if (JSON.stringify(ids) !== JSON.stringify(want)) throw new Error(`shelf ${item.shelf.id}: items ${ids}, expected ${want}`);
        }
      }
    }),
  );
});

forEachDialect(test, 'nativeUpdate and nativeDelete change exactly the rows their criteria name', async (t, db) => {
  const { orm, data } = await open(t, db);
  const rollback = new Error('rollback');
  await check(
    t,
    fc.asyncProperty(itemCriteria, fc.boolean(), int, async (where, del, qty) => {
      const expected = data.items.filter((i) => itemMatches(data, i, where));
      try {
        await orm.em.fork().transactional(async (em: EntityManager) => {
          // The opt-in for criteria that name every row; it does not widen narrower criteria.
          const all = { all: true };
          const n = del ? await em.nativeDelete(Item, where as never, all) : await em.nativeUpdate(Item, where as never, { qty }, all);
          // MySQL counts an UPDATE's changed rows, not its matched ones.
          if (n !== expected.length && !(db.dialect === 'mysql' && !del)) throw new Error(`${del ? 'nativeDelete' : 'nativeUpdate'} ${JSON.stringify(where)} reported ${n} rows, expected ${expected.length}`);
          em.clear();
          const after = await em.find(Item, {}, { orderBy: { id: 'asc' } });
          const byId = new Map(after.map((i) => [i.id, i]));
          for (const row of data.items) {
            const hit = expected.includes(row);
            const now = byId.get(row.id);
            if (del) {
              if (hit === (now !== undefined)) throw new Error(`nativeDelete ${JSON.stringify(where)}: row ${row.id} ${hit ? 'kept' : 'deleted'}`);
            } else if (!now || now.title !== row.title || now.active !== row.active || (now.qty ?? null) !== (hit ? qty : row.qty)) {
              throw new Error(`nativeUpdate ${JSON.stringify(where)}: row ${row.id} is ${JSON.stringify(now)}, expected qty ${hit ? qty : row.qty}`);
            }
          }
          throw rollback;
        });
      } catch (e) {
        if (e !== rollback) throw e;
      }
    }),
  );
});

// ------------------------------------------------------------------ invalid input

const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__proto__', '__defineGetter__', '__lookupGetter__'];
const unknownName = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, 'nope', 'Title', 'shelf_id', 'qty ', ''), fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !['id', 'title', 'qty', 'active', 'shelf', 'labels'].includes(s) && !s.startsWith('$')));
const unknownOp = fc.oneof(fc.constantFrom('$constructor', '$toString', '$proto', '$regex', '$where', '$exists', '$foo', '$'), fc.string({ minLength: 1, maxLength: 5 }).map((s) => `$${s}`).filter((s) => !['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$like', '$ilike', '$not', '$and', '$or'].includes(s)));
interface Bad { key: string; value: unknown }
/**
 * One bad part for criteria on an entity with an integer, a string and (maybe) a boolean column:
 * an unknown property, an unknown operator, or a value the column cannot be compared with (the
 * database would reject it or, worse, coerce it: MariaDB compares `'abc'` as 0).
 */
function badPart(dialect: string, fields: { int: string; str: string; bool?: string; fk?: string }): fc.Arbitrary<Bad> {
  const parts: fc.Arbitrary<Bad>[] = [
    unknownName.map((key) => ({ key, value: 1 })),
    unknownOp.map((op) => ({ key: fields.int, value: { [op]: 1 } })),
    fc.constantFrom<unknown>('abc', Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 40, { $gt: Number.NaN }, { $in: [1, 'x'] }, { $gt: null }, { $lte: '1e999' }).map((value) => ({ key: fields.int, value })),
    // NUL is a character like any other in SQLite and MySQL text; PostgreSQL cannot store it.
    fc.constantFrom<unknown>({ nested: 1 }, 3, { $in: ['a', { x: 1 }] }, ...(dialect === 'pg' ? ['a\u0000b'] : [])).map((value) => ({ key: fields.str, value })),
  ];
  if (fields.bool) parts.push(fc.constantFrom<unknown>('false', 2, 'true').map((value) => ({ key: fields.bool!, value })));
  if (fields.fk) parts.push(fc.constantFrom<unknown>('', { $in: [''] }, Number.NaN).map((value) => ({ key: fields.fk!, value })));
  return fc.oneof(...parts);
}

/** `{ ...c, [key]: value }` makes an own property even for `__proto__`, as JSON.parse of a request body does. */
function put(c: Crit, bad: Bad): Crit {
  return { ...c, [bad.key]: bad.value };
}

/** A valid criteria with one bad part put somewhere in it: top level, nested in a group or a relation. */
const invalidCriteria = (dialect: string): fc.Arbitrary<Crit> => fc.oneof(
  fc.tuple(badPart(dialect, { int: 'qty', str: 'title', bool: 'active', fk: 'shelf' }), fc.constantFrom('top', '$and', '$or', '$not'), fc.record({ title: word }, { requiredKeys: [] })).map(([bad, where, base]) => {
    switch (where) {
      case 'top': return put(base, bad);
      case '$and': return { $and: [base, put({}, bad)] };
      case '$or': return { $or: [put({}, bad), base] };
      default: return { $not: put(base, bad) };
    }
  }),
  badPart(dialect, { int: 'rank', str: 'name' }).map((bad) => ({ shelf: put({}, bad) })),
  fc.tuple(badPart(dialect, { int: 'id', str: 'text' }), fc.constantFrom('$some', '$none', '$every')).map(([bad, op]) => ({ labels: { [op]: put({}, bad) } })),
);

const badOptions = fc.oneof(
  fc.record({ limit: fc.constantFrom(-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10', 2 ** 60) }),
  fc.record({ offset: fc.constantFrom(-5, 0.5, Number.NaN, '2', Number.MAX_VALUE) }),
  fc.record({ orderBy: fc.oneof(unknownName.map((k) => put({}, { key: k, value: 'asc' })), fc.constantFrom({ title: 'sideways' }, { title: 1 }, { shelf: { nope: 'asc' } }, { labels: 'asc' })) }),
  fc.record({ populate: fc.oneof(unknownName.filter((k) => k !== '*').map((k) => [k]), fc.constantFrom(['shelf.nope'], ['title'], ['shelf.constructor'], ['labels.__proto__'])) }),
);

async function expectRejected(sent: string[], what: string, run: () => Promise<unknown> | unknown): Promise<void> {
  sent.length = 0;
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof JoineryError)) throw new Error(`${what}: expected a typed JoineryError, got ${error === undefined ? 'no error' : String(error)}`);
  if (sent.length) throw new Error(`${what}: ${(error as JoineryError).code}, but SQL was sent first: ${sent.join(' | ')}`);
}

forEachDialect(test, 'invalid criteria are a typed error before any SQL, on every entry point', async (t, db) => {
  const { orm, sent, data } = await open(t, db);
  await check(
    t,
    fc.asyncProperty(invalidCriteria(db.dialect), fc.constantFrom('find', 'count', 'findOne', 'nativeUpdate', 'nativeDelete', 'populateWhere', 'matching'), async (where, entry) => {
      const em = orm.em.fork();
      const shelf = entry === 'matching' ? await em.findOneOrFail(Shelf, 1) : undefined;
      const what = `${entry} ${JSON.stringify(where)}`;
      await expectRejected(sent, what, () => {
        switch (entry) {
          case 'find': return em.find(Item, where as never);
          case 'count': return em.count(Item, where as never);
          case 'findOne': return em.findOne(Item, where as never);
          case 'nativeUpdate': return em.nativeUpdate(Item, where as never, { qty: 1 });
          case 'nativeDelete': return em.nativeDelete(Item, where as never);
          case 'populateWhere': return em.find(Shelf, {}, { populate: ['items'], populateWhere: { items: where } as never });
          default: return shelf!.items.matching({ where: where as never });
        }
      });
    }),
  );
  t.is(await orm.em.fork().count(Item, {}), data.items.length, 'no row was deleted');
});

forEachDialect(test, 'invalid orderBy, limit, offset and populate are a typed error before any SQL', async (t, db) => {
  const { orm, sent } = await open(t, db);
  await check(
    t,
    fc.asyncProperty(badOptions, fc.constantFrom('find', 'findAndCount'), async (options, entry) => {
      const em = orm.em.fork();
      await expectRejected(sent, `${entry} ${JSON.stringify(options)}`, () => (entry === 'find' ? em.find(Item, {}, options as never) : em.findAndCount(Item, {}, options as never)));
    }),
  );
});

// ------------------------------------------------------------------ create / assign

const validItemData = fc.record(
  {
    title: word,
    qty: fc.oneof(fc.constant(null), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
    active: fc.boolean(),
    shelf: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 5 })),
    labels: fc.subarray([1, 2, 3, 4]),
  },
  { requiredKeys: ['title', 'active'] },
);

/** Data a flush must refuse: unknown keys, and values the columns cannot hold. */
const invalidItemData = (dialect: string) => fc.oneof(
  fc.tuple(validItemData, unknownName).map(([d, key]) => put(d, { key, value: 1 })),
  fc.tuple(
    validItemData,
    fc.constantFrom<Bad>(
      { key: 'qty', value: 'abc' }, { key: 'qty', value: Number.NaN }, { key: 'qty', value: Number.POSITIVE_INFINITY }, { key: 'qty', value: 0.25 },
      { key: 'qty', value: 2 ** 31 }, { key: 'qty', value: -(2 ** 31) - 1 }, { key: 'active', value: 'false' }, { key: 'active', value: 2 },
      { key: 'title', value: 'x'.repeat(21) }, { key: 'title', value: 7 }, { key: 'shelf', value: '' },
      { key: 'labels', value: [''] }, { key: 'labels', value: ['x'] }, { key: 'shelf', value: 'abc' },
      ...(dialect === 'pg' ? [{ key: 'title', value: 'a\u0000b' }] : []),
    ),
  ).map(([d, bad]) => put(d, bad)),
);

forEachDialect(test, 'create and assign: valid data round-trips; invalid data is a typed error before any SQL', async (t, db) => {
  const { orm, sent } = await open(t, db);
  const rollback = new Error('rollback');
  await check(
    t,
    fc.asyncProperty(validItemData, validItemData, async (created, assigned) => {
      try {
        await orm.em.fork().transactional(async (em: EntityManager) => {
          const item = em.create(Item, created as never);
          await em.flush();
          em.assign(item, assigned as never);
          await em.flush();
          const id = item.id;
          em.clear();
          const again = await em.findOneOrFail(Item, id, { populate: ['labels'] });
          const want = { ...created, ...assigned } as Record<string, unknown>;
          const got: Record<string, unknown> = { title: again.title, qty: again.qty ?? null, active: again.active, shelf: again.shelf?.id ?? null, labels: again.labels.getItems().map((l) => l.id).sort() };
          for (const k of Object.keys(got)) {
            const expected = k in want ? want[k] : k === 'labels' ? [] : null;
            if (JSON.stringify(got[k]) !== JSON.stringify(expected)) throw new Error(`${k}: ${JSON.stringify(got[k])}, expected ${JSON.stringify(expected)} (created ${JSON.stringify(created)}, assigned ${JSON.stringify(assigned)})`);
          }
          throw rollback;
        });
      } catch (e) {
        if (e !== rollback) throw e;
      }
    }),
  );
  await check(
    t,
    fc.asyncProperty(invalidItemData(db.dialect), fc.boolean(), async (bad, viaAssign) => {
      const em = orm.em.fork();
      const what = `${viaAssign ? 'assign' : 'create'} ${JSON.stringify(bad)}`;
      const target = viaAssign ? await em.findOneOrFail(Item, 1) : undefined;
      await expectRejected(sent, what, async () => {
        if (target) em.assign(target, bad as never);
        else em.create(Item, bad as never);
        await em.flush();
      });
    }),
  );
});
