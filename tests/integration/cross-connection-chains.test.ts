// Entities on three connections: authors on `default`, their books on `books`, publishers and the
// authors' profiles on `pubs`. Criteria A -> B -> C are resolved in steps (deepest first), populate
// and lazy loads cross two connections per path, counts read keys from a third; the inverse side of
// a one-to-one lives on another connection than its owner.
import test, { type ExecutionContext } from 'ava';
import { Collection, Entity, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, UsageError, wrap, type QueryLogEntry, type Rel } from 'joinery';
import { dialects, type TestDialect } from '../support/databases.js';
import { openConnections } from '../support/connections.js';

@Entity({ tableName: 'tc_authors' })
class TcAuthor {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => TcBook, (b) => b.author) books = new Collection<TcBook>(this);
  @OneToOne(() => TcProfile, (p) => p.author) profile?: Rel<TcProfile> | null;
}

@Entity({ tableName: 'tc_books', connection: 'books' })
class TcBook {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => TcAuthor) author!: Rel<TcAuthor>;
  @ManyToOne(() => TcPublisher) publisher!: Rel<TcPublisher>;
}

@Entity({ tableName: 'tc_publishers', connection: 'pubs' })
class TcPublisher {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => TcBook, (b) => b.publisher) books = new Collection<TcBook>(this);
}

@Entity({ tableName: 'tc_profiles', connection: 'pubs' })
class TcProfile {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) bio!: string;
  @OneToOne(() => TcAuthor, (a) => a.profile, { owner: true }) author!: Rel<TcAuthor>;
}

type Trio = readonly [TestDialect, TestDialect, TestDialect];
const TRIOS: readonly Trio[] = [['sqlite', 'sqlite', 'sqlite'], ['sqlite', 'pg', 'mysql'], ['pg', 'mysql', 'sqlite'], ['mysql', 'sqlite', 'pg']];

async function setup(t: ExecutionContext, trio: Trio) {
  const { orm, log } = await openConnections(t, { default: trio[0], books: trio[1], pubs: trio[2] }, [TcAuthor, TcBook, TcPublisher, TcProfile]);
  const em = orm.em.fork();
  const ann = em.create(TcAuthor, { name: 'Ann' });
  const bob = em.create(TcAuthor, { name: 'Bob' });
  const cid = em.create(TcAuthor, { name: 'Cid' });
  const penguin = em.create(TcPublisher, { name: 'Penguin' });
  const faber = em.create(TcPublisher, { name: 'Faber' });
  em.create(TcPublisher, { name: 'Idle' });
  em.create(TcBook, { title: 'A1', author: ann, publisher: penguin });
  em.create(TcBook, { title: 'A2', author: ann, publisher: faber });
  em.create(TcBook, { title: 'B1', author: bob, publisher: faber });
  em.create(TcProfile, { bio: 'poet', author: ann });
  em.create(TcProfile, { bio: 'critic', author: bob });
  void cid;
  await em.flush();
  log.length = 0;
  return { orm, log };
}

const connectionsOf = (log: QueryLogEntry[]) => log.map((q) => q.connection);
const names = (rows: { name: string }[]) => rows.map((r) => r.name);

for (const trio of TRIOS) {
  if (!trio.every((d) => dialects().includes(d))) continue;
  const name = `[${trio.join('+')}]`;

  test.serial(`${name} criteria A -> B -> C run in steps, deepest first, on each connection`, async (t) => {
    const { orm, log } = await setup(t, trio);
    const em = orm.em.fork();
    t.deepEqual(names(await em.find(TcAuthor, { books: { publisher: { name: 'Penguin' } } })), ['Ann']);
    t.deepEqual(connectionsOf(log), ['pubs', 'books', 'default']);
    t.regex(log[0]!.sql, /tc_publishers/);
    t.regex(log[1]!.sql, /tc_books/);

    log.length = 0;
    t.deepEqual(names(await em.find(TcPublisher, { books: { author: { name: 'Bob' } } })), ['Faber']);
    t.deepEqual(connectionsOf(log), ['default', 'books', 'pubs']);

    t.deepEqual(names(await em.find(TcAuthor, { books: { $none: { publisher: { name: 'Penguin' } } } }, { orderBy: { id: 'asc' } })), ['Bob', 'Cid']);
    t.deepEqual(names(await em.find(TcPublisher, { books: { $count: 0 } })), ['Idle']);
    t.deepEqual(names(await em.find(TcAuthor, { books: { $count: { $gte: 2 }, $where: { publisher: { name: { $ne: 'Idle' } } } } })), ['Ann']);
    t.is(await em.count(TcBook, { author: { profile: { bio: 'poet' } }, publisher: { name: 'Faber' } }), 1);
    t.deepEqual(names(await em.find(TcAuthor, { $or: [{ name: 'Cid' }, { books: { publisher: { name: 'Penguin' } } }] }, { orderBy: { id: 'asc' } })), ['Ann', 'Cid']);
  });

  test.serial(`${name} populate 'books.publisher' and lazy loads cross two connections, batched`, async (t) => {
    const { orm, log } = await setup(t, trio);
    const em = orm.em.fork();
    const authors = await em.find(TcAuthor, {}, { populate: ['books.publisher'], orderBy: { id: 'asc' } });
    t.deepEqual(authors.map((a) => a.books.getItems().map((b) => `${b.title}/${b.publisher.name}`).sort()), [['A1/Penguin', 'A2/Faber'], ['B1/Faber'], []]);
    t.deepEqual(connectionsOf(log), ['default', 'books', 'pubs']);

    const em2 = orm.em.fork();
    const lazy = await em2.find(TcAuthor, {}, { orderBy: { id: 'asc' } });
    log.length = 0;
    await Promise.all(lazy.map((a) => a.books.init()));
    t.deepEqual(connectionsOf(log), ['books'], 'one query for the books of every author');
    const books = lazy.flatMap((a) => (a.books as Collection<TcBook>).getItems());
    log.length = 0;
    await Promise.all(books.map((b) => wrap(b.publisher).init()));
    t.deepEqual(connectionsOf(log), ['pubs'], 'one query for every publisher');
    t.deepEqual(books.map((b) => b.publisher.name).sort(), ['Faber', 'Faber', 'Penguin']);

    const em3 = orm.em.fork();
    const pubs = await em3.find(TcPublisher, {}, { populate: ['books.author'], strategy: 'joined', orderBy: { id: 'asc' } });
    t.deepEqual(pubs.map((p) => p.books.getItems().map((b) => b.author.name).sort()), [['Ann'], ['Ann', 'Bob'], []]);
  });

  test.serial(`${name} relation counts whose where reaches a third connection`, async (t) => {
    const { orm, log } = await setup(t, trio);
    const em = orm.em.fork();
    const authors = await em.find(TcAuthor, {}, {
      orderBy: { id: 'asc' },
      counts: { books: true, atFaber: { relation: 'books', where: { publisher: { name: 'Faber' } } } },
    });
    t.deepEqual(authors.map((a) => [wrap(a).count('books'), wrap(a).count('atFaber')]), [[2, 1], [1, 1], [0, 0]]);
    // authors, then the Faber keys on pubs, then one GROUP BY on books
    t.deepEqual(connectionsOf(log), ['default', 'pubs', 'books']);
    const pubs = await em.find(TcPublisher, {}, { orderBy: { id: 'asc' }, counts: { byAnn: { relation: 'books', where: { author: { name: 'Ann' } } } } });
    t.deepEqual(pubs.map((p) => wrap(p).count('byAnn')), [1, 1, 0]);
  });

  test.serial(`${name} inverse one-to-one across connections: populate both sides, criteria, flush of a new pair`, async (t) => {
    const { orm, log } = await setup(t, trio);
    const em = orm.em.fork();
    const authors = await em.find(TcAuthor, {}, { populate: ['profile'], orderBy: { id: 'asc' } });
    t.deepEqual(authors.map((a) => a.profile?.bio ?? null), ['poet', 'critic', null]);
    t.deepEqual(connectionsOf(log), ['default', 'pubs']);
    const joined = await orm.em.fork().find(TcAuthor, {}, { populate: ['profile'], strategy: 'joined', orderBy: { id: 'asc' } });
    t.deepEqual(joined.map((a) => a.profile?.bio ?? null), ['poet', 'critic', null]);
    const profiles = await orm.em.fork().find(TcProfile, {}, { populate: ['author'], orderBy: { id: 'asc' } });
    t.deepEqual(profiles.map((p) => p.author.name), ['Ann', 'Bob']);

    log.length = 0;
    t.deepEqual(names(await em.find(TcAuthor, { profile: { bio: 'poet' } })), ['Ann']);
    t.deepEqual(connectionsOf(log), ['pubs', 'default']);
    t.deepEqual(names(await em.find(TcAuthor, { profile: null })), ['Cid']);
    t.deepEqual(names(await em.find(TcAuthor, { profile: { $ne: null } }, { orderBy: { id: 'asc' } })), ['Ann', 'Bob']);
    t.deepEqual(names(await em.find(TcAuthor, { profile: { $ne: profiles[0]! } }, { orderBy: { id: 'asc' } })), ['Bob', 'Cid']);
    t.deepEqual(names(await em.find(TcAuthor, { profile: { $in: [profiles[1]!.id] } })), ['Bob']);
    t.deepEqual(names(await em.find(TcAuthor, { profile: { $not: { bio: 'poet' } } }, { orderBy: { id: 'asc' } })), ['Bob', 'Cid']);
    t.deepEqual(names(await em.find(TcAuthor, { profile: { $in: [null, profiles[1]!] } }, { orderBy: { id: 'asc' } })), ['Bob', 'Cid']);
    t.deepEqual(names(await em.find(TcAuthor, { profile: { $nin: [null, profiles[1]!] } })), ['Ann']);
    t.deepEqual(names(await em.find(TcAuthor, { profile: { $ne: null, $nin: [profiles[1]!] } })), ['Ann']);
    t.deepEqual(names(await em.find(TcAuthor, { profile: { $or: [{ bio: 'critic' }, { bio: 'poet' }] } }, { orderBy: { id: 'asc' } })), ['Ann', 'Bob']);
    t.deepEqual(names(await em.find(TcAuthor, { profile: { $not: { $in: [null, profiles[0]!] } } })), ['Bob']);
    t.deepEqual((await em.find(TcProfile, { author: { name: 'Bob' } })).map((p) => p.bio), ['critic']);

    const fresh = orm.em.fork();
    const dan = fresh.create(TcAuthor, { name: 'Dan' });
    fresh.create(TcProfile, { bio: 'novelist', author: dan });
    log.length = 0;
    await fresh.flush();
    t.deepEqual([...new Set(connectionsOf(log).filter((c) => c !== undefined))].sort(), ['default', 'pubs']);
    const check = orm.em.fork();
    const reread = await check.findOneOrFail(TcAuthor, { profile: { bio: 'novelist' } }, { populate: ['profile'] });
    t.is(reread.name, 'Dan');
    t.is(reread.profile?.bio, 'novelist');
  });

  test.serial(`${name} orderBy through a relation on another connection fails before any SQL, saying what to do`, async (t) => {
    const { orm, log } = await setup(t, trio);
    const em = orm.em.fork();
    const err = await t.throwsAsync(em.find(TcBook, {}, { orderBy: { publisher: { name: 'asc' } } }), { instanceOf: UsageError });
    t.is(err!.code, 'CROSS_CONNECTION');
    t.regex(err!.message, /orderBy TcBook\.publisher/);
    t.regex(err!.message, /connection 'pubs'/);
    t.regex(err!.message, /populate: \['publisher'\] and sort the results in memory/);
    t.regex(err!.message, /\{ publisher: 'asc' \}/);
    const nested = await t.throwsAsync(em.find(TcBook, {}, { orderBy: { author: { profile: { bio: 'desc' } } } }), { instanceOf: UsageError });
    t.regex(nested!.message, /orderBy TcBook\.author/);
    t.regex(nested!.message, /populate: \['author'\]/);
    const inverse = await t.throwsAsync(em.find(TcAuthor, {}, { orderBy: { profile: { bio: 'asc' } } }), { instanceOf: UsageError });
    t.is(inverse!.code, 'CROSS_CONNECTION');
    t.regex(inverse!.message, /TcAuthor\.profile/);
    t.regex(inverse!.message, /populate: \['profile'\]/);
    t.regex(inverse!.message, /query TcProfile \(the owning side\)/);
    t.is(log.length, 0);
  });
}
