// Table, column, key, type and option mistakes: each is a MetadataError with a stable code, the
// entity (and property) it is about, and a message that names it and the fix.
import test from 'ava';
import { expectMetadataError } from '../support/metadata-errors.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import {
  Collection, Entity, Index, ManyToMany, ManyToOne, MetadataError, OneToMany, PrimaryKey, Property, Unique,
  type Rel,
} from '../../src/index.js';

// ---- entities ----

test('NOT_AN_ENTITY: a class without @Entity in `entities`', (t) => {
  class Plain { @PrimaryKey() id!: number; }
  expectMetadataError(t, [Plain], { code: 'NOT_AN_ENTITY', entity: 'Plain', mentions: ['@Entity()'] });
});

test('NOT_AN_ENTITY: something other than a class in `entities`', (t) => {
  const err = t.throws(() => discoverMetadata([undefined as unknown as Function]), { instanceOf: MetadataError });
  t.is(err?.code, 'NOT_AN_ENTITY');
  t.regex(err?.message ?? '', /entity classes/);
});

test('DUPLICATE_ENTITY: two classes with the same name', (t) => {
  const first = (() => {
    @Entity({ tableName: 'users_a' }) class User { @PrimaryKey() id!: number; }
    return User;
  })();
  const second = (() => {
    @Entity({ tableName: 'users_b' }) class User { @PrimaryKey() id!: number; }
    return User;
  })();
  expectMetadataError(t, [first, second], { code: 'DUPLICATE_ENTITY', entity: 'User', mentions: ['rename one'] });
});

test('NO_PRIMARY_KEY: an entity without @PrimaryKey', (t) => {
  @Entity() class Note { @Property() text!: string; }
  expectMetadataError(t, [Note], { code: 'NO_PRIMARY_KEY', entity: 'Note', mentions: ['@PrimaryKey() id'] });
});

test('UNKNOWN_CONNECTION: @Entity({ connection }) names a connection that is not configured', (t) => {
  @Entity({ connection: 'archive' }) class Log { @PrimaryKey() id!: number; }
  expectMetadataError(t, [Log], { code: 'UNKNOWN_CONNECTION', entity: 'Log', mentions: ["'archive'", 'default', '`connections`'] }, { connections: ['default'] });
  t.notThrows(() => discoverMetadata([Log], { connections: ['default', 'archive'] }));
});

// ---- name collisions ----

test('NAME_COLLISION: two entities map to the same table', (t) => {
  @Entity() class Person { @PrimaryKey() id!: number; }
  @Entity({ tableName: 'people' }) class Human { @PrimaryKey() id!: number; }
  expectMetadataError(t, [Person, Human], { code: 'NAME_COLLISION', entity: 'Human', mentions: ['Person', "'people'", 'tableName'] });
});

test('NAME_COLLISION: two properties map to the same column', (t) => {
  @Entity() class User { @PrimaryKey() id!: number; }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) author!: Rel<User>;
    @Property() authorId!: number;
  }
  expectMetadataError(t, [User, Post], { code: 'NAME_COLLISION', entity: 'Post', property: 'authorId', mentions: ['Post.author', "'author_id'", 'columnName', 'joinColumn'] });
});

test('NAME_COLLISION: two many-to-many relations get the same default join table', (t) => {
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
  }
  @Entity()
  class Tag {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Post) featured = new Collection<Post>(this);
  }
  expectMetadataError(t, [Post, Tag], { code: 'NAME_COLLISION', entity: 'Tag', property: 'featured', mentions: ['Post.tags', "'post_tag'", 'pivotTable'] });
});

test('NAME_COLLISION: a default join table that is also an entity table', (t) => {
  @Entity({ tableName: 'post_tag' }) class Legacy { @PrimaryKey() id!: number; }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
  }
  @Entity() class Tag { @PrimaryKey() id!: number; }
  expectMetadataError(t, [Legacy, Post, Tag], { code: 'NAME_COLLISION', entity: 'Post', property: 'tags', mentions: ['Legacy', 'pivotTable'] });
});

test('NAME_COLLISION: a self-referencing many-to-many whose default join columns collide', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User) friends = new Collection<User>(this);
  }
  expectMetadataError(t, [User], { code: 'NAME_COLLISION', entity: 'User', property: 'friends', mentions: ["'user_id'", 'joinColumn', 'inverseJoinColumn'] });
});

test('a self-referencing many-to-many with its own join columns is fine', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, { joinColumn: 'user_a_id', inverseJoinColumn: 'user_b_id' }) friends = new Collection<User>(this);
  }
  const jt = discoverMetadata([User]).joinTables[0]!;
  t.is(jt.tableName, 'user_user');
  t.deepEqual(jt.columns.map((c) => c.name), ['user_a_id', 'user_b_id']);
});

// ---- types ----

test('MISSING_TYPE (legacy): a scalar whose emitted type is Object, e.g. a union', (t) => {
  @Entity()
  class Setting {
    @PrimaryKey() id!: number;
    @Property() value!: string | number;
  }
  expectMetadataError(t, [Setting], { code: 'MISSING_TYPE', entity: 'Setting', property: 'value', mentions: ['design type Object', "type: 'string'", 'unions'] });
});

test('UNKNOWN_TYPE: a type name joinery does not know', (t) => {
  @Entity()
  class Setting {
    @PrimaryKey() id!: number;
    @Property({ type: 'varchar' as 'string' }) value!: string;
  }
  expectMetadataError(t, [Setting], { code: 'UNKNOWN_TYPE', entity: 'Setting', property: 'value', mentions: ["'varchar'", 'string, text'] });
});

// ---- keys ----

test('BAD_COMPOSITE_KEY: one joinColumn for a two-column key', (t) => {
  @Entity()
  class Translation {
    @PrimaryKey({ type: 'string' }) locale!: string;
    @PrimaryKey({ type: 'string' }) key!: string;
  }
  @Entity()
  class Usage {
    @PrimaryKey() id!: number;
    @ManyToOne(() => Translation, { joinColumn: 'translation_id' }) translation!: Rel<Translation>;
  }
  expectMetadataError(t, [Translation, Usage], {
    code: 'BAD_COMPOSITE_KEY',
    entity: 'Usage',
    property: 'translation',
    mentions: ['2-column primary key', "joinColumns: ['translation_locale', 'translation_key']"],
  });
});

test('BAD_COMPOSITE_KEY: a many-to-many joinColumn for a composite key', (t) => {
  @Entity()
  class Translation {
    @PrimaryKey({ type: 'string' }) locale!: string;
    @PrimaryKey({ type: 'string' }) key!: string;
  }
  @Entity()
  class Page {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Translation, { inverseJoinColumn: 'translation_id' }) translations = new Collection<Translation>(this);
  }
  expectMetadataError(t, [Translation, Page], { code: 'BAD_COMPOSITE_KEY', entity: 'Page', property: 'translations', mentions: ['Translation', 'inverseJoinColumn'] });
});

test('BAD_COMPOSITE_KEY: autoincrement: true inside a composite key', (t) => {
  @Entity()
  class Line {
    @PrimaryKey({ autoincrement: true }) id!: number;
    @PrimaryKey() orderId!: number;
  }
  expectMetadataError(t, [Line], { code: 'BAD_COMPOSITE_KEY', entity: 'Line', property: 'id', mentions: ['autoincrement: true'] });
});

test('BAD_COMPOSITE_KEY: two entities keyed by relations to each other', (t) => {
  @Entity()
  class A {
    @ManyToOne(() => B, { primary: true }) b!: Rel<B>;
  }
  @Entity()
  class B {
    @ManyToOne(() => A, { primary: true }) a!: Rel<A>;
  }
  expectMetadataError(t, [A, B], { code: 'BAD_COMPOSITE_KEY', entity: 'B', property: 'a', mentions: ['cannot depend on itself', 'B or A its own @PrimaryKey()'] });
});

test('BAD_OPTION: autoincrement on a string key', (t) => {
  @Entity()
  class Code {
    @PrimaryKey({ autoincrement: true }) code!: string;
  }
  expectMetadataError(t, [Code], { code: 'BAD_OPTION', entity: 'Code', property: 'code', mentions: ['autoincrement', "type 'integer'"] });
});

// ---- foreign keys ----

// A cycle of required foreign keys is a valid mapping (legacy schemas have them): only a flush that
// must insert or delete both new rows at once can fail, and it says so (tests/unit/commit-plan.test.ts).
test('a cycle of required foreign keys is not an error at discovery', (t) => {
  @Entity()
  class A {
    @PrimaryKey() id!: number;
    @ManyToOne(() => B) b!: Rel<B>;
  }
  @Entity()
  class B {
    @PrimaryKey() id!: number;
    @ManyToOne(() => A, { deferrable: true }) a!: Rel<A>;
  }
  const meta = discoverMetadata([A, B]);
  const a = meta.get(A).propertiesByName.b as { nullable: boolean; deferrable: boolean };
  const b = meta.get(B).propertiesByName.a as { nullable: boolean; deferrable: boolean };
  t.deepEqual([a.nullable, a.deferrable, b.nullable, b.deferrable], [false, false, false, true]);
  t.deepEqual(meta.get(B).foreignKeys.map((f) => f.deferrable), [true]);
  t.deepEqual(meta.get(A).foreignKeys.map((f) => f.deferrable), [undefined]);
});

test('a required reference to the same table is not an error at discovery', (t) => {
  @Entity()
  class Category {
    @PrimaryKey() id!: number;
    @ManyToOne(() => Category) parent!: Rel<Category>;
  }
  t.notThrows(() => discoverMetadata([Category]));
});

test('a cycle through a nullable foreign key is not an error', (t) => {
  @Entity()
  class A {
    @PrimaryKey() id!: number;
    @ManyToOne(() => B) b!: Rel<B>;
  }
  @Entity()
  class B {
    @PrimaryKey() id!: number;
    @ManyToOne(() => A, { nullable: true }) a?: Rel<A>;
  }
  t.notThrows(() => discoverMetadata([A, B]));
});

test('a required cycle without constraints between assigned keys is not an error', (t) => {
  @Entity()
  class A {
    @PrimaryKey({ type: 'string' }) code!: string;
    @ManyToOne(() => B, { constraints: false }) b!: Rel<B>;
  }
  @Entity()
  class B {
    @PrimaryKey({ type: 'string' }) code!: string;
    @ManyToOne(() => A) a!: Rel<A>;
  }
  t.notThrows(() => discoverMetadata([A, B]));
});

test('BAD_OPTION: deleteRule set null on a relation that is not nullable', (t) => {
  @Entity() class User { @PrimaryKey() id!: number; }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User, { deleteRule: 'set null' }) author!: Rel<User>;
  }
  expectMetadataError(t, [User, Post], { code: 'BAD_OPTION', entity: 'Post', property: 'author', mentions: ["'set null'", 'nullable: true'] });
});

test('BAD_OPTION: updateRule set null on a relation that is not nullable', (t) => {
  @Entity() class User { @PrimaryKey() id!: number; }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User, { updateRule: 'set null' }) author!: Rel<User>;
  }
  expectMetadataError(t, [User, Post], { code: 'BAD_OPTION', entity: 'Post', property: 'author', mentions: ["'set null'", 'nullable: true'] });
});

// ---- class-level options ----

test('BAD_OPTION: @Unique({ properties }) names an unknown property', (t) => {
  @Entity()
  @Unique({ properties: ['owner', 'nmae'] })
  class Repo {
    @PrimaryKey() id!: number;
    @Property() owner!: string;
    @Property() name!: string;
  }
  expectMetadataError(t, [Repo], { code: 'BAD_OPTION', entity: 'Repo', property: 'nmae', mentions: ['@Unique', 'owner, name'] });
});

test('BAD_OPTION: @Index({ properties }) names a collection, which has no column', (t) => {
  @Entity()
  @Index({ properties: ['posts'] })
  class User {
    @PrimaryKey() id!: number;
    @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) author!: Rel<User>;
  }
  expectMetadataError(t, [User, Post], { code: 'BAD_OPTION', entity: 'User', property: 'posts', mentions: ['@Index', 'no column'] });
});

test('BAD_OPTION: two property decorators on one property', (t) => {
  @Entity()
  class User {
    @PrimaryKey() @Property() id!: number;
  }
  expectMetadataError(t, [User], { code: 'BAD_OPTION', entity: 'User', property: 'id', mentions: ['User.id has @PrimaryKey() and @Property()', 'Keep one of them'] });
});

test('BAD_OPTION: a version property that is not a number or date', (t) => {
  @Entity()
  class Doc {
    @PrimaryKey() id!: number;
    @Property({ version: true }) rev!: string;
  }
  expectMetadataError(t, [Doc], { code: 'BAD_OPTION', entity: 'Doc', property: 'rev', mentions: ["'integer'"] });
});

test('BAD_OPTION: an unknown populate strategy on a relation', (t) => {
  @Entity()
  class Shelf {
    @PrimaryKey() id!: number;
    @OneToMany(() => Book, (b) => b.shelf, { strategy: 'joinde' as never }) books = new Collection<Book>(this);
  }
  @Entity()
  class Book {
    @PrimaryKey() id!: number;
    @ManyToOne(() => Shelf) shelf!: Rel<Shelf>;
  }
  expectMetadataError(t, [Shelf, Book], { code: 'BAD_OPTION', entity: 'Shelf', property: 'books', mentions: ["strategy 'joinde'", "'select-in'", "'joined'"] });
});
