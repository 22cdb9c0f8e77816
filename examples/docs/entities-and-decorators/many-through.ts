import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyThrough, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, UsageError, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @ManyToOne(() => Country) country!: Rel<Country>;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

// #region docs
@Entity()
class Country {
  @PrimaryKey() id!: number;
  @OneToMany(() => User, (u) => u.country) users = new Collection<User>(this);
  @ManyThrough(() => Post, 'users.posts') posts = new Collection<Post>(this);              // country → users → posts
  @ManyThrough(() => Tag, 'users.posts.tags', { orderBy: { name: 'asc' } }) tags = new Collection<Tag>(this);
}
// #endregion docs

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [User, Post, Tag, Country], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    await orm.schema.create();
    assert.doesNotMatch(orm.schema.getCreateSQL(), /country_post|country_tag/, 'no table of its own');

    const em = orm.em.fork();
    const uk = em.create(Country, {});
    const fr = em.create(Country, {});
    const ada = em.create(User, { name: 'Ada', country: uk });
    const charles = em.create(User, { name: 'Charles', country: uk });
    const sophie = em.create(User, { name: 'Sophie', country: fr });
    const notes = em.create(Post, { title: 'Notes', author: ada });
    notes.tags.add(em.create(Tag, { name: 'maths' }), em.create(Tag, { name: 'engines' }));
    em.create(Post, { title: 'Engines', author: charles });
    em.create(Post, { title: 'Elasticity', author: sophie });
    await em.flush();

    const country = await orm.em.fork().findOneOrFail(Country, uk.id, { populate: ['posts', 'tags'] });
    assert.deepEqual(country.posts.getItems().map((p) => p.title).sort(), ['Engines', 'Notes']);
    assert.deepEqual(country.tags.getItems().map((t) => t.name), ['engines', 'maths'], 'orderBy name asc');

    // Read-only: change the relations along the path instead.
    assert.throws(() => country.posts.add(notes.id), (e: unknown) => e instanceof UsageError && e.code === 'READ_ONLY_RELATION');
  } finally {
    await orm.close();
  }
}
