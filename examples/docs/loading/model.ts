import assert from 'node:assert/strict';
import { Collection, Entity, EntityManager, Joinery, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, type QueryLogEntry, type Rel } from 'joinery';

// #region docs
@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
}
@Entity()
class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() published!: boolean;
  @Property() createdAt!: Date;
  @ManyToOne(() => User) author!: Rel<User>;
  @OneToMany(() => Comment, (c) => c.post) comments = new Collection<Comment>(this);
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}
@Entity()
class Comment {
  @PrimaryKey() id!: number;
  @Property() body!: string;
  @Property() approved!: boolean;
  @ManyToOne(() => Post) post!: Rel<Post>;
}
@Entity()
class UserCar {                        // the through entity of User.cars
  @ManyToOne(() => User) user!: Rel<User>;
  @ManyToOne(() => Car) car!: Rel<Car>;
  @Property() since!: number;
}
@Entity()
class Profile {
  @PrimaryKey() id!: number;
  @Property() bio!: string;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
}
@Entity()
class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}
@Entity()
class Car {
  @PrimaryKey() id!: number;
  @Property() model!: string;
  @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
}
// #endregion docs

export { User, Post, Comment, UserCar, Profile, Tag, Car };

/** What the other examples of this page read: an in-memory database with the model, seeded, and its statements. */
export interface LoadingFixture {
  orm: Joinery;
  em: EntityManager;
  /** Every statement sent since the last `log.length = 0`. */
  log: QueryLogEntry[];
}

/**
 * Ann (id 1): posts "Hello" (published, 5 comments of which 3 approved), "Draft" (not published) and
 * "News" (published, 1 approved comment); a profile; car 7 "Mini" since 2020 and car 8 "Ford" since 1999.
 * Alex (id 2): one published post with one unapproved comment, car 7 since 2021.
 * Bob (id 3): nothing.
 */
export async function openLoadingFixture(): Promise<LoadingFixture> {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({
    entities: [User, Post, Comment, UserCar, Profile, Tag, Car],
    client: 'sqlite',
    connection: { filename: ':memory:' },
    logger: (entry) => log.push(entry),
  });
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { name: 'Ann' });
  const alex = em.create(User, { name: 'Alex' });
  em.create(User, { name: 'Bob' });
  em.create(Profile, { bio: 'Writes about cars', user: ann });
  const news = em.create(Tag, { name: 'news' });
  const hello = em.create(Post, { title: 'Hello', published: true, createdAt: new Date('2024-01-01T00:00:00Z'), author: ann, tags: [news] });
  em.create(Post, { title: 'Draft', published: false, createdAt: new Date('2024-02-01T00:00:00Z'), author: ann });
  const newsPost = em.create(Post, { title: 'News', published: true, createdAt: new Date('2024-03-01T00:00:00Z'), author: ann, tags: [news] });
  const alexPost = em.create(Post, { title: 'Cars', published: true, createdAt: new Date('2024-01-15T00:00:00Z'), author: alex });
  for (let i = 1; i <= 5; i++) em.create(Comment, { body: `comment ${i}`, approved: i <= 3, post: hello });
  em.create(Comment, { body: 'great', approved: true, post: newsPost });
  em.create(Comment, { body: 'spam', approved: false, post: alexPost });
  const mini = em.create(Car, { id: 7, model: 'Mini' });
  const ford = em.create(Car, { id: 8, model: 'Ford' });
  await em.flush();
  ann.cars.attach(mini, { since: 2020 });
  ann.cars.attach(ford, { since: 1999 });
  alex.cars.attach(mini, { since: 2021 });
  await em.flush();
  log.length = 0;
  return { orm, em: orm.em.fork(), log };
}

export async function main(): Promise<void> {
  const { orm } = await openLoadingFixture();
  try {
    const sql = orm.schema.getCreateSQL();
    assert.match(sql, /create table [`"]?user_cars[`"]?/i, 'the through entity has its own table');
    assert.match(sql, /[`"]?since[`"]? integer/i, 'UserCar.since is an integer column read from the TypeScript type');
  } finally {
    await orm.close();
  }
}
