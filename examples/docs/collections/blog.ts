import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  // #region docs:declare
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  // #endregion docs:declare
  @ManyToMany(() => Group, (g) => g.members) groups = new Collection<Group>(this);
  @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property({ default: false }) published!: boolean;
  @ManyToOne(() => User) author!: Rel<User>;
  // #region docs:declare
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
  // #endregion docs:declare
}

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

@Entity()
export class Group {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @ManyToMany(() => User, (u) => u.groups, { owner: true }) members = new Collection<User>(this);
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
  @Property({ nullable: true }) since?: number;
}

type Orm = Awaited<ReturnType<typeof Joinery.init>>;

/** Every statement the ORM sends, for the checks below. */
const sent: string[] = [];

async function changing(orm: Orm): Promise<void> {
  const seed = orm.em.fork();
  const ann = seed.create(User, { name: 'Ann' });
  const tags = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((name) => seed.create(Tag, { name }));
  const draft = seed.create(Post, { title: 'Draft', author: ann });
  draft.tags.add(tags[7]!);                                  // the Tag whose key is 8, linked already
  const cy = seed.create(User, { name: 'Cy' });
  await seed.flush();

  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, cy.id);
  const post = await em.findOneOrFail(Post, draft.id);        // its collections are not loaded
  const [tag, tagA, tagB] = await em.find(Tag, { name: { $in: ['a', 'b', 'c'] } }, { orderBy: { id: 'asc' } });
  sent.length = 0;
  // #region docs:change
  user.posts.add(post);                  // an entity
  post.tags.add(tag, 7);                 // and a bare primary key: the Tag whose key is 7
  post.tags.add(em.getReference(Tag, 8));
  post.tags.remove(7);
  post.tags.set([tagA, tagB]);           // exactly these from now on
  post.tags.removeAll();
  await em.flush();
  // #endregion docs:change

  // Nothing was loaded; the flush set the FK, and dropped the links of the collection it never
  // loaded with one DELETE by owner (the queued adds cancelled out).
  assert.deepEqual(sent, [
    'BEGIN;',
    'UPDATE "posts" SET "author_id" = ? WHERE "id" IN (?)',
    'DELETE FROM "post_tag" WHERE "post_id" IN (?)',
    'COMMIT;',
  ]);

  assert.equal(post.author, user, 'adding to user.posts set the post author');
  const check = orm.em.fork();
  const saved = await check.findOneOrFail(Post, draft.id, { populate: ['tags'] });
  assert.equal(saved.author.id, cy.id);
  assert.deepEqual(saved.tags.getItems(), [], 'removeAll() dropped the queued links and the existing one');
}

async function bothSides(orm: Orm): Promise<void> {
  const seed = orm.em.fork();
  const a = seed.create(User, { name: 'Ann' });
  const b = seed.create(User, { name: 'Bob' });
  const p = seed.create(Post, { title: 'Notes', author: a });
  const g = seed.create(Group, { name: 'editors' });
  await seed.flush();

  const em = orm.em.fork();
  const [ann, bob] = await em.find(User, { id: { $in: [a.id, b.id] } }, { populate: ['posts', 'groups'], orderBy: { id: 'asc' } });
  const post = await em.findOneOrFail(Post, p.id);
  const group = await em.findOneOrFail(Group, g.id);
  const user = bob!;
  assert.ok(ann && bob && ann.posts.contains(post));
  // #region docs:both-sides
  bob.posts.add(post);       // post.author === bob, and post leaves ann.posts if that is loaded
  post.author = ann;         // post joins ann.posts (if loaded) and leaves bob.posts
  group.members.add(user);   // user.groups contains group, if loaded
  // #endregion docs:both-sides
  assert.equal(post.author, ann);
  assert.ok(ann.posts.contains(post));
  assert.ok(!bob.posts.contains(post));
  assert.ok(user.groups.contains(group));

  // Adding on the inverse side queues the link on the owner, whose join table is written.
  ann.groups.add(group);
  await em.flush();
  const members = await orm.em.fork().findOneOrFail(Group, g.id, { populate: ['members'] });
  assert.deepEqual(members.members.getItems().map((u) => u.name).sort(), ['Ann', 'Bob']);
}

async function filtering(orm: Orm): Promise<void> {
  const seed = orm.em.fork();
  const ann = seed.create(User, { name: 'Ann' });
  const bob = seed.create(User, { name: 'Bob' });
  seed.create(User, { name: 'Dee' });                          // no posts at all
  for (let i = 1; i <= 6; i++) seed.create(Tag, { name: `filler ${i}` });
  const maths = seed.create(Tag, { name: 'maths' });
  const draft = seed.create(Tag, { name: 'draft' });
  const one = seed.create(Post, { title: 'One', author: ann, published: true });
  const two = seed.create(Post, { title: 'Two', author: bob, published: true });
  seed.create(Post, { title: 'Three', author: bob });
  one.tags.add(maths);
  two.tags.add(maths, draft);
  await seed.flush();
  assert.equal(maths.id, 7);
  const em = orm.em.fork();
  const titles = (posts: Post[]) => posts.map((p) => p.title).sort();

  // #region docs:filter
  const tagged = await em.find(Post, { tags: { name: 'maths' } });              // some tag is named maths
  const same = await em.find(Post, { tags: { $some: { name: 'maths' } } });    // the same, explicitly
  const clean = await em.find(Post, { tags: { $none: { name: 'draft' } } });   // no tag named draft
  const done = await em.find(User, { posts: { $every: { published: true } } }); // every post published (or none)
  const with7 = await em.find(Post, { tags: 7 });                               // has the tag whose key is 7
  // #endregion docs:filter

  assert.deepEqual(titles(tagged), ['One', 'Two'], 'Two has two tags and still comes once');
  assert.deepEqual(titles(same), ['One', 'Two']);
  assert.deepEqual(titles(clean), ['One', 'Three']);
  assert.deepEqual(done.map((u) => u.name).sort(), ['Ann', 'Dee'], 'Bob has an unpublished post');
  assert.deepEqual(titles(with7), ['One', 'Two']);
}

async function pivots(orm: Orm): Promise<void> {
  const seed = orm.em.fork();
  const ada = seed.create(User, { name: 'Ada' });
  const mini = seed.create(Car, { model: 'Mini' });
  await seed.flush();
  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, ada.id);
  const car = await em.findOneOrFail(Car, mini.id);
  // #region docs:pivot
  user.cars.attach(car, { since: 2020 });   // INSERT the link with its values (an existing link gets them)
  user.cars.updatePivot(car, { since: 2021 });  // UPDATE the link's values
  await em.flush();
  user.cars.pivotOf(car);                    // { since: 2021 }
  // #endregion docs:pivot
  assert.deepEqual(user.cars.pivotOf(car), { since: 2021 });
  const [link] = await orm.em.fork().find(UserCar, { user: ada.id });
  assert.equal(link?.since, 2021);
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({
    entities: [User, Post, Tag, Group, Car, UserCar],
    client: 'sqlite',
    connection: { filename: ':memory:' },
    logger: (q) => sent.push(q.sql),
  });
  try {
    await orm.schema.create();
    await changing(orm);
    await orm.schema.drop();
    await orm.schema.create();
    await bothSides(orm);
    await orm.schema.drop();
    await orm.schema.create();
    await filtering(orm);
    await pivots(orm);
  } finally {
    await orm.close();
  }
}
