// The RealWorld example's pure parts: configuration, DATABASE_URL parsing, slugs, password hashes
// and the mapping of errors to HTTP answers. tests/integration/realworld.legacy.test.ts runs the app.
import test from 'ava';
import { DriverError, NotFoundError, UniqueConstraintViolationError, UsageError, ValidationError } from 'joinery';
import { hashPassword, verifyPassword } from '../../examples/realworld/auth/passwords.js';
import { configFromEnv } from '../../examples/realworld/config.js';
import { connectionFromUrl } from '../../examples/realworld/database.js';
import { errorToResponse, forbidden, HttpError, unauthorized } from '../../examples/realworld/http/errors.js';
import { slugFor } from '../../examples/realworld/services/slugs.js';

test('config: defaults, and every variable read and checked', (t) => {
  const defaults = configFromEnv({});
  t.is(defaults.port, 3000);
  t.is(defaults.host, '127.0.0.1');
  t.is(defaults.databaseUrl, 'sqlite:conduit.sqlite');
  t.is(defaults.passwordCost, 17);
  t.is(defaults.jwtSecret.length, 32, 'a random key when JWT_SECRET is not set');
  t.notDeepEqual(configFromEnv({}).jwtSecret, defaults.jwtSecret);

  const set = configFromEnv({ PORT: '0', HOST: '0.0.0.0', DATABASE_URL: 'postgres://x/y', JWT_SECRET: 'abc', TOKEN_LIFETIME: '2h', SCRYPT_LOG2N: '14' });
  t.deepEqual({ ...set, jwtSecret: Buffer.from(set.jwtSecret).toString() }, {
    port: 0, host: '0.0.0.0', databaseUrl: 'postgres://x/y', jwtSecret: 'abc', tokenLifetime: '2h', passwordCost: 14,
  });
  t.throws(() => configFromEnv({ PORT: 'http' }), { message: 'PORT must be a port number, got "http".' });
  t.throws(() => configFromEnv({ PORT: '70000' }), { message: /PORT must be a port number/ });
  t.throws(() => configFromEnv({ SCRYPT_LOG2N: '30' }), { message: 'SCRYPT_LOG2N must be an integer from 10 to 20, got "30".' });
});

test('DATABASE_URL: the scheme picks the client', (t) => {
  t.deepEqual(connectionFromUrl('postgres://u@h:5432/db'), { client: 'pg', connection: 'postgres://u@h:5432/db' });
  t.deepEqual(connectionFromUrl('postgresql://u@h/db'), { client: 'pg', connection: 'postgresql://u@h/db' });
  t.deepEqual(connectionFromUrl('mysql://root@h:3306/db'), { client: 'mysql', connection: 'mysql://root@h:3306/db' });
  t.deepEqual(connectionFromUrl('mariadb://root@h:3306/db'), { client: 'mysql', connection: 'mysql://root@h:3306/db' });
  t.deepEqual(connectionFromUrl('sqlite:data/app.sqlite'), { client: 'sqlite', connection: { filename: 'data/app.sqlite' } });
  t.deepEqual(connectionFromUrl('sqlite://app.sqlite'), { client: 'sqlite', connection: { filename: 'app.sqlite' } });
  t.deepEqual(connectionFromUrl('sqlite::memory:'), { client: 'sqlite', connection: { filename: ':memory:' } });
  t.throws(() => connectionFromUrl('mongodb://h/db'), { message: /DATABASE_URL must start with postgres:\/\/, mysql:\/\/, mariadb:\/\/ or sqlite:, got "mongodb:\/\/h\/db"/ });
});

test('slugs: readable, ASCII, with a random suffix', (t) => {
  t.regex(slugFor('How to train your dragon'), /^how-to-train-your-dragon-[0-9a-f]{6}$/);
  t.regex(slugFor('  Crème brûlée: 10 façons! '), /^creme-brulee-10-facons-[0-9a-f]{6}$/);
  t.regex(slugFor('!!!'), /^article-[0-9a-f]{6}$/);
  t.is(slugFor('x'.repeat(200)).length, 80 + 7);
  t.not(slugFor('same'), slugFor('same'));
});

test('passwords: scrypt with a random salt, parameters stored with the hash', async (t) => {
  const hash = await hashPassword('correct horse', 10);
  t.regex(hash, /^scrypt\$10\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  t.not(await hashPassword('correct horse', 10), hash, 'a new salt each time');
  t.true(await verifyPassword('correct horse', hash));
  t.false(await verifyPassword('correct horsE', hash));
  t.false(await verifyPassword('', hash));
  const parts = hash.split('$');
  t.false(await verifyPassword('correct horse', [...parts.slice(0, 5), 'A' + parts[5]!.slice(1)].join('$')), 'a changed key');
  t.false(await verifyPassword('correct horse', [...parts.slice(0, 4), 'AAAA' + parts[4]!.slice(4), parts[5]].join('$')), 'a changed salt');
  t.false(await verifyPassword('correct horse', hash.replace('scrypt$10', 'scrypt$11')), 'a changed cost');
  for (const bad of ['', 'plain text', 'bcrypt$10$8$1$a$b', 'scrypt$x$8$1$a$b', 'scrypt$40$8$1$a$b', `scrypt$10$8$1$${parts[4]}$short`]) {
    t.false(await verifyPassword('correct horse', bad), bad);
  }
});

test('errors: each kind to its status and the spec error body', (t) => {
  t.deepEqual(errorToResponse(unauthorized()), { status: 401, messages: ['missing or invalid token'] });
  t.deepEqual(errorToResponse(forbidden('only the author can edit an article')), { status: 403, messages: ['only the author can edit an article'] });
  t.deepEqual(errorToResponse(new HttpError(422, ['a', 'b'])), { status: 422, messages: ['a', 'b'] });
  t.deepEqual(errorToResponse(new NotFoundError('Article', { slug: 'x' })), { status: 404, messages: ['article not found'] });
  t.deepEqual(
    errorToResponse(new ValidationError([
      { entity: 'Article', property: 'title', value: undefined, rule: 'required', message: 'Article.title is required' },
      { entity: 'Article', property: 'description', value: 'x'.repeat(300), rule: 'max_length', message: 'Article.description is too long' },
      { entity: 'Article', property: 'body', value: 1, rule: 'validate', message: 'Article.body failed' },
    ])),
    { status: 422, messages: ["title can't be blank", 'description is too long', 'body is invalid'] },
  );
  t.deepEqual(
    errorToResponse(new UniqueConstraintViolationError('duplicate', { table: 'users', constraint: 'users_email_unique', connection: 'default' }, null)),
    { status: 422, messages: ['email has already been taken'] },
  );
  t.deepEqual(errorToResponse(Object.assign(new Error('schema'), { validation: [
    { keyword: 'required', instancePath: '/user', params: { missingProperty: 'email' }, message: "must have required property 'email'" },
    { keyword: 'minLength', instancePath: '/article/title', params: { limit: 1 }, message: 'must NOT have fewer than 1 characters' },
    { keyword: 'type', instancePath: '/article/tagList', params: { type: 'array' }, message: 'must be array' },
    { keyword: 'required', instancePath: '', params: { missingProperty: 'comment' }, message: "must have required property 'comment'" },
  ] })), { status: 422, messages: ["email can't be blank", "title can't be blank", 'tagList must be array', "comment can't be blank"] });
  t.deepEqual(errorToResponse(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 })), { status: 415, messages: ['Unsupported Media Type'] });
  t.deepEqual(errorToResponse(new DriverError('POOL_EXHAUSTED', 'pool', { connection: 'default' }, null)), { status: 503, messages: ['the database is busy, try again'] });
  t.deepEqual(errorToResponse(new UsageError('GLOBAL_CONTEXT', 'a bug')), { status: 500, messages: ['internal error'] }, 'bugs say nothing to clients');
  t.deepEqual(errorToResponse(new Error('boom')), { status: 500, messages: ['internal error'] });
});
