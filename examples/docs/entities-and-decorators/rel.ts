import assert from 'node:assert/strict';
import { Entity, Joinery, ManyToOne, OneToOne, PrimaryKey, Property, type Rel } from 'joinery';

// Post comes first and names User, declared further down: with `author!: User` and
// emitDecoratorMetadata this module would throw a ReferenceError while loading.
@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  // #region docs
  @ManyToOne(() => User) author!: Rel<User>;
  // #endregion docs
}

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  // #region docs
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  // #endregion docs
}

@Entity()
export class Profile {
  @PrimaryKey() id!: number;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [Post, User, Profile], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    await orm.schema.create();
    const em = orm.em.fork();
    const ada = em.create(User, { name: 'Ada' });
    em.create(Profile, { user: ada });
    em.create(Post, { title: 'Notes', author: ada });
    await em.flush();

    const post = await orm.em.fork().findOneOrFail(Post, { title: 'Notes' }, { populate: ['author.profile'] });
    assert.equal(post.author.name, 'Ada');
    assert.equal(post.author.profile?.user, post.author);
  } finally {
    await orm.close();
  }
}
