// The compiled row hydrator, the shared to-one accessor prototype, and the hand-written SELECT of
// the common shapes (checked against what knex writes). No database.
import test from 'ava';
import knex from 'knex';
import { Collection, Entity, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, type Rel } from '../../src/index.js';
import type { Driver } from '../../src/drivers/driver.js';
import { createState, getState } from '../../src/entity/entity-state.js';
import { rowHydrator, rowToValues, type ReferenceResolver } from '../../src/entity/hydrator.js';
import { accessorPrototype, usesAccessorPrototype } from '../../src/entity/to-one-accessors.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import type { Dialect, EntityMetadata } from '../../src/metadata/types.js';
import { CriteriaCompiler } from '../../src/query/criteria.js';
import { resolveOrderBy } from '../../src/query/order-by.js';
import { SelectBuilder } from '../../src/query/select-builder.js';
import { keyOf } from '../../src/unit-of-work/identity-map.js';

@Entity()
class Author {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'boolean' }) active!: boolean;
  @Property({ type: 'datetime', nullable: true }) bornAt?: Date | null;
  @Property({ type: 'json', nullable: true }) settings?: Record<string, unknown> | null;
  @Property({ type: 'bigint', nullable: true }) followers?: bigint | null;
  @OneToOne(() => Avatar, (a) => a.author) avatar?: Rel<Avatar> | null;
  @OneToMany(() => Book, (b) => b.author) books = new Collection<Book>(this);

  greet(): string {
    return `hi ${this.name}`;
  }
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
  @ManyToOne(() => Author, { nullable: true }) author?: Rel<Author> | null;
}

@Entity()
class Edition {
  @PrimaryKey({ type: 'integer' }) year!: number;
  @PrimaryKey({ type: 'string' }) code!: string;
  @Property({ type: 'integer' }) copies!: number;
}

@Entity()
class Printing {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Edition, { nullable: true }) edition?: Rel<Edition> | null;
}

const meta = discoverMetadata([Author, Avatar, Book, Edition, Printing]);
const authorMeta = meta.get(Author);
const bookMeta = meta.get(Book);
const editionMeta = meta.get(Edition);
const printingMeta = meta.get(Printing);

/** Records what the writer asks for and hands back a stand-in object per key. */
function recordingResolver(): ReferenceResolver & { calls: unknown[][] } {
  const made = new Map<string, object>();
  const calls: unknown[][] = [];
  const get = (target: EntityMetadata, values: unknown[]) => {
    calls.push([target.name, ...values]);
    const key = `${target.name}:${keyOf(values)}`;
    let ref = made.get(key);
    if (!ref) made.set(key, (ref = { ref: key }));
    return ref;
  };
  return { calls, one: (target, value) => get(target, [value]), many: (target, values) => get(target, values) };
}

test('key: read straight from the key column, equal to keyOf() of the converted values', (t) => {
  const key = rowHydrator(authorMeta).key;
  t.is(key({ id: 7, name: 'x' }), '7');
  t.is(key({ id: '7' }), keyOf([7]), 'a driver string for an integer key meets the number');
  t.is(key({ id: null }), undefined);
  t.is(key({}), undefined);
  const composite = rowHydrator(editionMeta).key;
  t.is(composite({ year: 2020, code: 'A', copies: 1 }), keyOf([2020, 'A']));
  t.is(composite({ year: '2020', code: 'A' }), keyOf([2020, 'A']));
  t.is(composite({ year: 2020, code: null }), undefined);
});

test('write: scalars converted onto the entity, the snapshot keeps its own copies of mutable values', (t) => {
  const entity = {} as Record<string, unknown>;
  const relations: Record<string, unknown> = {};
  const born = new Date('2001-02-03T04:05:06Z');
  const row = { id: '3', name: 'Ann', active: 1, born_at: born.toISOString(), settings: '{"a":[1]}', followers: '12' };
  const snapshot = rowHydrator(authorMeta).write(entity, row, relations, recordingResolver());
  t.deepEqual(entity, { id: 3, name: 'Ann', active: true, bornAt: born, settings: { a: [1] }, followers: 12n });
  t.deepEqual(snapshot, { ...entity, bornAt: born.getTime() }, 'same values as the entity, an instant as its epoch milliseconds');
  t.not(snapshot.settings, entity.settings);
  t.deepEqual(relations, { avatar: undefined }, 'the inverse 1:1 slot is known and empty');
  // Same result as the general path.
  const values = rowToValues(authorMeta, row);
  for (const [k, v] of Object.entries(values)) t.deepEqual(entity[k], v, k);
  (entity.bornAt as Date).setUTCFullYear(1999);
  t.not(snapshot.bornAt, (entity.bornAt as Date).getTime(), 'a Date changed in place must still show as a change');
});

test('write: NULLs stay null, columns the row lacks are left alone', (t) => {
  const entity = { name: 'kept' } as Record<string, unknown>;
  const snapshot = rowHydrator(authorMeta).write(entity, { id: 1, active: true, born_at: null, settings: null }, { avatar: 'loaded' }, recordingResolver());
  t.deepEqual(entity, { name: 'kept', id: 1, active: true, bornAt: null, settings: null });
  t.deepEqual(snapshot, { id: 1, active: true, bornAt: null, settings: null });
});

test('write: to-one values are references from the resolver, into the relation slots', (t) => {
  const refs = recordingResolver();
  const w = rowHydrator(bookMeta).write;
  const entity = {} as Record<string, unknown>;
  const relations: Record<string, unknown> = {};
  const snapshot = w(entity, { id: 1, title: 'T', author_id: '5' }, relations, refs);
  t.deepEqual(entity, { id: 1, title: 'T' }, 'to-ones are not written onto the entity');
  t.deepEqual(relations, { author: { ref: 'Author:5' } });
  t.is(snapshot.author, relations.author);
  t.deepEqual(refs.calls, [['Author', 5]], 'the FK value converted to the key type');
  const none: Record<string, unknown> = {};
  w({}, { id: 2, title: 'U', author_id: null }, none, refs);
  t.deepEqual(none, { author: null });

  const composite = rowHydrator(printingMeta).write;
  const rel: Record<string, unknown> = {};
  composite({}, { id: 1, edition_year: '2020', edition_code: 'B' }, rel, refs);
  t.deepEqual(rel, { edition: { ref: `Edition:${keyOf([2020, 'B'])}` } });
  const partial: Record<string, unknown> = {};
  composite({}, { id: 2, edition_year: 2020, edition_code: null }, partial, refs);
  t.deepEqual(partial, { edition: null }, 'a composite FK with a NULL part is no reference');
});

test('accessor prototype: one layer per class, instanceof and methods kept, values in the state', (t) => {
  const proto = accessorPrototype(bookMeta);
  t.is(accessorPrototype(bookMeta), proto);
  t.is(Object.getPrototypeOf(proto), Book.prototype);
  t.is(accessorPrototype(editionMeta), Edition.prototype, 'no to-one properties: no layer');

  const heard: unknown[][] = [];
  const owner = { onToOneSet: (e: object, p: { name: string }, prev: unknown, next: unknown) => heard.push([e, p.name, prev, next]) };
  const a = Object.create(proto) as Book;
  const b = Object.create(proto) as Book;
  createState(a, bookMeta, owner, 'managed', true).relations.author = 'first';
  createState(b, bookMeta, owner, 'managed', true);
  t.true(a instanceof Book);
  t.true(usesAccessorPrototype(a, bookMeta));
  t.false(usesAccessorPrototype(new Book(), bookMeta));
  t.deepEqual(Object.getOwnPropertyNames(a), [], 'nothing installed per instance');
  t.is(a.author as unknown, 'first');
  t.is(b.author, undefined);

  const next = {} as Author;
  a.author = next;
  t.is(getState(a)!.relations.author, next);
  t.deepEqual(heard, [[a, 'author', 'first', next]]);
  a.author = next;
  t.is(heard.length, 1, 'assigning the same value is no change');

  const author = Object.create(accessorPrototype(authorMeta)) as Author;
  author.name = 'Ann';
  t.is(author.greet(), 'hi Ann');
});

const CLIENTS: Record<Dialect, string> = { sqlite: 'better-sqlite3', pg: 'pg', mysql: 'mysql2' };

test('hand-written SELECT matches what knex writes for the same query', (t) => {
  for (const dialect of ['pg', 'sqlite', 'mysql'] as const) {
    const k = knex({ client: CLIENTS[dialect], useNullAsDefault: true });
    const builder = new SelectBuilder({ dialect, knex: k } as unknown as Driver);
    const cases: [unknown, { orderBy?: Record<string, 'asc' | 'desc'>; limit?: number }, { sql: string; params: unknown[] } | undefined][] = [
      [undefined, {}, undefined],
      [7, { limit: 1 }, undefined],
      [{ title: 'x', id: { $gt: 2 } }, { orderBy: { title: 'desc' }, limit: 10 }, { sql: 'e0.author_id IN (?, ?)', params: [1, 2] }],
      [undefined, { orderBy: { id: 'asc' } }, { sql: 'e0.id = ?', params: [3] }],
    ];
    for (const [where, options, extra] of cases) {
      // The reference: the statement as knex assembled it before (criteria and order as fragments).
      const compiler = new CriteriaCompiler(builder.d);
      compiler.nextAlias();
      const cond = compiler.compile(bookMeta, where, 'e0');
      const order = resolveOrderBy(bookMeta, options.orderBy, builder.d, 'e0');
      const qb = k.queryBuilder().select(bookMeta.columns.map((c) => `e0.${c.name}`)).from({ e0: bookMeta.tableName });
      if (cond.sql !== '1 = 1') qb.whereRaw(cond.sql, cond.params as never[]);
      if (extra) qb.whereRaw(extra.sql, extra.params as never[]);
      if (order.terms.length) qb.orderByRaw(order.terms.join(', '));
      if (options.limit !== undefined) qb.limit(options.limit);
      const { sql, bindings } = qb.toSQL();
      // Except the limit, which joinery writes as a literal where knex binds it (SQLite is far slower with a bound LIMIT).
      const expected = options.limit === undefined
        ? { sql, params: bindings as unknown[] }
        : { sql: sql.replace(/ limit \?$/, ` limit ${options.limit}`), params: (bindings as unknown[]).slice(0, -1) };
      const stmt = builder.select(bookMeta, where, options, extra);
      const label = `${dialect} ${JSON.stringify(where)} ${JSON.stringify(options)}`;
      t.deepEqual({ sql: stmt.sql, params: stmt.params }, expected, label);
      // `limit 1` says so: the driver may read the one row without stepping to the end.
      t.is(stmt.oneRow === true, options.limit === 1, label);
    }
  }
});
