import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyThrough, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, type QueryLogEntry, type Rel } from 'joinery';

@Entity()
class Country {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => User, (u) => u.country) users = new Collection<User>(this);
  @ManyThrough(() => Post, 'users.posts') posts = new Collection<Post>(this);
  @ManyThrough(() => Tag, 'users.posts.tags', { orderBy: { name: 'asc' } }) tags = new Collection<Tag>(this);
}
@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @ManyToOne(() => Country) country!: Rel<Country>;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
}
@Entity()
class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() published!: boolean;
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}
@Entity()
class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

export async function main(): Promise<void> {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({
    entities: [Country, User, Post, Tag],
    client: 'sqlite',
    connection: { filename: ':memory:' },
    logger: (entry) => log.push(entry),
  });
  try {
    await orm.schema.create();
    const seed = orm.em.fork();
    const france = seed.create(Country, { name: 'France' });
    const peru = seed.create(Country, { name: 'Peru' });
    const ann = seed.create(User, { name: 'Ann', country: france });
    const bob = seed.create(User, { name: 'Bob', country: france });
    const cid = seed.create(User, { name: 'Cid', country: peru });
    const news = seed.create(Tag, { name: 'news' });
    const food = seed.create(Tag, { name: 'food' });
    seed.create(Post, { title: 'News of the day', published: true, author: ann, tags: [news, food] });
    seed.create(Post, { title: 'Draft', published: false, author: ann, tags: [news] });
    seed.create(Post, { title: 'News again', published: true, author: bob, tags: [news] });
    seed.create(Post, { title: 'Recipes', published: true, author: cid, tags: [food] });
    await seed.flush();
    const em = orm.em.fork();
    log.length = 0;

// #region docs
const countries = await em.find(Country, {}, { populate: ['posts.tags'] });   // 3 SELECTs
countries[0].posts.getItems();
await Promise.all(countries.map((c) => c.tags.init()));                         // one SELECT
const country = countries[0];
const recent = await country.posts.matching({ where: { published: true }, limit: 5 });
const n = await country.posts.loadCount();
const withNews = await em.find(Country, { posts: { $some: { title: { $like: 'News%' } } } });
// #endregion docs

    // populate 3, the tags of every country 1, matching() 1, the last find 1; loadCount() of a loaded
    // collection answers from memory.
    assert.equal(log.length, 6);
    assert.match(log[3].sql, /from "tags".* join "countries"/i, 'one query joined back to the owners');
    assert.equal(country.name, 'France');
    assert.deepEqual(countries[0].posts.getItems().map((p) => p.title), ['News of the day', 'Draft', 'News again']);
    assert.deepEqual(countries[1].posts.getItems().map((p) => p.title), ['Recipes']);
    const franceTags = countries[0].tags;
    assert.ok(franceTags.isInitialized());
    assert.deepEqual(franceTags.getItems().map((t) => t.name), ['food', 'news'], 'each tag once, in the relation order');
    assert.deepEqual(recent.map((p) => p.title), ['News of the day', 'News again']);
    assert.equal(n, 3);
    assert.deepEqual(withNews.map((c) => c.name), ['France']);
  } finally {
    await orm.close();
  }
}
