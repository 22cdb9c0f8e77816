import assert from 'node:assert/strict';
// #region docs:model
import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;                                  // autoincrement integer
  @Property({ unique: true }) email!: string;
  @Property({ hidden: true }) passwordHash!: string;          // left out of toJSON()
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
}

@Entity()
export class Profile {
  @PrimaryKey() id!: number;
  @Property({ nullable: true }) bio?: string;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;   // profiles.user_id
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => User) author!: Rel<User>;                 // posts.author_id
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);    // join table post_tag
}

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) name!: string;
}
// #endregion docs:model

// #region docs:connecting
import { Joinery } from 'joinery';

// #endregion docs:connecting
/** Stands in for the HTTP response of the request the page's last block handles. */
const res = {
  body: undefined as unknown,
  json(value: unknown) {
    this.body = JSON.parse(JSON.stringify(value));
  },
};
const hash = '$argon2id$v=19$not-a-real-hash';

export async function main(): Promise<void> {
  // #region docs:connecting
  const orm = await Joinery.init({
    entities: [User, Profile, Post, Tag],
    client: 'sqlite',
    connection: { filename: 'app.db' },          // or ':memory:'
  });
  // #endregion docs:connecting
  try {
    const unmapped = { sql: 'CREATE TABLE audit_trail (id integer)', params: [] };
    await orm.getDriver().execute(unmapped);

    // #region docs:schema
    await orm.schema.create();                 // CREATE TABLE, indexes, FKs, join tables, on every connection
    console.log(orm.schema.getCreateSQL());   // the same statements, without running them
    await orm.schema.update();                 // bring existing tables in line with the entities
    console.log(await orm.schema.getUpdateSQL());
    await orm.schema.drop();                   // drop the mapped tables (never others)
    // #endregion docs:schema

    // snake_case names, as the page says.
    const ddl = orm.schema.getCreateSQL();
    for (const name of ['users', 'password_hash', 'author_id', 'user_id', 'post_tag']) assert.match(ddl, new RegExp(`[\`"]${name}[\`"]`));
    // drop() left the table no entity maps alone.
    const tables = await orm.getDriver().execute({ sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", params: [] });
    assert.deepEqual(tables.rows.map((r) => r.name).filter((n) => n !== 'sqlite_sequence'), ['audit_trail']);

    await orm.schema.create();
    assert.equal(await orm.schema.getUpdateSQL(), '', 'update() has nothing to do on tables create() made');
    const seed = orm.em.fork();
    seed.create(Tag, { id: 7, name: 'databases' });
    await seed.flush();

    // #region docs:request
    const em = orm.em.fork();                  // a fresh EntityManager: one per request

    const user = em.create(User, { email: 'ada@example.com', passwordHash: hash });
    em.create(Profile, { user, bio: 'Mathematician' });
    const post = em.create(Post, { title: 'Notes', author: user });
    post.tags.add(em.create(Tag, { name: 'maths' }), 7);   // an entity, and the tag whose key is 7
    await em.flush();                          // everything above, in one transaction

    const users = await em.find(User, { email: { $like: '%@example.com' } }, {
      populate: ['profile', 'posts.tags'],     // one query per path, whatever the number of users
      orderBy: { id: 'asc' },
      limit: 20,
    });
    res.json(users);                           // populated relations nested, passwordHash left out
    // #endregion docs:request

    assert.equal(users[0], user, 'the identity map returns the object the request created');
    const [sent] = res.body as Record<string, unknown>[];
    assert.ok(sent && !('passwordHash' in sent));
    assert.deepEqual(sent.profile, { id: 1, bio: 'Mathematician', user: 1 });
    const [sentPost] = sent.posts as { title: string; tags: { name: string }[] }[];
    assert.equal(sentPost?.title, 'Notes');
    assert.deepEqual(sentPost?.tags.map((t) => t.name).sort(), ['databases', 'maths']);
  } finally {
    await orm.close();
  }
}
