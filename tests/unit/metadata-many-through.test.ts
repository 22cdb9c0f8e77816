// @ManyThrough at discovery: the path is resolved into hops, and every mistake in it is a
// MetadataError (BAD_THROUGH) naming `Entity.property` before any SQL.
import test from 'ava';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { Collection, Entity, ManyThrough, ManyToMany, ManyToOne, MetadataError, OneToMany, PrimaryKey, Property, type Rel } from '../../src/index.js';
import type { ManyThroughProperty } from '../../src/metadata/types.js';

/** A fresh country → users → posts model whose Country.posts (target Post) follows `path`. */
function model(path: string) {
  @Entity() class Tag { @PrimaryKey() id!: number; }
  @Entity()
  class Post {
    @PrimaryKey() id!: number;
    @Property({ type: 'string' }) title!: string;
    @ManyToOne(() => User) author!: Rel<User>;
    @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
  }
  @Entity()
  class User {
    @PrimaryKey() id!: number;
    @ManyToOne(() => Country) country!: Rel<Country>;
    @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
    @ManyThrough(() => Tag, 'posts.tags') tags = new Collection<Tag>(this);
  }
  @Entity()
  class Country {
    @PrimaryKey() id!: number;
    @Property({ type: 'string' }) name!: string;
    @OneToMany(() => User, (u) => u.country) users = new Collection<User>(this);
    @ManyThrough(() => Post, path) posts = new Collection<Post>(this);
  }
  return [Country, User, Post, Tag];
}

function throughError(t: import('ava').ExecutionContext, classes: Function[], message: RegExp): void {
  const err = t.throws(() => discoverMetadata(classes), { instanceOf: MetadataError });
  t.is(err?.code, 'BAD_THROUGH');
  t.is(err?.entity, 'Country');
  t.is(err?.property, 'posts');
  t.regex(err?.message ?? '', /Country\.posts/);
  t.regex(err?.message ?? '', message);
}

test('a valid path resolves into its hops; the relation has no column', (t) => {
  const snapshot = discoverMetadata(model('users.posts'));
  const country = snapshot.get('Country')!;
  const prop = country.propertiesByName.posts as ManyThroughProperty;
  t.is(prop.kind, 'through');
  t.deepEqual(prop.hops.map((h) => `${h.entity}.${h.name}`), ['Country.users', 'User.posts']);
  t.is(prop.target.name, 'Post');
  t.deepEqual(country.columns.map((c) => c.name), ['id', 'name']);
  const userTags = snapshot.get('User')!.propertiesByName.tags as ManyThroughProperty;
  t.deepEqual(userTags.hops.map((h) => h.kind), ['1:m', 'm:n']);
});

test('a hop that does not exist', (t) => {
  throughError(t, model('users.articles'), /User\.articles, which does not exist\. Relations of User: country, posts/);
});

test('a hop that is not a relation', (t) => {
  throughError(t, model('users.posts.title'), /Post\.title, which is not a relation/);
});

test('a path that ends at another entity than the target', (t) => {
  throughError(t, model('users.posts.tags'), /ends at Tag \(Post\.tags\), but @ManyThrough targets Post/);
});

test('a path of one relation, or an empty part', (t) => {
  throughError(t, model('users'), /at least two relations/);
  throughError(t, model('users..posts'), /at least two relations/);
});

test('a hop that is itself a has-many-through', (t) => {
  throughError(t, model('users.tags'), /User\.tags, which is a @ManyThrough itself/);
});
