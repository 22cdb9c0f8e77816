// What discovery makes of correct mappings: through entities, composite keys, inverse sides,
// one-to-one ownership, constraints, uniques and indexes, hooks, inheritance.
import test from 'ava';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { getRawMetadata } from '../../src/decorators/registry.js';
import {
  AfterCreate, BeforeCreate, BeforeUpdate, Collection, Entity, Index, ManyToMany, ManyToOne, MetadataError, OnLoad, OneToMany,
  OneToOne, PrimaryKey, Property, Unique, type Rel,
} from '../../src/index.js';
import type { EntityMetadata, ManyToManyProperty, PropertyMetadata } from '../../src/metadata/types.js';

function prop<K extends PropertyMetadata['kind']>(meta: EntityMetadata, name: string, kind: K): Extract<PropertyMetadata, { kind: K }> {
  const p = meta.propertiesByName[name];
  if (p?.kind !== kind) throw new Error(`${meta.name}.${name} is ${p?.kind ?? 'missing'}, not ${kind}`);
  return p as Extract<PropertyMetadata, { kind: K }>;
}

function columnNames(meta: EntityMetadata): string[] {
  return meta.columns.map((c) => c.name);
}

test('a through entity keyed by its two relations carries extra columns and is the join table', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
  }
  @Entity()
  class Car {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
  }
  @Entity()
  class UserCar {
    @ManyToOne(() => User) user!: Rel<User>;
    @ManyToOne(() => Car) car!: Rel<Car>;
    @Property({ nullable: true }) since?: number;
  }
  const md = discoverMetadata([User, Car, UserCar]);
  const through = md.get(UserCar);
  t.is(through.tableName, 'user_cars');
  t.true(through.isPivot);
  t.false(md.get(User).isPivot);
  t.deepEqual(columnNames(through), ['user_id', 'car_id', 'since']);
  t.deepEqual(through.primaryKeyColumns, ['user_id', 'car_id']);
  t.deepEqual(through.primaryKeys.map((k) => k.name), ['user', 'car']);
  t.false(through.autoincrementPk);
  t.true(prop(through, 'user', 'm:1').primary);
  // Link rows go with either side's row, as an implicit join table's do.
  t.deepEqual(through.foreignKeys.map((f) => [f.columns, f.referencedTable, f.deleteRule]), [[['user_id'], 'users', 'cascade'], [['car_id'], 'cars', 'cascade']]);
  // Keyed by the pair already: no extra unique over it.
  t.deepEqual(through.uniques, []);

  const cars = prop(md.get(User), 'cars', 'm:n');
  t.true(cars.owner);
  t.is(cars.inversedBy, 'owners');
  t.is(cars.pivot.through, through);
  t.is(cars.pivot.tableName, 'user_cars');
  t.is(cars.pivot.ownerProperty, 'user');
  t.is(cars.pivot.targetProperty, 'car');
  t.deepEqual(cars.pivot.joinColumns.map((c) => c.name), ['user_id']);
  t.deepEqual(cars.pivot.inverseJoinColumns.map((c) => c.name), ['car_id']);
  const owners = prop(md.get(Car), 'owners', 'm:n');
  t.false(owners.owner);
  t.is(owners.mappedBy, 'cars');
  t.is(owners.pivot, cars.pivot);
  // The through entity is the join table: no second, implicit one.
  t.deepEqual(md.joinTables, []);
});

test('a through entity with its own key gets a unique over the pair; the key follows its targets, not declaration order', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Group, (g) => g.members, { owner: true, through: () => Membership }) groups = new Collection<Group>(this);
  }
  @Entity()
  class Group {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.groups) members = new Collection<User>(this);
  }
  @Entity()
  class Membership {
    @PrimaryKey() id!: number;
    @ManyToOne(() => Group, { deleteRule: 'restrict' }) group!: Rel<Group>;
    @ManyToOne(() => User) member!: Rel<User>;
    @Property() role!: string;
  }
  const md = discoverMetadata([User, Group, Membership]);
  const through = md.get(Membership);
  t.deepEqual(through.foreignKeys.map((f) => [f.property, f.deleteRule]), [['group', 'restrict'], ['member', 'cascade']]);
  t.deepEqual(through.primaryKeyColumns, ['id']);
  t.true(through.autoincrementPk);
  t.deepEqual(through.uniques.map((u) => u.columns), [['member_id', 'group_id']]);
  const pivot = prop(md.get(User), 'groups', 'm:n').pivot;
  t.is(pivot.ownerProperty, 'member');
  t.is(pivot.targetProperty, 'group');
});

test('a through entity keyed by its relations uses the two that point at the sides, not an unrelated one', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Repo, (r) => r.stargazers, { owner: true, through: () => Star }) starred = new Collection<Repo>(this);
  }
  @Entity()
  class Repo {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.starred) stargazers = new Collection<User>(this);
  }
  @Entity()
  class Source {
    @PrimaryKey() id!: number;
  }
  @Entity()
  class Star {
    @ManyToOne(() => Source) via!: Rel<Source>;
    @ManyToOne(() => User) user!: Rel<User>;
    @ManyToOne(() => Repo) repo!: Rel<Repo>;
  }
  const md = discoverMetadata([User, Repo, Source, Star]);
  t.deepEqual(md.get(Star).primaryKeyColumns, ['user_id', 'repo_id']);
  t.false(prop(md.get(Star), 'via', 'm:1').primary);
});

test('a self-referencing many-to-many through an entity: owner side first', (t) => {
  @Entity()
  class Person {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Person, (p) => p.followers, { owner: true, through: () => Follow }) following = new Collection<Person>(this);
    @ManyToMany(() => Person, (p) => p.following) followers = new Collection<Person>(this);
  }
  @Entity()
  class Follow {
    @ManyToOne(() => Person) follower!: Rel<Person>;
    @ManyToOne(() => Person) followee!: Rel<Person>;
    @Property() since!: Date;
  }
  const md = discoverMetadata([Person, Follow]);
  const pivot = prop(md.get(Person), 'following', 'm:n').pivot;
  t.is(pivot.ownerProperty, 'follower');
  t.is(pivot.targetProperty, 'followee');
  t.deepEqual(md.get(Follow).primaryKeyColumns, ['follower_id', 'followee_id']);
  t.is(prop(md.get(Person), 'followers', 'm:n').pivot, pivot);
});

test('composite primary keys: no generated part; FKs to them take one column per key column', (t) => {
  @Entity()
  class Order {
    @PrimaryKey() id!: number;
  }
  @Entity()
  class OrderLine {
    @ManyToOne(() => Order, { primary: true }) order!: Rel<Order>;
    @PrimaryKey() lineNo!: number;
    @Property() sku!: string;
  }
  @Entity()
  class Shipment {
    @PrimaryKey() id!: number;
    @ManyToOne(() => OrderLine, { joinColumns: ['line_order', 'line_number'] }) line!: Rel<OrderLine>;
    @ManyToOne(() => OrderLine, { nullable: true }) replaces?: Rel<OrderLine>;
    @ManyToMany(() => OrderLine) extras = new Collection<OrderLine>(this);
  }
  const md = discoverMetadata([Order, OrderLine, Shipment]);
  const line = md.get(OrderLine);
  t.deepEqual(line.primaryKeyColumns, ['order_id', 'line_no']);
  t.false(line.autoincrementPk);
  t.false(prop(line, 'lineNo', 'scalar').autoincrement);
  t.true(line.columns.every((c) => !c.autoincrement));

  const ship = md.get(Shipment);
  t.deepEqual(columnNames(ship), ['id', 'line_order', 'line_number', 'replaces_order_id', 'replaces_line_no']);
  const fk = ship.foreignKeys.find((f) => f.property === 'line')!;
  t.deepEqual([fk.columns, fk.referencedTable, fk.referencedColumns], [['line_order', 'line_number'], 'order_lines', ['order_id', 'line_no']]);
  t.deepEqual(prop(ship, 'replaces', 'm:1').referencedColumns, ['order_id', 'line_no']);
  const pivot = prop(ship, 'extras', 'm:n').pivot;
  t.deepEqual(pivot.inverseJoinColumns.map((c) => c.name), ['order_line_order_id', 'order_line_line_no']);
  t.deepEqual(pivot.targetReferencedColumns, ['order_id', 'line_no']);
});

test('several @PrimaryKey make a composite key of assigned values', (t) => {
  @Entity()
  class Translation {
    @PrimaryKey({ type: 'string' }) locale!: string;
    @PrimaryKey() key!: number;
    @Property() text!: string;
  }
  const meta = discoverMetadata([Translation]).get(Translation);
  t.deepEqual(meta.primaryKeyColumns, ['locale', 'key']);
  t.deepEqual(meta.columns.filter((c) => c.primary).map((c) => c.autoincrement), [false, false]);
});

test('inverse sides are matched: OneToMany.mappedBy and ManyToOne.inversedBy', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToMany(() => Post, (p) => p.author, { orphanRemoval: true, orderBy: { id: 'desc' } }) posts = new Collection<Post>(this);
    @OneToMany(() => Post, (p) => p.reviewer) reviews = new Collection<Post>(this);
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) author!: Rel<User>;
    @ManyToOne(() => User, { nullable: true, inversedBy: 'reviews' }) reviewer?: Rel<User>;
    @ManyToOne(() => User, { nullable: true }) editor?: Rel<User>;
  }
  const md = discoverMetadata([User, Post]);
  const posts = prop(md.get(User), 'posts', '1:m');
  t.is(posts.mappedBy, 'author');
  t.is(posts.target, md.get(Post));
  t.true(posts.orphanRemoval);
  t.deepEqual(posts.orderBy, { id: 'desc' });
  t.is(prop(md.get(Post), 'author', 'm:1').inversedBy, 'posts');
  t.is(prop(md.get(Post), 'reviewer', 'm:1').inversedBy, 'reviews');
  t.is(prop(md.get(Post), 'editor', 'm:1').inversedBy, undefined);
});

test('one-to-one: the owner holds a unique FK column, the inverse side none', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  }
  @Entity({ tableName: 'pb_profiles' })
  class Profile {
    @PrimaryKey() id!: number;
    @OneToOne(() => User, (u) => u.profile, { owner: true, deleteRule: 'cascade' }) user!: Rel<User>;
  }
  const md = discoverMetadata([User, Profile]);
  const owner = prop(md.get(Profile), 'user', '1:1');
  const inverse = prop(md.get(User), 'profile', '1:1');
  if (!owner.owner || inverse.owner) return t.fail('wrong owner');
  t.is(owner.inversedBy, 'profile');
  t.is(inverse.mappedBy, 'user');
  t.deepEqual(columnNames(md.get(User)), ['id']);
  t.deepEqual(columnNames(md.get(Profile)), ['id', 'user_id']);
  t.true(owner.joinColumns[0]!.unique);
  t.deepEqual(md.get(Profile).uniques.map((u) => u.columns), [['user_id']]);
  t.deepEqual(md.get(Profile).foreignKeys.map((f) => [f.columns, f.referencedTable, f.deleteRule]), [[['user_id'], 'users', 'cascade']]);
});

test('one-to-one: the side without inverse owns it; owner may also be inferred from the other side', (t) => {
  @Entity()
  class Passport {
    @PrimaryKey() id!: number;
  }
  @Entity()
  class Citizen {
    @PrimaryKey() id!: number;
    @OneToOne(() => Passport) passport!: Rel<Passport>;
    @OneToOne(() => Address, (a) => a.citizen) address?: Rel<Address>;
  }
  @Entity()
  class Address {
    @PrimaryKey() id!: number;
    @OneToOne(() => Citizen, (c) => c.address, { owner: true, nullable: true }) citizen?: Rel<Citizen>;
  }
  const md = discoverMetadata([Passport, Citizen, Address]);
  t.true(prop(md.get(Citizen), 'passport', '1:1').owner);
  t.false(prop(md.get(Citizen), 'address', '1:1').owner);
  t.deepEqual(columnNames(md.get(Citizen)), ['id', 'passport_id']);
  t.deepEqual(columnNames(md.get(Address)), ['id', 'citizen_id']);
});

test('one-to-one on a shared primary key: the side that is the key owns the FK', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToOne(() => Settings, (s) => s.user) settings?: Rel<Settings>;
  }
  @Entity()
  class Settings {
    @OneToOne(() => User, (u) => u.settings, { primary: true, deleteRule: 'cascade' }) user!: Rel<User>;
    @Property() theme!: string;
  }
  const md = discoverMetadata([User, Settings]);
  const settings = md.get(Settings);
  t.deepEqual(settings.primaryKeyColumns, ['user_id']);
  t.false(settings.autoincrementPk);
  const user = prop(settings, 'user', '1:1');
  if (!user.owner) return t.fail('Settings.user should own the FK');
  t.true(user.primary);
  t.is(user.inversedBy, 'settings');
  // The key is unique already.
  t.deepEqual(settings.uniques, []);
  t.false(prop(md.get(User), 'settings', '1:1').owner);
});

test('ownership follows from the other side: owner: false there, or a side that names no inverse', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => c.owners) cars = new Collection<Car>(this);
    @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
    @ManyToMany(() => Group) groups = new Collection<Group>(this);
  }
  @Entity()
  class Car {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.cars, { owner: false }) owners = new Collection<User>(this);
  }
  @Entity()
  class Profile {
    @PrimaryKey() id!: number;
    @OneToOne(() => User, (u) => u.profile, { owner: false }) user?: Rel<User>;
  }
  @Entity()
  class Group {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.groups) members = new Collection<User>(this);
  }
  const md = discoverMetadata([User, Car, Profile, Group]);
  const user = md.get(User);
  t.true(prop(user, 'cars', 'm:n').owner);
  t.is(prop(user, 'cars', 'm:n').inversedBy, 'owners');
  t.true(prop(user, 'profile', '1:1').owner);
  t.deepEqual(columnNames(user), ['id', 'profile_id']);
  // User.groups reads as unidirectional; Group.members names it, which completes the pair.
  const groups = prop(user, 'groups', 'm:n');
  t.true(groups.owner);
  t.is(groups.inversedBy, 'members');
  t.is(prop(md.get(Group), 'members', 'm:n').mappedBy, 'groups');
  t.is(prop(md.get(Group), 'members', 'm:n').pivot, groups.pivot);
  t.deepEqual(md.joinTables.map((j) => j.tableName), ['car_user', 'group_user']);
});

test('constraints: false keeps the FK column but declares no FK', (t) => {
  @Entity()
  class Folder {
    @PrimaryKey() id!: number;
    @ManyToOne(() => File, { constraints: false, nullable: true }) cover?: Rel<File>;
    @ManyToMany(() => File, { constraints: false }) pinned = new Collection<File>(this);
  }
  @Entity()
  class File {
    @PrimaryKey() id!: number;
    @ManyToOne(() => Folder) folder!: Rel<Folder>;
  }
  const md = discoverMetadata([Folder, File]);
  t.deepEqual(columnNames(md.get(Folder)), ['id', 'cover_id']);
  t.false(prop(md.get(Folder), 'cover', 'm:1').constraint);
  t.deepEqual(md.get(Folder).foreignKeys, []);
  t.deepEqual(md.get(File).foreignKeys.map((f) => f.property), ['folder']);
  const jt = md.joinTables.find((j) => j.tableName === 'file_folder')!;
  t.deepEqual(jt.columns.map((c) => c.name), ['folder_id', 'file_id']);
  t.deepEqual(jt.foreignKeys, []);
});

test('unique and index: per property, @Unique and @Index over several properties', (t) => {
  @Entity()
  class Owner {
    @PrimaryKey() id!: number;
  }
  @Entity()
  @Unique({ properties: ['owner', 'name'] })
  @Index({ properties: ['lastName', 'firstName'], name: 'repos_person_idx' })
  class Repo {
    @PrimaryKey() id!: number;
    @Property({ unique: true }) slug!: string;
    @Property({ index: true }) stars!: number;
    @Property() name!: string;
    @Property() firstName!: string;
    @Property() lastName!: string;
    @ManyToOne(() => Owner, { index: true }) owner!: Rel<Owner>;
  }
  const meta = discoverMetadata([Owner, Repo]).get(Repo);
  t.deepEqual(
    meta.uniques.map((u) => [u.name, u.columns]),
    [['repos_slug_unique', ['slug']], ['repos_owner_id_name_unique', ['owner_id', 'name']]],
  );
  t.deepEqual(
    meta.indexes.map((i) => [i.name, i.columns]),
    [['repos_stars_index', ['stars']], ['repos_owner_id_index', ['owner_id']], ['repos_person_idx', ['last_name', 'first_name']]],
  );
});

test('hooks are recorded per kind, in declaration order, inherited ones included', (t) => {
  class Stamped {
    @BeforeCreate() stampCreated(): void {}
    @BeforeUpdate() stampUpdated(): void {}
  }
  @Entity()
  class Note extends Stamped {
    @PrimaryKey() id!: number;
    @BeforeCreate() @AfterCreate() touch(): void {}
    @OnLoad() loaded(): void {}
  }
  const meta = discoverMetadata([Note]).get(Note);
  t.deepEqual(meta.hooks.beforeCreate, ['stampCreated', 'touch']);
  t.deepEqual(meta.hooks.afterCreate, ['touch']);
  t.deepEqual(meta.hooks.beforeUpdate, ['stampUpdated']);
  t.deepEqual(meta.hooks.onLoad, ['loaded']);
  t.deepEqual(meta.hooks.beforeDelete, []);
  t.deepEqual(meta.hooks.afterDelete, []);
  t.deepEqual(meta.hooks.afterUpdate, []);
});

test('a non-@Entity base class shares its key and columns with every entity that extends it', (t) => {
  abstract class BaseEntity {
    @PrimaryKey() id!: number;
    @Property() createdAt!: Date;
  }
  @Entity()
  class Author extends BaseEntity {
    @Property() name!: string;
    @OneToMany(() => Book, (b) => b.author) books = new Collection<Book>(this);
  }
  @Entity()
  class Book extends BaseEntity {
    @Property() title!: string;
    @ManyToOne(() => Author) author!: Rel<Author>;
  }
  const md = discoverMetadata([Author, Book]);
  t.deepEqual(columnNames(md.get(Author)), ['id', 'created_at', 'name']);
  t.deepEqual(columnNames(md.get(Book)), ['id', 'created_at', 'title', 'author_id']);
  t.deepEqual(md.get(Book).primaryKeyColumns, ['id']);
  t.true(md.get(Book).autoincrementPk);
  t.is(prop(md.get(Author), 'books', '1:m').mappedBy, 'author');
  // Properties belong to the entity, not the base: error messages name the entity.
  t.is(prop(md.get(Book), 'createdAt', 'scalar').entity, 'Book');
  // The base class alone is not an entity.
  const err = t.throws(() => discoverMetadata([BaseEntity, Author, Book]), { instanceOf: MetadataError });
  t.is(err.code, 'NOT_AN_ENTITY');
  t.is(err.entity, 'BaseEntity');
});

test('a subclass may redeclare an inherited property', (t) => {
  class Base {
    @PrimaryKey() id!: number;
    @Property({ nullable: true }) label?: string;
  }
  @Entity()
  class Item extends Base {
    @Property({ columnName: 'item_label' }) declare label?: string;
  }
  const meta = discoverMetadata([Item]).get(Item);
  t.deepEqual(columnNames(meta), ['id', 'item_label']);
  t.false(prop(meta, 'label', 'scalar').nullable);
});

test('discovered metadata is frozen and indexed by class and by name', (t) => {
  @Entity()
  class Tag {
    @PrimaryKey() id!: number;
    @Property() name!: string;
    @ManyToMany(() => Tag, { joinColumn: 'tag_a_id', inverseJoinColumn: 'tag_b_id' }) related = new Collection<Tag>(this);
  }
  const md = discoverMetadata([Tag, Tag]);
  t.is(md.entities.length, 1);
  t.is(md.get(Tag), md.get('Tag'));
  t.is(md.find('Nope'), undefined);
  const meta = md.get(Tag);
  t.true(Object.isFrozen(meta));
  t.true(Object.isFrozen(meta.columns));
  t.true(Object.isFrozen(meta.columns[0]));
  t.true(Object.isFrozen((meta.propertiesByName.related as ManyToManyProperty).pivot));
  // Builder leftovers do not leak into the frozen shape.
  t.false('raw' in meta);
  t.false('rawClass' in meta);
});

test('discovery can run twice over the same classes with the same result', (t) => {
  @Entity()
  class A {
    @PrimaryKey() id!: number;
    @ManyToMany(() => B, (b) => b.as, { owner: true, through: () => AB }) bs = new Collection<B>(this);
  }
  @Entity()
  class B {
    @PrimaryKey() id!: number;
    @ManyToMany(() => A, (a) => a.bs) as = new Collection<A>(this);
  }
  @Entity()
  class AB {
    @ManyToOne(() => A) a!: Rel<A>;
    @ManyToOne(() => B) b!: Rel<B>;
  }
  const first = discoverMetadata([A, B, AB]);
  // Keying AB by its relations is discovery's conclusion, not something to write back into the decorators' records.
  const rawA = getRawMetadata(AB)!.properties.get('a')!;
  t.is((rawA.options as { primary?: boolean }).primary, undefined);
  const second = discoverMetadata([A, B, AB]);
  t.not(first.get(AB), second.get(AB));
  t.deepEqual(second.get(AB).primaryKeyColumns, first.get(AB).primaryKeyColumns);
  t.deepEqual(second.get(AB).columns, first.get(AB).columns);
  t.deepEqual(second.get(AB).uniques, first.get(AB).uniques);
});
