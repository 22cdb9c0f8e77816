// Keys the database makes other than by autoincrement: @PrimaryKey({ generated: 'insert' }) on a
// legacy table whose key column has a default (PostgreSQL gen_random_uuid(), SQLite randomblob).
// They come back by RETURNING in the batched INSERT, and dependents of the same flush get them;
// MySQL/MariaDB cannot return them, so there it is a MetadataError at init.
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { Collection, Entity, Joinery, ManyToOne, MetadataError, OneToMany, PrimaryKey, Property, ValidationError, type QueryLogEntry, type Rel } from 'joinery';
import { withoutCommitRecords } from '../support/commit-records.js';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity({ tableName: 'accounts' })
class Account {
  @PrimaryKey({ type: 'uuid', generated: 'insert' }) id!: string;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Entry, (e) => e.account) entries = new Collection<Entry>(this);
}

@Entity({ tableName: 'entries' })
class Entry {
  @PrimaryKey({ type: 'uuid', generated: 'insert' }) id!: string;
  @Property({ type: 'string' }) memo!: string;
  @ManyToOne(() => Account) account!: Rel<Account>;
}

/** The same table where the application makes the keys: what MySQL/MariaDB need. */
@Entity({ tableName: 'accounts' })
class AppKeyedAccount {
  @PrimaryKey({ type: 'uuid', onCreate: () => randomUUID() }) id!: string;
  @Property({ type: 'string' }) name!: string;
}

// SQLite has no uuid function: the usual legacy default builds a version-4 uuid from randomblob.
const SQLITE_UUID = `(lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
  substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))`;

const DDL: Record<TestDb['dialect'], string[]> = {
  pg: [
    'CREATE TABLE accounts (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name varchar(255) NOT NULL)',
    'CREATE TABLE entries (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), memo varchar(255) NOT NULL, account_id uuid NOT NULL REFERENCES accounts (id))',
  ],
  sqlite: [
    `CREATE TABLE accounts (id text PRIMARY KEY DEFAULT ${SQLITE_UUID}, name varchar(255) NOT NULL)`,
    `CREATE TABLE entries (id text PRIMARY KEY DEFAULT ${SQLITE_UUID}, memo varchar(255) NOT NULL, account_id text NOT NULL REFERENCES accounts (id))`,
  ],
  mysql: [
    'CREATE TABLE accounts (id char(36) PRIMARY KEY DEFAULT (uuid()), name varchar(255) NOT NULL)',
  ],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb, entities: Function[] = [Account, Entry]) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities, ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  for (const sql of DDL[db.dialect]) await orm.em.fork().execute(sql);
  log.length = 0;
  const writes = () => withoutCommitRecords(log.map((q) => q.sql.replace(/\$\d+/g, '?'))).filter((s) => !/^(begin|commit)/i.test(s));
  return { orm, writes };
}

forEachDialect(
  test,
  'a parent with a database-made key and its children, in one flush: one INSERT ... RETURNING per table, the children carry the key',
  async (t, db) => {
    const { orm, writes } = await setup(t, db);
    const em = orm.em.fork();
    const a = em.create(Account, { name: 'Ann' });
    const b = em.create(Account, { name: 'Bob' });
    const e1 = em.create(Entry, { memo: 'a1', account: a });
    const e2 = em.create(Entry, { memo: 'b1', account: b });
    const e3 = em.create(Entry, { memo: 'b2', account: b });
    await em.flush();
    t.deepEqual(
      writes(),
      db.dialect === 'pg'
        ? [
            'INSERT INTO "accounts" ("name") SELECT * FROM unnest(CAST(? AS text[])) RETURNING "id"',
            'INSERT INTO "entries" ("memo", "account_id") SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS uuid[])) RETURNING "id"',
          ]
        : [
            'INSERT INTO "accounts" ("name") VALUES (?), (?) RETURNING "id"',
            'INSERT INTO "entries" ("memo", "account_id") VALUES (?, ?), (?, ?), (?, ?) RETURNING "id"',
          ],
    );
    for (const x of [a, b, e1, e2, e3]) t.regex(x.id, UUID);
    t.is(new Set([a.id, b.id]).size, 2);
    t.is(new Set([e1.id, e2.id, e3.id]).size, 3);

    // The rows hold what memory holds: found by the returned keys, children on the right parent.
    const other = orm.em.fork();
    const found = await other.findOneOrFail(Account, b.id, { populate: ['entries'] });
    t.is(found.name, 'Bob');
    t.deepEqual(found.entries.getItems().map((e) => [e.id, e.memo]).sort(), [[e2.id, 'b1'], [e3.id, 'b2']].sort());
    t.is((await other.findOneOrFail(Entry, e1.id)).account.id, a.id);
    // The identity map knows them by key: the same object comes back, and nothing is dirty.
    t.is((await em.findOneOrFail(Account, a.id)) as Account, a);
    const count = writes().length;
    await em.flush();
    t.is(writes().length, count);
  },
  { dialects: ['sqlite', 'pg'] },
);

forEachDialect(
  test,
  'a key given by the application is written as given, next to rows whose key the database makes',
  async (t, db) => {
    const { orm, writes } = await setup(t, db);
    const em = orm.em.fork();
    const given = randomUUID();
    const mine = em.create(Account, { id: given, name: 'Mine' });
    const made = em.create(Account, { name: 'Made' });
    await em.flush();
    t.deepEqual(writes(), ['INSERT INTO "accounts" ("id", "name") VALUES (?, ?)', 'INSERT INTO "accounts" ("name") VALUES (?) RETURNING "id"']);
    t.is(mine.id, given);
    t.regex(made.id, UUID);
    t.not(made.id, given);
    t.is((await orm.em.fork().findOneOrFail(Account, given)).name, 'Mine');
  },
  { dialects: ['sqlite', 'pg'] },
);

@Entity({ tableName: 'tokens' })
class Token {
  @PrimaryKey({ type: 'uuid', generated: 'insert' }) id!: string;
}

forEachDialect(
  test,
  'a table of only a database-made key: PostgreSQL inserts DEFAULT rows in one statement, SQLite one DEFAULT VALUES row each',
  async (t, db) => {
    const { orm, writes } = await setup(t, db, [Token]);
    await orm.em.fork().execute(db.dialect === 'pg' ? 'CREATE TABLE tokens (id uuid PRIMARY KEY DEFAULT gen_random_uuid())' : `CREATE TABLE tokens (id text PRIMARY KEY DEFAULT ${SQLITE_UUID})`);
    const em = orm.em.fork();
    const tokens = [em.create(Token, {}), em.create(Token, {})];
    const before = writes().length;
    await em.flush();
    t.deepEqual(
      writes().slice(before),
      db.dialect === 'pg'
        ? ['INSERT INTO "tokens" ("id") VALUES (DEFAULT), (DEFAULT) RETURNING "id"']
        : ['INSERT INTO "tokens" DEFAULT VALUES RETURNING "id"', 'INSERT INTO "tokens" DEFAULT VALUES RETURNING "id"'],
    );
    for (const x of tokens) t.regex(x.id, UUID);
    t.not(tokens[0]!.id, tokens[1]!.id);
    t.deepEqual((await orm.em.fork().find(Token, {})).map((x) => x.id).sort(), tokens.map((x) => x.id).sort());
  },
  { dialects: ['sqlite', 'pg'] },
);

forEachDialect(
  test,
  "MySQL/MariaDB cannot return a key made by a column default: generated: 'insert' on the key is a MetadataError at init, an application key works",
  async (t, db) => {
    const e = await t.throwsAsync(Joinery.init({ entities: [Account, Entry], ...db.config }), { instanceOf: MetadataError });
    t.is(e!.code, 'BAD_OPTION');
    t.regex(e!.message, /^Account\.id is a primary key with generated: 'insert', but MySQL\/MariaDB \(connection 'default'\) cannot return it/);
    t.regex(e!.message, /onCreate: \(\) => randomUUID\(\)/);

    const { orm, writes } = await setup(t, db, [AppKeyedAccount]);
    const em = orm.em.fork();
    const acc = em.create(AppKeyedAccount, { name: 'Ann' });
    await em.flush();
    t.deepEqual(writes(), ['INSERT INTO `accounts` (`id`, `name`) VALUES (?, ?)']);
    t.regex(acc.id, UUID);
    t.is((await orm.em.fork().findOneOrFail(AppKeyedAccount, acc.id)).name, 'Ann');
  },
  { dialects: ['mysql'] },
);

/** The key's column default is declared, but not that the database makes the key. */
@Entity({ tableName: 'accounts' })
class DefaultOnlyAccount {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' }) id!: string;
  @Property({ type: 'string' }) name!: string;
}

forEachDialect(test, "a key left unset with only a column default (no generated: 'insert') is a ValidationError before any SQL", async (t, db) => {
  const { orm, writes } = await setup(t, db, [DefaultOnlyAccount]);
  const em = orm.em.fork();
  em.create(DefaultOnlyAccount, { name: 'Ann' });
  const before = writes().length;
  const e = await t.throwsAsync(em.flush(), { instanceOf: ValidationError });
  t.deepEqual(
    e!.failures.map((f) => [f.property, f.rule]),
    [['id', 'required']],
  );
  t.regex(e!.message, /DefaultOnlyAccount\.id is required but is undefined\. Set the key \(e\.g\. onCreate: \(\) => randomUUID\(\)\), or, .* declare @PrimaryKey\(\{ generated: 'insert' \}\)/);
  t.is(writes().length, before);
});

test("returning: false and a composite key cannot have a database-made key: MetadataError at init", async (t) => {
  @Entity({ tableName: 'accounts', returning: false })
  class Unreturning {
    @PrimaryKey({ type: 'uuid', generated: 'insert' }) id!: string;
  }
  let e = await t.throwsAsync(Joinery.init({ entities: [Unreturning], client: 'sqlite', connection: { filename: ':memory:' } }), { instanceOf: MetadataError });
  t.is(e!.code, 'BAD_OPTION');
  t.regex(e!.message, /^Unreturning\.id is a primary key with generated: 'insert', but Unreturning has returning: false, so it cannot be returned.*onCreate/);

  @Entity({ tableName: 'pairs' })
  class Pair {
    @PrimaryKey({ type: 'uuid', generated: 'insert' }) a!: string;
    @PrimaryKey({ type: 'uuid' }) b!: string;
  }
  e = await t.throwsAsync(Joinery.init({ entities: [Pair], client: 'sqlite', connection: { filename: ':memory:' } }), { instanceOf: MetadataError });
  t.is(e!.code, 'BAD_COMPOSITE_KEY');
  t.regex(e!.message, /^Pair\.a is part of a composite primary key and cannot be generated by the database/);
});
