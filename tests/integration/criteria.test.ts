// The criteria language against real data on every dialect: count conditions on collections,
// conditions on through-entity (pivot) columns, ordering through to-one relations, combinations,
// and the NULL / LIKE / boolean semantics that must not differ between databases.
import test from 'ava';
import {
  Collection, Entity, Joinery, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, UsageError, type QueryLogEntry, type Rel,
} from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'string', nullable: true }) email?: string | null;
  @Property({ type: 'boolean' }) active!: boolean;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile> | null;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
}

@Entity()
class Profile {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', nullable: true }) bio?: string | null;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
}

@Entity()
class Post {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @Property({ type: 'boolean' }) published!: boolean;
  @ManyToOne(() => User, { nullable: true }) author?: Rel<User> | null;
  @OneToMany(() => Comment, (c) => c.post) comments = new Collection<Comment>(this);
  @ManyToMany(() => Tag, (t) => t.posts, { owner: true }) tags = new Collection<Tag>(this);
}

@Entity()
class Comment {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) body!: string;
  @Property({ type: 'boolean' }) approved!: boolean;
  @ManyToOne(() => Post) post!: Rel<Post>;
}

@Entity()
class Tag {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToMany(() => Post, (p) => p.tags) posts = new Collection<Post>(this);
}

@Entity()
class Car {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) model!: string;
  @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
}

@Entity()
class UserCar {
  @ManyToOne(() => User) user!: Rel<User>;
  @ManyToOne(() => Car) car!: Rel<Car>;
  @Property({ type: 'integer', nullable: true }) since?: number | null;
}

/**
 * ann: 3 posts (2 published), car T since 2018 and S since 2021, profile "writer"
 * bob: 1 post (published), car T since 2022, profile without bio, no email
 * cid: no posts, car X with no year, inactive
 * dee: nothing
 * and one post without an author.
 */
async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [User, Profile, Post, Comment, Tag, Car, UserCar], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const ann = em.create(User, { name: 'Ann', email: 'ann@x.io', active: true });
  const bob = em.create(User, { name: 'Bob', email: null, active: true });
  const cid = em.create(User, { name: 'Cid', email: 'cid@x.io', active: false });
  em.create(User, { name: 'Dee', email: 'dee@x.io', active: true });
  em.create(Profile, { bio: 'writer', user: ann });
  em.create(Profile, { bio: null, user: bob });
  const [ts, dbTag, misc] = ['ts', 'db', 'misc'].map((name) => em.create(Tag, { name }));
  em.create(Tag, { name: '50%_off' });
  em.create(Tag, { name: '50x off' });
  const post = (title: string, author: User | null, published: boolean, tags: Tag[], comments: boolean[]) => {
    const p = em.create(Post, { title, author, published, tags });
    comments.forEach((approved, i) => em.create(Comment, { body: `${title} #${i + 1}`, approved, post: p }));
    return p;
  };
  post('Hello', ann, true, [ts!, dbTag!], [true, true, false]);
  post('World', ann, true, [ts!], [true]);
  post('Draft', ann, false, [], []);
  post('Bob1', bob, true, [dbTag!], [false, false]);
  post('Orphan', null, false, [ts!, dbTag!, misc!], []);
  const [carT, carS, carX] = ['T', 'S', 'X'].map((model) => em.create(Car, { model }));
  em.create(UserCar, { user: ann, car: carT, since: 2018 });
  em.create(UserCar, { user: ann, car: carS, since: 2021 });
  em.create(UserCar, { user: bob, car: carT, since: 2022 });
  em.create(UserCar, { user: cid, car: carX, since: null });
  await em.flush();
  log.length = 0;
  const names = async <T extends object>(entity: new () => T, where: object, key: keyof T = 'name' as keyof T) => {
    const found = await orm.em.fork().find(entity, where as never);
    return found.map((e) => String(e[key])).sort();
  };
  return { orm, log, names, ann };
}

forEachDialect(test, '$count on a one-to-many, with and without $where', async (t, db) => {
  const { names } = await setup(t, db);
  t.deepEqual(await names(User, { posts: { $count: { $gt: 1 } } }), ['Ann']);
  t.deepEqual(await names(User, { posts: { $count: 0 } }), ['Cid', 'Dee'], 'owners without any item');
  t.deepEqual(await names(User, { posts: { $count: { $lt: 2 } } }), ['Bob', 'Cid', 'Dee']);
  t.deepEqual(await names(User, { posts: { $count: { $gte: 1, $lte: 1 } } }), ['Bob']);
  t.deepEqual(await names(User, { posts: { $count: { $in: [0, 3] } } }), ['Ann', 'Cid', 'Dee']);
  t.deepEqual(await names(User, { posts: { $count: { $not: { $in: [0, 3] } } } }), ['Bob']);
  t.deepEqual(await names(Post, { comments: { $count: { $gt: 1 } } }, 'title'), ['Bob1', 'Hello']);

  t.deepEqual(await names(Post, { comments: { $count: { $gte: 2 }, $where: { approved: true } } }, 'title'), ['Hello']);
  t.deepEqual(await names(Post, { comments: { $count: 0, $where: { approved: true } } }, 'title'), ['Bob1', 'Draft', 'Orphan']);
  t.deepEqual(await names(User, { posts: { $count: { $gt: 1 }, $where: { published: true } } }), ['Ann']);
  t.deepEqual(await names(User, { posts: { $count: 0, $where: { published: true } } }), ['Cid', 'Dee']);
  t.deepEqual(
    await names(User, { posts: { $count: { $gte: 1 }, $where: { comments: { $count: { $gte: 2 }, $where: { approved: false } } } } }),
    ['Bob'],
    'a count inside a count',
  );
});

forEachDialect(test, '$count on a many-to-many, from both sides', async (t, db) => {
  const { names } = await setup(t, db);
  t.deepEqual(await names(Post, { tags: { $count: { $gte: 2 } } }, 'title'), ['Hello', 'Orphan']);
  t.deepEqual(await names(Post, { tags: { $count: 0 } }, 'title'), ['Draft']);
  t.deepEqual(await names(Tag, { posts: { $count: { $gt: 2 } } }), ['db', 'ts']);
  t.deepEqual(await names(Tag, { posts: { $count: 0 } }), ['50%_off', '50x off']);
  t.deepEqual(await names(Tag, { posts: { $count: { $gte: 2 }, $where: { published: true } } }), ['db', 'ts']);
  t.deepEqual(await names(Tag, { posts: { $count: { $gte: 2 }, $where: { author: { name: 'Ann' } } } }), ['ts']);
  t.deepEqual(await names(Car, { owners: { $count: 1 } }, 'model'), ['S', 'X']);
  t.deepEqual(await names(User, { cars: { $count: 0 } }), ['Dee']);
  t.deepEqual(await names(User, { cars: { $count: 2, $where: { model: { $in: ['T', 'S'] } } } }), ['Ann']);
});

forEachDialect(test, '$pivot: conditions on the through entity, the same link row as the target criteria', async (t, db) => {
  const { names } = await setup(t, db);
  t.deepEqual(await names(User, { cars: { $pivot: { since: { $gte: 2020 } } } }), ['Ann', 'Bob']);
  // Ann owns a T (since 2018) and a car since 2021, but not a T since 2020 or later.
  t.deepEqual(await names(User, { cars: { model: 'T', $pivot: { since: { $gte: 2020 } } } }), ['Bob']);
  t.deepEqual(await names(Car, { owners: { name: 'Ann', $pivot: { since: { $lt: 2020 } } } }, 'model'), ['T']);
  t.deepEqual(await names(User, { cars: { $every: { $pivot: { since: { $gte: 2020 } } } } }), ['Bob', 'Dee'], 'a NULL year fails $every');
  t.deepEqual(await names(User, { cars: { $none: { $pivot: { since: null } } } }), ['Ann', 'Bob', 'Dee']);
  t.deepEqual(await names(User, { cars: { $count: { $gte: 1 }, $where: { $pivot: { since: { $lt: 2020 } } } } }), ['Ann']);
  t.deepEqual(await names(User, { cars: { $or: [{ model: 'X' }, { $pivot: { since: 2022 } }] } }), ['Bob', 'Cid']);
  t.deepEqual(await names(User, { cars: { $pivot: { car: { model: 'S' } } } }), ['Ann'], 'through the through entity’s relation');
});

forEachDialect(test, 'count and pivot conditions combine with $or, $not and other criteria', async (t, db) => {
  const { names } = await setup(t, db);
  t.deepEqual(await names(User, { $or: [{ posts: { $count: 0 } }, { cars: { $pivot: { since: { $gte: 2022 } } } }] }), ['Bob', 'Cid', 'Dee']);
  t.deepEqual(await names(User, { $not: { posts: { $count: { $gt: 1 } } } }), ['Bob', 'Cid', 'Dee']);
  t.deepEqual(await names(User, { active: true, posts: { $count: 0 } }), ['Dee']);
  t.deepEqual(await names(Post, { $not: { tags: { name: 'ts' } }, author: { active: true } }, 'title'), ['Bob1', 'Draft']);
  t.deepEqual(await names(Post, { author: { cars: { model: 'T', $pivot: { since: { $lt: 2020 } } } } }, 'title'), ['Draft', 'Hello', 'World']);
  t.deepEqual(await names(Comment, { post: { tags: { $count: { $gte: 2 } } }, approved: false }, 'body'), ['Hello #3']);
});

forEachDialect(test, 'orderBy through to-one relations at any depth; limit and offset count root rows', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const titles = (posts: Post[]) => posts.map((p) => p.title);
  t.deepEqual(
    titles(await em.find(Post, {}, { orderBy: [{ author: { name: 'asc nulls last' } }, { title: 'asc' }] })),
    ['Draft', 'Hello', 'World', 'Bob1', 'Orphan'],
  );
  t.deepEqual(
    titles(await em.find(Post, {}, { orderBy: { author: { profile: { bio: 'asc nulls first' } }, title: 'asc' } })),
    ['Bob1', 'Orphan', 'Draft', 'Hello', 'World'],
    'through the inverse side of a one-to-one, NULL bios and missing authors first',
  );
  const comments = await em.find(Comment, {}, { orderBy: { post: { author: { email: 'desc nulls first' } }, body: 'asc' } });
  t.deepEqual(comments.map((c) => c.body), ['Bob1 #1', 'Bob1 #2', 'Hello #1', 'Hello #2', 'Hello #3', 'World #1']);
  const page = await em.find(Post, {}, { orderBy: { author: { name: 'desc nulls last' }, title: 'asc' }, limit: 2, offset: 1 });
  t.deepEqual(titles(page), ['Draft', 'Hello']);
  const [items, total] = await em.findAndCount(
    Post,
    { comments: { $count: { $gte: 1 } } },
    { orderBy: { author: { name: 'desc' }, title: 'desc' }, limit: 2 },
  );
  t.deepEqual(titles(items), ['Bob1', 'World']);
  t.is(total, 3);
});

forEachDialect(test, 'NULL semantics: $not and $ne keep rows whose value is NULL, like !== would', async (t, db) => {
  const { names, ann } = await setup(t, db);
  t.deepEqual(await names(User, { email: { $ne: 'ann@x.io' } }), ['Bob', 'Cid', 'Dee']);
  t.deepEqual(await names(User, { $not: { email: 'ann@x.io' } }), ['Bob', 'Cid', 'Dee']);
  t.deepEqual(await names(User, { email: { $not: { $like: 'a%' } } }), ['Bob', 'Cid', 'Dee']);
  t.deepEqual(await names(User, { email: { $nin: ['ann@x.io', 'cid@x.io'] } }), ['Bob', 'Dee']);
  t.deepEqual(await names(Post, { $not: { author: { name: 'Ann' } } }, 'title'), ['Bob1', 'Orphan'], 'a post without author is not by Ann');
  t.deepEqual(await names(Post, { author: { $nin: [ann.id] } }, 'title'), ['Bob1', 'Orphan']);
  t.deepEqual(await names(User, { $not: { profile: { bio: 'writer' } } }), ['Bob', 'Cid', 'Dee']);
});

forEachDialect(test, 'LIKE escapes, $ilike ignores case, booleans compare, on every dialect', async (t, db) => {
  const { names } = await setup(t, db);
  t.deepEqual(await names(Tag, { name: { $like: '50%' } }), ['50%_off', '50x off']);
  t.deepEqual(await names(Tag, { name: { $like: '50\\%\\_%' } }), ['50%_off'], 'backslash escapes % and _');
  t.deepEqual(await names(User, { name: { $ilike: 'ANN' } }), ['Ann']);
  t.deepEqual(await names(User, { email: { $ilike: '%X.IO' } }), ['Ann', 'Cid', 'Dee']);
  t.deepEqual(await names(User, { active: false }), ['Cid']);
  t.deepEqual(await names(User, { active: { $ne: true } }), ['Cid']);
  t.deepEqual(await names(User, { posts: { published: false } }), ['Ann']);
});

forEachDialect(test, 'nativeUpdate and nativeDelete with criteria that read the modified table again', async (t, db) => {
  const { orm, names } = await setup(t, db);
  const em = orm.em.fork();
  // users → profiles → users: MySQL needs the inner read of users materialized.
  t.is(await em.nativeUpdate(User, { profile: { user: { name: 'Ann' } } }, { active: false }), 1);
  t.deepEqual(await names(User, { active: false }), ['Ann', 'Cid']);
  // comments → posts → comments, grouped: MariaDB must not re-count while it deletes.
  t.is(await em.nativeDelete(Comment, { post: { comments: { $count: { $gte: 3 } } } }), 3);
  t.deepEqual(await names(Post, { comments: { $count: 0 } }, 'title'), ['Draft', 'Hello', 'Orphan']);
  t.is(await em.nativeUpdate(Post, { author: { posts: { $count: 1 } } }, { published: false }), 1);
  t.deepEqual(await names(Post, { published: true }, 'title'), ['Hello', 'World']);
});

forEachDialect(test, 'values are bound parameters, never SQL text', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  await em.find(User, { name: "O'Brien", posts: { $count: { $gt: 987654 }, $where: { title: "it's" } }, cars: { $pivot: { since: 123456 } } });
  const [select] = log;
  t.truthy(select);
  for (const value of ["O'Brien", '987654', "it's", '123456']) t.false(select!.sql.includes(value), `${value} is not in the SQL`);
  t.deepEqual(select!.params, ["O'Brien", "it's", 987654, 123456]);
});

forEachDialect(test, 'every unknown property, operator and direction fails before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const cases: [() => Promise<unknown>, string, RegExp][] = [
    [() => em.find(User, { posts: { $count: { $gt: 1 }, $where: { titel: 'x' } } } as never), 'UNKNOWN_PROPERTY', /Post\.titel/],
    [() => em.find(User, { posts: { $count: { $between: [1, 2] } } } as never), 'UNKNOWN_OPERATOR', /\$between.*User\.posts/],
    [() => em.find(User, { posts: { $where: { title: 'x' } } } as never), 'BAD_CRITERIA', /\$where on User\.posts.*\$count/],
    [() => em.find(User, { cars: { $pivot: { sinse: 1 } } } as never), 'UNKNOWN_PROPERTY', /UserCar\.sinse/],
    [() => em.find(Post, { tags: { $pivot: { weight: 1 } } } as never), 'BAD_CRITERIA', /Post\.tags.*no pivot columns/],
    [() => em.find(User, { $pivot: { since: 1 } } as never), 'UNKNOWN_OPERATOR', /\$pivot/],
    [() => em.find(Post, {}, { orderBy: { author: { nmae: 'asc' } } }), 'UNKNOWN_PROPERTY', /User\.nmae/],
    [() => em.find(Post, {}, { orderBy: { author: { name: 'upward' as never } } }), 'BAD_ORDER', /User\.name/],
    [() => em.find(User, {}, { orderBy: { posts: { title: 'asc' } } }), 'BAD_ORDER', /collection User\.posts/],
    [() => em.count(User, { active: 'no' } as never), 'BAD_CRITERIA', /User\.active/],
    [() => em.nativeDelete(User, { posts: { $count: 'many' } } as never), 'BAD_CRITERIA', /\$count on User\.posts/],
    [() => em.findAndCount(Post, { title: { $like: 5 } } as never), 'BAD_CRITERIA', /\$like on Post\.title/],
  ];
  for (const [run, code, message] of cases) {
    const err = await t.throwsAsync(run(), { instanceOf: UsageError });
    t.is(err!.code, code);
    t.regex(err!.message, message);
  }
  t.deepEqual(log, [], 'no statement was sent');
});
