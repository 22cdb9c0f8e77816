// The RealWorld (Conduit) example, examples/realworld: its Postman suite through newman on every
// dialect, the error answers the spec asks for, and statement counts that do not grow with the
// number of articles. The app is compiled with legacy decorators like the other examples, so this
// file runs from the legacy build only.
import test, { type ExecutionContext } from 'ava';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ConnectionConfig, Joinery, QueryLogEntry } from 'joinery';
import { buildApp } from '../../examples/realworld/app.js';
import { signToken } from '../../examples/realworld/auth/tokens.js';
import { openDatabase } from '../../examples/realworld/database.js';
import { Article, Comment, Tag, User } from '../../examples/realworld/entities/index.js';
import { forEachDialect } from '../support/databases.js';

// ---------------------------------------------------------------------------------------- helpers

/** `../shared/datasets/realworld` from the repository root. */
export function realworldDataset(testFile: string): string {
  const root = resolve(dirname(fileURLToPath(testFile)), '../../../..');
  return resolve(root, '../shared/datasets/realworld');
}

/**
 * Whether the Postman collection is there. A missing file is skipped with a loud line locally and
 * fails the run under CI=true.
 */
export function collectionAvailable(file: string): boolean {
  if (existsSync(file)) return true;
  if (process.env.CI === 'true') throw new Error(`The RealWorld Postman collection is missing: ${file}`);
  console.error(`\n  !! ${file} not found: the RealWorld suite is skipped.\n`);
  return false;
}

export interface RunningApp {
  readonly app: FastifyInstance;
  readonly orm: Joinery;
  /** Every statement the app sent since the last `log.length = 0`. */
  readonly log: QueryLogEntry[];
  readonly secret: Uint8Array;
}

/** Opens the database (running the app's migrations) and builds the app; closed by `teardown`. */
export async function startApp(config: ConnectionConfig, teardown: (fn: () => unknown) => void): Promise<RunningApp> {
  const log: QueryLogEntry[] = [];
  const orm = await openDatabase(config, (q) => log.push(q));
  // scrypt at 2^12 rather than the app's 2^17: the suite hashes a handful of passwords per dialect.
  const secret = new TextEncoder().encode('test secret, not for production');
  const app = buildApp({ orm, jwtSecret: secret, tokenLifetime: '1h', passwordCost: 12 });
  teardown(async () => {
    await app.close();
    await orm.close();
  });
  return { app, orm, log, secret };
}

/** The part of newman's run summary the tests read. */
export interface NewmanSummary {
  run: {
    stats: { assertions: { total: number; failed: number }; requests: { total: number; failed: number } };
    failures: { error: { name: string; message: string; test?: string }; source?: { name?: string } }[];
  };
}

interface Newman {
  run(options: Record<string, unknown>, callback: (err: Error | null, summary: NewmanSummary) => void): unknown;
}

/** Runs the collection against `apiUrl` with the variables it expects, through newman's Node API. */
export function runCollection(collectionFile: string, apiUrl: string, who: string): Promise<NewmanSummary> {
  const newman = require('newman') as Newman;
  const values = Object.entries({ APIURL: apiUrl, USERNAME: who, EMAIL: `${who}@example.com`, PASSWORD: 'correct horse battery' }).map(
    ([key, value]) => ({ key, value, type: 'string', enabled: true }),
  );
  return new Promise((resolvePromise, reject) => {
    newman.run({ collection: collectionFile, globals: { values }, reporters: [] }, (err, summary) => (err ? reject(err) : resolvePromise(summary)));
  });
}

const COLLECTION = join(realworldDataset(test.meta.file), 'Conduit.postman_collection.json');
const HAVE_COLLECTION = collectionAvailable(COLLECTION);

// ---------------------------------------------------------------------------------- schema, suite

forEachDialect(test, 'RealWorld: the migration builds the schema the entities describe', async (t, db) => {
  const { orm } = await startApp(db.config, t.teardown.bind(t));
  t.deepEqual((await orm.migrator.list()).map((m) => [m.name, m.executed]), [['20261207210000_conduit', true]]);
  t.true((await orm.migrator.check()).upToDate, 'no difference between the migrated database and the entities');
});

if (HAVE_COLLECTION) {
  forEachDialect(test, 'RealWorld: the whole Postman suite passes through newman', async (t, db) => {
    const { app } = await startApp(db.config, t.teardown.bind(t));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const summary = await runCollection(COLLECTION, `http://127.0.0.1:${port}/api`, `u${db.dialect}${Date.now() % 100000}`);
    t.deepEqual(summary.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.test ?? f.error.name}: ${f.error.message}`), []);
    t.is(summary.run.stats.requests.total, 32, 'every request of the collection ran');
    t.true(summary.run.stats.assertions.total > 300, `${summary.run.stats.assertions.total} assertions ran`);
  });
}

// ----------------------------------------------------------------------------------------- errors

async function call(rw: RunningApp, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, options: { token?: string; body?: unknown } = {}) {
  const res = await rw.app.inject({
    method,
    url: `/api${url}`,
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Token ${options.token}` } : {}) },
    ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
  });
  return { status: res.statusCode, body: res.body === '' ? undefined : (res.json() as Record<string, any>) };
}

async function register(rw: RunningApp, name: string): Promise<string> {
  const res = await call(rw, 'POST', '/users', { body: { user: { username: name, email: `${name}@example.com`, password: 'pw-' + name } } });
  if (res.status !== 201) throw new Error(`register ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body!.user.token as string;
}

/** `{ errors: { body: [...] } }`, the spec's GenericErrorModel, with a message matching `pattern`. */
function assertError(t: ExecutionContext, res: { status: number; body?: Record<string, any> }, status: number, pattern: RegExp) {
  t.is(res.status, status, JSON.stringify(res.body));
  t.deepEqual(Object.keys(res.body ?? {}), ['errors']);
  t.true(Array.isArray(res.body?.errors?.body) && res.body.errors.body.length > 0, JSON.stringify(res.body));
  t.true(res.body!.errors.body.some((m: string) => pattern.test(m)), `${JSON.stringify(res.body!.errors.body)} matches ${pattern}`);
}

forEachDialect(test, 'RealWorld: 401, 403, 404 and 422 answers with the spec error body', async (t, db) => {
  const rw = await startApp(db.config, t.teardown.bind(t));
  const ann = await register(rw, 'ann');
  const bob = await register(rw, 'bob');

  // 401: no token where one is needed, a malformed header, a forged token, a wrong password.
  assertError(t, await call(rw, 'GET', '/user'), 401, /token/);
  assertError(t, await call(rw, 'GET', '/articles/feed'), 401, /token/);
  assertError(t, await call(rw, 'POST', '/articles', { body: { article: { title: 'x', description: 'y', body: 'z' } } }), 401, /token/);
  assertError(t, await call(rw, 'GET', '/user', { token: ann.slice(0, -2) + 'xx' }), 401, /invalid or expired token/);
  const basic = await rw.app.inject({ method: 'GET', url: '/api/user', headers: { authorization: 'Basic abc' } });
  t.is(basic.statusCode, 401);
  assertError(t, await call(rw, 'POST', '/users/login', { body: { user: { email: 'ann@example.com', password: 'wrong' } } }), 401, /email or password is invalid/);
  assertError(t, await call(rw, 'POST', '/users/login', { body: { user: { email: 'nobody@example.com', password: 'pw' } } }), 401, /email or password is invalid/);
  // A token of a user that was deleted since.
  const token = await signToken(999_999, rw.secret, '1h');
  assertError(t, await call(rw, 'GET', '/user', { token }), 401, /no longer exists/);

  // 422: missing or empty fields, taken email and username.
  assertError(t, await call(rw, 'POST', '/users', { body: { user: { email: 'c@example.com', password: 'pw' } } }), 422, /^username can't be blank$/);
  assertError(t, await call(rw, 'POST', '/users', { body: { user: { email: '', username: 'c', password: 'pw' } } }), 422, /^email can't be blank$/);
  assertError(t, await call(rw, 'POST', '/users', { body: {} }), 422, /^user can't be blank$/);
  const taken = await call(rw, 'POST', '/users', { body: { user: { email: 'ann@example.com', username: 'bob', password: 'pw' } } });
  assertError(t, taken, 422, /^email has already been taken$/);
  t.deepEqual(taken.body!.errors.body, ['email has already been taken', 'username has already been taken']);
  assertError(t, await call(rw, 'PUT', '/user', { token: bob, body: { user: { username: 'ann' } } }), 422, /^username has already been taken$/);
  assertError(t, await call(rw, 'POST', '/articles', { token: ann, body: { article: { title: 'T', body: 'B' } } }), 422, /^description can't be blank$/);
  assertError(t, await call(rw, 'POST', '/profiles/ann/follow', { token: ann }), 422, /cannot follow yourself/);
  const malformed = await rw.app.inject({ method: 'POST', url: '/api/users', headers: { 'content-type': 'application/json' }, payload: '{"user":' });
  assertError(t, { status: malformed.statusCode, body: malformed.json() }, 400, /not valid JSON/);

  const created = await call(rw, 'POST', '/articles', { token: ann, body: { article: { title: 'Ann writes', description: 'd', body: 'b', tagList: ['x'] } } });
  t.is(created.status, 201);
  const slug = created.body!.article.slug as string;
  assertError(t, await call(rw, 'POST', `/articles/${slug}/comments`, { token: bob, body: { comment: { body: '' } } }), 422, /^body can't be blank$/);

  // 404: unknown article, profile, comment, route.
  assertError(t, await call(rw, 'GET', '/articles/no-such-article'), 404, /article not found/);
  assertError(t, await call(rw, 'GET', '/profiles/nobody'), 404, /user not found/);
  assertError(t, await call(rw, 'POST', '/articles/no-such-article/favorite', { token: bob }), 404, /article not found/);
  assertError(t, await call(rw, 'GET', '/articles/no-such-article/comments'), 404, /article not found/);
  assertError(t, await call(rw, 'DELETE', `/articles/${slug}/comments/12345`, { token: ann }), 404, /comment not found/);
  assertError(t, await call(rw, 'DELETE', `/articles/${slug}/comments/abc`, { token: ann }), 404, /comment not found/);
  assertError(t, await call(rw, 'GET', '/nothing-here'), 404, /route not found/);

  // 403: changing what someone else wrote; nothing changes.
  assertError(t, await call(rw, 'PUT', `/articles/${slug}`, { token: bob, body: { article: { title: 'Bob was here' } } }), 403, /only the author/);
  assertError(t, await call(rw, 'DELETE', `/articles/${slug}`, { token: bob }), 403, /only the author/);
  const comment = await call(rw, 'POST', `/articles/${slug}/comments`, { token: ann, body: { comment: { body: 'mine' } } });
  t.is(comment.status, 200);
  assertError(t, await call(rw, 'DELETE', `/articles/${slug}/comments/${comment.body!.comment.id}`, { token: bob }), 403, /only the author/);
  const after = await call(rw, 'GET', `/articles/${slug}`);
  t.is(after.body!.article.title, 'Ann writes');
  t.is((await call(rw, 'GET', `/articles/${slug}/comments`)).body!.comments.length, 1);

  // The author can; the comments go with the article.
  t.is((await call(rw, 'DELETE', `/articles/${slug}`, { token: ann })).status, 204);
  assertError(t, await call(rw, 'GET', `/articles/${slug}`), 404, /article not found/);
  t.is(await rw.orm.em.fork().count(Comment, {}), 0);
});

// ------------------------------------------------------------------------------ statement counts

/**
 * `articles` more articles by the first three of `authors`, each with two of five tags and
 * favourited by some users.
 */
async function seedArticles(rw: RunningApp, users: User[], from: number, articles: number): Promise<void> {
  const em = rw.orm.em.fork();
  const tags: Tag[] = await em.find(Tag, {});
  for (const name of ['dragons', 'training', 'fire', 'wings', 'gold']) if (!tags.some((x) => x.name === name)) tags.push(em.create(Tag, { name }));
  for (let i = from; i < from + articles; i++) {
    const author = em.getReference(User, users[i % 3]!.id);
    const article = em.create(Article, { slug: `article-${i}`, title: `Article ${i}`, description: 'd', body: 'b', author });
    article.createdAt = new Date(Date.UTC(2026, 0, 1, 0, 0, i));
    article.tags.add(tags[i % 5]!, tags[(i + 1) % 5]!);
    for (const fan of users.slice(0, 1 + (i % users.length))) em.getReference(User, fan.id).favorites.add(article);
  }
  await em.flush();
}

async function seedUsers(rw: RunningApp): Promise<{ users: User[]; viewer: User; token: string }> {
  const em = rw.orm.em.fork();
  const users = ['a1', 'a2', 'a3', 'a4'].map((u) => em.create(User, { username: u, email: `${u}@example.com`, passwordHash: 'not a login' }));
  const viewer = em.create(User, { username: 'viewer', email: 'viewer@example.com', passwordHash: 'not a login' });
  viewer.following.add(users[0]!, users[1]!);
  await em.flush();
  return { users, viewer, token: await signToken(viewer.id, rw.secret, '1h') };
}

/** The statements `url` sends, and its response. */
async function measure(rw: RunningApp, url: string, token?: string) {
  rw.log.length = 0;
  const res = await call(rw, 'GET', url, token ? { token } : {});
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return { statements: rw.log.map((q) => q.sql), body: res.body! };
}

forEachDialect(test, 'RealWorld: the article list and the feed send a fixed number of statements, whatever the number of articles', async (t, db) => {
  const rw = await startApp(db.config, t.teardown.bind(t));
  const { users, token } = await seedUsers(rw);
  const urls = ['/articles', '/articles?tag=dragons', '/articles?favorited=a1', '/articles?author=a2', '/articles/feed'];

  await seedArticles(rw, users, 0, 2);
  const small = new Map<string, number>();
  for (const url of urls) small.set(url, (await measure(rw, url, token)).statements.length);
  small.set('anonymous /articles', (await measure(rw, '/articles')).statements.length);

  await seedArticles(rw, users, 2, 28);
  for (const url of urls) {
    const { statements, body } = await measure(rw, url, token);
    t.is(statements.length, small.get(url)!, `${url}: ${statements.join('\n')}`);
    t.true(body.articles.length > 2, `${url} lists more articles now`);
  }
  const anonymous = await measure(rw, '/articles');
  t.is(anonymous.statements.length, small.get('anonymous /articles')!);

  // A single article, and the comments of one: the same whatever the number of comments.
  const one = (await measure(rw, '/articles/article-0', token)).statements.length;
  const addComments = async (n: number) => {
    const em = rw.orm.em.fork();
    for (let i = 0; i < n; i++) em.create(Comment, { body: `c${i}`, article: em.getReference(Article, 1), author: em.getReference(User, users[i % 4]!.id) });
    await em.flush();
  };
  await addComments(2);
  const fewComments = await measure(rw, '/articles/article-0/comments', token);
  await addComments(28);
  const manyComments = await measure(rw, '/articles/article-0/comments', token);
  t.is(manyComments.body.comments.length, 30);
  t.is(manyComments.statements.length, fewComments.statements.length, manyComments.statements.join('\n'));
  t.is(fewComments.statements.length, 4, 'article, comments, their authors, followed authors');
  t.is(one, 5, 'article, author, tags, favourite counts, followed author');

  // The statements themselves: count, articles, authors, tags, favourite counts, followed authors.
  t.is(small.get('/articles')!, 6);
  t.is(small.get('/articles/feed')!, 6);
  t.is(small.get('anonymous /articles')!, 5, 'no viewer: no follow query; favourites counted all the same');
});

forEachDialect(test, 'RealWorld: pagination gives the right page and the total of all pages', async (t, db) => {
  const rw = await startApp(db.config, t.teardown.bind(t));
  const { users, token } = await seedUsers(rw);
  await seedArticles(rw, users, 0, 30);

  const first = (await measure(rw, '/articles', token)).body;
  t.is(first.articlesCount, 30);
  t.is(first.articles.length, 20, 'the default page size');
  t.is(first.articles[0].slug, 'article-29', 'newest first');
  const last = (await measure(rw, '/articles?limit=20&offset=20', token)).body;
  t.is(last.articlesCount, 30);
  t.deepEqual(last.articles.map((a: { slug: string }) => a.slug), Array.from({ length: 10 }, (_, i) => `article-${9 - i}`));

  // Authors a1 and a2 are followed: i % 3 in {0, 1} → 20 of the 30 articles.
  const feed = (await measure(rw, '/articles/feed?limit=5&offset=5', token)).body;
  t.is(feed.articlesCount, 20);
  t.deepEqual(feed.articles.map((a: { slug: string }) => a.slug), ['article-21', 'article-19', 'article-18', 'article-16', 'article-15']);
  t.true(feed.articles.every((a: { author: { following: boolean } }) => a.author.following));

  // Filters count what they match, not the joined rows.
  const tagged = (await measure(rw, '/articles?tag=dragons&limit=1', token)).body;
  t.is(tagged.articlesCount, 12, 'i % 5 is 0 or 4');
  const tagList = tagged.articles[0].tagList as string[];
  t.true(tagList.includes('dragons'));
  t.deepEqual(tagList, [...tagList].sort(), 'tags in name order');
  const favourited = (await measure(rw, '/articles?favorited=a4&limit=50', token)).body;
  t.is(favourited.articlesCount, 7, 'a4 favourites articles with i % 4 == 3');
  t.true(favourited.articles.every((a: { favoritesCount: number; favorited: boolean }) => a.favoritesCount === 4 && !a.favorited));

  // favoritesCount per article and favorited for the viewer, who favourites nothing.
  const one = (await measure(rw, '/articles/article-2', token)).body.article;
  t.is(one.favoritesCount, 3);
  t.false(one.favorited);
  t.false(one.author.following, 'a3 is not followed');
});
