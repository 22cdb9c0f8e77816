import assert from 'node:assert/strict';
import { Entity, Joinery, ManyToOne, PrimaryKey, Property, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
}

// The class below names every scalar type, as TC39 standard decorators require; it runs here under
// legacy decorators, which the page says works too.
// #region docs
@Entity()
export class Post {
  @PrimaryKey() id!: number;                          // a key without type is an autoincrement integer
  @Property({ type: 'string' }) title!: string;
  @Property({ type: 'datetime', nullable: true }) publishedAt?: Date | null;
  @ManyToOne(() => User) author!: Rel<User>;          // relations never need a type
}
// #endregion docs

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [User, Post], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    assert.match(orm.schema.getCreateSQL(), /create table `posts` \(`id` integer not null primary key autoincrement, `title` varchar\(255\) not null, `published_at` \w+, `author_id` integer not null/);
    await orm.schema.create();
    const em = orm.em.fork();
    const post = em.create(Post, { title: 'Notes', publishedAt: new Date('2024-05-01T10:00:00.123Z'), author: em.create(User, { name: 'Ada' }) });
    await em.flush();
    assert.equal(post.id, 1);
    const read = await orm.em.fork().findOneOrFail(Post, post.id);
    assert.deepEqual(read.publishedAt, new Date('2024-05-01T10:00:00.123Z'));
  } finally {
    await orm.close();
  }
}
