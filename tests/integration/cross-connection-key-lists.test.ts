// Criteria resolved in steps across connections when a step finds more keys than any database
// accepts placeholders (SQLite 32,766; PostgreSQL 65,535): the keys still go into one statement,
// so limit, offset, orderBy and counts keep their meaning. 70,000 users on one connection, one
// photo each on the other, plus three users without photos.
import test, { type ExecutionContext } from 'ava';
import { Joinery, wrap, type Collection, type QueryLogEntry } from 'joinery';
import { dialects, type TestDialect } from '../support/databases.js';
import { openConnections } from '../support/connections.js';
import { WATERLINE_ENTITIES, WlPhoto, WlProduct, WlUser } from '../fixtures/waterline.js';

const N = 70_000;
const LONELY = 3;
const PAIRS: readonly (readonly [TestDialect, TestDialect])[] = [['sqlite', 'sqlite'], ['pg', 'mysql'], ['mysql', 'pg']];

async function setup(t: ExecutionContext, pair: readonly [TestDialect, TestDialect]) {
  const { orm, log } = await openConnections(t, { default: pair[0], media: pair[1] }, WATERLINE_ENTITIES);
  // Multi-row INSERTs on the raw drivers: the flush would do the same, but slower to set up.
  const users = Array.from({ length: N + LONELY }, (_, i) => [i + 1, i < N ? `u${i + 1}` : `lonely${i + 1}`]);
  const photos = Array.from({ length: N }, (_, i) => [i + 1, `p${i + 1}.jpg`, i + 1]);
  await insertRows(orm, 'default', 'wl_users', ['id', 'name'], users);
  await insertRows(orm, 'media', 'wl_photos', ['id', 'url', 'owner_id'], photos);
  log.length = 0;
  return { orm, log, dialectOf: { default: pair[0], media: pair[1] } as Record<string, TestDialect> };
}

async function insertRows(orm: Joinery, connection: string, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const driver = orm.getDriver(connection);
  const q = (s: string) => (driver.dialect === 'mysql' ? `\`${s}\`` : `"${s}"`);
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000);
    const values = part.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
    await driver.execute({ sql: `INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES ${values}`, params: part.flat() });
  }
}

/** What the statement carrying `n` keys looks like on `dialect`. */
function assertKeyList(t: ExecutionContext, dialect: TestDialect, entry: QueryLogEntry | undefined, n: number): void {
  t.truthy(entry);
  switch (dialect) {
    case 'sqlite':
      t.regex(entry!.sql, /IN \(SELECT value FROM json_each\(\?\)\)/);
      t.true(entry!.params.length < 5, `${entry!.params.length} parameters`);
      break;
    case 'pg':
      t.regex(entry!.sql, /= ANY\(\$\d+\)/);
      t.true(entry!.params.length < 5, `${entry!.params.length} parameters`);
      break;
    case 'mysql':
      t.regex(entry!.sql, /IN \(\?, \?, \?/);
      t.true(entry!.params.length >= n);
      break;
  }
}

for (const pair of PAIRS) {
  if (!pair.every((d) => dialects().includes(d))) continue;
  const name = `[${pair[0]}+${pair[1]}]`;

  test.serial(`${name} collection criteria with ${N} owner keys: one statement, limit/offset/orderBy and count intact`, async (t) => {
    const { orm, log, dialectOf } = await setup(t, pair);
    const em = orm.em.fork();
    const [page, total] = await em.findAndCount(WlUser, { photos: { url: { $like: 'p%' } } }, { orderBy: { id: 'desc' }, limit: 3, offset: 1 });
    t.deepEqual(page.map((u) => u.name), [`u${N - 1}`, `u${N - 2}`, `u${N - 3}`]);
    t.is(total, N);
    const onUsers = log.filter((q) => q.connection === 'default');
    t.is(onUsers.length, 2, 'the page and the count, each one statement');
    for (const q of onUsers) assertKeyList(t, dialectOf.default!, q, N);

    log.length = 0;
    const lonely = await em.find(WlUser, { photos: { $none: {} } }, { orderBy: { id: 'asc' } });
    t.deepEqual(lonely.map((u) => u.name), [`lonely${N + 1}`, `lonely${N + 2}`, `lonely${N + 3}`]);
    const negated = log.find((q) => q.connection === 'default');
    t.regex(negated!.sql, /NOT \(/);
    assertKeyList(t, dialectOf.default!, negated, N);

    t.is(await em.count(WlUser, { photos: { $count: 1 } }), N);
    t.is(await em.count(WlUser, { photos: { $count: 0 } }), LONELY);
    t.is(await em.count(WlUser, { photos: { $every: { url: { $like: 'p%' } } }, name: { $like: 'u%' } }), N);
  });

  test.serial(`${name} to-one criteria and chains with ${N} keys per step`, async (t) => {
    const { orm, log, dialectOf } = await setup(t, pair);
    const em = orm.em.fork();
    t.is(await em.count(WlPhoto, { owner: { name: { $like: 'u%' } } }), N);
    assertKeyList(t, dialectOf.media!, log.find((q) => q.connection === 'media'), N);

    // photos (media) -> their owners' keys -> users (default) with those keys -> photos (media)
    log.length = 0;
    t.is(await em.count(WlPhoto, { owner: { photos: { url: { $like: 'p%' } } } }), N);
    t.deepEqual(log.map((q) => q.connection), ['media', 'default', 'media']);
    assertKeyList(t, dialectOf.default!, log[1], N);
    assertKeyList(t, dialectOf.media!, log[2], N);

    const last = await em.find(WlPhoto, { owner: { name: { $ne: 'nobody' } } }, { orderBy: { id: 'desc' }, limit: 2 });
    t.deepEqual(last.map((p) => p.url), [`p${N}.jpg`, `p${N - 1}.jpg`]);
  });

  test.serial(`${name} relation counts, nativeUpdate and nativeDelete with ${N} keys`, async (t) => {
    const { orm, log, dialectOf } = await setup(t, pair);
    const em = orm.em.fork();
    const users = await em.find(WlUser, { id: { $in: [1, 2, N + 1] } }, {
      orderBy: { id: 'asc' },
      counts: { named: { relation: 'photos', where: { owner: { name: { $like: 'u%' } } } } },
    });
    t.deepEqual(users.map((u) => wrap(u).count('named')), [1, 1, 0]);
    const counted = log.filter((q) => q.connection === 'media');
    t.is(counted.length, 1, 'one GROUP BY for the three owners, whatever the size of the key list in its where');
    assertKeyList(t, dialectOf.media!, counted[0], N);

    t.is(await em.nativeUpdate(WlPhoto, { owner: { name: { $like: 'u%' } } }, { url: 'x.jpg' }), N);
    t.is(await em.nativeDelete(WlUser, { photos: { url: 'x.jpg' } }), N);
    t.is(await orm.em.fork().count(WlUser, {}), LONELY);
  });
}

for (const pair of PAIRS) {
  if (!pair.every((d) => dialects().includes(d))) continue;
  const name = `[${pair[0]}+${pair[1]}]`;

  test.serial(`${name} many-to-many items on another connection than the join table: ${N} item keys`, async (t) => {
    const { orm, log, dialectOf } = await setup(t, pair);
    // User i wishes product i; the join table is on the users' connection, the products elsewhere.
    const products = Array.from({ length: N }, (_, i) => [i + 1, `prod${i + 1}`]);
    await insertRows(orm, 'media', 'wl_products', ['id', 'name'], products);
    await insertRows(orm, 'default', 'wl_product_wl_user', ['wl_user_id', 'wl_product_id'], products.map(([id]) => [id, id]));
    log.length = 0;
    const em = orm.em.fork();
    t.is(await em.count(WlUser, { wishlist: { name: { $like: 'prod%' } } }), N);
    t.deepEqual(log.map((q) => q.connection), ['media', 'default']);
    assertKeyList(t, dialectOf.default!, log[1], N);

    const users = await em.find(WlUser, { id: { $lte: 2 } }, { orderBy: { id: 'asc' }, counts: { prods: { relation: 'wishlist', where: { name: { $like: 'prod%' } } } } });
    t.deepEqual(users.map((u) => wrap(u).count('prods')), [1, 1]);
    const found = await (users[1]!.wishlist as Collection<WlProduct>).matching({ where: { name: { $like: 'prod%' } } });
    t.deepEqual(found.map((p) => p.name), ['prod2']);
    t.is(await em.count(WlProduct, { wishedBy: { name: { $like: 'u%' } } }), N);
  });
}
