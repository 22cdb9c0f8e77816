import test from 'ava';
import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, UsageError, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { lookupTable } from '../../src/query/criteria-sql.js';
import { criteriaAsserts } from '../support/criteria-asserts.js';

@Entity()
class User {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string', nullable: true }) name?: string | null;
  @Property({ type: 'integer', nullable: true }) age?: number | null;
  @Property({ type: 'boolean', default: true }) active?: boolean;
  @Property({ type: 'datetime', nullable: true }) createdAt?: Date | null;
  @Property({ type: 'json', nullable: true }) data?: unknown;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile> | null;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
}

@Entity()
class Profile {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string', nullable: true }) bio?: string | null;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
}

@Entity()
class Post {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => User, { nullable: true }) author?: Rel<User> | null;
  @ManyToMany(() => Tag, (t) => t.posts, { owner: true }) tags = new Collection<Tag>(this);
}

@Entity()
class Tag {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToMany(() => Post, (p) => p.tags) posts = new Collection<Post>(this);
}

@Entity()
class Flight {
  @PrimaryKey({ type: 'string' }) airline!: string;
  @PrimaryKey({ type: 'integer' }) number!: number;
}

@Entity()
class Booking {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Flight) flight!: Rel<Flight>;
}

@Entity()
class Doc {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'uuid', nullable: true }) ref?: string | null;
}

const meta = discoverMetadata([User, Profile, Post, Tag, Flight, Booking, Doc]);
const { compile, same, rejects } = criteriaAsserts(meta);




const user = (id: number) => Object.assign(new User(), { id });

// ---- scalars ----

test('no criteria and empty criteria match everything', (t) => {
  same(t, User, undefined, '1 = 1', []);
  same(t, User, {}, '1 = 1', []);
  same(t, User, { name: undefined }, '1 = 1', []);
});

test('equality, quoted per dialect', (t) => {
  t.deepEqual(compile(User, { name: 'Ann' }, 'sqlite'), { sql: '"e0"."name" = ?', params: ['Ann'] });
  t.deepEqual(compile(User, { name: 'Ann' }, 'pg'), { sql: '"e0"."name" = ?', params: ['Ann'] });
  t.deepEqual(compile(User, { name: 'Ann' }, 'mysql'), { sql: '`e0`.`name` = ?', params: ['Ann'] });
  same(t, User, { name: { $eq: 'Ann' } }, '"e0"."name" = ?', ['Ann']);
});

test('several properties are ANDed, each parenthesised', (t) => {
  same(t, User, { name: 'Ann', age: 30 }, '("e0"."name" = ?) AND ("e0"."age" = ?)', ['Ann', 30]);
});

test('$ne keeps rows whose value is NULL', (t) => {
  same(t, User, { name: { $ne: 'Ann' } }, '("e0"."name" <> ? OR "e0"."name" IS NULL)', ['Ann']);
});

test('comparison operators, several on one property ANDed', (t) => {
  same(t, User, { age: { $gt: 1 } }, '"e0"."age" > ?', [1]);
  same(t, User, { age: { $gte: 1 } }, '"e0"."age" >= ?', [1]);
  same(t, User, { age: { $lt: 1 } }, '"e0"."age" < ?', [1]);
  same(t, User, { age: { $lte: 1 } }, '"e0"."age" <= ?', [1]);
  same(t, User, { age: { $gte: 18, $lt: 65 } }, '("e0"."age" >= ?) AND ("e0"."age" < ?)', [18, 65]);
});

test('$in and $nin, an array value meaning $in', (t) => {
  same(t, User, { age: { $in: [1, 2, 3] } }, '"e0"."age" IN (?, ?, ?)', [1, 2, 3]);
  same(t, User, { age: [1, 2] }, '"e0"."age" IN (?, ?)', [1, 2]);
  same(t, User, { age: { $nin: [1, 2] } }, '("e0"."age" NOT IN (?, ?) OR "e0"."age" IS NULL)', [1, 2]);
});

test('$in / $nin with null use IS (NOT) NULL; empty lists match nothing / everything', (t) => {
  same(t, User, { age: { $in: [1, null] } }, '("e0"."age" IN (?) OR "e0"."age" IS NULL)', [1]);
  same(t, User, { age: { $in: [null] } }, '"e0"."age" IS NULL', []);
  same(t, User, { age: { $nin: [1, null] } }, '("e0"."age" NOT IN (?)) AND ("e0"."age" IS NOT NULL)', [1]);
  same(t, User, { age: { $in: [] } }, '1 = 0', []);
  same(t, User, { age: { $nin: [] } }, '1 = 1', []);
});

test('$like binds the pattern; $ilike is ILIKE on PostgreSQL, LOWER() LIKE LOWER() elsewhere', (t) => {
  t.deepEqual(compile(User, { name: { $like: 'A%' } }, 'pg'), { sql: '"e0"."name" LIKE ?', params: ['A%'] });
  t.deepEqual(compile(User, { name: { $like: 'A%' } }, 'mysql'), { sql: '`e0`.`name` LIKE ?', params: ['A%'] });
  t.deepEqual(compile(User, { name: { $ilike: 'a%' } }, 'pg'), { sql: '"e0"."name" ILIKE ?', params: ['a%'] });
  t.deepEqual(compile(User, { name: { $ilike: 'a%' } }, 'mysql'), { sql: 'LOWER(`e0`.`name`) LIKE LOWER(?)', params: ['a%'] });
});

test('SQLite LIKE gets an explicit backslash escape, the default of PostgreSQL and MySQL', (t) => {
  t.deepEqual(compile(User, { name: { $like: '100\\%' } }, 'sqlite'), { sql: `"e0"."name" LIKE ? ESCAPE '\\'`, params: ['100\\%'] });
  t.deepEqual(compile(User, { name: { $ilike: 'a%' } }, 'sqlite'), { sql: `LOWER("e0"."name") LIKE LOWER(?) ESCAPE '\\'`, params: ['a%'] });
});

test('$like on a uuid column casts it to text on PostgreSQL, which has no LIKE for uuid', (t) => {
  t.deepEqual(compile(Doc, { ref: { $like: 'abc%' } }, 'pg'), { sql: 'CAST("e0"."ref" AS text) LIKE ?', params: ['abc%'] });
  t.deepEqual(compile(Doc, { ref: { $ilike: 'ABC%' } }, 'pg'), { sql: 'CAST("e0"."ref" AS text) ILIKE ?', params: ['ABC%'] });
  t.deepEqual(compile(Doc, { ref: { $like: 'abc%' } }, 'mysql'), { sql: '`e0`.`ref` LIKE ?', params: ['abc%'] });
});

test('null means IS NULL, also through $eq; $ne null is IS NOT NULL', (t) => {
  same(t, User, { name: null }, '"e0"."name" IS NULL', []);
  same(t, User, { name: { $eq: null } }, '"e0"."name" IS NULL', []);
  same(t, User, { name: { $ne: null } }, '"e0"."name" IS NOT NULL', []);
});

test('$not on a property negates its condition; on a nullable column NULL counts as "does not match"', (t) => {
  same(t, User, { age: { $not: { $gt: 3 } } }, 'CASE WHEN "e0"."age" > ? THEN 1 ELSE 0 END = 0', [3]);
  same(t, User, { name: { $not: 'Ann' } }, 'CASE WHEN "e0"."name" = ? THEN 1 ELSE 0 END = 0', ['Ann']);
  same(t, Post, { title: { $not: 'x' } }, 'NOT ("e0"."title" = ?)', ['x']);
  same(t, Post, { title: { $not: { $in: ['x', 'y'] } } }, 'NOT ("e0"."title" IN (?, ?))', ['x', 'y']);
  // Conditions that are never unknown need no CASE even on a nullable column.
  same(t, User, { name: { $not: null } }, 'NOT ("e0"."name" IS NULL)', []);
  same(t, User, { name: { $not: { $ne: 'a' } } }, 'NOT (("e0"."name" <> ? OR "e0"."name" IS NULL))', ['a']);
});

test('$ne and $nin on a NOT NULL column need no IS NULL branch', (t) => {
  same(t, Post, { title: { $ne: 'x' } }, '"e0"."title" <> ?', ['x']);
  same(t, Post, { title: { $nin: ['x'] } }, '"e0"."title" NOT IN (?)', ['x']);
});

test('$and, $or and $not at the top', (t) => {
  same(t, User, { $or: [{ name: 'a' }, { age: 3 }] }, '("e0"."name" = ? OR "e0"."age" = ?)', ['a', 3]);
  same(t, User, { $and: [{ name: 'a' }, { age: 3 }] }, '("e0"."name" = ?) AND ("e0"."age" = ?)', ['a', 3]);
  same(t, User, { $not: { name: 'a' } }, 'CASE WHEN "e0"."name" = ? THEN 1 ELSE 0 END = 0', ['a']);
  same(t, User, { $not: { id: 1, name: null } }, 'NOT (("e0"."id" = ?) AND ("e0"."name" IS NULL))', [1]);
  same(t, User, { $or: [] }, '1 = 0', []);
  same(t, User, { $and: [] }, '1 = 1', []);
});

test('nesting keeps precedence: an AND group inside $or, an $or beside a property', (t) => {
  same(
    t,
    User,
    { name: 'x', $or: [{ age: 1, active: undefined }, { $not: { age: { $in: [2, 3] } } }] },
    '("e0"."name" = ?) AND (("e0"."age" = ? OR CASE WHEN "e0"."age" IN (?, ?) THEN 1 ELSE 0 END = 0))',
    ['x', 1, 2, 3],
  );
  same(t, User, { $or: [{ name: 'a', age: 1 }, { name: 'b' }] }, '(("e0"."name" = ?) AND ("e0"."age" = ?) OR "e0"."name" = ?)', ['a', 1, 'b']);
});

test('values are converted for the dialect: booleans, datetimes, json', (t) => {
  t.deepEqual(compile(User, { active: true }, 'sqlite').params, [1]);
  t.deepEqual(compile(User, { active: false }, 'mysql').params, [0]);
  t.deepEqual(compile(User, { active: true }, 'pg').params, [true]);
  const d = new Date('2024-03-01T12:00:00.000Z');
  t.deepEqual(compile(User, { createdAt: { $gte: d } }, 'sqlite'), { sql: '"e0"."created_at" >= ?', params: ['2024-03-01T12:00:00.000Z'] });
  // node-postgres would write a Date in the local zone: an ISO string keeps the instant exact.
  t.deepEqual(compile(User, { createdAt: d }, 'pg').params, ['2024-03-01T12:00:00.000Z']);
  t.deepEqual(compile(User, { createdAt: d }, 'mysql').params, [d]);
  t.deepEqual(compile(User, { createdAt: { $in: [d] } }, 'sqlite').params, ['2024-03-01T12:00:00.000Z']);
  t.deepEqual(compile(User, { data: { a: 1 } }, 'pg'), { sql: '"e0"."data" = ?', params: ['{"a":1}'] });
});

test('a bare primary key (or a managed entity) as the whole criteria', (t) => {
  same(t, User, 5, '"e0"."id" = ?', [5]);
  same(t, User, user(6), '"e0"."id" = ?', [6]);
  same(t, Flight, ['LH', 400], '"e0"."airline" = ? AND "e0"."number" = ?', ['LH', 400]);
});

// ---- to-one relations ----

test('a relation compared with a primary key, an entity, or null uses the FK column', (t) => {
  same(t, Post, { author: 1 }, '"e0"."author_id" = ?', [1]);
  same(t, Post, { author: user(5) }, '"e0"."author_id" = ?', [5]);
  same(t, Post, { author: null }, '"e0"."author_id" IS NULL', []);
  same(t, Post, { author: { $eq: user(5) } }, '"e0"."author_id" = ?', [5]);
  same(t, Post, { author: { $ne: null } }, '"e0"."author_id" IS NOT NULL', []);
  same(t, Post, { author: { $ne: 2 } }, '(NOT ("e0"."author_id" = ?) OR "e0"."author_id" IS NULL)', [2]);
  same(t, Post, { author: { $not: 2 } }, 'CASE WHEN "e0"."author_id" = ? THEN 1 ELSE 0 END = 0', [2]);
  same(t, Booking, { flight: { $ne: ['LH', 1] } }, 'NOT ("e0"."flight_airline" = ? AND "e0"."flight_number" = ?)', ['LH', 1]);
});

test('a relation compared with a list: entities and keys mixed', (t) => {
  same(t, Post, { author: [user(1), 2] }, '"e0"."author_id" IN (?, ?)', [1, 2]);
  same(t, Post, { author: { $in: [user(1), 2, null] } }, '("e0"."author_id" IN (?, ?) OR "e0"."author_id" IS NULL)', [1, 2]);
  same(t, Post, { author: { $nin: [3] } }, '("e0"."author_id" NOT IN (?) OR "e0"."author_id" IS NULL)', [3]);
});

test('a new entity without a key cannot be a query value', (t) => {
  const error = t.throws(() => compile(Post, { author: new User() }), { instanceOf: UsageError });
  t.is(error!.code, 'UNSAVED_ENTITY');
  t.regex(error!.message, /^Post\.author was given a new User that has no primary key yet/);
  t.regex(error!.message, /Flush it first \(await em\.flush\(\)\)/);
  // In a list, and as the key of the root itself, the message still says where the value went.
  const inList = t.throws(() => compile(Post, { author: { $in: [user(1), new User()] } }), { instanceOf: UsageError });
  t.regex(inList!.message, /^Post\.author was given a new User/);
});

test('composite foreign keys: every column compared', (t) => {
  same(t, Booking, { flight: ['LH', 400] }, '"e0"."flight_airline" = ? AND "e0"."flight_number" = ?', ['LH', 400]);
  same(t, Booking, { flight: null }, '"e0"."flight_airline" IS NULL AND "e0"."flight_number" IS NULL', []);
  same(
    t,
    Booking,
    { flight: { $in: [['LH', 1], ['AF', 2]] } },
    '(("e0"."flight_airline" = ? AND "e0"."flight_number" = ?) OR ("e0"."flight_airline" = ? AND "e0"."flight_number" = ?))',
    ['LH', 1, 'AF', 2],
  );
  same(
    t,
    Booking,
    { flight: { $nin: [['LH', 1]] } },
    'NOT (("e0"."flight_airline" = ? AND "e0"."flight_number" = ?))',
    ['LH', 1],
  );
});

test('nested criteria on a to-one become a key subquery on the target', (t) => {
  same(t, Post, { author: { name: 'Ann' } }, '"e0"."author_id" IN (SELECT "e1"."id" FROM "users" "e1" WHERE "e1"."name" = ?)', ['Ann']);
  same(
    t,
    Post,
    { title: 'T', author: { name: 'A', age: { $gt: 18 } } },
    '("e0"."title" = ?) AND ("e0"."author_id" IN (SELECT "e1"."id" FROM "users" "e1" WHERE ("e1"."name" = ?) AND ("e1"."age" > ?)))',
    ['T', 'A', 18],
  );
  same(
    t,
    Booking,
    { flight: { airline: 'LH' } },
    '("e0"."flight_airline", "e0"."flight_number") IN (SELECT "e1"."airline", "e1"."number" FROM "flights" "e1" WHERE "e1"."airline" = ?)',
    ['LH'],
  );
});

test('nested criteria two levels deep, through the inverse side of a one-to-one', (t) => {
  same(
    t,
    Post,
    { author: { profile: { bio: 'x' } } },
    '"e0"."author_id" IN (SELECT "e1"."id" FROM "users" "e1" WHERE ' +
      '"e1"."id" IN (SELECT "e2"."user_id" FROM "profiles" "e2" WHERE "e2"."user_id" IS NOT NULL AND "e2"."bio" = ?))',
    ['x'],
  );
});

test('the inverse side of a one-to-one: null means no row points here', (t) => {
  same(t, User, { profile: null }, '"e0"."id" NOT IN (SELECT "e1"."user_id" FROM "profiles" "e1" WHERE "e1"."user_id" IS NOT NULL)', []);
  same(t, User, { profile: 7 }, '"e0"."id" IN (SELECT "e1"."user_id" FROM "profiles" "e1" WHERE "e1"."user_id" IS NOT NULL AND "e1"."id" = ?)', [7]);
});

// ---- collections ----

const postsOf = (not: boolean, inner: string) =>
  `"e0"."id" ${not ? 'NOT IN' : 'IN'} (SELECT "e1"."author_id" FROM "posts" "e1" WHERE "e1"."author_id" IS NOT NULL AND ${inner})`;

test('one-to-many: nested criteria mean $some', (t) => {
  same(t, User, { posts: { title: 'x' } }, postsOf(false, '"e1"."title" = ?'), ['x']);
  same(t, User, { posts: { $some: { title: 'x' } } }, postsOf(false, '"e1"."title" = ?'), ['x']);
});

test('one-to-many: $none and $every', (t) => {
  same(t, User, { posts: { $none: { title: 'x' } } }, postsOf(true, '"e1"."title" = ?'), ['x']);
  same(t, User, { posts: { $every: { title: 'x' } } }, postsOf(true, 'NOT ("e1"."title" = ?)'), ['x']);
  same(t, User, { posts: { $every: { author: { name: 'x' } } } }, postsOf(true, 'CASE WHEN "e1"."author_id" IN (SELECT "e2"."id" FROM "users" "e2" WHERE "e2"."name" = ?) THEN 1 ELSE 0 END = 0'), ['x']);
  same(t, User, { posts: { $some: {} } }, '"e0"."id" IN (SELECT "e1"."author_id" FROM "posts" "e1" WHERE "e1"."author_id" IS NOT NULL)', []);
  same(t, User, { posts: { $none: {} } }, '"e0"."id" NOT IN (SELECT "e1"."author_id" FROM "posts" "e1" WHERE "e1"."author_id" IS NOT NULL)', []);
});

test('a collection compared with entities or keys: contains them', (t) => {
  same(t, User, { posts: 3 }, postsOf(false, '"e1"."id" = ?'), [3]);
  same(t, User, { posts: [3, Object.assign(new Post(), { id: 4 })] }, postsOf(false, '("e1"."id" = ? OR "e1"."id" = ?)'), [3, 4]);
});

test('many-to-many from the owning side: the join table, joined to the target only for its criteria', (t) => {
  same(
    t,
    Post,
    { tags: { name: 'ts' } },
    '"e0"."id" IN (SELECT "e2"."post_id" FROM "post_tag" "e2" INNER JOIN "tags" "e1" ON "e1"."id" = "e2"."tag_id" WHERE "e1"."name" = ?)',
    ['ts'],
  );
  same(
    t,
    Post,
    { tags: { $none: { name: 'ts' } } },
    '"e0"."id" NOT IN (SELECT "e2"."post_id" FROM "post_tag" "e2" INNER JOIN "tags" "e1" ON "e1"."id" = "e2"."tag_id" WHERE "e1"."name" = ?)',
    ['ts'],
  );
  same(t, Post, { tags: { $some: {} } }, '"e0"."id" IN (SELECT "e2"."post_id" FROM "post_tag" "e2")', []);
});

test('many-to-many compared with entities or keys reads only the join table', (t) => {
  same(t, Post, { tags: 3 }, '"e0"."id" IN (SELECT "e2"."post_id" FROM "post_tag" "e2" WHERE "e2"."tag_id" = ?)', [3]);
  same(
    t,
    Post,
    { tags: { $none: [3, Object.assign(new Tag(), { id: 4 })] } },
    '"e0"."id" NOT IN (SELECT "e2"."post_id" FROM "post_tag" "e2" WHERE ("e2"."tag_id" = ? OR "e2"."tag_id" = ?))',
    [3, 4],
  );
});

test('many-to-many from the inverse side reads the join table with columns swapped', (t) => {
  same(
    t,
    Tag,
    { posts: { $every: { title: 'x' } } },
    '"e0"."id" NOT IN (SELECT "e2"."tag_id" FROM "post_tag" "e2" INNER JOIN "posts" "e1" ON "e1"."id" = "e2"."post_id" WHERE NOT ("e1"."title" = ?))',
    ['x'],
  );
});

test('collection criteria nest relation criteria', (t) => {
  same(
    t,
    Tag,
    { posts: { author: { name: 'Ann' } } },
    '"e0"."id" IN (SELECT "e2"."tag_id" FROM "post_tag" "e2" INNER JOIN "posts" "e1" ON "e1"."id" = "e2"."post_id" WHERE ' +
      '"e1"."author_id" IN (SELECT "e3"."id" FROM "users" "e3" WHERE "e3"."name" = ?))',
    ['Ann'],
  );
});

test('criteria on a collection may use $and, $or and $not on the items (meaning $some)', (t) => {
  same(t, User, { posts: { $or: [{ title: 'a' }, { title: 'b' }] } }, postsOf(false, '("e1"."title" = ? OR "e1"."title" = ?)'), ['a', 'b']);
  same(t, User, { posts: { $not: { title: 'a' } } }, postsOf(false, 'NOT ("e1"."title" = ?)'), ['a']);
});

test('several collection operators in one object must all hold', (t) => {
  same(
    t,
    User,
    { posts: { $some: { title: 'a' }, $none: { title: 'b' } } },
    `(${postsOf(false, '"e1"."title" = ?')}) AND (${postsOf(true, '"e1"."title" = ?').replace(/e1/g, 'e2')})`,
    ['a', 'b'],
  );
});

// ---- errors ----


test('an unknown property is an error naming Entity.property, never SQL', (t) => {
  rejects(t, User, { nme: 'x' }, 'UNKNOWN_PROPERTY', 'User.nme', 'name');
  rejects(t, Post, { author: { nme: 'x' } }, 'UNKNOWN_PROPERTY', 'User.nme');
  rejects(t, User, { posts: { titel: 'x' } }, 'UNKNOWN_PROPERTY', 'Post.titel');
  rejects(t, User, { $or: [{ name: 'a' }, { nme: 'b' }] }, 'UNKNOWN_PROPERTY', 'User.nme');
});

test('a name of an Object.prototype member is an unknown property or operator at every depth', (t) => {
  for (const key of Object.getOwnPropertyNames(Object.prototype)) {
    // As a request body parses it: an own property, `__proto__` included.
    const keyed = (k: string, v: unknown) => JSON.parse(`{${JSON.stringify(k)}: ${JSON.stringify(v)}}`);
    rejects(t, User, keyed(key, 1), 'UNKNOWN_PROPERTY', `User.${key}`);
    rejects(t, Post, { author: keyed(key, 1) }, 'UNKNOWN_PROPERTY', `User.${key}`);
    rejects(t, User, { posts: { $every: keyed(key, 1) } }, 'UNKNOWN_PROPERTY', `Post.${key}`);
    rejects(t, User, { $not: { $or: [keyed(key, 1)] } }, 'UNKNOWN_PROPERTY', `User.${key}`);
    rejects(t, User, keyed(`$${key}`, 1), 'UNKNOWN_OPERATOR', `$${key}`);
    rejects(t, User, { name: keyed(`$${key}`, 1) }, 'UNKNOWN_OPERATOR', `$${key}`);
    rejects(t, User, { posts: { $count: keyed(`$${key}`, 1) } }, 'UNKNOWN_OPERATOR', `$${key}`);
  }
});

test('operator tables find their own entries only', (t) => {
  const table = lookupTable({ $gt: '>' });
  t.is(table.$gt, '>');
  for (const key of Object.getOwnPropertyNames(Object.prototype)) t.is(table[key] as unknown, undefined, key);
  t.true(Object.isFrozen(table));
});

test('an $or with a branch that has no condition has none either', (t) => {
  same(t, User, { $or: [{ name: undefined }, { age: 3 }] }, '1 = 1', []);
  same(t, User, { $or: [{ age: 3 }, { $and: [] }] }, '1 = 1', []);
});

test('an unknown operator is an error naming it and the property', (t) => {
  rejects(t, User, { name: { $regex: 'a' } }, 'UNKNOWN_OPERATOR', '$regex', 'User.name');
  rejects(t, User, { $xor: [] }, 'UNKNOWN_OPERATOR', '$xor', 'User');
  rejects(t, Post, { author: { $gt: 1 } }, 'UNKNOWN_OPERATOR', '$gt', 'Post.author');
  rejects(t, User, { posts: { $any: {} } }, 'UNKNOWN_OPERATOR', '$any', 'User.posts');
});

test('malformed criteria are errors naming the property', (t) => {
  rejects(t, User, { age: { $in: 3 } }, 'BAD_CRITERIA', 'User.age', '$in');
  rejects(t, User, { name: { first: 'a' } }, 'BAD_CRITERIA', 'User.name');
  rejects(t, User, { $or: { name: 'a' } }, 'BAD_CRITERIA', '$or', 'User');
});

test('values that cannot mean what they say are errors, not silently coerced', (t) => {
  // Boolean('false') is true: a string from a query string must not invert the filter.
  rejects(t, User, { active: 'false' }, 'BAD_CRITERIA', 'User.active', 'true or false', '"false"');
  rejects(t, User, { active: { $in: [true, 'no'] } }, 'BAD_CRITERIA', 'User.active');
  rejects(t, User, { createdAt: { $gt: 'yesterday' } }, 'BAD_CRITERIA', 'User.createdAt', 'not a valid date');
  rejects(t, User, { age: { $gt: null } }, 'BAD_CRITERIA', '$gt on User.age', 'null');
  rejects(t, User, { age: { $eq: [1, 2] } }, 'BAD_CRITERIA', 'User.age');
  rejects(t, User, { age: { $like: '1%' } }, 'BAD_CRITERIA', '$like', 'User.age', 'integer');
  rejects(t, User, { name: { $ilike: 5 } }, 'BAD_CRITERIA', '$ilike on User.name', 'pattern');
  rejects(t, Post, { author: { $in: 1 } }, 'BAD_CRITERIA', '$in on Post.author');
  // 0 and 1 are how booleans come back from SQLite and MySQL: accepted.
  t.deepEqual(compile(User, { active: 1 }, 'pg').params, [true]);
});

test('a collection compared with null is an error that points at $count: 0', (t) => {
  rejects(t, User, { posts: null }, 'BAD_CRITERIA', 'User.posts', '$count: 0');
  rejects(t, User, { posts: [1, null] }, 'BAD_CRITERIA', 'User.posts');
});
