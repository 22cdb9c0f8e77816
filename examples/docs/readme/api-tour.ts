import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, type Rel } from 'joinery';
import { exampleDatabase } from '../support.js';

@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
}

@Entity()
class Profile {
  @PrimaryKey() id!: number;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
}

@Entity()
class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity()
class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

export async function main(): Promise<void> {
  const db = await exampleDatabase('pg', __filename);
  process.env.DATABASE_URL = String(db.config.connection);
  const printed: unknown[][] = [];
  const print = console.log;
  console.log = (...args: unknown[]) => printed.push(args);
  try {
    // #region docs
    const orm = await Joinery.init({
      entities: [User, Profile, Post, Tag],           // defaults to every @Entity() class
      client: 'pg', connection: process.env.DATABASE_URL!,   // a postgres:// URL; or client 'sqlite' / 'mysql'
      logger: (q) => console.log(q.sql, q.params, q.ms),   // every statement, BEGIN/COMMIT included
    });
    await orm.schema.create();      // also drop(), update(), getCreateSQL(), getUpdateSQL()
    const em = orm.em.fork();       // one per request or unit of work
    // #endregion docs
    try {
      em.create(Post, { title: 'Hello', author: em.create(User, { name: 'Ada' }) });
      printed.length = 0;
      await em.flush();
      assert.notEqual(em, orm.em);
      assert.equal(await orm.em.fork().count(Post, { author: { name: 'Ada' } }), 1);
    } finally {
      await orm.close();
    }
  } finally {
    console.log = print;
    await db.drop();
  }
  // The logger saw the flush's transaction and its statements, with bound values and timings.
  const sql = printed.map(([statement]) => String(statement));
  assert.match(sql[0]!, /^begin/i);
  assert.ok(sql.some((s) => /^commit/i.test(s)));
  const insertUser = printed.find(([statement]) => /^insert into "users"/i.test(String(statement)));
  assert.deepEqual(insertUser?.[1], ['Ada']);
  assert.equal(typeof insertUser?.[2], 'number');
}
