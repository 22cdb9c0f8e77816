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
  await t.throwsAsync(em.find(Country, { articles: { $count: 2 } }), { instanceOf: UsageError, message: /\$count is not available on the has-many-through Country\.articles/ });
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
