import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  // #region docs
  @OneToMany(() => Post, (p) => p.author, { orphanRemoval: true, orderBy: { createdAt: 'desc' } }) posts = new Collection<Post>(this);
  // #endregion docs
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() createdAt!: Date;
  @ManyToOne(() => User) author!: Rel<User>;
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [User, Post], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    await orm.schema.create();
    const em = orm.em.fork();
    const ada = em.create(User, { name: 'Ada' });
    ada.posts.add(
      em.create(Post, { title: 'older', createdAt: new Date('2024-01-01') }),
      em.create(Post, { title: 'newer', createdAt: new Date('2024-06-01') }),
    );
    await em.flush();

    const em2 = orm.em.fork();
    const user = await em2.findOneOrFail(User, ada.id, { populate: ['posts'] });
    assert.deepEqual(user.posts.getItems().map((p) => p.title), ['newer', 'older'], 'orderBy createdAt desc');

    // orphanRemoval: the post taken out is deleted, not left without an author.
    user.posts.remove(user.posts.getItems()[1]!);
    await em2.flush();
    assert.deepEqual((await orm.em.fork().find(Post, {})).map((p) => p.title), ['newer']);
  } finally {
    await orm.close();
  }
}
