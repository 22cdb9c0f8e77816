import { Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';

@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Post, (post) => post.author) posts = new Collection<Post>(this);
}

@Entity()
class Post {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => User) author!: Rel<User>;
}

async function main() {
  const orm = await Joinery.init({ entities: [User, Post], client: 'sqlite', connection: { filename: ':memory:' } });
  await orm.schema.create();

  const em = orm.em.fork();                     // one EntityManager per request
  const ada = em.create(User, { name: 'Ada' });
  ada.posts.add(em.create(Post, { title: 'Hello' }), em.create(Post, { title: 'Again' }));
  await em.flush();                             // one transaction: INSERT users, then INSERT posts

  const users = await orm.em.fork().find(User, { name: 'Ada' }, { populate: ['posts'] });
  console.log(JSON.stringify(users));
  await orm.close();
}

main();
