// The model of the Typing page, the data its examples read, and compile-time checks of the types
// the page names.
import { Collection, Entity, EntityManager, Joinery, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() email!: string;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  @ManyToMany(() => Car) cars = new Collection<Car>(this);
}

@Entity()
export class Profile {
  @PrimaryKey() id!: number;
  @Property() bio!: string;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => User) author!: Rel<User>;
  @OneToMany(() => Comment, (c) => c.post) comments = new Collection<Comment>(this);
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity()
export class Comment {
  @PrimaryKey() id!: number;
  @Property() body!: string;
  @ManyToOne(() => Post) post!: Rel<Post>;
}

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

@Entity()
export class Car {
  @PrimaryKey() id!: number;
  @Property() model!: string;
}

/** True when A and B are the same type (not merely assignable): `const ok: Equal<A, B> = true`. */
export type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false;

export interface TypingFixture {
  orm: Joinery;
  em: EntityManager;
}

/**
 * User 1 ann@example.com: posts "Hello" (tags news and draft, 2 comments) and "Draft" (tag draft),
 * car "Mini". User 2 bob@test.org: post "Bob's" (tag news).
 */
export async function openTypingFixture(): Promise<TypingFixture> {
  const orm = await Joinery.init({
    entities: [User, Profile, Post, Comment, Tag, Car],
    client: 'sqlite',
    connection: { filename: ':memory:' },
  });
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { id: 1, email: 'ann@example.com' });
  const bob = em.create(User, { id: 2, email: 'bob@test.org' });
  const news = em.create(Tag, { name: 'news' });
  const draft = em.create(Tag, { name: 'draft' });
  const hello = em.create(Post, { title: 'Hello', author: ann, tags: [news, draft] });
  em.create(Post, { title: 'Draft', author: ann, tags: [draft] });
  em.create(Post, { title: "Bob's", author: bob, tags: [news] });
  em.create(Comment, { body: 'first', post: hello });
  em.create(Comment, { body: 'second', post: hello });
  ann.cars.add(em.create(Car, { model: 'Mini' }));
  await em.flush();
  return { orm, em: orm.em.fork() };
}
