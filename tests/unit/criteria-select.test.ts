// SELECT assembly: orderBy through to-one relations (LEFT JOINs), NULL placement, limit/offset,
// and the UPDATE/DELETE statements of nativeUpdate/nativeDelete. Exact SQL per dialect, no database.
import test, { type ExecutionContext } from 'ava';
import knex from 'knex';
import { Collection, Entity, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, UsageError, type Rel } from '../../src/index.js';
import type { Driver } from '../../src/drivers/driver.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import type { Dialect } from '../../src/metadata/types.js';
import { orderColumns, SelectBuilder, type SelectOptions } from '../../src/query/select-builder.js';

@Entity()
class User {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) email!: string;
  @Property({ type: 'string', nullable: true }) name?: string | null;
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
  @ManyToOne(() => Post, { nullable: true }) parent?: Rel<Post> | null;
}

@Entity()
class Comment {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Post) post!: Rel<Post>;
}

@Entity()
class Category {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToOne(() => Category, { nullable: true }) parent?: Rel<Category> | null;
  @OneToMany(() => Category, (c) => c.parent) children = new Collection<Category>(this);
}

const meta = discoverMetadata([User, Profile, Post, Comment, Category]);
const CLIENTS: Record<Dialect, string> = { sqlite: 'better-sqlite3', pg: 'pg', mysql: 'mysql2' };

/** A builder on a knex that never connects: toSQL() needs only the dialect. */
function builder(dialect: Dialect): SelectBuilder {
  const k = knex({ client: CLIENTS[dialect], useNullAsDefault: true });
  return new SelectBuilder({ dialect, knex: k } as unknown as Driver);
}

function select(entity: Function, where: unknown, options: SelectOptions, dialect: Dialect = 'pg') {
  return builder(dialect).select(meta.get(entity), where, options);
}

const POST_COLS = 'select "e0"."id", "e0"."title", "e0"."author_id", "e0"."parent_id" from "posts" as "e0"';

test('orderBy own columns and a to-one FK need no join', (t) => {
  t.deepEqual(select(Post, undefined, { orderBy: { title: 'asc', id: 'DESC' } }), {
    sql: `${POST_COLS} order by "e0"."title" asc, "e0"."id" desc`,
    params: [],
  });
  t.is(select(Post, undefined, { orderBy: { author: 'desc' } }).sql, `${POST_COLS} order by "e0"."author_id" desc`);
});

test('orderBy a to-one relation’s property LEFT JOINs it once per path', (t) => {
  t.is(
    select(Post, undefined, { orderBy: [{ author: { name: 'asc' } }, { author: { email: 'desc' } }, { id: 'asc' }] }).sql,
    `${POST_COLS} left join "users" as "j1" on "j1"."id" = "e0"."author_id" order by "j1"."name" asc, "j1"."email" desc, "e0"."id" asc`,
  );
});

test('orderBy at any depth, and through the inverse side of a one-to-one', (t) => {
  t.is(
    select(Comment, undefined, { orderBy: { post: { author: { email: 'desc' } } } }).sql,
    'select "e0"."id", "e0"."post_id" from "comments" as "e0" left join "posts" as "j1" on "j1"."id" = "e0"."post_id" ' +
      'left join "users" as "j2" on "j2"."id" = "j1"."author_id" order by "j2"."email" desc',
  );
  t.is(
    select(Post, undefined, { orderBy: { author: { profile: { bio: 'asc' } } } }).sql,
    `${POST_COLS} left join "users" as "j1" on "j1"."id" = "e0"."author_id" left join "profiles" as "j2" on "j2"."user_id" = "j1"."id" order by "j2"."bio" asc`,
  );
  t.is(
    select(User, undefined, { orderBy: { profile: 'asc' } }).sql,
    'select "e0"."id", "e0"."email", "e0"."name" from "users" as "e0" left join "profiles" as "j1" on "j1"."user_id" = "e0"."id" order by "j1"."id" asc',
  );
  // A self-reference joins the same table under another alias.
  t.is(
    select(Post, undefined, { orderBy: { parent: { parent: { title: 'asc' } } } }).sql,
    `${POST_COLS} left join "posts" as "j1" on "j1"."id" = "e0"."parent_id" left join "posts" as "j2" on "j2"."id" = "j1"."parent_id" order by "j2"."title" asc`,
  );
});

test('joined ordering with criteria, limit and offset: values bound, one row per root', (t) => {
  const pg = select(Post, { author: { name: 'Ann' } }, { orderBy: { author: { name: 'asc' } }, limit: 2, offset: 4 });
  t.deepEqual(pg, {
    sql:
      `${POST_COLS} left join "users" as "j1" on "j1"."id" = "e0"."author_id" ` +
      'where "e0"."author_id" IN (SELECT "e1"."id" FROM "users" "e1" WHERE "e1"."name" = ?) order by "j1"."name" asc limit ? offset ?',
    params: ['Ann', 2, 4],
  });
  const mysql = select(Post, { title: 'x' }, { orderBy: { author: { name: 'asc' } }, limit: 2, offset: 4 }, 'mysql');
  t.deepEqual(mysql, {
    sql:
      'select `e0`.`id`, `e0`.`title`, `e0`.`author_id`, `e0`.`parent_id` from `posts` as `e0` left join `users` as `j1` on `j1`.`id` = `e0`.`author_id` ' +
      'where `e0`.`title` = ? order by `j1`.`name` asc limit ? offset ?',
    params: ['x', 2, 4],
  });
});

test('a limit without joins or offset is written into the SQL, not bound (SQLite is far slower with a bound LIMIT)', (t) => {
  for (const dialect of ['sqlite', 'pg', 'mysql'] as const) {
    const stmt = select(Post, { id: 7 }, { limit: 1 }, dialect);
    t.true(stmt.sql.endsWith(' = ? limit 1'), stmt.sql);
    t.deepEqual(stmt.params, [7]);
  }
});

test('nulls first / last: native on PostgreSQL and SQLite, emulated on MySQL', (t) => {
  const options: SelectOptions = { orderBy: { author: { name: 'asc nulls last' }, title: 'DESC NULLS FIRST' } };
  t.regex(select(Post, undefined, options, 'pg').sql, /order by "j1"\."name" asc nulls last, "e0"\."title" desc nulls first$/);
  t.regex(select(Post, undefined, options, 'sqlite').sql, /order by "j1"\."name" asc nulls last, "e0"\."title" desc nulls first$/);
  t.regex(
    select(Post, undefined, options, 'mysql').sql,
    /order by `j1`\.`name` is null asc, `j1`\.`name` asc, `e0`\.`title` is null desc, `e0`\.`title` desc$/,
  );
});

function rejects(t: ExecutionContext, entity: Function, options: SelectOptions, code: string, ...mentions: string[]): void {
  for (const dialect of ['sqlite', 'pg', 'mysql'] as const) {
    const error = t.throws(() => select(entity, undefined, options, dialect), { instanceOf: UsageError });
    t.is(error!.code, code);
    for (const m of mentions) t.true(error!.message.includes(m), `"${error!.message}" should mention ${m}`);
  }
}

test('orderBy errors name Entity.property and say what to do', (t) => {
  rejects(t, Post, { orderBy: { titel: 'asc' } }, 'UNKNOWN_PROPERTY', 'Post.titel', 'title');
  rejects(t, Post, { orderBy: { author: { nmae: 'asc' } } }, 'UNKNOWN_PROPERTY', 'User.nmae');
  rejects(t, Post, { orderBy: { title: 'up' as never } }, 'BAD_ORDER', 'Post.title', '"up"');
  rejects(t, Post, { orderBy: { author: { name: 1 as never } } }, 'BAD_ORDER', 'User.name');
  rejects(t, Post, { orderBy: { title: 'asc nulls middle' as never } }, 'BAD_ORDER', 'Post.title');
  rejects(t, User, { orderBy: { posts: 'asc' } }, 'BAD_ORDER', 'collection User.posts');
  rejects(t, Post, { orderBy: { author: { posts: { title: 'asc' } } } }, 'BAD_ORDER', 'collection User.posts');
  rejects(t, Post, { orderBy: { title: { x: 'asc' } } }, 'BAD_ORDER', 'Post.title', 'direction');
  rejects(t, Post, { orderBy: { author: {} } }, 'BAD_ORDER', 'Post.author', 'empty');
  rejects(t, Post, { orderBy: 'title' as never }, 'BAD_ORDER', 'Post');
  rejects(t, Post, { limit: -1 }, 'BAD_OPTION', 'limit');
  rejects(t, Post, { offset: 1.5 }, 'BAD_OPTION', 'offset');
});

test('orderColumns (flat orderBy of other queries) rejects what it cannot express', (t) => {
  t.deepEqual(orderColumns(meta.get(Post), { title: 'asc', author: 'DESC' }), [['title', 'asc'], ['author_id', 'desc']]);
  t.is(t.throws(() => orderColumns(meta.get(Post), { author: { name: 'asc' } }), { instanceOf: UsageError })!.code, 'BAD_ORDER');
  t.is(t.throws(() => orderColumns(meta.get(Post), { title: 'asc nulls last' }), { instanceOf: UsageError })!.code, 'BAD_ORDER');
});

// ---- nativeUpdate / nativeDelete ----

test('UPDATE and DELETE: the table is its own alias; MySQL reads the modified table through a derived table', (t) => {
  const where = { parent: { name: 'old' } };
  t.deepEqual(builder('pg').delete(meta.get(Category), where), {
    sql: 'DELETE FROM "categories" WHERE "categories"."parent_id" IN (SELECT "e0"."id" FROM "categories" "e0" WHERE "e0"."name" = ?)',
    params: ['old'],
  });
  // MySQL error 1093: a subquery may not read the table being modified unless it is materialized;
  // MariaDB must not evaluate it per row either, or it sees rows the statement already deleted.
  t.deepEqual(builder('mysql').delete(meta.get(Category), where), {
    sql:
      'DELETE FROM `categories` WHERE `categories`.`parent_id` IN ' +
      '(SELECT * FROM (SELECT DISTINCT * FROM (SELECT `e0`.`id` FROM `categories` `e0` WHERE `e0`.`name` = ?) `e0_rows`) `e0_keys`)',
    params: ['old'],
  });
  t.deepEqual(builder('mysql').update(meta.get(Category), { children: { $count: 0 } }, [{ column: 'name', value: 'leaf' }]), {
    sql:
      'UPDATE `categories` SET `name` = ? WHERE `categories`.`id` NOT IN (SELECT * FROM (SELECT DISTINCT * FROM (SELECT `e0`.`parent_id` FROM `categories` `e0` ' +
      'WHERE `e0`.`parent_id` IS NOT NULL GROUP BY `e0`.`parent_id` HAVING NOT (COUNT(*) = ?)) `e0_rows`) `e0_keys`)',
    params: ['leaf', 0],
  });
  // Other tables are read directly.
  t.deepEqual(builder('mysql').delete(meta.get(Comment), { post: { title: 'x' } }), {
    sql: 'DELETE FROM `comments` WHERE `comments`.`post_id` IN (SELECT `e0`.`id` FROM `posts` `e0` WHERE `e0`.`title` = ?)',
    params: ['x'],
  });
});

test('selectsEveryRow: criteria with no condition at all, decided before any SQL', (t) => {
  const b = builder('pg');
  for (const where of [undefined, {}, { name: undefined }, { $and: [] }, { $or: [{}, { id: 1 }] }, { id: { $nin: [] } }]) {
    t.true(b.selectsEveryRow(meta.get(Category), where), JSON.stringify(where) ?? 'undefined');
  }
  for (const where of [1, { id: 1 }, { $or: [] }, { parent: null }, { children: { $count: 0 } }, { $not: { name: 'x' } }]) {
    t.false(b.selectsEveryRow(meta.get(Category), where), JSON.stringify(where));
  }
  t.is(t.throws(() => b.selectsEveryRow(meta.get(Category), { constructor: 1 }), { instanceOf: UsageError })!.code, 'UNKNOWN_PROPERTY');
});
