// What real schemas enforce becomes a typed error: a CHECK constraint (and a PostgreSQL domain's
// check) rejecting a row is a CheckConstraintViolationError naming table and constraint, on a schema
// made with raw DDL as a legacy database has it; a key its column cannot hold ({ id: 'abc' } on an
// integer key) is a UsageError before any SQL on every dialect.
import test from 'ava';
import { CheckConstraintViolationError, DriverError, Entity, Joinery, PrimaryKey, Property, UsageError, wrap, type QueryLogEntry } from 'joinery';
import { mapDriverError } from '../../src/drivers/error-mapping.js';
// The pure mapper is imported from the sources, so its errors are the sources' classes.
import { CheckConstraintViolationError as SourceCheckError } from '../../src/errors/index.js';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity({ tableName: 'films' })
class Film {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) title!: string;
  @Property({ type: 'integer', nullable: true }) length?: number | null;
  @Property({ type: 'integer', nullable: true }) rating?: number | null;
}

const DDL: Record<TestDb['dialect'], string[]> = {
  pg: [
    'CREATE DOMAIN rating AS smallint CONSTRAINT rating_range CHECK (VALUE BETWEEN 1 AND 5)',
    'CREATE TABLE films (id serial PRIMARY KEY, title varchar(255) NOT NULL, length integer CONSTRAINT films_length_positive CHECK (length > 0), rating rating)',
  ],
  sqlite: [
    'CREATE TABLE films (id integer PRIMARY KEY AUTOINCREMENT, title varchar(255) NOT NULL, length integer CONSTRAINT films_length_positive CHECK (length > 0), rating integer CONSTRAINT films_rating_range CHECK (rating BETWEEN 1 AND 5))',
  ],
  mysql: [
    'CREATE TABLE films (id int AUTO_INCREMENT PRIMARY KEY, title varchar(255) NOT NULL, length int, rating int, CONSTRAINT films_length_positive CHECK (length > 0), CONSTRAINT films_rating_range CHECK (rating BETWEEN 1 AND 5))',
  ],
};

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Film], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  for (const sql of DDL[db.dialect]) await orm.em.fork().execute(sql);
  log.length = 0;
  return { orm, log };
}

forEachDialect(test, 'an INSERT a CHECK constraint rejects is a CheckConstraintViolationError; fixed, the flush goes through', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const film = em.create(Film, { title: 'Academy Dinosaur', length: -86 });
  const e = await t.throwsAsync(em.flush(), { instanceOf: CheckConstraintViolationError });
  t.true(e instanceof DriverError);
  t.is(e!.code, 'CHECK_VIOLATION');
  t.is(e!.table, 'films');
  t.is(e!.constraint, 'films_length_positive');
  t.is(e!.connection, 'default');
  t.regex(e!.message, /^Check constraint films_length_positive on table films was violated: .* Fix the value/);
  t.truthy(e!.cause);
  t.is((film as { id?: number }).id, undefined, 'the entity is still new');

  film.length = 86;
  await em.flush();
  t.deepEqual(await orm.em.fork().execute('SELECT title, length FROM films'), [{ title: 'Academy Dinosaur', length: 86 }]);
});

forEachDialect(test, 'an UPDATE a CHECK constraint rejects names its constraint; memory stays dirty', async (t, db) => {
  const { orm } = await setup(t, db);
  const seed = orm.em.fork();
  seed.create(Film, { title: 'Ace Goldfinger', length: 48, rating: 3 });
  await seed.flush();
  const em = orm.em.fork();
  const film = await em.findOneOrFail(Film, { title: 'Ace Goldfinger' });
  film.rating = 9;
  const e = await t.throwsAsync(em.flush(), { instanceOf: CheckConstraintViolationError });
  t.is(e!.table, 'films');
  if (db.dialect === 'pg') {
    // A domain's check: the error names the domain and its constraint, and the table written to.
    t.is(e!.constraint, 'rating_range');
    t.is((e as CheckConstraintViolationError).domain, 'rating');
    t.regex(e!.message, /^The check rating_range of domain rating \(a column of table films\) was violated/);
  } else {
    t.is(e!.constraint, 'films_rating_range');
    t.is((e as CheckConstraintViolationError).domain, undefined);
  }
  film.rating = 5;
  await em.flush();
  t.deepEqual(await orm.em.fork().execute('SELECT rating FROM films'), [{ rating: 5 }]);
});

forEachDialect(test, 'em.nativeUpdate rejected by a CHECK constraint is a CheckConstraintViolationError too', async (t, db) => {
  const { orm } = await setup(t, db);
  const seed = orm.em.fork();
  seed.create(Film, { title: 'Agent Truman', length: 169 });
  await seed.flush();
  const e = await t.throwsAsync(orm.em.fork().nativeUpdate(Film, { title: 'Agent Truman' }, { length: 0 }), { instanceOf: CheckConstraintViolationError });
  t.is(e!.constraint, 'films_length_positive');
  t.is(e!.table, 'films');
});

forEachDialect(test, "a key its column cannot hold ({ id: 'abc' } on an integer key) is a UsageError before any SQL", async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  // An id read from a raw row or a URL is often a string: a numeric one is fine.
  t.deepEqual(await em.find(Film, { id: '1' as never }), []);
  log.length = 0;
  const calls: [string, () => unknown][] = [
    ['find', () => em.find(Film, { id: 'abc' as never })],
    ['findOne (bare key)', () => em.findOne(Film, 'abc' as never)],
    ['findOne', () => em.findOne(Film, { id: { $in: [1, 'abc'] } } as never)],
    ['count', () => em.count(Film, { id: 'abc' as never })],
    ['nativeDelete', () => em.nativeDelete(Film, { id: 'abc' as never })],
    ['getReference', () => em.getReference(Film, 'abc')],
    ['getReference (fraction)', () => em.getReference(Film, 1.5)],
  ];
  for (const [name, call] of calls) {
    const e = await t.throwsAsync(async () => call(), { instanceOf: UsageError }, name);
    t.regex(e!.message, /Film\.id must be an integer, got/, name);
  }
  const ref = await t.throwsAsync(async () => wrap(em.getReference(Film, 'abc')).init(), { instanceOf: UsageError });
  t.is(ref!.code, 'BAD_PRIMARY_KEY');
  t.regex(ref!.message, /^em\.getReference\(Film, "abc"\): Film\.id must be an integer, got "abc"/);
  t.deepEqual(log.map((q) => q.sql), [], 'nothing reached the database');
  t.is(em.getReference(Film, '7').id as unknown, '7', 'a numeric string is a key its column holds');
});

// The mapping is pure: MySQL 8's format (no server of it here) and an unnamed SQLite check, directly.
test('mapDriverError: MySQL 8 check errors name the constraint, the statement names the table; unnamed SQLite checks', (t) => {
  const mysql8 = Object.assign(new Error("Check constraint 'films_length_positive' is violated."), { errno: 3819, code: 'ER_CHECK_CONSTRAINT_VIOLATED' });
  const mapped = mapDriverError(mysql8, 'mysql', 'default', 'insert into `films` (`title`, `length`) values (?, ?)') as SourceCheckError;
  t.true(mapped instanceof SourceCheckError);
  t.is(mapped.table, 'films');
  t.is(mapped.constraint, 'films_length_positive');
  t.is(mapped.cause, mysql8);
  const unnamed = mapDriverError(Object.assign(new Error('CHECK constraint failed: length > 0'), { code: 'SQLITE_CONSTRAINT_CHECK' }), 'sqlite', 'default', 'update "films" set "length" = ? where "id" = ?') as SourceCheckError;
  t.true(unnamed instanceof SourceCheckError);
  t.is(unnamed.table, 'films');
  t.is(unnamed.constraint, 'length > 0');
  t.is(unnamed.message, 'Check constraint length > 0 on table films was violated: the database refused a value it does not allow. Fix the value; a validate function or enum on the property catches it before any SQL.');
});
