// Collection criteria beyond $some/$none/$every: count conditions ($count, $where) and conditions
// on the link rows of a many-to-many with a through entity ($pivot). Exact SQL and params per dialect.
import test from 'ava';
import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, UsageError, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { CriteriaCompiler } from '../../src/query/criteria.js';
import { SqlDialect } from '../../src/query/sql-dialect.js';
import { criteriaAsserts } from '../support/criteria-asserts.js';

@Entity()
class User {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string', nullable: true }) name?: string | null;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
}

@Entity()
class Post {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) title!: string;
  @Property({ type: 'boolean' }) published!: boolean;
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToMany(() => Tag, (t) => t.posts, { owner: true }) tags = new Collection<Tag>(this);
}

@Entity()
class Tag {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToMany(() => Post, (p) => p.tags) posts = new Collection<Post>(this);
}

@Entity()
class Car {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) model!: string;
  @ManyToOne(() => User, { nullable: true }) maker?: Rel<User> | null;
  @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
}

@Entity()
class UserCar {
  @ManyToOne(() => User) user!: Rel<User>;
  @ManyToOne(() => Car) car!: Rel<Car>;
  @Property({ type: 'integer', nullable: true }) since?: number | null;
}

@Entity()
class Flight {
  @PrimaryKey({ type: 'string' }) airline!: string;
  @PrimaryKey({ type: 'integer' }) number!: number;
  @OneToMany(() => Leg, (l) => l.flight) legs = new Collection<Leg>(this);
}

@Entity()
class Leg {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Flight) flight!: Rel<Flight>;
}

const meta = discoverMetadata([User, Post, Tag, Car, UserCar, Flight, Leg]);
const { compile, same, rejects } = criteriaAsserts(meta);




const POSTS = '(SELECT "e1"."author_id" FROM "posts" "e1" WHERE "e1"."author_id" IS NOT NULL';
const TAGS_OF_POST = '(SELECT "e2"."post_id" FROM "post_tag" "e2"';

// ---- $count on a one-to-many ----

test('$count with a number or a comparison: owners grouped by the FK, no parent twice', (t) => {
  same(t, User, { posts: { $count: { $gt: 2 } } }, `"e0"."id" IN ${POSTS} GROUP BY "e1"."author_id" HAVING COUNT(*) > ?)`, [2]);
  same(t, User, { posts: { $count: 3 } }, `"e0"."id" IN ${POSTS} GROUP BY "e1"."author_id" HAVING COUNT(*) = ?)`, [3]);
  same(
    t,
    User,
    { posts: { $count: { $gte: 1, $lte: 3 } } },
    `"e0"."id" IN ${POSTS} GROUP BY "e1"."author_id" HAVING (COUNT(*) >= ?) AND (COUNT(*) <= ?))`,
    [1, 3],
  );
  same(t, User, { posts: { $count: { $in: [1, 2] } } }, `"e0"."id" IN ${POSTS} GROUP BY "e1"."author_id" HAVING COUNT(*) IN (?, ?))`, [1, 2]);
});

test('$count a zero count satisfies: every owner except those whose count fails it', (t) => {
  // Owners without any item are not in a GROUP BY, so the complement is asked for.
  same(t, User, { posts: { $count: 0 } }, `"e0"."id" NOT IN ${POSTS} GROUP BY "e1"."author_id" HAVING NOT (COUNT(*) = ?))`, [0]);
  same(t, User, { posts: { $count: { $lt: 2 } } }, `"e0"."id" NOT IN ${POSTS} GROUP BY "e1"."author_id" HAVING NOT (COUNT(*) < ?))`, [2]);
  same(t, User, { posts: { $count: { $ne: 1 } } }, `"e0"."id" NOT IN ${POSTS} GROUP BY "e1"."author_id" HAVING NOT (COUNT(*) <> ?))`, [1]);
  same(t, User, { posts: { $count: { $nin: [1, 2] } } }, `"e0"."id" NOT IN ${POSTS} GROUP BY "e1"."author_id" HAVING NOT (NOT (COUNT(*) IN (?, ?))))`, [1, 2]);
  same(t, User, { posts: { $count: { $not: { $gt: 2 } } } }, `"e0"."id" NOT IN ${POSTS} GROUP BY "e1"."author_id" HAVING NOT (NOT (COUNT(*) > ?)))`, [2]);
  same(t, User, { posts: { $count: { $nin: [0] } } }, `"e0"."id" IN ${POSTS} GROUP BY "e1"."author_id" HAVING NOT (COUNT(*) IN (?)))`, [0]);
});

test('$count with $where counts only the matching items; their values come first', (t) => {
  same(
    t,
    User,
    { posts: { $count: { $gt: 1 }, $where: { title: { $in: ['a', 'b'] } } } },
    `"e0"."id" IN ${POSTS} AND "e1"."title" IN (?, ?) GROUP BY "e1"."author_id" HAVING COUNT(*) > ?)`,
    ['a', 'b', 1],
  );
  same(
    t,
    User,
    { posts: { $where: { title: 'x' }, $count: 0 } },
    `"e0"."id" NOT IN ${POSTS} AND "e1"."title" = ? GROUP BY "e1"."author_id" HAVING NOT (COUNT(*) = ?))`,
    ['x', 0],
  );
  t.deepEqual(compile(User, { posts: { $count: 1, $where: { published: true } } }, 'pg').params, [true, 1]);
  t.deepEqual(compile(User, { posts: { $count: 1, $where: { published: true } } }, 'mysql').params, [1, 1]);
});

test('$count on a composite-key owner groups by every FK column', (t) => {
  same(
    t,
    Flight,
    { legs: { $count: { $gt: 1 } } },
    '("e0"."airline", "e0"."number") IN (SELECT "e1"."flight_airline", "e1"."flight_number" FROM "legs" "e1" ' +
      'WHERE "e1"."flight_airline" IS NOT NULL AND "e1"."flight_number" IS NOT NULL GROUP BY "e1"."flight_airline", "e1"."flight_number" HAVING COUNT(*) > ?)',
    [1],
  );
});

test('$count combines with other collection operators, $or, $not and nesting', (t) => {
  same(
    t,
    User,
    { posts: { $count: { $gt: 1 }, $none: { title: 'x' } } },
    `("e0"."id" IN ${POSTS} GROUP BY "e1"."author_id" HAVING COUNT(*) > ?)) AND ("e0"."id" NOT IN ${POSTS.replace(/e1/g, 'e2')} AND "e2"."title" = ?))`,
    [1, 'x'],
  );
  same(
    t,
    User,
    { $or: [{ name: 'x' }, { $not: { posts: { $count: 0 } } }] },
    `("e0"."name" = ? OR NOT ("e0"."id" NOT IN ${POSTS} GROUP BY "e1"."author_id" HAVING NOT (COUNT(*) = ?))))`,
    ['x', 0],
  );
  same(
    t,
    Post,
    { author: { posts: { $count: { $gte: 5 } } } },
    '"e0"."author_id" IN (SELECT "e1"."id" FROM "users" "e1" WHERE "e1"."id" IN (SELECT "e2"."author_id" FROM "posts" "e2" ' +
      'WHERE "e2"."author_id" IS NOT NULL GROUP BY "e2"."author_id" HAVING COUNT(*) >= ?))',
    [5],
  );
});

// ---- $count on a many-to-many ----

test('$count on a many-to-many counts join-table rows, from either side', (t) => {
  same(t, Post, { tags: { $count: { $gt: 1 } } }, `"e0"."id" IN ${TAGS_OF_POST} GROUP BY "e2"."post_id" HAVING COUNT(*) > ?)`, [1]);
  same(
    t,
    Tag,
    { posts: { $count: 0 } },
    '"e0"."id" NOT IN (SELECT "e2"."tag_id" FROM "post_tag" "e2" GROUP BY "e2"."tag_id" HAVING NOT (COUNT(*) = ?))',
    [0],
  );
  same(
    t,
    Car,
    { owners: { $count: 2 } },
    '"e0"."id" IN (SELECT "e2"."car_id" FROM "user_cars" "e2" GROUP BY "e2"."car_id" HAVING COUNT(*) = ?)',
    [2],
  );
});

test('$count with $where on a many-to-many joins the target', (t) => {
  same(
    t,
    Post,
    { tags: { $count: { $gte: 2 }, $where: { name: { $ne: 'x' } } } },
    `"e0"."id" IN ${TAGS_OF_POST} INNER JOIN "tags" "e1" ON "e1"."id" = "e2"."tag_id" WHERE "e1"."name" <> ? GROUP BY "e2"."post_id" HAVING COUNT(*) >= ?)`,
    ['x', 2],
  );
  same(
    t,
    Tag,
    { posts: { $count: { $lt: 1 }, $where: { title: 'T' } } },
    '"e0"."id" NOT IN (SELECT "e2"."tag_id" FROM "post_tag" "e2" INNER JOIN "posts" "e1" ON "e1"."id" = "e2"."post_id" ' +
      'WHERE "e1"."title" = ? GROUP BY "e2"."tag_id" HAVING NOT (COUNT(*) < ?))',
    ['T', 1],
  );
});

// ---- $pivot ----

const CARS_OF_USER = '(SELECT "e2"."user_id" FROM "user_cars" "e2"';
const CARS_JOINED = `${CARS_OF_USER} INNER JOIN "cars" "e1" ON "e1"."id" = "e2"."car_id"`;

test('$pivot alone filters the link rows without reading the target', (t) => {
  same(t, User, { cars: { $pivot: { since: { $gte: 2020 } } } }, `"e0"."id" IN ${CARS_OF_USER} WHERE "e2"."since" >= ?)`, [2020]);
  same(t, User, { cars: { $none: { $pivot: { since: null } } } }, `"e0"."id" NOT IN ${CARS_OF_USER} WHERE "e2"."since" IS NULL)`, []);
});

test('$pivot beside criteria on the target: the same link row must satisfy both', (t) => {
  same(
    t,
    User,
    { cars: { model: 'T', $pivot: { since: { $gte: 2020 } } } },
    `"e0"."id" IN ${CARS_JOINED} WHERE ("e1"."model" = ?) AND ("e2"."since" >= ?))`,
    ['T', 2020],
  );
  same(
    t,
    User,
    { cars: { $or: [{ model: 'T' }, { $pivot: { since: { $lt: 1990 } } }] } },
    `"e0"."id" IN ${CARS_JOINED} WHERE ("e1"."model" = ? OR "e2"."since" < ?))`,
    ['T', 1990],
  );
});

test('$pivot from the inverse side reads the owner’s join table with columns swapped', (t) => {
  same(
    t,
    Car,
    { owners: { name: 'Ann', $pivot: { since: 2020 } } },
    '"e0"."id" IN (SELECT "e2"."car_id" FROM "user_cars" "e2" INNER JOIN "users" "e1" ON "e1"."id" = "e2"."user_id" WHERE ("e1"."name" = ?) AND ("e2"."since" = ?))',
    ['Ann', 2020],
  );
});

test('$pivot inside $every, $not, and $count’s $where', (t) => {
  // since is nullable: a link with no year does not satisfy ">= 2000", so it breaks $every.
  same(
    t,
    User,
    { cars: { $every: { $pivot: { since: { $gte: 2000 } } } } },
    `"e0"."id" NOT IN ${CARS_OF_USER} WHERE CASE WHEN "e2"."since" >= ? THEN 1 ELSE 0 END = 0)`,
    [2000],
  );
  same(
    t,
    User,
    { cars: { $not: { $pivot: { since: 2020 } } } },
    `"e0"."id" IN ${CARS_OF_USER} WHERE CASE WHEN "e2"."since" = ? THEN 1 ELSE 0 END = 0)`,
    [2020],
  );
  same(
    t,
    User,
    { cars: { $count: { $gte: 2 }, $where: { model: 'T', $pivot: { since: { $lt: 2000 } } } } },
    `"e0"."id" IN ${CARS_JOINED} WHERE ("e1"."model" = ?) AND ("e2"."since" < ?) GROUP BY "e2"."user_id" HAVING COUNT(*) >= ?)`,
    ['T', 2000, 2],
  );
});

test('$pivot may use the through entity’s relations', (t) => {
  same(
    t,
    User,
    { cars: { $pivot: { car: { model: 'T' } } } },
    `"e0"."id" IN ${CARS_OF_USER} WHERE "e2"."car_id" IN (SELECT "e3"."id" FROM "cars" "e3" WHERE "e3"."model" = ?))`,
    ['T'],
  );
});

test('compileItems: criteria on the items of a collection, for queries that read the items themselves', (t) => {
  const c = new CriteriaCompiler(new SqlDialect('pg'));
  const user = meta.get(User);
  t.deepEqual(c.compileItems(user, user.propertiesByName.cars!, { model: 'T', $pivot: { since: 2020 } }, 'e0', 'p'), {
    sql: '("e0"."model" = ?) AND ("p"."since" = ?)',
    params: ['T', 2020],
  });
  t.deepEqual(c.compileItems(user, user.propertiesByName.posts!, { $not: { title: 'x' } }, 'e0'), { sql: 'NOT ("e0"."title" = ?)', params: ['x'] });
  const error = t.throws(() => c.compileItems(user, user.propertiesByName.cars!, { $pivot: { since: 2020 } }, 'e0'), { instanceOf: UsageError });
  t.is(error!.code, 'BAD_CRITERIA');
  t.regex(error!.message, /\$pivot on User\.cars/);
});

// ---- errors, all before any SQL ----

test('$pivot errors: unknown through property, no through entity, wrong place', (t) => {
  rejects(t, User, { cars: { $pivot: { sinse: 2020 } } }, 'UNKNOWN_PROPERTY', 'UserCar.sinse', 'since');
  rejects(t, Post, { tags: { $pivot: { weight: 1 } } }, 'BAD_CRITERIA', 'Post.tags', 'no pivot columns', 'through');
  rejects(t, Tag, { posts: { $pivot: { weight: 1 } } }, 'BAD_CRITERIA', 'Tag.posts', 'no pivot columns');
  rejects(t, User, { $pivot: { since: 1 } }, 'UNKNOWN_OPERATOR', '$pivot', 'User');
  rejects(t, User, { posts: { $pivot: { since: 1 } } }, 'BAD_CRITERIA', 'User.posts', 'one-to-many');
  // Deeper than the items themselves there is no link row.
  rejects(t, User, { cars: { maker: { $pivot: { since: 1 } } } }, 'UNKNOWN_OPERATOR', '$pivot');
  rejects(t, User, { cars: { $pivot: 2020 } }, 'BAD_CRITERIA', '$pivot on User.cars', 'UserCar');
});

test('$count errors: bad values, unknown operators, $where alone, mixed shapes', (t) => {
  rejects(t, User, { posts: { $count: 'two' } }, 'BAD_CRITERIA', '$count on User.posts', '"two"');
  rejects(t, User, { posts: { $count: {} } }, 'BAD_CRITERIA', '$count on User.posts');
  rejects(t, User, { posts: { $count: { $gt: 1.5 } } }, 'BAD_CRITERIA', '$gt in $count on User.posts', 'integer');
  rejects(t, User, { posts: { $count: { $gt: null } } }, 'BAD_CRITERIA', '$gt in $count on User.posts');
  rejects(t, User, { posts: { $count: { $in: 2 } } }, 'BAD_CRITERIA', '$in in $count on User.posts');
  rejects(t, User, { posts: { $count: { $between: [1, 2] } } }, 'UNKNOWN_OPERATOR', '$between', '$count on User.posts');
  rejects(t, User, { posts: { $where: { title: 'x' } } }, 'BAD_CRITERIA', '$where on User.posts', '$count');
  rejects(t, User, { posts: { $count: 1, $where: 5 } }, 'BAD_CRITERIA', '$where on User.posts');
  rejects(t, User, { posts: { $count: 1, title: 'x' } }, 'BAD_CRITERIA', 'User.posts mixes $count', 'title');
  rejects(t, User, { posts: { $count: 1, $where: { titel: 'x' } } }, 'UNKNOWN_PROPERTY', 'Post.titel');
  rejects(t, User, { posts: { $cnt: 1 } }, 'UNKNOWN_OPERATOR', '$cnt', 'User.posts', '$count');
});

// ---- several databases ----

@Entity({ connection: 'archive' })
class Note {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) text!: string;
  @ManyToOne(() => Writer, { constraints: false }) writer!: Rel<Writer>;
}

@Entity()
class Writer {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @OneToMany(() => Note, (n) => n.writer) notes = new Collection<Note>(this);
}

test('criteria through a relation to another database fail before any SQL; keys still work', (t) => {
  const m = discoverMetadata([Note, Writer], { connections: ['default', 'archive'] });
  const run = (entity: Function, where: unknown) => {
    const c = new CriteriaCompiler(new SqlDialect('sqlite'));
    c.nextAlias();
    return c.compile(m.get(entity), where, 'e0');
  };
  t.deepEqual(run(Note, { writer: 3 }), { sql: '"e0"."writer_id" = ?', params: [3] });
  for (const where of [{ writer: { id: { $gt: 1 } } }, { writer: { notes: { $count: 1 } } }]) {
    const error = t.throws(() => run(Note, where), { instanceOf: UsageError });
    t.is(error!.code, 'CROSS_CONNECTION');
    t.regex(error!.message, /Note\.writer .*connection 'default'.*'archive'/);
  }
  const error = t.throws(() => run(Writer, { notes: { $count: 1 } }), { instanceOf: UsageError });
  t.is(error!.code, 'CROSS_CONNECTION');
  t.regex(error!.message, /Writer\.notes/);
});
