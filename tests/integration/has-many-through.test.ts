// Has-many-through (@ManyThrough): country → users → posts (and → tags through a many-to-many) as a
// read-only collection: populate and lazy loads in one SELECT per level, distinct items per owner,
// criteria along the path, read-only errors, serialization.
import test from 'ava';
import { Collection, Entity, Joinery, ManyThrough, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, UsageError, wrap, type QueryLogEntry, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity({ tableName: 'hmt_countries' })
class Country {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Resident, (r) => r.country) residents = new Collection<Resident>(this);
  @ManyThrough(() => Article, 'residents.articles') articles = new Collection<Article>(this);
  @ManyThrough(() => Label, 'residents.articles.labels', { orderBy: { name: 'asc' } }) labels = new Collection<Label>(this);
}

@Entity({ tableName: 'hmt_residents' })
class Resident {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToOne(() => Country) country!: Rel<Country>;
  @OneToMany(() => Article, (a) => a.author) articles = new Collection<Article>(this);
}

@Entity({ tableName: 'hmt_articles' })
class Article {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => Resident) author!: Rel<Resident>;
  @ManyToMany(() => Label, undefined, { pivotTable: 'hmt_article_labels' }) labels = new Collection<Label>(this);
}

@Entity({ tableName: 'hmt_labels' })
class Label {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
}

const ENTITIES = [Country, Resident, Article, Label];

/** 3 countries; country c has c + 1 residents, resident r has 2 articles, each article labelled red and (even ids) blue. */
async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: ENTITIES, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const red = em.create(Label, { name: 'red' });
  const blue = em.create(Label, { name: 'blue' });
  let n = 0;
  for (let c = 0; c < 3; c++) {
    const country = em.create(Country, { name: `country${c}` });
    for (let r = 0; r <= c; r++) {
      const resident = em.create(Resident, { name: `resident${c}.${r}`, country });
      for (let a = 0; a < 2; a++) {
        const article = em.create(Article, { title: `article${c}.${r}.${a}`, author: resident });
        article.labels.add(red);
        if (n++ % 2 === 0) article.labels.add(blue);
      }
    }
  }
  await em.flush();
  log.length = 0;
  const selects = () => log.filter((q) => /^\s*select/i.test(q.sql));
  return { orm, log, selects };
}

const titles = (c: Country) => c.articles.getItems().map((a) => a.title);

forEachDialect(test, 'populate reads a has-many-through in one SELECT for all owners', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const countries = await em.find(Country, {}, { populate: ['articles'], orderBy: { id: 'asc' } });
  t.is(selects().length, 2, selects().map((q) => q.sql).join('\n'));
  t.deepEqual(countries.map((c) => c.articles.count()), [2, 4, 6]);
  t.deepEqual(titles(countries[1]!), ['article1.0.0', 'article1.0.1', 'article1.1.0', 'article1.1.1']);
  t.false(countries[0]!.residents.isInitialized(), 'the hops themselves are not loaded');
  const article = countries[2]!.articles.getItems()[0]!;
  t.is(article, await em.findOneOrFail(Article, article.id), 'items go through the identity map');
});

forEachDialect(test, 'items reached by several paths appear once per owner, in the relation order', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const countries = await em.find(Country, {}, { populate: ['labels'], orderBy: { id: 'asc' } });
  t.is(selects().length, 2);
  t.deepEqual(countries.map((c) => c.labels.getItems().map((l) => l.name)), [['blue', 'red'], ['blue', 'red'], ['blue', 'red']]);
});

forEachDialect(test, 'nested populate after a has-many-through, and populateWhere on it', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const countries = await em.find(Country, { name: 'country1' }, { populate: ['articles.labels', 'articles.author'] });
  t.is(selects().length, 4, 'countries, articles, labels, authors');
  const [country] = countries;
  t.deepEqual(country!.articles.getItems().map((a) => a.labels.count()), [2, 1, 2, 1]);
  t.is(country!.articles.getItems()[3]!.author.name, 'resident1.1');

  const em2 = orm.em.fork();
  const joined = await em2.find(Country, { name: 'country1' }, { populate: ['articles.labels'], strategy: 'joined' });
  t.deepEqual(joined[0]!.articles.getItems().map((a) => a.labels.count()), [2, 1, 2, 1], 'joined falls back to select-in for the through relation');

  const em3 = orm.em.fork();
  const filtered = await em3.find(Country, { name: 'country2' }, { populate: ['articles'], populateWhere: { articles: { title: { $like: '%.0' } } }, populateOrderBy: { articles: { id: 'desc' } } });
  t.deepEqual(titles(filtered[0]!), ['article2.2.0', 'article2.1.0', 'article2.0.0']);
});

forEachDialect(test, 'lazy init of many owners is batched; loadCount and matching work', async (t, db) => {
  const { orm, selects } = await setup(t, db);
  const em = orm.em.fork();
  const countries = await em.find(Country, {}, { orderBy: { id: 'asc' } });
  const before = selects().length;
  t.false(countries[0]!.articles.isInitialized());
  await Promise.all(countries.map((c) => c.articles.init()));
  t.is(selects().length - before, 1);
  t.deepEqual(countries.map((c) => (c as Country).articles.count()), [2, 4, 6]);

  const em2 = orm.em.fork();
  const [c2] = await em2.find(Country, { name: 'country2' });
  t.is(await c2!.labels.loadCount(), 2, 'distinct items');
  t.is(await c2!.articles.loadCount(), 6);
  const page = await c2!.articles.matching({ where: { title: { $like: '%.1' } }, orderBy: { id: 'desc' }, limit: 2, offset: 1 });
  t.deepEqual(page.map((a) => a.title), ['article2.1.1', 'article2.0.1']);
  t.false(c2!.articles.isInitialized());
});

forEachDialect(test, 'criteria: $some, $none, $every, bare criteria and entities along the path', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const names = async (where: object) => (await em.find(Country, where as never, { orderBy: { id: 'asc' } })).map((c: Country) => c.name);
  t.deepEqual(await names({ articles: { $some: { title: 'article1.1.0' } } }), ['country1']);
  t.deepEqual(await names({ articles: { title: { $like: 'article2.%' } } }), ['country2']);
  t.deepEqual(await names({ articles: { $none: { title: 'article1.1.0' } } }), ['country0', 'country2']);
  t.deepEqual(await names({ articles: { $every: { title: { $like: 'article0.%' } } } }), ['country0']);
  t.deepEqual(await names({ labels: { name: 'blue' } }), ['country0', 'country1', 'country2']);
  const article = await em.findOneOrFail(Article, { title: 'article2.0.1' });
  t.deepEqual(await names({ articles: article }), ['country2']);
  t.is(await em.count(Country, { articles: { $some: { title: { $like: '%.1.%' } } } }), 2);
});

/**
 * Two more owners on top of `setup`: 'empty' (no resident, so no item) and 'solo' (one resident
 * with two articles that are both labelled red: two paths to one label).
 */
async function addEdgeOwners(orm: Joinery) {
  const em = orm.em.fork();
  const red = await em.findOneOrFail(Label, { name: 'red' });
  em.create(Country, { name: 'empty' });
  const solo = em.create(Resident, { name: 'solo', country: em.create(Country, { name: 'solo' }) });
  for (const title of ['solo.0', 'solo.1']) em.create(Article, { title, author: solo, labels: [red] });
  await em.flush();
}

forEachDialect(test, '$count and $where on a has-many-through count distinct items per owner, in one SELECT', async (t, db) => {
  const { orm, selects, log } = await setup(t, db);
  await addEdgeOwners(orm);
  const em = orm.em.fork();
  const names = async (where: object) => (await em.find(Country, where as never, { orderBy: { id: 'asc' } })).map((c: Country) => c.name);
  log.length = 0;
  t.deepEqual(await names({ articles: { $count: 4 } }), ['country1']);
  t.is(selects().length, 1, 'the count is a subquery of the find');
  // Counting paths would give country2 12 labels and solo 2: distinct items are what counts.
  t.deepEqual(await names({ labels: { $count: 2 } }), ['country0', 'country1', 'country2']);
  t.deepEqual(await names({ labels: { $count: { $gt: 2 } } }), []);
  t.deepEqual(await names({ labels: { $count: 1 } }), ['solo']);
  t.deepEqual(await names({ labels: { $count: 0 } }), ['empty']);
  t.deepEqual(await names({ labels: { $count: { $lt: 2 } } }), ['empty', 'solo']);
  t.deepEqual(await names({ labels: { $count: { $in: [0, 2] } } }), ['country0', 'country1', 'country2', 'empty']);
  t.deepEqual(await names({ labels: { $count: 1, $where: { name: 'blue' } } }), ['country0', 'country1', 'country2']);
  t.deepEqual(await names({ labels: { $count: 0, $where: { name: 'blue' } } }), ['empty', 'solo']);
  t.deepEqual(await names({ articles: { $count: { $gte: 2 }, $where: { title: { $like: '%.0' } } } }), ['country1', 'country2']);
  t.deepEqual(await names({ articles: { $count: { $gt: 0 }, $none: { title: 'article1.1.0' } } }), ['country0', 'country2', 'solo']);
  t.is(await em.count(Country, { labels: { $count: { $lt: 2 } } }), 2);
  const residents = await em.find(Resident, { country: { labels: { $count: 1 } } });
  t.deepEqual(residents.map((r) => r.name), ['solo'], 'through a to-one relation');
  const [items, total] = await em.findAndCount(Country, { articles: { $count: { $gte: 2 } } }, { orderBy: { id: 'desc' }, limit: 2 });
  t.deepEqual([items.map((c) => c.name), total], [['solo', 'country2'], 4]);
});

forEachDialect(test, 'nativeUpdate and nativeDelete select owners by a has-many-through $count', async (t, db) => {
  const { orm } = await setup(t, db);
  await addEdgeOwners(orm);
  const em = orm.em.fork();
  // On MySQL these read the table they modify: the subquery must be materialized first.
  t.is(await em.nativeUpdate(Country, { labels: { $count: { $lt: 2 } } }, { name: 'few labels' }), 2);
  t.is(await em.nativeDelete(Country, { articles: { $count: 0 } }), 1);
  const left = await orm.em.fork().find(Country, {}, { orderBy: { id: 'asc' } });
  t.deepEqual(left.map((c) => c.name), ['country0', 'country1', 'country2', 'few labels']);
});

forEachDialect(test, 'relation counts, loadCount and matching on a has-many-through count each item once', async (t, db) => {
  const { orm, selects, log } = await setup(t, db);
  await addEdgeOwners(orm);
  const em = orm.em.fork();
  log.length = 0;
  const countries = await em.find(Country, {}, {
    orderBy: { id: 'asc' },
    counts: { labels: true, blue: { relation: 'labels', where: { name: 'blue' } }, articles: true, zeros: { relation: 'articles', where: { title: { $like: '%.0' } } } },
  });
  t.is(selects().length, 3, 'the countries, then one query per counted collection for all of them');
  const counts = (name: string) => countries.map((c) => wrap(c).count(name));
  t.deepEqual(countries.map((c) => c.name), ['country0', 'country1', 'country2', 'empty', 'solo']);
  t.deepEqual(counts('labels'), [2, 2, 2, 0, 1]);
  t.deepEqual(counts('blue'), [1, 1, 1, 0, 0]);
  t.deepEqual(counts('articles'), [2, 4, 6, 0, 2]);
  t.deepEqual(counts('zeros'), [1, 2, 3, 0, 1]);
  t.false(countries[0]!.labels.isInitialized(), 'counting loads no items');
  t.deepEqual((wrap(countries[4]!).toObject() as { $counts?: unknown }).$counts, { labels: 1, blue: 0, articles: 2, zeros: 1 });

  const [empty, solo] = [countries[3]!, countries[4]!];
  log.length = 0;
  t.deepEqual([await empty.labels.loadCount(), await solo.labels.loadCount(), await solo.articles.loadCount()], [0, 1, 2]);
  t.is(selects().length, 3, 'one COUNT per call');
  t.deepEqual((await solo.labels.matching()).map((l) => l.name), ['red'], 'one item for two paths');
  t.deepEqual(await empty.labels.matching({ where: { name: 'red' } }), []);
  t.deepEqual((await solo.articles.matching({ orderBy: { title: 'desc' }, limit: 1 })).map((a) => a.title), ['solo.1']);

  await t.throwsAsync(em.find(Country, {}, { counts: { x: { relation: 'labels', where: { nope: 1 } } } }), { instanceOf: UsageError, message: /Label\.nope/ });
  await t.throwsAsync(em.find(Country, {}, { counts: ['name'] }), { instanceOf: UsageError, message: /Country\.name, which is not a collection\. Collections of Country: residents, articles, labels/ });
});

forEachDialect(test, 'a has-many-through is read-only and serializes like a collection', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const [country] = await em.find(Country, { name: 'country0' }, { populate: ['articles'] });
  const other = await em.findOneOrFail(Article, { title: 'article1.0.0' });
  for (const change of [() => country!.articles.add(other), () => country!.articles.remove(other), () => country!.articles.set([]), () => country!.articles.removeAll()]) {
    const err = t.throws(change, { instanceOf: UsageError });
    t.is((err as UsageError & { code: string }).code, 'READ_ONLY_RELATION');
    t.regex(err!.message, /Country\.articles is a has-many-through .*'residents\.articles'.*Change the relations along the path/);
  }
  t.throws(() => em.assign(country!, { articles: [] } as never), { instanceOf: UsageError, message: /read-only/ });
  const fresh = new Country();
  t.throws(() => fresh.articles.add(other), { instanceOf: UsageError, message: /READ_ONLY|read-only/ }, 'also before the owner is managed');
  const count = log.length;
  await em.flush();
  t.is(log.length, count, 'nothing to write');

  const data = wrap(country!).toObject() as { articles: { title: string }[]; residents?: unknown };
  t.deepEqual(data.articles.map((a) => a.title), ['article0.0.0', 'article0.0.1']);
  t.deepEqual(JSON.parse(JSON.stringify(country)).articles.map((a: { title: string }) => a.title), ['article0.0.0', 'article0.0.1']);
});

forEachDialect(test, 'an owner created in this EntityManager reads its has-many-through after the flush', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const country = new Country();
  country.name = 'new';
  em.persist(country);
  t.deepEqual(country.articles.getItems(), [], 'nothing reaches an unsaved owner');
  const resident = em.create(Resident, { name: 'newcomer', country });
  em.create(Article, { title: 'hello', author: resident });
  await em.flush();
  await country.articles.init();
  t.deepEqual(titles(country), ['hello']);
});
