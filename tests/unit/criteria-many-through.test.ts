// $count / $where on a has-many-through (@ManyThrough): the whole path joined in one key subquery,
// reduced to distinct (owner, item) rows before counting, so that an item reached by several paths
// counts once. Exact SQL and params per dialect, and the mistakes that fail before any SQL.
import test from 'ava';
import { Collection, Entity, ManyThrough, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import type { ManyThroughProperty } from '../../src/metadata/types.js';
import { throughJoins } from '../../src/query/many-through-joins.js';
import { CriteriaCompiler } from '../../src/query/criteria.js';
import { SqlDialect } from '../../src/query/sql-dialect.js';
import { criteriaAsserts } from '../support/criteria-asserts.js';

@Entity({ tableName: 'tags' })
class Tag {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
}

@Entity({ tableName: 'posts' })
class Post {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToMany(() => Tag, undefined, { pivotTable: 'post_tags' }) tags = new Collection<Tag>(this);
}

@Entity({ tableName: 'users' })
class User {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Country) country!: Rel<Country>;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
}

@Entity({ tableName: 'countries' })
class Country {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => User, (u) => u.country) users = new Collection<User>(this);
  @ManyThrough(() => Post, 'users.posts') posts = new Collection<Post>(this);
  @ManyThrough(() => Tag, 'users.posts.tags') tags = new Collection<Tag>(this);
}

const meta = discoverMetadata([Country, User, Post, Tag]);
const { compile, same, rejects } = criteriaAsserts(meta);

test('throughJoins walks the path back from the target to the owner', (t) => {
  const country = meta.get(Country);
  const prop = country.propertiesByName.tags as ManyThroughProperty;
  const joins = throughJoins((s) => `"${s}"`, country, prop, { entity: (i) => (i === 3 ? 'e0' : `h${i}`), pivot: (i) => `p${i}` });
  t.deepEqual(joins, [
    { table: 'post_tags', alias: 'p2', on: '"p2"."tag_id" = "e0"."id"' },
    { table: 'posts', alias: 'h2', on: '"h2"."id" = "p2"."post_id"' },
    { table: 'users', alias: 'h1', on: '"h2"."author_id" = "h1"."id"' },
    { table: 'countries', alias: 'h0', on: '"h1"."country_id" = "h0"."id"' },
  ]);
});

test('$count on a has-many-through counts distinct items per owner', (t) => {
  same(
    t,
    Country,
    { tags: { $count: { $gt: 2 } } },
    '"e0"."id" IN (SELECT "e5_distinct"."k0" FROM (SELECT DISTINCT "e1"."id" AS "k0", "e5"."id" AS "d0" FROM "tags" "e5"' +
      ' INNER JOIN "post_tags" "e4" ON "e4"."tag_id" = "e5"."id" INNER JOIN "posts" "e3" ON "e3"."id" = "e4"."post_id"' +
      ' INNER JOIN "users" "e2" ON "e3"."author_id" = "e2"."id" INNER JOIN "countries" "e1" ON "e2"."country_id" = "e1"."id")' +
      ' "e5_distinct" GROUP BY "e5_distinct"."k0" HAVING COUNT(*) > ?)',
    [2],
  );
});

test('$where on a has-many-through says which items to count; a count that 0 satisfies asks for the complement', (t) => {
  same(
    t,
    Country,
    { posts: { $count: { $lt: 2 }, $where: { title: 'News' } } },
    '"e0"."id" NOT IN (SELECT "e3_distinct"."k0" FROM (SELECT DISTINCT "e1"."id" AS "k0", "e3"."id" AS "d0" FROM "posts" "e3"' +
      ' INNER JOIN "users" "e2" ON "e3"."author_id" = "e2"."id" INNER JOIN "countries" "e1" ON "e2"."country_id" = "e1"."id"' +
      ' WHERE "e3"."title" = ?) "e3_distinct" GROUP BY "e3_distinct"."k0" HAVING NOT (COUNT(*) < ?))',
    ['News', 2],
  );
});

test('$count beside $some on a has-many-through: both must hold', (t) => {
  const { sql, params } = compile(Country, { posts: { $count: 1, $some: { title: 'x' } } });
  t.regex(sql, /^\("e0"\."id" IN \(SELECT "e3_distinct"\."k0" .* HAVING COUNT\(\*\) = \?\)\) AND \("e0"\."id" IN \(SELECT "e4"\."country_id" FROM "users"/);
  t.deepEqual(params, [1, 'x']);
});

test('an UPDATE of the owner table on MySQL reads the count from materialized derived tables', (t) => {
  const compiler = new CriteriaCompiler(new SqlDialect('mysql'), { mutatedTable: 'countries' });
  const { sql } = compiler.compile(meta.get(Country), { posts: { $count: 0 } }, 'countries');
  t.true(sql.startsWith('`countries`.`id` NOT IN (SELECT * FROM (SELECT DISTINCT * FROM (SELECT `e2_distinct`.`k0` FROM (SELECT DISTINCT'), sql);
});

test('$count / $where mistakes on a has-many-through fail before any SQL', (t) => {
  rejects(t, Country, { posts: { $where: { title: 'x' } } }, 'BAD_CRITERIA', 'Country.posts', '$count');
  rejects(t, Country, { posts: { $count: 'many' } }, 'BAD_CRITERIA', 'Country.posts');
  rejects(t, Country, { posts: { $count: { $between: [1, 2] } } }, 'UNKNOWN_OPERATOR', '$between', 'Country.posts');
  rejects(t, Country, { posts: { $count: 1, $where: 'x' } }, 'BAD_CRITERIA', '$where on Country.posts');
  rejects(t, Country, { posts: { $count: 1, title: 'x' } }, 'BAD_CRITERIA', 'Country.posts mixes $count with title');
  rejects(t, Country, { posts: { $count: 1, $where: { nope: 1 } } }, 'UNKNOWN_PROPERTY', 'Post.nope');
});
