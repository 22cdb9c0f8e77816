// Regression: when the reply to COMMIT was lost (the connection died after the server committed),
// the flush failed with entities still `new`, and the documented "fix and retry" inserted every row
// a second time (100 rows became 200). The pooled connection whose COMMIT failed was also handed
// out again, so the first retry after a killed COMMIT failed too. Now a COMMIT that fails with its
// connection is settled on a new connection (pg: txid_status of the id taken with BEGIN; MySQL and
// MariaDB: the transaction's marker row): committed is a successful flush, rolled back a clean
// failure whose retry writes once, and unknown a CommitOutcomeUnknownError that keeps flush() from
// retrying until em.resolveInDoubt() says what happened.
//
// Faults go through tests/support/fault-proxy.ts on 127.0.0.1; sessions are killed from a separate
// connection (pg_terminate_backend / KILL) while the proxy holds the statement back.
import test, { type ExecutionContext } from 'ava';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import {
  CommitOutcomeUnknownError, DriverError, Entity, Joinery, ManyToOne, PrimaryKey, Property, UsageError,
  type QueryLogEntry,
} from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { FaultProxy } from '../support/fault-proxy.js';

@Entity({ tableName: 'lc_authors' })
class Author {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
}

@Entity({ tableName: 'lc_books' })
class Book {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => Author) author!: Author;
}

const ROWS = 100;
const SERVERS = { dialects: ['pg', 'mysql'] as const };

interface Setup {
  orm: Joinery;
  proxy: FaultProxy;
  log: QueryLogEntry[];
  /** Rows per table, counted on a connection of its own (not through the proxy). */
  counts(): Promise<{ authors: number; books: number }>;
  /** Ends the ORM's sessions from another connection and waits until the server has let them go. */
  killSessions(): Promise<void>;
}

async function setup(t: ExecutionContext, db: TestDb): Promise<Setup> {
  const dialect = db.dialect as 'pg' | 'mysql';
  const proxy = await FaultProxy.start(dialect, db.config);
  t.teardown(() => proxy.close());
  const log: QueryLogEntry[] = [];
  // One pooled connection: the transaction's is the only one, and the pool must recover from losing it.
  const orm = await Joinery.init({ entities: [Author, Book], ...proxy.config, pool: { min: 0, max: 1 }, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  // The first flush sets up what settling needs (MySQL's marker table), and opens the pool's connection.
  const warm = orm.em.fork();
  warm.create(Author, { name: 'warm-up' });
  await warm.flush();
  await warm.nativeDelete(Author, { name: 'warm-up' });
  log.length = 0;
  const direct = typeof db.config.connection === 'string' ? db.config.connection : '';
  return {
    orm,
    proxy,
    log,
    counts: () => countDirect(dialect, direct),
    killSessions: () => killSessions(dialect, direct, db.database),
  };
}

async function countDirect(dialect: 'pg' | 'mysql', url: string): Promise<{ authors: number; books: number }> {
  const sql = 'select (select count(*) from lc_authors) as authors, (select count(*) from lc_books) as books';
  if (dialect === 'pg') {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query(sql);
      return { authors: Number(rows[0].authors), books: Number(rows[0].books) };
    } finally {
      await c.end();
    }
  }
  const c = await createConnection({ uri: url });
  try {
    const [rows] = (await c.query(sql)) as unknown as [{ authors: number; books: number }[]];
    return { authors: Number(rows[0]!.authors), books: Number(rows[0]!.books) };
  } finally {
    await c.end();
  }
}

async function killSessions(dialect: 'pg' | 'mysql', url: string, database: string): Promise<void> {
  const deadline = Date.now() + 5000;
  if (dialect === 'pg') {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      const others = 'from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()';
      const { rows } = await c.query(`select pg_terminate_backend(pid) as killed ${others}`, [database]);
      if (!rows.length) throw new Error('no session to kill');
      while ((await c.query(`select pid ${others}`, [database])).rows.length) {
        if (Date.now() > deadline) throw new Error('the killed session is still there');
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await c.end();
    }
    return;
  }
  const c = await createConnection({ uri: url });
  try {
    const others = async () => ((await c.query('select id from information_schema.processlist where db = ? and id <> connection_id()', [database])) as unknown as [{ id: number }[]])[0];
    const sessions = await others();
    if (!sessions.length) throw new Error('no session to kill');
    for (const { id } of sessions) await c.query(`kill ${Number(id)}`).catch(() => undefined);
    while ((await others()).length) {
      if (Date.now() > deadline) throw new Error('the killed session is still there');
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await c.end();
  }
}

/** 100 authors with a book each: two INSERTs in one transaction. */
function createRows(em: ReturnType<Joinery['em']['fork']>): { authors: Author[]; books: Book[] } {
  const authors: Author[] = [];
  const books: Book[] = [];
  for (let i = 0; i < ROWS; i++) {
    const author = em.create(Author, { name: `a${i}` });
    authors.push(author);
    books.push(em.create(Book, { title: `b${i}`, author }));
  }
  return { authors, books };
}

const ids = (entities: { id?: number }[]) => entities.map((e) => e.id as number | undefined);

/** The pool works again: a new flush and a query through the proxy. */
async function assertPoolWorks(t: ExecutionContext, s: Setup, expectedAuthors: number): Promise<void> {
  const em = s.orm.em.fork();
  em.create(Author, { name: 'after' });
  await em.flush();
  t.is(await s.orm.em.fork().count(Author), expectedAuthors + 1);
}

forEachDialect(test, 'a COMMIT whose reply is lost is settled as committed: the flush succeeds, and nothing is written twice', async (t, db) => {
  const s = await setup(t, db);
  const em = s.orm.em.fork();
  const { authors, books } = createRows(em);
  s.proxy.loseNextCommitReply();
  await em.flush();
  t.is(s.proxy.lostReplies, 1, 'the reply to COMMIT was dropped');
  t.true(s.log.some((q) => (db.dialect === 'pg' ? /txid_status/ : /joinery_commit_markers .*lock in share mode/).test(q.sql)), 'the outcome was asked for');
  // Memory took the flush as done: keys from RETURNING / insertId, identity map, no longer new.
  t.true(ids(authors).every((id) => typeof id === 'number'));
  t.is(new Set(ids(books)).size, ROWS);
  t.is(await em.findOne(Author, authors[0]!.id), authors[0]!);
  t.deepEqual(await s.counts(), { authors: ROWS, books: ROWS });
  // A flush "to be sure" writes nothing.
  s.log.length = 0;
  await em.flush();
  t.deepEqual(s.log, []);
  t.deepEqual(await s.counts(), { authors: ROWS, books: ROWS });
  await assertPoolWorks(t, s, ROWS);
}, SERVERS);

forEachDialect(test, 'a session killed during COMMIT is settled as rolled back: memory as before, one retry writes every row once', async (t, db) => {
  const s = await setup(t, db);
  const em = s.orm.em.fork();
  const { authors, books } = createRows(em);
  s.proxy.beforeNextCommit(() => s.killSessions());
  const err = await t.throwsAsync(em.flush(), { instanceOf: DriverError });
  t.is(err!.code, 'COMMIT_ROLLED_BACK', err!.message);
  t.regex(err!.message, /did not commit.*retrying it \(flush\(\) again\) is safe/);
  t.deepEqual(await s.counts(), { authors: 0, books: 0 });
  t.true(ids(authors).every((id) => id === undefined), 'new entities are still new');
  // The connection whose COMMIT failed was discarded: the very first retry works.
  await em.flush();
  t.true(ids(books).every((id) => typeof id === 'number'));
  t.deepEqual(await s.counts(), { authors: ROWS, books: ROWS });
  await assertPoolWorks(t, s, ROWS);
}, SERVERS);

forEachDialect(test, 'a session killed in the middle of a flush: rolled back, memory as before, one retry writes every row once', async (t, db) => {
  const s = await setup(t, db);
  const em = s.orm.em.fork();
  const { authors, books } = createRows(em);
  // Before the second INSERT: the first one has run inside the transaction.
  s.proxy.beforeNext(db.dialect === 'pg' ? 'INSERT INTO "lc_books"' : 'INSERT INTO `lc_books`', () => s.killSessions());
  await t.throwsAsync(em.flush(), { instanceOf: DriverError });
  t.is(s.log.filter((q) => /^INSERT INTO .lc_/.test(q.sql)).length, 2, 'the first INSERT had run, the second failed');
  t.deepEqual(await s.counts(), { authors: 0, books: 0 });
  t.true(ids(authors).every((id) => id === undefined));
  await em.flush();
  t.true(ids(books).every((id) => typeof id === 'number'));
  t.deepEqual(await s.counts(), { authors: ROWS, books: ROWS });
  await assertPoolWorks(t, s, ROWS);
}, SERVERS);

forEachDialect(test, 'when the outcome cannot be found out: CommitOutcomeUnknownError, flush() refuses, resolveInDoubt("committed") applies the flush', async (t, db) => {
  const s = await setup(t, db);
  const em = s.orm.em.fork();
  const { authors, books } = createRows(em);
  s.proxy.loseNextCommitReply();
  // The pool's one connection is open already; the new one that would settle the COMMIT is refused.
  s.proxy.refuseNew = true;
  const err = await t.throwsAsync(em.flush(), { instanceOf: CommitOutcomeUnknownError });
  t.is(err!.code, 'COMMIT_OUTCOME_UNKNOWN');
  t.deepEqual(err!.inDoubt, ['default']);
  t.regex(err!.message, /may be saved or not.*could write them twice.*em\.resolveInDoubt\('committed'\)/s);
  t.true(ids(authors).every((id) => id === undefined), 'memory is as before, until told');

  // A plain retry is refused before any SQL.
  s.log.length = 0;
  const refused = await t.throwsAsync(em.flush(), { instanceOf: UsageError });
  t.is(refused!.code, 'FLUSH_IN_DOUBT');
  t.regex(refused!.message, /could write them twice.*em\.resolveInDoubt\('committed'\).*em\.clear\(\)/s);
  t.deepEqual(s.log, []);

  // The user looks: it did commit.
  s.proxy.refuseNew = false;
  t.deepEqual(await s.counts(), { authors: ROWS, books: ROWS });
  await em.resolveInDoubt('committed');
  t.true(ids(authors).every((id) => typeof id === 'number'), 'the keys the INSERTs returned before COMMIT');
  t.is(new Set(ids(books)).size, ROWS);
  s.log.length = 0;
  await em.flush();
  t.deepEqual(s.log, [], 'nothing is left to write');
  t.deepEqual(await s.counts(), { authors: ROWS, books: ROWS });
  await assertPoolWorks(t, s, ROWS);
}, SERVERS);

forEachDialect(test, 'when the outcome cannot be found out and it rolled back: resolveInDoubt("rolled-back"), and the retry writes once', async (t, db) => {
  const s = await setup(t, db);
  const em = s.orm.em.fork();
  const { books } = createRows(em);
  s.proxy.beforeNextCommit(async () => {
    s.proxy.refuseNew = true;
    await s.killSessions();
  });
  await t.throwsAsync(em.flush(), { instanceOf: CommitOutcomeUnknownError });
  s.proxy.refuseNew = false;
  t.deepEqual(await s.counts(), { authors: 0, books: 0 });
  await em.resolveInDoubt('rolled-back');
  await em.flush();
  t.true(ids(books).every((id) => typeof id === 'number'));
  t.deepEqual(await s.counts(), { authors: ROWS, books: ROWS });
}, SERVERS);

forEachDialect(test, 'em.clear() ends the in-doubt state too', async (t, db) => {
  const s = await setup(t, db);
  const em = s.orm.em.fork();
  createRows(em);
  s.proxy.loseNextCommitReply();
  s.proxy.refuseNew = true;
  await t.throwsAsync(em.flush(), { instanceOf: CommitOutcomeUnknownError });
  s.proxy.refuseNew = false;
  em.clear();
  const again = em.create(Author, { name: 'fresh' });
  await em.flush();
  t.is(typeof again.id, 'number');
  t.deepEqual(await s.counts(), { authors: ROWS + 1, books: ROWS });
}, SERVERS);

forEachDialect(test, 'what a transaction records for settling: pg in its BEGIN message, MySQL one marker row per pooled connection, SQLite nothing', async (t, db) => {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Author, Book], ...db.config, pool: { min: 0, max: 1 }, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const flushOne = async (name: string) => {
    log.length = 0;
    const em = orm.em.fork();
    em.create(Author, { name });
    await em.flush();
    return log.map((q) => (/^INSERT INTO/.test(q.sql) ? 'INSERT' : q.sql));
  };
  const marker = 'insert into joinery_commit_markers (connection_token, seq) values (?, ?) on duplicate key update seq = ?, written_at = current_timestamp(3)';
  const expected = {
    sqlite: [['BEGIN;', 'INSERT', 'COMMIT;'], ['BEGIN;', 'INSERT', 'COMMIT;']],
    pg: [['BEGIN; SELECT txid_current() AS joinery_xid', 'INSERT', 'COMMIT;'], ['BEGIN; SELECT txid_current() AS joinery_xid', 'INSERT', 'COMMIT;']],
    mysql: [
      [
        'select count(*) as found from information_schema.tables where table_schema = database() and table_name = ?',
        'create table if not exists joinery_commit_markers (connection_token char(24) not null primary key, seq bigint not null, written_at timestamp(3) not null default current_timestamp(3)) engine = InnoDB',
        'BEGIN;', marker, 'INSERT', 'COMMIT;',
      ],
      ['BEGIN;', marker, 'INSERT', 'COMMIT;'],
    ],
  }[db.dialect];
  t.deepEqual(await flushOne('first'), expected[0]);
  t.deepEqual(await flushOne('second'), expected[1]);
  if (db.dialect === 'mysql') {
    // One row per pooled connection, overwritten by each transaction: the table does not grow with flushes.
    const rows = (await orm.getDriver().execute({ sql: 'select seq from joinery_commit_markers', params: [] })).rows;
    t.deepEqual(rows.map((r) => String(r.seq)), ['2']);
  }
});

forEachDialect(test, 'resolveInDoubt() without a flush in doubt, or with another word, is a UsageError', async (t, db) => {
  const orm = await Joinery.init({ entities: [Author, Book], ...db.config });
  t.teardown(() => orm.close());
  const em = orm.em.fork();
  const none = await t.throwsAsync(em.resolveInDoubt('committed'), { instanceOf: UsageError });
  t.is(none!.code, 'NOT_IN_DOUBT');
  const bad = await t.throwsAsync(em.resolveInDoubt('maybe' as 'committed'), { instanceOf: UsageError });
  t.is(bad!.code, 'BAD_COMMIT_OUTCOME');
  t.regex(bad!.message, /'committed' or 'rolled-back', not "maybe"/);
}, { dialects: ['sqlite'] });
