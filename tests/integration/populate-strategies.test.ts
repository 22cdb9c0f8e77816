// The joined strategy: one statement, the same graph as select-in, limit/offset counting root
// entities, and the per-relation `strategy` option mixed with select-in levels.
import test from 'ava';
import {
  Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, wrap, type FindOptions, type QueryLogEntry, type Rel,
} from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { FORUM, Post, User, seedForum } from '../fixtures/forum.js';

@Entity()
class Shelf {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Book, (b) => b.shelf) books = new Collection<Book>(this);
}

@Entity()
class Book {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => Shelf) shelf!: Rel<Shelf>;
  @OneToMany(() => Chapter, (c) => c.book, { strategy: 'joined', orderBy: { no: 'desc' } }) chapters = new Collection<Chapter>(this);
}

@Entity()
class Chapter {
  @PrimaryKey() id!: number;
  @Property({ type: 'integer' }) no!: number;
  @ManyToOne(() => Book) book!: Rel<Book>;
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb, users = 12) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [...FORUM, Shelf, Book, Chapter], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  await seedForum(orm.em.fork(), users);
  log.length = 0;
  const selects = () => log.filter((q) => /^\s*select/i.test(q.sql));
  return { orm, log, selects };
}

/** Loads with each strategy in a fresh EntityManager and returns what each serializes to. */
async function bothWays(orm: Joinery, options: FindOptions, selects: () => QueryLogEntry[]) {
  const out: Record<string, { data: unknown; statements: number }> = {};
  for (const strategy of ['select-in', 'joined'] as const) {
    const before = selects().length;
    const users = await orm.em.fork().find(User, {}, { ...options, strategy });
    out[strategy] = { data: users.map((u) => wrap(u).toObject()), statements: selects().length - before };
  }
  return out;
}

forEachDialect(test, 'select-in and joined build equal graphs, nested paths and M:N included', async (t, db) => {
  // Few users: cars.owners leads back to users, so the serialized graph grows fast.
  const { orm, selects } = await setup(t, db, 8);
  const got = await bothWays(orm, {
    populate: ['posts.comments.likes', 'posts.tags', 'posts.author', 'cars.owners', 'profile.user'],
    orderBy: { id: 'asc' },
  }, selects);
  t.deepEqual(got.joined!.data, got['select-in']!.data);
  t.is(got.joined!.statements, 1, 'one statement for the whole tree');
  t.is(got['select-in']!.statements, 8, 'users, posts, comments, likes, tags, cars, owners, profiles (authors and users already loaded)');
  const u7 = (got.joined!.data as Record<string, any>[])[7]!;
  t.is(u7.posts.length, 3);
  t.deepEqual(u7.cars.map((c: { $pivot: unknown }) => c.$pivot), [{ since: 2007, note: null }, { since: 2107, note: null }]);
});

forEachDialect(test, 'equal graphs with populateWhere and populateOrderBy', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const got = await bothWays(orm, {
    populate: ['posts.comments.likes', 'posts.tags', 'cars'],
    populateWhere: { posts: { published: true, comments: { approved: true, likes: { kind: 'happy' } }, tags: { name: { $in: ['red', 'blue'] } } }, cars: { model: { $ne: 'Mini' } } },
    populateOrderBy: { posts: { rank: 'desc', comments: { body: 'desc' } }, cars: { model: 'desc' } },
    orderBy: { name: 'desc' },
  }, selects);
  t.deepEqual(got.joined!.data, got['select-in']!.data);
  const users = got.joined!.data as Record<string, any>[];
  t.is(users[0]!.name, 'user011');
  t.true(users.every((u) => u.posts.every((p: any) => p.published && p.comments.every((c: any) => c.approved))));
  t.true(users.every((u) => u.cars.every((c: any) => c.model !== 'Mini')));
});

forEachDialect(test, 'joined: limit and offset count root entities, not joined rows', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const users = await em.find(User, {}, { populate: ['posts.comments', 'cars'], strategy: 'joined', orderBy: { id: 'asc' }, limit: 3, offset: 5 });
  t.deepEqual(users.map((u) => u.name), ['user005', 'user006', 'user007']);
  t.deepEqual(users.map((u) => u.posts.count()), [1, 2, 3]);
  t.deepEqual(users[2]!.posts.getItems().map((p) => p.comments.count()), [1, 2, 3]);
  t.is(selects().length, 1);
  const one = await orm.em.fork().findOneOrFail(User, { name: 'user007' }, { populate: ['posts.comments'], strategy: 'joined' });
  t.is(one.posts.count(), 3, 'findOne (limit 1) still gets every post');
});

forEachDialect(test, 'joined: the root may be sorted through a to-one relation', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const posts = await em.find(Post, { rank: { $lt: 2 } }, { populate: ['comments', 'author'], strategy: 'joined', orderBy: [{ author: { name: 'desc' } }, { id: 'asc' }], limit: 4 });
  const names = posts.map((p) => p.author.name);
  t.deepEqual(names, [...names].sort().reverse());
  t.true(posts.every((p) => p.comments.isInitialized()));
});

forEachDialect(test, 'joined keeps the identity map: loaded entities are reused, unflushed changes kept', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const post = await em.findOneOrFail(Post, { title: 'post 6.1' });
  post.title = 'edited';
  const [user] = await em.find(User, { name: 'user006' }, { populate: ['posts.comments'], strategy: 'joined' });
  const second = user!.posts.getItems()[1]!;
  t.true((second as object) === post);
  t.is(post.title, 'edited');
  t.is(second.comments.count(), 2);
  t.is(post.author, user);
});

forEachDialect(test, "a relation's own strategy: 'joined' is joined into the select-in level above it", async (t, db) => {
  const { orm, selects } = await setup(t, db, 0);
  const em = orm.em.fork();
  for (const [s, books] of [['A', 2], ['B', 0], ['C', 1]] as const) {
    const shelf = em.create(Shelf, { name: s });
    for (let b = 0; b < books; b++) {
      const book = em.create(Book, { title: `${s}${b}`, shelf });
      for (let c = 1; c <= 3; c++) em.create(Chapter, { no: c, book });
    }
  }
  await em.flush();
  const before = selects().length;
  const shelves = await orm.em.fork().find(Shelf, {}, { populate: ['books.chapters'], orderBy: { name: 'asc' } });
  const sent = selects().slice(before);
  t.is(sent.length, 2, 'shelves; books with their chapters joined');
  t.regex(sent[1]!.sql, /LEFT JOIN .chapters./);
  t.deepEqual(shelves.map((s) => s.books.getItems().map((b) => b.chapters.getItems().map((c) => c.no))), [[[3, 2, 1], [3, 2, 1]], [], [[3, 2, 1]]]);
  const mid = selects().length;
  await orm.em.fork().find(Shelf, {}, { populate: ['books.chapters'], strategy: 'select-in' });
  t.is(selects().length - mid, 3, 'the query-level strategy wins');
  const books = await orm.em.fork().find(Book, {}, { populate: ['chapters'] });
  t.is(selects().length - mid, 4, 'a root with joined relations: one statement');
  t.true(books.every((b) => b.chapters.count() === 3));
});
