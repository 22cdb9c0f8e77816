import assert from 'node:assert/strict';
import { Collection, Entity, EntityManager, Joinery, ManyThrough, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, wrap, type Rel } from 'joinery';

@Entity()
export class Country {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => User, (u) => u.country) users = new Collection<User>(this);
  @ManyThrough(() => Post, 'users.posts') posts = new Collection<Post>(this);
  @ManyThrough(() => Tag, 'users.posts.tags') tags = new Collection<Tag>(this);
}

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @ManyToOne(() => Country) country!: Rel<Country>;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() published!: boolean;
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

// #region docs
async function countryStats(em: EntityManager) {
  // Countries whose posts carry at least 2 different tags: a tag on 5 posts counts once.
  const tagged = await em.find(Country, { tags: { $count: { $gte: 2 } } });
  // Countries without a published post (a country without users included).
  const silent = await em.find(Country, { posts: { $count: 0, $where: { published: true } } });
  // Counts per country: one more query per counted relation, for all countries at once.
  const countries = await em.find(Country, {}, {
    orderBy: { name: 'asc' },
    counts: { tags: true, drafts: { relation: 'posts', where: { published: false } } },
  });
  const stats = countries.map((c) => `${c.name}: ${wrap(c).count('tags')} tags, ${wrap(c).count('drafts')} drafts`);
  return { tagged, silent, stats };
}
// #endregion docs

export async function main(): Promise<void> {
  const statements: string[] = [];
  const orm = await Joinery.init({
    entities: [Country, User, Post, Tag],
    client: 'sqlite',
    connection: { filename: ':memory:' },
    logger: (q) => statements.push(q.sql),
  });
  try {
    await orm.schema.create();
    const seed = orm.em.fork();
    const [maths, news] = ['maths', 'news'].map((name) => seed.create(Tag, { name }));
    const france = seed.create(Country, { name: 'France' });
    const japan = seed.create(Country, { name: 'Japan' });
    seed.create(Country, { name: 'Peru' });   // no users, so no posts and no tags
    // France: two users, three posts, both tags (maths on every post: still one tag).
    for (const published of [true, false]) {
      const user = seed.create(User, { country: france });
      seed.create(Post, { published, author: user, tags: [maths!] });
    }
    seed.create(Post, { published: false, author: seed.create(User, { country: france }), tags: [maths!, news!] });
    // Japan: one draft with maths, twice over two users (one tag).
    for (let i = 0; i < 2; i++) seed.create(Post, { published: false, author: seed.create(User, { country: japan }), tags: [maths!] });
    await seed.flush();

    const em = orm.em.fork();
    statements.length = 0;
    const { tagged, silent, stats } = await countryStats(em);
    assert.deepEqual(tagged.map((c) => c.name), ['France']);
    assert.deepEqual(silent.map((c) => c.name).sort(), ['Japan', 'Peru']);
    assert.deepEqual(stats, ['France: 2 tags, 2 drafts', 'Japan: 1 tags, 2 drafts', 'Peru: 0 tags, 0 drafts']);
    assert.equal(statements.length, 5, 'two finds, then one find and two count queries');

    // On one collection: loadCount() counts distinct items too.
    const japanAgain = await em.findOneOrFail(Country, { name: 'Japan' });
    assert.equal(await japanAgain.tags.loadCount(), 1);
  } finally {
    await orm.close();
  }
}
