// Ordering by a relation count: "top 10 actors by films" is one query that sorts and pages in the
// database, on 1:N and M:N (both sides), by { $count } or by a count the query loads (`counts`),
// on a Sakila-like schema made with raw DDL (legacy names: film_id, film_actor).
import test from 'ava';
import { Collection, Entity, Joinery, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, UsageError, wrap, type QueryLogEntry, type Rel } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity({ tableName: 'language' })
class Language {
  @PrimaryKey({ type: 'integer', columnName: 'language_id', autoincrement: false }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Film, (f) => f.language) films = new Collection<Film>(this);
}

@Entity({ tableName: 'film' })
class Film {
  @PrimaryKey({ type: 'integer', columnName: 'film_id', autoincrement: false }) id!: number;
  @Property({ type: 'string' }) title!: string;
  @Property({ type: 'integer' }) length!: number;
  @ManyToOne(() => Language, { joinColumn: 'language_id' }) language!: Rel<Language>;
  @ManyToMany(() => Actor, (a) => a.films) actors = new Collection<Actor>(this);
}

@Entity({ tableName: 'actor' })
class Actor {
  @PrimaryKey({ type: 'integer', columnName: 'actor_id', autoincrement: false }) id!: number;
  @Property({ type: 'string', columnName: 'first_name' }) firstName!: string;
  @ManyToMany(() => Film, (f) => f.actors, { owner: true, pivotTable: 'film_actor', joinColumn: 'actor_id', inverseJoinColumn: 'film_id' })
  films = new Collection<Film>(this);
}

const DDL = [
  'CREATE TABLE language (language_id integer PRIMARY KEY, name varchar(20) NOT NULL)',
  'CREATE TABLE film (film_id integer PRIMARY KEY, title varchar(255) NOT NULL, length integer NOT NULL, language_id integer NOT NULL REFERENCES language (language_id))',
  'CREATE TABLE actor (actor_id integer PRIMARY KEY, first_name varchar(45) NOT NULL)',
  'CREATE TABLE film_actor (actor_id integer NOT NULL REFERENCES actor (actor_id), film_id integer NOT NULL REFERENCES film (film_id), PRIMARY KEY (actor_id, film_id))',
];

// Actor i plays in films 1..FILMS_OF[i]: counts 3, 0, 5, 1, 5, 2 (actors 3 and 5 tie).
const FILMS_OF = [3, 0, 5, 1, 5, 2];

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Language, Film, Actor], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  const em = orm.em.fork();
  for (const sql of DDL) await em.execute(sql);
  await em.execute("INSERT INTO language (language_id, name) VALUES (1, 'English'), (2, 'Italian'), (3, 'Japanese')");
  // Films 1-5: 1, 2 and 4 Italian, 3 English, 5 Japanese; lengths 50, 100, ... 250.
  await em.execute("INSERT INTO film (film_id, title, length, language_id) VALUES (1, 'A', 50, 2), (2, 'B', 100, 2), (3, 'C', 150, 1), (4, 'D', 200, 2), (5, 'E', 250, 3)");
  const links = FILMS_OF.flatMap((n, i) => Array.from({ length: n }, (_, f) => `(${i + 1}, ${f + 1})`));
  await em.execute(`INSERT INTO actor (actor_id, first_name) VALUES ${FILMS_OF.map((_, i) => `(${i + 1}, 'actor${i + 1}')`).join(', ')}`);
  await em.execute(`INSERT INTO film_actor (actor_id, film_id) VALUES ${links.join(', ')}`);
  log.length = 0;
  return { orm, log };
}

forEachDialect(test, 'top actors by films (M:N): one query, sorted and paged by the database', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const top = await em.find(Actor, {}, { orderBy: [{ films: { $count: 'desc' } }, { id: 'asc' }], limit: 3 });
  t.deepEqual(top.map((a) => a.id), [3, 5, 1]);
  t.is(log.length, 1, 'no actor beyond the page is loaded');
  const q = (s: string) => (db.dialect === 'mysql' ? s.replace(/"/g, '`') : s);
  t.true(log[0]!.sql.includes(q('order by (SELECT COUNT(*) FROM "film_actor" "kp" WHERE "kp"."actor_id" = "e0"."actor_id") desc, "e0"."actor_id" asc')), log[0]!.sql);
  t.false(top[0]!.films.isInitialized(), 'sorting by a count loads no items');

  // Pages: limit and offset count actors, the ties broken by id.
  const page2 = await em.find(Actor, {}, { orderBy: [{ films: { $count: 'desc' } }, { id: 'asc' }], limit: 2, offset: 2 });
  t.deepEqual(page2.map((a) => a.id), [1, 6]);
  const last = await em.find(Actor, {}, { orderBy: [{ films: { $count: 'asc' } }, { id: 'desc' }], limit: 2 });
  t.deepEqual(last.map((a) => a.id), [2, 4], 'an actor with no films counts 0');
  const [items, total] = await em.findAndCount(Actor, { firstName: { $ne: 'actor1' } }, { orderBy: [{ films: { $count: 'desc' } }, { id: 'asc' }], limit: 2 });
  t.deepEqual([items.map((a) => a.id), total], [[3, 5], 5]);
});

forEachDialect(test, 'the inverse side of the M:N and a 1:N sort by their counts too', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  // Film f is played by the actors with FILMS_OF >= f: film 1 by 5 actors, film 5 by 2.
  const films = await em.find(Film, {}, { orderBy: { actors: { $count: 'asc' }, id: 'desc' }, limit: 3 });
  t.deepEqual(films.map((f) => f.id), [5, 4, 3]);
  const languages = await em.find(Language, {}, { orderBy: [{ films: { $count: 'desc' } }, { id: 'asc' }] });
  t.deepEqual(languages.map((l) => l.name), ['Italian', 'English', 'Japanese']);
  // Through a to-one: films by how many films their language has.
  const byLanguage = await em.find(Film, {}, { orderBy: [{ language: { films: { $count: 'desc' } } }, { id: 'desc' }], limit: 2 });
  t.deepEqual(byLanguage.map((f) => f.id), [4, 2]);
});

forEachDialect(test, 'a count the query loads (counts) sorts by its name, with its criteria, and pages with populate', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const counts = { long: { relation: 'films', where: { length: { $gt: 120 } } } } as const;
  const actors = await em.find(Actor, {}, { counts, orderBy: [{ long: 'desc' }, { id: 'desc' }], limit: 3 });
  // Long films (3, 4, 5): actors 3 and 5 play in 3 of them, actor 1 in 1, the others in none.
  t.deepEqual(actors.map((a) => [a.id, wrap(a).count('long')]), [[5, 3], [3, 3], [1, 1]]);
  t.is(log.length, 2, 'the page, then its counts');

  const named = await em.find(Actor, {}, { counts: ['films'], orderBy: [{ films: 'desc' }, { id: 'asc' }], limit: 2 });
  t.deepEqual(named.map((a) => [a.id, wrap(a).count('films')]), [[3, 5], [5, 5]]);

  for (const strategy of ['joined', 'select-in'] as const) {
    const fresh = orm.em.fork();
    const withFilms = await fresh.find(Actor, {}, { populate: ['films'], strategy, counts, orderBy: [{ long: 'desc' }, { id: 'asc' }], limit: 2, offset: 1 });
    t.deepEqual(withFilms.map((a) => [a.id, a.films.count()]), [[5, 5], [1, 3]], strategy);
  }
});

forEachDialect(test, 'a collection without $count, a bad direction or extra keys are errors before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const cases: [unknown, RegExp][] = [
    [{ films: 'desc' }, /orderBy cannot sort Actor by the collection Actor\.films: .*\{ films: \{ \$count: 'desc' \} \}/],
    [{ films: { $count: 'up' } }, /orderBy Actor\.films\.\$count: direction must be 'asc' or 'desc'/],
    [{ films: { $count: 'desc', title: 'asc' } }, /orderBy cannot sort Actor by the collection Actor\.films/],
    [{ films: { title: 'asc' } }, /orderBy cannot sort Actor by the collection Actor\.films/],
  ];
  for (const [orderBy, message] of cases) {
    const e = await t.throwsAsync(em.find(Actor, {}, { orderBy: orderBy as never, limit: 1 }), { instanceOf: UsageError });
    t.is(e!.code, 'BAD_ORDER');
    t.regex(e!.message, message);
  }
  t.deepEqual(log, []);
});
