// Relation mapping mistakes: each is a MetadataError with a stable code, the entity and property it
// is about, and a message that names `Entity.property` and the fix. One mistaken model per test.
import test from 'ava';
import { expectMetadataError } from '../support/metadata-errors.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import {
  Collection, Entity, ManyToMany, ManyToOne, MetadataError, OneToMany, OneToOne, PrimaryKey, Property,
  type Rel,
} from '../../src/index.js';

// ---- unknown targets ----

test('UNKNOWN_TARGET: the target class is not in `entities`', (t) => {
  @Entity() class User { @PrimaryKey() id!: number; }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) author!: Rel<User>;
  }
  expectMetadataError(t, [Post], { code: 'UNKNOWN_TARGET', entity: 'Post', property: 'author', mentions: ['User', 'Add User to `entities`'] });
});

test('UNKNOWN_TARGET: the target class has no @Entity', (t) => {
  class Tag { id!: number; }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
  }
  expectMetadataError(t, [Post], { code: 'UNKNOWN_TARGET', entity: 'Post', property: 'tags', mentions: ['Tag has no @Entity()'] });
});

test('UNKNOWN_TARGET: the target function throws (a class used before its declaration)', (t) => {
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne((): typeof Post => {
      throw new ReferenceError("Cannot access 'User' before initialization");
    })
    author!: Rel<Post>;
  }
  expectMetadataError(t, [Post], {
    code: 'UNKNOWN_TARGET',
    entity: 'Post',
    property: 'author',
    mentions: ["Cannot access 'User' before initialization", '() => User', 'Rel<User>'],
  });
});

test('UNKNOWN_TARGET: the target function returns undefined (an import cycle)', (t) => {
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @OneToOne(() => undefined as unknown as typeof Post) next?: Rel<Post>;
  }
  expectMetadataError(t, [Post], { code: 'UNKNOWN_TARGET', entity: 'Post', property: 'next', mentions: ['circular import'] });
});

test('UNKNOWN_TARGET: a through entity that is not in `entities`', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, { through: () => UserCar }) cars = new Collection<Car>(this);
  }
  @Entity() class Car { @PrimaryKey() id!: number; }
  @Entity()
  class UserCar {
    @ManyToOne(() => User) user!: Rel<User>;
    @ManyToOne(() => Car) car!: Rel<Car>;
  }
  void UserCar;
  expectMetadataError(t, [User, Car], { code: 'UNKNOWN_TARGET', entity: 'User', property: 'cars', mentions: ['UserCar', '`entities`'] });
});

// ---- one-to-many / many-to-one inverse sides ----

test('MISSING_INVERSE: a @OneToMany whose inverse property does not exist', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToMany(() => Post, (p) => (p as unknown as { writer: unknown }).writer) posts = new Collection<Post>(this);
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) author!: Rel<User>;
  }
  expectMetadataError(t, [User, Post], { code: 'MISSING_INVERSE', entity: 'User', property: 'posts', mentions: ['Post.writer', '@ManyToOne(() => User)'] });
});

test('INVERSE_MISMATCH: a @OneToMany whose inverse is not a @ManyToOne', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToMany(() => Post, (p) => p.title) posts = new Collection<Post>(this);
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @Property() title!: string;
  }
  expectMetadataError(t, [User, Post], { code: 'INVERSE_MISMATCH', entity: 'User', property: 'posts', mentions: ['Post.title', '@ManyToOne(() => User)'] });
});

test('INVERSE_MISMATCH: a @OneToMany whose inverse @ManyToOne targets another entity', (t) => {
  @Entity() class Team { @PrimaryKey() id!: number; }
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToMany(() => Post, (p) => p.team) posts = new Collection<Post>(this);
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => Team) team!: Rel<Team>;
  }
  expectMetadataError(t, [Team, User, Post], { code: 'INVERSE_MISMATCH', entity: 'User', property: 'posts', mentions: ['Post.team', 'Team'] });
});

test('INVERSE_MISMATCH: two @OneToMany map the same @ManyToOne', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
    @OneToMany(() => Post, (p) => p.author) drafts = new Collection<Post>(this);
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) author!: Rel<User>;
  }
  expectMetadataError(t, [User, Post], { code: 'INVERSE_MISMATCH', entity: 'User', property: 'drafts', mentions: ['Post.author', 'User.posts'] });
});

test('MISSING_INVERSE: a @ManyToOne whose inversedBy names no property of the target', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User, { inversedBy: 'posts' }) author!: Rel<User>;
  }
  expectMetadataError(t, [User, Post], { code: 'MISSING_INVERSE', entity: 'Post', property: 'author', mentions: ['User.posts', 'inversedBy'] });
});

test('INVERSE_MISMATCH: a @ManyToOne whose inversedBy names a collection that maps another property', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) author!: Rel<User>;
    @ManyToOne(() => User, { inversedBy: 'posts', nullable: true }) editor?: Rel<User>;
  }
  expectMetadataError(t, [User, Post], { code: 'INVERSE_MISMATCH', entity: 'Post', property: 'editor', mentions: ['User.posts', 'Post.author', 'inversedBy'] });
});

// ---- many-to-many ----

test('MISSING_INVERSE: a @ManyToMany whose inverse property does not exist', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => (c as unknown as { drivers: unknown }).drivers, { owner: true }) cars = new Collection<Car>(this);
  }
  @Entity() class Car { @PrimaryKey() id!: number; }
  expectMetadataError(t, [User, Car], { code: 'MISSING_INVERSE', entity: 'User', property: 'cars', mentions: ['Car.drivers', '@ManyToMany(() => User'] });
});

test('INVERSE_MISMATCH: a @ManyToMany whose inverse is another kind of property', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => c.owner, { owner: true }) cars = new Collection<Car>(this);
  }
  @Entity()
  class Car {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) owner!: Rel<User>;
  }
  expectMetadataError(t, [User, Car], { code: 'INVERSE_MISMATCH', entity: 'User', property: 'cars', mentions: ['Car.owner', 'not a @ManyToMany'] });
});

test('INVERSE_MISMATCH: a @ManyToMany whose inverse @ManyToMany targets another entity', (t) => {
  @Entity() class Garage { @PrimaryKey() id!: number; }
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => c.garages, { owner: true }) cars = new Collection<Car>(this);
  }
  @Entity()
  class Car {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Garage) garages = new Collection<Garage>(this);
  }
  expectMetadataError(t, [Garage, User, Car], { code: 'INVERSE_MISMATCH', entity: 'User', property: 'cars', mentions: ['Car.garages', 'Garage'] });
});

test('INVERSE_MISMATCH: the two sides of a @ManyToMany name different properties', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => c.owners, { owner: true }) cars = new Collection<Car>(this);
    @ManyToMany(() => Car) wishlist = new Collection<Car>(this);
  }
  @Entity()
  class Car {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.wishlist) owners = new Collection<User>(this);
  }
  expectMetadataError(t, [User, Car], { code: 'INVERSE_MISMATCH', entity: 'User', property: 'cars', mentions: ['Car.owners', 'User.wishlist'] });
});

test('BOTH_SIDES_OWNER: both sides of a @ManyToMany say owner: true', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => c.owners, { owner: true }) cars = new Collection<Car>(this);
  }
  @Entity()
  class Car {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.cars, { owner: true }) owners = new Collection<User>(this);
  }
  expectMetadataError(t, [User, Car], { code: 'BOTH_SIDES_OWNER', entity: 'User', property: 'cars', mentions: ['Car.owners', 'remove owner'] });
});

test('NO_OWNER: a bidirectional @ManyToMany where neither side says owner', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => c.owners) cars = new Collection<Car>(this);
  }
  @Entity()
  class Car {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
  }
  expectMetadataError(t, [User, Car], { code: 'NO_OWNER', entity: 'User', property: 'cars', mentions: ['Car.owners', '{ owner: true }'] });
});

test('NO_OWNER: both sides of a @ManyToMany say owner: false', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => c.owners, { owner: false }) cars = new Collection<Car>(this);
  }
  @Entity()
  class Car {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.cars, { owner: false }) owners = new Collection<User>(this);
  }
  expectMetadataError(t, [User, Car], { code: 'NO_OWNER', entity: 'User', property: 'cars', mentions: ['Car.owners', '{ owner: true }'] });
});

test('NO_OWNER: a unidirectional @ManyToMany that says owner: false', (t) => {
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Tag, { owner: false }) tags = new Collection<Tag>(this);
  }
  @Entity() class Tag { @PrimaryKey() id!: number; }
  expectMetadataError(t, [Post, Tag], { code: 'NO_OWNER', entity: 'Post', property: 'tags', mentions: ['owner: false'] });
});

// ---- one-to-one ----

test('BOTH_SIDES_OWNER: both sides of a @OneToOne say owner: true', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToOne(() => Profile, (p) => p.user, { owner: true, nullable: true }) profile?: Rel<Profile>;
  }
  @Entity()
  class Profile {
    @PrimaryKey() id!: number;
    @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
  }
  expectMetadataError(t, [User, Profile], { code: 'BOTH_SIDES_OWNER', entity: 'User', property: 'profile', mentions: ['Profile.user', 'owner: true'] });
});

test('BOTH_SIDES_OWNER: an owning @OneToOne names a side that holds an FK of its own', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToOne(() => Profile, { nullable: true }) profile?: Rel<Profile>;
  }
  @Entity()
  class Profile {
    @PrimaryKey() id!: number;
    @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
  }
  expectMetadataError(t, [User, Profile], { code: 'BOTH_SIDES_OWNER', entity: 'Profile', property: 'user', mentions: ['User.profile', 'Profile.user'] });
});

test('NO_OWNER: a bidirectional @OneToOne where neither side says owner', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  }
  @Entity()
  class Profile {
    @PrimaryKey() id!: number;
    @OneToOne(() => User, (u) => u.profile) user!: Rel<User>;
  }
  expectMetadataError(t, [User, Profile], { code: 'NO_OWNER', entity: 'User', property: 'profile', mentions: ['Profile.user', '{ owner: true }'] });
});

test('NO_OWNER: both sides of a @OneToOne say owner: false', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToOne(() => Profile, (p) => p.user, { owner: false }) profile?: Rel<Profile>;
  }
  @Entity()
  class Profile {
    @PrimaryKey() id!: number;
    @OneToOne(() => User, (u) => u.profile, { owner: false }) user!: Rel<User>;
  }
  expectMetadataError(t, [User, Profile], { code: 'NO_OWNER', entity: 'User', property: 'profile', mentions: ['Profile.user', '{ owner: true }'] });
});

test('MISSING_INVERSE: an inverse @OneToOne without the owning property', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToOne(() => Profile, (p) => (p as unknown as { owner: unknown }).owner) profile?: Rel<Profile>;
  }
  @Entity() class Profile { @PrimaryKey() id!: number; }
  expectMetadataError(t, [User, Profile], { code: 'MISSING_INVERSE', entity: 'User', property: 'profile', mentions: ['Profile.owner', '{ owner: true }'] });
});

test('MISSING_INVERSE: an inverse @OneToOne (owner: false) that names no owning property', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToOne(() => Profile, { owner: false }) profile?: Rel<Profile>;
  }
  @Entity() class Profile { @PrimaryKey() id!: number; }
  expectMetadataError(t, [User, Profile], { code: 'MISSING_INVERSE', entity: 'User', property: 'profile', mentions: ['x => x.user'] });
});

test('MISSING_INVERSE: an owning @OneToOne that names an inverse the target lacks', (t) => {
  @Entity() class User { @PrimaryKey() id!: number; }
  @Entity()
  class Profile {
    @PrimaryKey() id!: number;
    @OneToOne(() => User, (u) => (u as unknown as { profile: unknown }).profile, { owner: true }) user!: Rel<User>;
  }
  expectMetadataError(t, [User, Profile], { code: 'MISSING_INVERSE', entity: 'Profile', property: 'user', mentions: ['User.profile'] });
});

test('INVERSE_MISMATCH: an inverse @OneToOne whose owning side targets another entity', (t) => {
  @Entity() class Team { @PrimaryKey() id!: number; }
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToOne(() => Profile, (p) => p.team) profile?: Rel<Profile>;
  }
  @Entity()
  class Profile {
    @PrimaryKey() id!: number;
    @OneToOne(() => Team, { owner: true }) team!: Rel<Team>;
  }
  expectMetadataError(t, [Team, User, Profile], { code: 'INVERSE_MISMATCH', entity: 'User', property: 'profile', mentions: ['Profile.team'] });
});

test('BAD_OPTION: primary on the inverse side of a @OneToOne, which has no column', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToOne(() => Settings, (s) => s.user, { owner: false, primary: true }) settings?: Rel<Settings>;
  }
  @Entity()
  class Settings {
    @PrimaryKey() id!: number;
    @OneToOne(() => User, (u) => u.settings, { owner: true }) user!: Rel<User>;
  }
  expectMetadataError(t, [User, Settings], { code: 'BAD_OPTION', entity: 'User', property: 'settings', mentions: ['owning side primary'] });
});

// ---- through entities ----

test('BAD_THROUGH: a through entity (with its own key) lacks the @ManyToOne to the target side', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, { through: () => UserCar }) cars = new Collection<Car>(this);
  }
  @Entity() class Car { @PrimaryKey() id!: number; }
  @Entity()
  class UserCar {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) user!: Rel<User>;
    @Property() carId!: number;
  }
  expectMetadataError(t, [User, Car, UserCar], { code: 'BAD_THROUGH', entity: 'User', property: 'cars', mentions: ['UserCar', '@ManyToOne(() => Car)', 'user → User'] });
});

test('BAD_THROUGH: a through entity without a key and without the two @ManyToOne', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, { through: () => UserCar }) cars = new Collection<Car>(this);
  }
  @Entity() class Car { @PrimaryKey() id!: number; }
  @Entity()
  class UserCar {
    @ManyToOne(() => User) user!: Rel<User>;
    @Property() note!: string;
  }
  expectMetadataError(t, [User, Car, UserCar], { code: 'BAD_THROUGH', entity: 'User', property: 'cars', mentions: ['UserCar', '@ManyToOne(() => Car)'] });
});

test('BAD_THROUGH: `through` on the inverse side of a @ManyToMany', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => c.owners, { owner: true }) cars = new Collection<Car>(this);
  }
  @Entity()
  class Car {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.cars, { through: () => UserCar }) owners = new Collection<User>(this);
  }
  @Entity()
  class UserCar {
    @ManyToOne(() => User) user!: Rel<User>;
    @ManyToOne(() => Car) car!: Rel<Car>;
  }
  expectMetadataError(t, [User, Car, UserCar], { code: 'BAD_THROUGH', entity: 'Car', property: 'owners', mentions: ['User.cars'] });
});

test('NO_OWNER across connections: the message explains the join table goes on the owner side', (t) => {
  @Entity()
  class Shopper {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Product, (p) => p.wishedBy) wishlist = new Collection<Product>(this);
  }
  @Entity({ connection: 'shop' })
  class Product {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Shopper, (s) => s.wishlist) wishedBy = new Collection<Shopper>(this);
  }
  const err = t.throws(() => discoverMetadata([Shopper, Product], { connections: ['default', 'shop'] }), { instanceOf: MetadataError });
  t.is(err!.code, 'NO_OWNER');
  t.regex(err!.message, /Shopper\.wishlist and Product\.wishedBy/);
  t.regex(err!.message, /different connections \(default, shop\)/);
  t.regex(err!.message, /owner's connection/);
});

test('BOTH_SIDES_OWNER across connections', (t) => {
  @Entity()
  class Shopper {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Product, (p) => p.wishedBy, { owner: true }) wishlist = new Collection<Product>(this);
  }
  @Entity({ connection: 'shop' })
  class Product {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Shopper, (s) => s.wishlist, { owner: true }) wishedBy = new Collection<Shopper>(this);
  }
  const err = t.throws(() => discoverMetadata([Shopper, Product], { connections: ['default', 'shop'] }), { instanceOf: MetadataError });
  t.is(err!.code, 'BOTH_SIDES_OWNER');
});
