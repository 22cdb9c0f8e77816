// Read replicas: which pool runs each statement, with drivers that only record what they are given.
// Reads outside a transaction go to the replicas in turn; writes, transactions, reads after a write
// in the same fork, refresh and explicit overrides go to the primary.
import test from 'ava';
import knex, { type Knex } from 'knex';
import { Collection, Entity, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from '../../src/index.js';
import type { Driver, DriverTransaction, Statement, StatementResult } from '../../src/drivers/driver.js';
import { ReplicaSet } from '../../src/drivers/replica-set.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { EntityManager } from '../../src/unit-of-work/entity-manager.js';
import { ReadRouter, withReadFrom } from '../../src/unit-of-work/read-routing.js';

@Entity()
class Author {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Book, (b) => b.author) books = new Collection<Book>(this);
}

@Entity()
class Book {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => Author) author!: Rel<Author>;
}

@Entity({ connection: 'media' })
class Photo {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) url!: string;
}

/** Where each statement ran: `<driver name>` or `<driver name> trx`, then the SQL's first word. */
type Log = string[];

const sqlBuilder: Knex = knex({ client: 'pg' });

class RecordingDriver implements Driver {
  readonly dialect = 'pg' as const;
  readonly knex = sqlBuilder;
  readonly maxParams = 65535;
  readonly supportsReturning = true;
  constructor(
    readonly connectionName: string,
    private readonly log: Log,
  ) {}

  async execute(stmt: Statement, trx?: DriverTransaction): Promise<StatementResult> {
    const verb = stmt.sql.trim().split(/\s+/)[0]!.toLowerCase();
    this.log.push(`${this.connectionName}${trx ? ' trx' : ''} ${verb}`);
    if (/count\(/i.test(stmt.sql)) return { rows: [{ count: 7 }], affectedRows: 0 };
    if (verb === 'insert') return { rows: [{ id: 10 }], affectedRows: 1 };
    return { rows: [], affectedRows: verb === 'select' ? 0 : 1 };
  }

  async query(stmt: Statement, trx?: DriverTransaction): Promise<Record<string, unknown>[]> {
    return (await this.execute(stmt, trx)).rows;
  }

  queryBuilder(table: string): Knex.QueryBuilder {
    return this.knex(table);
  }

  async transaction<T>(fn: (trx: DriverTransaction) => Promise<T>): Promise<T> {
    this.log.push(`${this.connectionName} begin`);
    const result = await fn({ driver: this });
    this.log.push(`${this.connectionName} commit`);
    return result;
  }

  async close(): Promise<void> {}
}

const metadata = discoverMetadata([Author, Book, Photo], { connections: ['default', 'media'] });

/** `default` has two replicas, `media` none. */
function setup(): { em: EntityManager; log: Log } {
  const log: Log = [];
  const drivers = new Map<string, Driver>([
    ['default', new RecordingDriver('default', log)],
    ['media', new RecordingDriver('media', log)],
  ]);
  const replicas = new Map([['default', new ReplicaSet([new RecordingDriver('default:replica0', log), new RecordingDriver('default:replica1', log)])]]);
  return { em: new EntityManager({ metadata, drivers, replicas }), log };
}

test('reads outside a transaction go to the replicas in turn', async (t) => {
  const { em, log } = setup();
  const fork = em.fork();
  await fork.find(Author, {});
  await fork.find(Author, {});
  await fork.count(Author, {});
  t.deepEqual(log, ['default:replica0 select', 'default:replica1 select', 'default:replica0 select']);
});

test('a connection without replicas reads from its primary', async (t) => {
  const { em, log } = setup();
  await em.fork().find(Photo, {});
  t.deepEqual(log, ['media select']);
});

test('after a flush the fork reads the connection it wrote to from the primary; other forks still use replicas', async (t) => {
  const { em, log } = setup();
  const fork = em.fork();
  fork.create(Author, { name: 'Ann' });
  await fork.flush();
  log.length = 0;
  await fork.find(Author, {});
  await fork.count(Author, {});
  await fork.find(Photo, {});
  await em.fork().find(Author, {});
  t.deepEqual(log, ['default select', 'default select', 'media select', 'default:replica0 select']);
});

test('the flush itself runs on the primary', async (t) => {
  const { em, log } = setup();
  const fork = em.fork();
  fork.create(Author, { name: 'Ann' });
  await fork.flush();
  t.deepEqual(log, ['default begin', 'default trx insert', 'default commit']);
});

test('a failed flush still sends later reads to the primary', async (t) => {
  const log: Log = [];
  // A commit that fails after the statements ran may have left the rows behind (a partial commit
  // across connections, a lost COMMIT acknowledgement): only the primary is sure to know.
  const failing = new EntityManager({
    metadata,
    drivers: new Map<string, Driver>([
      ['default', Object.assign(new RecordingDriver('default', log), { transaction: () => Promise.reject(new Error('lost connection')) })],
      ['media', new RecordingDriver('media', log)],
    ]),
    replicas: new Map([['default', new ReplicaSet([new RecordingDriver('default:replica0', log)])]]),
  });
  failing.create(Author, { name: 'Ann' });
  await t.throwsAsync(failing.flush(), { message: 'lost connection' });
  log.length = 0;
  await failing.find(Author, {});
  t.deepEqual(log, ['default select']);
});

test('nativeUpdate and nativeDelete run on the primary and count as writes', async (t) => {
  const { em, log } = setup();
  const fork = em.fork();
  await fork.nativeUpdate(Author, { id: 1 }, { name: 'B' });
  await fork.find(Author, {});
  const other = em.fork();
  await other.nativeDelete(Photo, { id: 1 });
  await other.find(Author, {});
  t.deepEqual(log, ['default update', 'default select', 'media delete', 'default:replica0 select']);
});

test("a collection's nativeUpdate / nativeDelete run on the primary and count as writes", async (t) => {
  const { em, log } = setup();
  const fork = em.fork();
  const author = fork.getReference(Author, 1);
  await author.books.nativeUpdate({}, { title: 'B' });
  await fork.find(Book, {});
  const other = em.fork();
  await other.getReference(Author, 2).books.nativeDelete({ title: 'x' });
  await other.find(Author, {});
  t.deepEqual(log, ['default update', 'default select', 'default delete', 'default select']);
});

test('reads inside transactional use the transaction; afterwards the fork reads from the primary', async (t) => {
  const { em, log } = setup();
  const fork = em.fork();
  await fork.transactional(async (tem) => {
    await tem.find(Author, {});
    await tem.find(Author, {}, { readFrom: 'replica' });
    tem.create(Author, { name: 'Ann' });
  });
  await fork.find(Author, {});
  t.deepEqual(log, [
    'media begin', 'default begin',
    'default trx select', 'default trx select', 'default trx insert',
    'default commit', 'media commit',
    'default select',
  ]);
});

test('readFrom overrides the routing for one call', async (t) => {
  const { em, log } = setup();
  const fork = em.fork();
  await fork.find(Author, {}, { readFrom: 'primary' });
  await fork.findOne(Author, { name: 'x' }, { readFrom: 'primary' });
  await fork.count(Author, {}, { readFrom: 'primary' });
  await fork.findAndCount(Author, {}, { readFrom: 'primary' });
  await fork.find(Author, {});
  t.deepEqual(log, ['default select', 'default select', 'default select', 'default select', 'default select', 'default:replica0 select']);

  log.length = 0;
  fork.create(Author, { name: 'Ann' });
  await fork.flush();
  log.length = 0;
  await fork.find(Author, {}, { readFrom: 'replica' });
  await fork.find(Author, {});
  t.deepEqual(log, ['default:replica1 select', 'default select']);
});

test('usePrimary sends every later read of the fork to the primary', async (t) => {
  const { em, log } = setup();
  const fork = em.fork().usePrimary();
  await fork.find(Author, {});
  await fork.find(Photo, {});
  t.deepEqual(log, ['default select', 'media select']);
});

test('refresh reads the primary; lazy loads follow the fork', async (t) => {
  const { em, log } = setup();
  const fork = em.fork();
  const author = fork.getReference(Author, 1);
  await author.books.load();
  await t.throwsAsync(fork.refresh(author), { code: 'NOT_FOUND' } as never);
  t.deepEqual(log, ['default:replica0 select', 'default select']);
});

test('ReplicaSet hands out its drivers round-robin; empty sets give none', (t) => {
  const log: Log = [];
  const set = new ReplicaSet([new RecordingDriver('a', log), new RecordingDriver('b', log), new RecordingDriver('c', log)]);
  t.deepEqual([1, 2, 3, 4, 5].map(() => set.next()!.connectionName), ['a', 'b', 'c', 'a', 'b']);
  t.is(new ReplicaSet([]).next(), undefined);
});

test('ReadRouter: replicas until a write or usePrimary; withReadFrom overrides both ways', async (t) => {
  const log: Log = [];
  const router = new ReadRouter(new Map([['default', new ReplicaSet([new RecordingDriver('r0', log)])]]));
  t.is(router.reader('default')?.connectionName, 'r0');
  t.is(router.reader('media'), undefined);
  t.is(await withReadFrom('primary', async () => router.reader('default')), undefined);
  router.wrote(['default']);
  t.deepEqual([...router.written], ['default']);
  t.is(router.reader('default'), undefined);
  t.is(await withReadFrom('replica', async () => router.reader('default')?.connectionName), 'r0');
  const other = new ReadRouter(new Map([['default', new ReplicaSet([new RecordingDriver('r0', log)])]]));
  other.usePrimary();
  t.is(other.reader('default'), undefined);
  t.is(withReadFrom(undefined, () => other.reader('default')), undefined);
});
