// Default names (DESIGN.md "Default names") and every way to override them. Discovery runs
// directly on classes defined in each test; no database.
import test from 'ava';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import {
  Collection, DefaultNamingStrategy, Entity, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, type NamingStrategy, type Rel,
} from '../../src/index.js';
import type { EntityMetadata, ManyToManyProperty, ManyToOneProperty } from '../../src/metadata/types.js';

function columnNames(meta: EntityMetadata): string[] {
  return meta.columns.map((c) => c.name);
}

function m2n(meta: EntityMetadata, name: string): ManyToManyProperty {
  const p = meta.propertiesByName[name];
  if (p?.kind !== 'm:n') throw new Error(`${meta.name}.${name} is not a many-to-many`);
  return p;
}

function m2o(meta: EntityMetadata, name: string): ManyToOneProperty {
  const p = meta.propertiesByName[name];
  if (p?.kind !== 'm:1') throw new Error(`${meta.name}.${name} is not a many-to-one`);
  return p;
}

test('table is the snake_case plural of the class, through inflection', (t) => {
  @Entity() class UserCar { @PrimaryKey() id!: number; }
  @Entity() class Person { @PrimaryKey() id!: number; }
  @Entity() class Category { @PrimaryKey() id!: number; }
  @Entity() class HTMLPage { @PrimaryKey() id!: number; }
  const md = discoverMetadata([UserCar, Person, Category, HTMLPage]);
  t.deepEqual(md.entities.map((e) => e.tableName), ['user_cars', 'people', 'categories', 'html_pages']);
});

test('column is the snake_case of the property; the single integer key is generated', (t) => {
  @Entity()
  class Account {
    @PrimaryKey() id!: number;
    @Property() createdAt!: Date;
    @Property() displayName!: string;
    @Property() isActive!: boolean;
    @Property() userID!: number;
  }
  const meta = discoverMetadata([Account]).get(Account);
  t.deepEqual(columnNames(meta), ['id', 'created_at', 'display_name', 'is_active', 'user_id']);
  t.deepEqual(meta.columns.map((c) => c.type), ['integer', 'datetime', 'string', 'boolean', 'integer']);
  t.deepEqual(meta.primaryKeyColumns, ['id']);
  t.true(meta.autoincrementPk);
  t.true(meta.columns[0]!.autoincrement);
});

test('FK column is the snake_case property + _ + the referenced key column', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
  }
  @Entity()
  class Country {
    @PrimaryKey({ type: 'string', columnName: 'iso_code' }) code!: string;
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) author!: Rel<User>;
    @ManyToOne(() => User, { nullable: true }) lastEditor?: Rel<User>;
    @ManyToOne(() => Country) originCountry!: Rel<Country>;
  }
  const meta = discoverMetadata([User, Country, Post]).get(Post);
  t.deepEqual(columnNames(meta), ['id', 'author_id', 'last_editor_id', 'origin_country_iso_code']);
  const author = m2o(meta, 'author');
  t.deepEqual(author.referencedColumns, ['id']);
  t.is(author.joinColumns[0]!.type, 'integer');
  t.false(author.joinColumns[0]!.autoincrement);
  t.is(m2o(meta, 'originCountry').joinColumns[0]!.type, 'string');
  t.deepEqual(
    meta.foreignKeys.map((f) => [f.property, f.columns, f.referencedTable, f.referencedColumns, f.deleteRule, f.nullable]),
    [
      ['author', ['author_id'], 'users', ['id'], 'no action', false],
      ['lastEditor', ['last_editor_id'], 'users', ['id'], 'set null', true],
      ['originCountry', ['origin_country_iso_code'], 'countries', ['iso_code'], 'no action', false],
    ],
  );
});

test('join table is both singular table names in alphabetical order, columns <singular>_<pk>', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Car, (c) => c.owners, { owner: true }) cars = new Collection<Car>(this);
  }
  @Entity()
  class Car {
    @PrimaryKey() id!: number;
    @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
  }
  const md = discoverMetadata([User, Car]);
  const pivot = m2n(md.get(User), 'cars').pivot;
  t.is(pivot.tableName, 'car_user');
  t.deepEqual(pivot.joinColumns.map((c) => c.name), ['user_id']);
  t.deepEqual(pivot.inverseJoinColumns.map((c) => c.name), ['car_id']);
  t.deepEqual(pivot.ownerReferencedColumns, ['id']);
  t.deepEqual(pivot.targetReferencedColumns, ['id']);
  // The inverse side reads the owner's join table, not a second one.
  t.is(m2n(md.get(Car), 'owners').pivot, pivot);
  t.is(md.joinTables.length, 1);
  const jt = md.joinTables[0]!;
  t.is(jt.tableName, 'car_user');
  t.deepEqual(jt.primaryKeyColumns, ['user_id', 'car_id']);
  // Join rows go with either side's row.
  t.deepEqual(
    jt.foreignKeys.map((f) => [f.columns, f.referencedTable, f.deleteRule]),
    [[['user_id'], 'users', 'cascade'], [['car_id'], 'cars', 'cascade']],
  );
});

test('join table of a unidirectional many-to-many, and of tables whose names override the class', (t) => {
  @Entity()
  class Tag {
    @PrimaryKey() id!: number;
  }
  @Entity({ tableName: 'pb_profiles' })
  class Profile {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
  }
  const md = discoverMetadata([Tag, Profile, Post]);
  const post = m2n(md.get(Post), 'tags');
  t.true(post.owner);
  t.is(post.inversedBy, undefined);
  t.is(post.pivot.tableName, 'post_tag');
  t.deepEqual([...post.pivot.joinColumns, ...post.pivot.inverseJoinColumns].map((c) => c.name), ['post_id', 'tag_id']);
  const profile = m2n(md.get(Profile), 'tags').pivot;
  t.is(profile.tableName, 'pb_profile_tag');
  t.deepEqual([...profile.joinColumns, ...profile.inverseJoinColumns].map((c) => c.name), ['pb_profile_id', 'tag_id']);
});

test('per-property overrides: tableName, columnName, joinColumn', (t) => {
  @Entity({ tableName: 'legacy_people' })
  class User {
    @PrimaryKey({ columnName: 'person_no' }) id!: number;
    @Property({ columnName: 'mail' }) email!: string;
  }
  @Entity({ tableName: 'msgs' })
  class Message {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User, { joinColumn: 'sender' }) from!: Rel<User>;
  }
  const md = discoverMetadata([User, Message]);
  t.is(md.get(User).tableName, 'legacy_people');
  t.deepEqual(columnNames(md.get(User)), ['person_no', 'mail']);
  t.deepEqual(md.get(User).primaryKeyColumns, ['person_no']);
  const msg = md.get(Message);
  t.deepEqual(columnNames(msg), ['id', 'sender']);
  t.deepEqual(msg.foreignKeys.map((f) => [f.columns, f.referencedTable, f.referencedColumns]), [[['sender'], 'legacy_people', ['person_no']]]);
});

test('per-relation overrides of a many-to-many: pivotTable, joinColumn, inverseJoinColumn', (t) => {
  @Entity()
  class Student {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Course, (c) => c.students, { owner: true, pivotTable: 'enrolments', joinColumn: 'pupil', inverseJoinColumn: 'class' })
    courses = new Collection<Course>(this);
  }
  @Entity()
  class Course {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Student, (s) => s.courses) students = new Collection<Student>(this);
  }
  const md = discoverMetadata([Student, Course]);
  const pivot = m2n(md.get(Student), 'courses').pivot;
  t.is(pivot.tableName, 'enrolments');
  t.deepEqual(pivot.joinColumns.map((c) => c.name), ['pupil']);
  t.deepEqual(pivot.inverseJoinColumns.map((c) => c.name), ['class']);
  t.deepEqual(md.joinTables.map((j) => [j.tableName, j.columns.map((c) => c.name)]), [['enrolments', ['pupil', 'class']]]);
});

test('a custom namingStrategy replaces every default; per-property options still win', (t) => {
  class PrefixedNaming extends DefaultNamingStrategy {
    override classToTableName(name: string): string {
      return `app_${super.classToTableName(name)}`;
    }
  }
  const upper: NamingStrategy = {
    classToTableName: (c) => c.toUpperCase(),
    propertyToColumnName: (p) => p.toUpperCase(),
    joinColumnName: (p, ref) => `${p.toUpperCase()}__${ref}`,
    joinTableName: (owner, target, property) => `${owner}__${target}__${property}`,
    joinTableColumnName: (table, ref) => `${table}__${ref}`,
  };
  @Entity()
  class Author {
    @PrimaryKey() id!: number;
    @Property() fullName!: string;
    @Property({ columnName: 'kept' }) nickname!: string;
  }
  @Entity({ tableName: 'kept_books' })
  class Book {
    @PrimaryKey() id!: number;
    @ManyToOne(() => Author) writtenBy!: Rel<Author>;
    @ManyToMany(() => Author) editors = new Collection<Author>(this);
  }
  const prefixed = discoverMetadata([Author, Book], { namingStrategy: new PrefixedNaming() });
  t.is(prefixed.get(Author).tableName, 'app_authors');
  t.is(m2n(prefixed.get(Book), 'editors').pivot.tableName, 'app_author_kept_book');

  const md = discoverMetadata([Author, Book], { namingStrategy: upper });
  const author = md.get(Author);
  t.is(author.tableName, 'AUTHOR');
  t.deepEqual(columnNames(author), ['ID', 'FULLNAME', 'kept']);
  const book = md.get(Book);
  t.is(book.tableName, 'kept_books');
  t.deepEqual(columnNames(book), ['ID', 'WRITTENBY__ID']);
  const pivot = m2n(book, 'editors').pivot;
  t.is(pivot.tableName, 'kept_books__AUTHOR__editors');
  t.deepEqual([...pivot.joinColumns, ...pivot.inverseJoinColumns].map((c) => c.name), ['kept_books__ID', 'AUTHOR__ID']);
});

test('an inverse one-to-many adds no column; the many-to-one side holds the FK', (t) => {
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @ManyToOne(() => User) author!: Rel<User>;
  }
  const md = discoverMetadata([User, Post]);
  t.deepEqual(columnNames(md.get(User)), ['id']);
  t.deepEqual(md.get(User).foreignKeys, []);
  t.deepEqual(columnNames(md.get(Post)), ['id', 'author_id']);
});
