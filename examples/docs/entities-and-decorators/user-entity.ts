import assert from 'node:assert/strict';
import { Joinery, OptimisticLockError } from 'joinery';
// #region docs
import {
  Collection, Entity, Index, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, Unique,
  BeforeCreate, type Rel,
} from 'joinery';

@Entity({ tableName: 'app_users' })
@Unique({ properties: ['firstName', 'lastName'] })
export class User {
  @PrimaryKey() id!: number;
  @Property() firstName!: string;
  @Property() lastName!: string;
  @Property({ unique: true, length: 120 }) email!: string;
  @Property({ hidden: true }) passwordHash!: string;
  @Property({ type: 'datetime', onCreate: () => new Date() }) createdAt!: Date;
  @Property({ version: true }) version!: number;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  @OneToMany(() => Post, (p) => p.author, { orphanRemoval: true, orderBy: { id: 'desc' } }) posts = new Collection<Post>(this);
  @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);

  @BeforeCreate() normalise() { this.email = this.email.toLowerCase(); }
}
// #endregion docs

@Entity()
@Index({ properties: ['title'] })
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => User) author!: Rel<User>;
}

@Entity()
export class Profile {
  @PrimaryKey() id!: number;
  @Property() bio!: string;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
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
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [User, Post, Profile, Car, UserCar], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    const ddl = orm.schema.getCreateSQL();
    assert.match(ddl, /create table `app_users` \(.*`email` varchar\(120\) not null/);
    assert.match(ddl, /create unique index `\w+` on `app_users` \(`first_name`, `last_name`\)/);
    await orm.schema.create();

    const em = orm.em.fork();
    const ada = em.create(User, { firstName: 'Ada', lastName: 'Lovelace', email: 'Ada@Example.com', passwordHash: 'x' });
    ada.posts.add(em.create(Post, { title: 'Notes' }), em.create(Post, { title: 'Sketches' }));
    await em.flush();
    assert.equal(ada.email, 'ada@example.com', '@BeforeCreate ran before the insert');
    assert.ok(ada.createdAt instanceof Date, 'onCreate set createdAt');
    assert.equal(ada.version, 1);
    assert.ok(!('passwordHash' in JSON.parse(JSON.stringify(ada))), 'hidden');

    const loaded = await orm.em.fork().findOneOrFail(User, ada.id, { populate: ['posts'] });
    assert.deepEqual(loaded.posts.getItems().map((p) => p.title), ['Sketches', 'Notes'], 'orderBy id desc');
    assert.equal(loaded.email, 'ada@example.com');

    // version: an update from a copy loaded before the last write fails instead of overwriting it.
    const staleEm = orm.em.fork();
    const staleCopy = await staleEm.findOneOrFail(User, ada.id);
    ada.firstName = 'Augusta';
    await em.flush();
    assert.equal(ada.version, 2);
    staleCopy.lastName = 'Byron';
    await assert.rejects(staleEm.flush(), OptimisticLockError);

    // orphanRemoval: a post taken out of the collection is deleted, not unlinked.
    const [first] = ada.posts.getItems();
    ada.posts.remove(first!);
    await em.flush();
    assert.equal(await orm.em.fork().count(Post, {}), 1);
  } finally {
    await orm.close();
  }
}
