// Removing an entity removes the M:N link rows joinery owns first, in the same flush: legacy join
// tables are often ON DELETE RESTRICT (here film_actor and film_category, created with raw DDL as
// Sakila has them), so the database would refuse the entity's DELETE while a link is left.
import test from 'ava';
import {
  AfterDelete, BeforeDelete, Collection, Entity, Joinery, ManyToMany, ManyToOne, PrimaryKey, Property, type QueryLogEntry, type Rel,
} from 'joinery';
import { withoutCommitRecords } from '../support/commit-records.js';
import { forEachDialect, type TestDb } from '../support/databases.js';

const hookCalls: string[] = [];

@Entity({ tableName: 'actor' })
class Actor {
  @PrimaryKey({ columnName: 'actor_id' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @ManyToMany(() => Film, (f) => f.actors) films = new Collection<Film>(this);
}

@Entity({ tableName: 'category' })
class Category {
  @PrimaryKey({ columnName: 'category_id' }) id!: number;
  @Property({ type: 'string' }) name!: string;
}

@Entity({ tableName: 'film' })
class Film {
  @PrimaryKey({ columnName: 'film_id' }) id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToMany(() => Actor, (a) => a.films, { owner: true, pivotTable: 'film_actor', joinColumn: 'film_id', inverseJoinColumn: 'actor_id' })
  actors = new Collection<Actor>(this);
  @ManyToMany(() => Category, undefined, { owner: true, through: () => FilmCategory }) categories = new Collection<Category>(this);
}

@Entity({ tableName: 'film_category' })
class FilmCategory {
  @ManyToOne(() => Film, { joinColumn: 'film_id' }) film!: Rel<Film>;
  @ManyToOne(() => Category, { joinColumn: 'category_id' }) category!: Rel<Category>;
  @Property({ type: 'string', nullable: true }) note?: string | null;

  @BeforeDelete() before() {
    hookCalls.push(`before ${this.film.id}/${this.category.id}`);
  }
  @AfterDelete() after() {
    hookCalls.push(`after ${this.film.id}/${this.category.id}`);
  }
}

const ID: Record<TestDb['dialect'], string> = {
  sqlite: 'integer primary key',
  pg: 'serial primary key',
  mysql: 'int auto_increment primary key',
};

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Actor, Category, Film, FilmCategory], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  const q = (s: string) => (db.dialect === 'mysql' ? s.replace(/"/g, '`') : s);
  const run = (sql: string) => orm.em.fork().execute(q(sql));
  const restrict = (table: string, column: string) => `foreign key ("${column}") references "${table}" ("${column}") on delete restrict`;
  await run(`create table "film" ("film_id" ${ID[db.dialect]}, "title" varchar(100) not null)`);
  await run(`create table "actor" ("actor_id" ${ID[db.dialect]}, "name" varchar(100) not null)`);
  await run(`create table "category" ("category_id" ${ID[db.dialect]}, "name" varchar(50) not null)`);
  await run(
    `create table "film_actor" ("actor_id" integer not null, "film_id" integer not null, primary key ("actor_id", "film_id"), ` +
      `constraint "fk_film_actor_actor" ${restrict('actor', 'actor_id')}, constraint "fk_film_actor_film" ${restrict('film', 'film_id')})`,
  );
  await run(
    `create table "film_category" ("film_id" integer not null, "category_id" integer not null, "note" varchar(50), primary key ("film_id", "category_id"), ` +
      `constraint "fk_film_category_film" ${restrict('film', 'film_id')}, constraint "fk_film_category_category" ${restrict('category', 'category_id')})`,
  );
  const em = orm.em.fork();
  const penelope = em.create(Actor, { name: 'Penelope' });
  const nick = em.create(Actor, { name: 'Nick' });
  const action = em.create(Category, { name: 'Action' });
  const comedy = em.create(Category, { name: 'Comedy' });
  const films = ['Academy Dinosaur', 'Ace Goldfinger', 'Adaptation Holes'].map((title) => {
    const film = em.create(Film, { title });
    film.actors.add(penelope, nick);
    film.categories.add(action, comedy);
    return film;
  });
  await em.flush();
  hookCalls.length = 0;
  log.length = 0;
  const sql = () => withoutCommitRecords(log.map((l) => l.sql.replace(/\$\d+/g, '?')));
  return { orm, sql, q, ids: { films: films.map((f) => f.id), penelope: penelope.id, nick: nick.id, action: action.id } };
}

const inList = (db: TestDb, n: number) => (db.dialect === 'pg' ? '= ANY(?)' : `IN (${Array(n).fill('?').join(', ')})`);
const count = async (orm: Joinery, table: string) => Number((await orm.em.fork().execute<{ n: unknown }>(`select count(*) as n from ${table}`))[0]!.n);

forEachDialect(test, 'em.remove(film): its join-table rows and through entities go first, in one flush', async (t, db) => {
  const { orm, sql, q, ids } = await setup(t, db);
  const em = orm.em.fork();
  em.remove(em.getReference(Film, ids.films[0]!));
  await em.flush();
  const writes = sql().filter((s) => !/^select/i.test(s));
  t.deepEqual(writes, [
    'BEGIN;',
    q(`DELETE FROM "film_actor" WHERE "film_id" ${inList(db, 1)}`),
    q(`DELETE FROM "film_category" WHERE ("film_id", "category_id") IN ((?, ?), (?, ?))`),
    q(`DELETE FROM "film" WHERE "film_id" ${inList(db, 1)}`),
    'COMMIT;',
  ]);
  // The through entities were loaded (one query) and removed as entities: their hooks ran.
  t.is(sql().filter((s) => /^select/i.test(s)).length, 1);
  t.deepEqual(hookCalls.sort(), [`after ${ids.films[0]}/${ids.action}`, `after ${ids.films[0]}/${ids.action + 1}`, `before ${ids.films[0]}/${ids.action}`, `before ${ids.films[0]}/${ids.action + 1}`]);
  t.is(await count(orm, 'film'), 2);
  t.is(await count(orm, 'film_actor'), 4);
  t.is(await count(orm, 'film_category'), 4);
});

forEachDialect(test, 'removing many entities: one DELETE per join table and side, by key list', async (t, db) => {
  const { orm, sql, q, ids } = await setup(t, db);
  const em = orm.em.fork();
  const films = await em.find(Film, {});
  em.remove(films);
  em.remove(em.getReference(Actor, ids.nick));
  await em.flush();
  const deletes = sql().filter((s) => /^DELETE/.test(s));
  t.deepEqual(deletes, [
    q(`DELETE FROM "film_actor" WHERE "film_id" ${inList(db, 3)}`),
    q(`DELETE FROM "film_actor" WHERE "actor_id" ${inList(db, 1)}`),
    q(`DELETE FROM "film_category" WHERE ("film_id", "category_id") IN (${Array(6).fill('(?, ?)').join(', ')})`),
    q(`DELETE FROM "film" WHERE "film_id" ${inList(db, 3)}`),
    q(`DELETE FROM "actor" WHERE "actor_id" ${inList(db, 1)}`),
  ]);
  t.is(hookCalls.filter((h) => h.startsWith('before')).length, 6);
  t.deepEqual([await count(orm, 'film'), await count(orm, 'actor'), await count(orm, 'film_actor'), await count(orm, 'film_category')], [0, 1, 0, 0]);
});

forEachDialect(test, 'removing the inverse side (an actor) deletes its links by the other column', async (t, db) => {
  const { orm, sql, q, ids } = await setup(t, db);
  const em = orm.em.fork();
  em.remove(em.getReference(Actor, ids.penelope));
  await em.flush();
  t.deepEqual(sql(), ['BEGIN;', q(`DELETE FROM "film_actor" WHERE "actor_id" ${inList(db, 1)}`), q(`DELETE FROM "actor" WHERE "actor_id" ${inList(db, 1)}`), 'COMMIT;']);
  t.is(await count(orm, 'film_actor'), 3);
  const film = await orm.em.fork().findOneOrFail(Film, { id: ids.films[0]! }, { populate: ['actors'] });
  t.deepEqual(film.actors.getItems().map((a) => a.name), ['Nick']);
});

forEachDialect(test, 'removeAll() and remove() of the film in the same flush: one flush, no FK violation', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  const film = await em.findOneOrFail(Film, { id: ids.films[1]! });
  film.actors.removeAll();
  em.remove(film);
  await em.flush();
  t.is(await count(orm, 'film'), 2);
  t.is(await count(orm, 'film_actor'), 4);
});

forEachDialect(test, 'removing the target of a through relation (a category) removes its link entities with their hooks', async (t, db) => {
  const { orm, ids } = await setup(t, db);
  const em = orm.em.fork();
  em.remove(em.getReference(Category, ids.action));
  await em.flush();
  t.deepEqual(hookCalls.filter((h) => h.startsWith('after')).sort(), ids.films.map((f) => `after ${f}/${ids.action}`).sort());
  t.is(await count(orm, 'category'), 1);
  t.is(await count(orm, 'film_category'), 3);
});

forEachDialect(test, 'a film with no links still deletes cleanly (the link DELETE matches nothing)', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const lonely = em.create(Film, { title: 'Lonely' });
  await em.flush();
  em.remove(lonely);
  await em.flush();
  t.is(await count(orm, 'film'), 3);
});
