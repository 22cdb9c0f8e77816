// The model of the Querying page (its model block is a sketch without decorators), and the data
// every example of the page reads.
import { Collection, Entity, EntityManager, Joinery, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, type QueryLogEntry, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', nullable: true }) name?: string | null;
  @Property({ type: 'string', nullable: true }) email?: string | null;
  @Property({ type: 'integer', nullable: true }) age?: number | null;
  @Property() active!: boolean;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile> | null;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
}

@Entity()
export class Profile {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', nullable: true }) bio?: string | null;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() published!: boolean;
  @ManyToOne(() => User, { nullable: true }) author?: Rel<User> | null;
  @OneToMany(() => Comment, (c) => c.post) comments = new Collection<Comment>(this);
  @ManyToMany(() => Tag, (t) => t.posts, { owner: true }) tags = new Collection<Tag>(this);
}

@Entity()
export class Comment {
  @PrimaryKey() id!: number;
  @Property() body!: string;
  @Property() approved!: boolean;
  @ManyToOne(() => Post) post!: Rel<Post>;
}

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @ManyToMany(() => Post, (p) => p.tags) posts = new Collection<Post>(this);
}

@Entity()
export class Car {
  @PrimaryKey() id!: number;
  @Property() model!: string;
  @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
}

@Entity()
export class UserCar {
  @ManyToOne(() => User) user!: Rel<User>;
  @ManyToOne(() => Car) car!: Rel<Car>;
  @Property() since!: number;
}

export interface QueryingFixture {
  orm: Joinery;
  em: EntityManager;
  /** Every statement sent since the last `log.length = 0`. */
  log: QueryLogEntry[];
}

/**
 * Users: 1 Ann (34, ann@example.com, profile "chess and go"), 2 Bob (18, bob@example.com),
 * 3 Cid (70, cid@test.org), 4 Dee (21, no email, inactive), 5 without a name (no age),
 * 42 Zed (65, zed@example.com, inactive).
 * Posts: 1 "Chess openings" by Ann (published, tag chess; comments "thanks!" and "nice" approved,
 * "spam" not), 2 "Draft" by Ann (not published), 3 "100% sure" by Bob (published, tags news and
 * chess; comment "ok" approved), 4 "Orphan" without an author (published).
 * Cars: 1 T, 2 S, 3 X, 4 A. Links: Ann–T since 2018, Ann–S since 2021, Ann–X since 1999, Ann–A since 1990,
 * Bob–T since 2022, Cid–X since 1995.
 */
export async function openQueryingFixture(): Promise<QueryingFixture> {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({
    entities: [User, Profile, Post, Comment, Tag, Car, UserCar],
    client: 'sqlite',
    connection: { filename: ':memory:' },
    logger: (entry) => log.push(entry),
  });
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { id: 1, name: 'Ann', email: 'ann@example.com', age: 34, active: true });
  const bob = em.create(User, { id: 2, name: 'Bob', email: 'bob@example.com', age: 18, active: true });
  const cid = em.create(User, { id: 3, name: 'Cid', email: 'cid@test.org', age: 70, active: true });
  em.create(User, { id: 4, name: 'Dee', email: null, age: 21, active: false });
  em.create(User, { id: 5, name: null, email: null, age: null, active: true });
  em.create(User, { id: 42, name: 'Zed', email: 'zed@example.com', age: 65, active: false });
  em.create(Profile, { bio: 'chess and go', user: ann });
  const chess = em.create(Tag, { id: 1, name: 'chess' });
  const news = em.create(Tag, { id: 2, name: 'news' });
  const openings = em.create(Post, { id: 1, title: 'Chess openings', published: true, author: ann, tags: [chess] });
  em.create(Post, { id: 2, title: 'Draft', published: false, author: ann });
  const sure = em.create(Post, { id: 3, title: '100% sure', published: true, author: bob, tags: [news, chess] });
  em.create(Post, { id: 4, title: 'Orphan', published: true, author: null });
  em.create(Comment, { body: 'thanks!', approved: true, post: openings });
  em.create(Comment, { body: 'nice', approved: true, post: openings });
  em.create(Comment, { body: 'spam', approved: false, post: openings });
  em.create(Comment, { body: 'ok', approved: true, post: sure });
  const t = em.create(Car, { id: 1, model: 'T' });
  const s = em.create(Car, { id: 2, model: 'S' });
  const x = em.create(Car, { id: 3, model: 'X' });
  const a = em.create(Car, { id: 4, model: 'A' });
  await em.flush();
  ann.cars.attach(t, { since: 2018 });
  ann.cars.attach(s, { since: 2021 });
  ann.cars.attach(x, { since: 1999 });
  ann.cars.attach(a, { since: 1990 });
  bob.cars.attach(t, { since: 2022 });
  cid.cars.attach(x, { since: 1995 });
  await em.flush();
  log.length = 0;
  return { orm, em: orm.em.fork(), log };
}

/** The ids of entities, sorted: results compared without depending on an order the query did not ask for. */
export function ids(entities: readonly ({ id: number } | null)[]): number[] {
  return entities.map((e) => e?.id ?? 0).sort((a, b) => a - b);
}
