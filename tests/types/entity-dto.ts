// wrap(e).toObject() / toJSON(): plain data typed from the entity: populated collections as arrays
// of their items' data, unloaded ones absent, to-ones as data or key, bigint as string, Hidden out.
import { Collection, Entity, ManyToOne, OneToMany, PrimaryKey, Property, wrap, type EntityDTO, type EntityManager, type Hidden, type Rel } from 'joinery';
import { expectTrue, type Equal } from './expect.js';
import { Post, User } from './model.js';

declare const em: EntityManager;

@Entity()
class Account {
  @PrimaryKey() id!: number;
  @Property() login!: string;
  @Property({ hidden: true }) passwordHash!: Hidden<string>;
  @Property({ type: 'bigint' }) balance!: bigint;
  @Property({ nullable: true }) note?: string | null;
  @ManyToOne(() => Account, { nullable: true }) referrer?: Rel<Account> | null;
  @OneToMany(() => Session, (s) => s.account) sessions = new Collection<Session>(this);

  describe(): string {
    return this.login;
  }
}

@Entity()
class Session {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @ManyToOne(() => Account) account!: Rel<Account>;
}

export async function dtoOfAnEntity(account: Account) {
  const data = wrap(account).toObject();
  expectTrue<Equal<typeof data.login, string>>();
  expectTrue<Equal<typeof data.balance, string>>();
  expectTrue<Equal<typeof data.note, string | null | undefined>>();
  expectTrue<Equal<typeof data.id, number>>();
  // A to-one: the related data when it was loaded, else its key.
  expectTrue<Equal<typeof data.referrer, EntityDTO<Account> | number | null | undefined>>();
  // A collection declared as Collection: an array when it was loaded, so optional.
  expectTrue<Equal<typeof data.sessions, EntityDTO<Session>[] | undefined>>();
  expectTrue<Equal<typeof data.$counts, Record<string, number> | undefined>>();
  // @ts-expect-error hidden properties are not part of the plain data
  void data.passwordHash;
  // @ts-expect-error methods are not data
  void data.describe;
  // @ts-expect-error nor is a property the entity does not have
  void data.unknown;
  expectTrue<Equal<ReturnType<ReturnType<typeof wrap<Account>>['toJSON']>, EntityDTO<Account>>>();
}

export async function dtoOfAPopulatedResult() {
  const user = await em.findOneOrFail(User, 1, { populate: ['posts.comments'] });
  const data = wrap(user).toObject();
  // Populated: arrays of the items' data, nested as deep as the path.
  const posts = data.posts;
  expectTrue<Equal<typeof posts[number]['title'], string>>();
  expectTrue<Equal<typeof posts[number]['comments'][number]['text'], string>>();
  expectTrue<Equal<typeof data.visits, string>>();
  // @ts-expect-error cars was not populated: it is not in the data
  void data.cars;
  // @ts-expect-error nor are the tags of the posts
  void posts[0]!.tags;

  const post = await em.findOneOrFail(Post, 1);
  const plain = wrap(post).toObject();
  // An unpopulated to-one is typed as data or key (which one depends on what the EntityManager holds).
  expectTrue<Equal<Extract<typeof plain.author, number>, number>>();
  // @ts-expect-error comments were not populated
  void plain.comments;
}
