// The global `orm.em` and request contexts: outside a context the global EntityManager refuses what
// would use its process-wide identity map; inside `RequestContext.create` it is the context's fork.
import test from 'ava';
import { EntityManager, Joinery, RequestContext, UsageError, type QueryLogEntry } from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';
import { BLOG, Post, User } from '../fixtures/blog.js';

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb, options: { allowGlobalContext?: boolean } = {}) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: BLOG, ...db.config, ...options, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  em.create(User, { email: 'ann@x.io', name: 'Ann', passwordHash: 'h' });
  em.create(User, { email: 'bob@x.io', name: 'Bob', passwordHash: 'h' });
  await em.flush();
  log.length = 0;
  return { orm, log };
}

forEachDialect(test, 'the global orm.em outside a context refuses every call that uses its identity map, before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const user = orm.em.fork().getReference(User, 1);
  const calls: [string, () => unknown][] = [
    ['find', () => orm.em.find(User, {})],
    ['findOne', () => orm.em.findOne(User, { email: 'ann@x.io' })],
    ['findOneOrFail', () => orm.em.findOneOrFail(User, 1)],
    ['findAndCount', () => orm.em.findAndCount(User, {})],
    ['count', () => orm.em.count(User)],
    ['create', () => orm.em.create(User, { email: 'c@x.io', passwordHash: 'h' })],
    ['persist', () => orm.em.persist(user)],
    ['remove', () => orm.em.remove(user)],
    ['flush', () => orm.em.flush()],
    ['getReference', () => orm.em.getReference(User, 1)],
    ['populate', () => orm.em.populate([user], ['posts'])],
    ['refresh', () => orm.em.refresh(user)],
    ['assign', () => orm.em.assign(user, { name: 'x' })],
    ['nativeUpdate', () => orm.em.nativeUpdate(User, { id: 1 }, { name: 'x' })],
    ['nativeDelete', () => orm.em.nativeDelete(User, { id: 1 })],
    ['clear', () => orm.em.clear()],
  ];
  for (const [name, call] of calls) {
    const err = t.throws(call, { instanceOf: UsageError }, name);
    t.is(err?.code, 'GLOBAL_CONTEXT', name);
    t.true(err!.message.startsWith(`orm.em.${name}() was called on the global EntityManager outside a request context.`), err?.message);
    t.regex(err!.message, /orm\.em\.fork\(\)/);
    t.regex(err!.message, /RequestContext\.create\(orm\.em, next\)/);
    t.regex(err!.message, /allowGlobalContext: true/);
  }
  t.deepEqual(log, [], 'nothing was sent');
});

forEachDialect(test, 'fork, getMetadata and transactional work on the global orm.em outside a context', async (t, db) => {
  const { orm } = await setup(t, db);
  const fork = orm.em.fork();
  t.true(fork instanceof EntityManager);
  t.true(orm.em instanceof EntityManager);
  t.not(fork, orm.em);
  t.is(orm.em.getMetadata(User).name, 'User');
  const id = await orm.em.transactional(async (tem) => {
    const post = tem.create(Post, { title: 'In a transaction', author: tem.getReference(User, 1) });
    await tem.flush();
    return post.id;
  });
  t.is((await orm.em.fork().findOneOrFail(Post, id)).title, 'In a transaction');
});

forEachDialect(test, 'allowGlobalContext: true lets the global orm.em keep one identity map for the process', async (t, db) => {
  const { orm } = await setup(t, db, { allowGlobalContext: true });
  const a = await orm.em.findOneOrFail(User, { email: 'ann@x.io' });
  a.name = 'changed in memory';
  const again = await orm.em.findOneOrFail(User, { email: 'ann@x.io' });
  t.is(again, a, 'the same object: one identity map');
  t.is(again.name, 'changed in memory');
  t.is(await orm.em.count(User), 2);
  await orm.em.flush();
  t.is((await orm.em.fork().findOneOrFail(User, a.id)).name, 'changed in memory');
});

forEachDialect(test, 'inside RequestContext.create orm.em is a fresh fork per context', async (t, db) => {
  const { orm } = await setup(t, db);
  t.is(RequestContext.currentEm(), undefined);
  const first = await RequestContext.create(orm.em, async () => {
    const current = RequestContext.currentEm(orm.em)!;
    t.true(current instanceof EntityManager);
    t.is(RequestContext.currentEm(), current);
    t.is(RequestContext.currentEm(orm), current, 'the Joinery names its fork too');
    const ann = await orm.em.findOneOrFail(User, { email: 'ann@x.io' });
    t.is(await current.findOneOrFail(User, ann.id), ann, 'orm.em and the context fork share one identity map');
    orm.em.create(Post, { title: 'From a request', author: ann });
    await orm.em.flush();
    return ann;
  });
  const second = await RequestContext.create(orm, () => orm.em.findOneOrFail(User, { email: 'ann@x.io' }));
  t.not(second, first, 'a new context starts with an empty identity map');
  t.is(await orm.em.fork().count(Post, { title: 'From a request' }), 1);
  t.is(RequestContext.currentEm(), undefined, 'the context ends with its callback');
  t.throws(() => orm.em.find(User, {}), { instanceOf: UsageError, code: 'GLOBAL_CONTEXT' } as never);
});

forEachDialect(test, 'two concurrent contexts do not share entities or changes', async (t, db) => {
  const { orm } = await setup(t, db);
  // Each context loads Ann, then waits for the other to do the same before changing her in memory.
  let arrived = 0;
  let release!: () => void;
  const bothLoaded = new Promise<void>((r) => (release = r));
  const request = (name: string) =>
    RequestContext.create(orm.em, async () => {
      const ann = await orm.em.findOneOrFail(User, { email: 'ann@x.io' });
      if (++arrived === 2) release();
      await bothLoaded;
      ann.name = name;
      const seen = await orm.em.findOneOrFail(User, { email: 'ann@x.io' });
      return { em: RequestContext.currentEm()!, ann, seenName: seen.name };
    });
  const [a, b] = await Promise.all([request('from A'), request('from B')]);
  t.not(a.em, b.em);
  t.not(a.ann, b.ann);
  t.is(a.seenName, 'from A');
  t.is(b.seenName, 'from B');
});

forEachDialect(test, 'RequestContext.middleware runs the rest of a request (express next, fastify done) in a context', async (t, db) => {
  const { orm } = await setup(t, db);
  const handler = RequestContext.middleware(orm);
  const names = await new Promise<string[]>((resolve, reject) => {
    handler({}, {}, () => {
      // What an express route or a fastify handler does after the middleware.
      setTimeout(() => {
        orm.em.find(User, {}, { orderBy: { id: 'asc' } }).then((users) => resolve(users.map((u) => u.name!)), reject);
      }, 1);
    });
  });
  t.deepEqual(names, ['Ann', 'Bob']);
  const viaEm = RequestContext.middleware(orm.em);
  const counted = await new Promise<number>((resolve, reject) => viaEm(null, null, () => void orm.em.count(User).then(resolve, reject)));
  t.is(counted, 2);
});

forEachDialect(test, 'contexts of several Joinery instances: each orm.em resolves to its own fork', async (t, db) => {
  const { orm } = await setup(t, db);
  const other = await Joinery.init({ entities: BLOG, ...db.config });
  t.teardown(() => other.close());
  await RequestContext.create(orm.em, async () => {
    t.is(RequestContext.currentEm(other.em), undefined);
    t.throws(() => other.em.count(User), { instanceOf: UsageError, code: 'GLOBAL_CONTEXT' } as never);
    const outer = RequestContext.currentEm(orm.em);
    await RequestContext.create(other.em, async () => {
      t.is(RequestContext.currentEm(orm.em), outer, 'an inner context keeps the outer forks of other instances');
      t.truthy(RequestContext.currentEm(other.em));
      t.not(RequestContext.currentEm(other.em), outer);
    });
    await RequestContext.create([orm.em, other.em], async () => {
      t.not(RequestContext.currentEm(orm.em), outer, 'a context for orm.em makes a new fork of it');
      t.truthy(RequestContext.currentEm(other.em));
    });
  });
});

test('RequestContext refuses what is not an EntityManager or a Joinery, and a missing callback', (t) => {
  const bad = [
    () => RequestContext.create([], () => 1),
    () => RequestContext.create({} as never, () => 1),
    () => RequestContext.create(null as never, () => 1),
    () => RequestContext.middleware({ em: 'x' } as never),
    () => RequestContext.currentEm(42 as never),
  ];
  for (const call of bad) {
    const err = t.throws(call, { instanceOf: UsageError });
    t.is(err?.code, 'BAD_REQUEST_CONTEXT');
  }
  const noCallback = t.throws(() => RequestContext.create({} as never, undefined as never), { instanceOf: UsageError });
  t.is(noCallback?.code, 'BAD_REQUEST_CONTEXT');
  t.regex(noCallback!.message, /needs a function/);
});
