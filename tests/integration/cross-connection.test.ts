// Relations across two databases (Waterline's users / photos / wishlist): schema per connection,
// a graph flushed to both, populate, lazy loads, criteria resolved in steps, counts, nativeDelete.
import test, { type ExecutionContext } from 'ava';
import { Collection, UsageError, wrap } from 'joinery';
import { dialects, type TestDialect } from '../support/databases.js';
import { openConnections } from '../support/connections.js';
import { WATERLINE_ENTITIES, WlPhoto, WlProduct, WlUser } from '../fixtures/waterline.js';

const PAIRS: readonly (readonly [TestDialect, TestDialect])[] = [['sqlite', 'sqlite'], ['pg', 'mysql'], ['mysql', 'pg']];

async function setup(t: ExecutionContext, pair: readonly [TestDialect, TestDialect]) {
  const { orm, log } = await openConnections(t, { default: pair[0], media: pair[1] }, WATERLINE_ENTITIES);
  const em = orm.em.fork();
  const ann = em.create(WlUser, { name: 'Ann' });
  const bob = em.create(WlUser, { name: 'Bob' });
  const cid = em.create(WlUser, { name: 'Cid' });
  const lamp = em.create(WlProduct, { name: 'lamp' });
  const desk = em.create(WlProduct, { name: 'desk' });
  em.create(WlPhoto, { url: 'a1.jpg', owner: ann });
  em.create(WlPhoto, { url: 'a2.png', owner: ann });
  em.create(WlPhoto, { url: 'b1.jpg', owner: bob });
  ann.wishlist.add(lamp, desk);
  bob.wishlist.add(desk);
  void cid;
  await em.flush();
  log.length = 0;
  return { orm, log };
}

for (const pair of PAIRS) {
  if (!pair.every((d) => dialects().includes(d))) continue;
  const name = `[${pair[0]}+${pair[1]}]`;

  test.serial(`${name} schema: tables per connection, no FK across, join table on the owner's`, async (t) => {
    const { orm } = await setup(t, pair);
    const sql = orm.schema.getCreateSQL();
    t.regex(sql, /-- no foreign key: wl_photos\.owner_id -> wl_users, which lives on connection default/);
    t.regex(sql, /-- no foreign key: wl_product_wl_user\.wl_product_id -> wl_products, which lives on connection media/);
    const [def, media] = sql.split('-- connection: media');
    t.regex(def!, /create table [`"]wl_product_wl_user[`"]/);
    t.notRegex(media!, /wl_product_wl_user[`"] \(/);
    t.notRegex(media!, /references [`"]wl_users[`"]/);
    await orm.schema.drop();
    await orm.schema.create();
    t.pass();
  });

  test.serial(`${name} populate to-one, 1:m and M:N across connections`, async (t) => {
    const { orm, log } = await setup(t, pair);
    const em = orm.em.fork();
    const users = await em.find(WlUser, {}, { populate: ['photos', 'wishlist'], orderBy: { id: 'asc' } });
    t.deepEqual(users.map((u) => u.photos.getItems().map((p) => p.url).sort()), [['a1.jpg', 'a2.png'], ['b1.jpg'], []]);
    t.deepEqual(users.map((u) => u.wishlist.getItems().map((p) => p.name)), [['lamp', 'desk'], ['desk'], []]);
    // users, photos, link rows on default, products on media
    t.deepEqual(log.map((q) => q.connection), ['default', 'media', 'default', 'media']);
    const em2 = orm.em.fork();
    const products = await em2.find(WlProduct, {}, { populate: ['wishedBy'], orderBy: { id: 'asc' } });
    t.deepEqual(products.map((p) => p.wishedBy.getItems().map((u) => u.name).sort()), [['Ann'], ['Ann', 'Bob']]);
    const photos = await em2.find(WlPhoto, {}, { populate: ['owner'], strategy: 'joined', orderBy: { id: 'asc' } });
    t.deepEqual(photos.map((p) => p.owner.name), ['Ann', 'Ann', 'Bob']);
  });

  test.serial(`${name} lazy loads across connections are batched`, async (t) => {
    const { orm, log } = await setup(t, pair);
    const em = orm.em.fork();
    const users = await em.find(WlUser, {}, { orderBy: { id: 'asc' } });
    log.length = 0;
    await Promise.all(users.map((u) => u.wishlist.init()));
    t.deepEqual(log.map((q) => q.connection), ['default', 'media']);
    t.deepEqual(users.map((u) => (u.wishlist as Collection<WlProduct>).count()), [2, 1, 0]);
    const photos = await em.find(WlPhoto, {});
    log.length = 0;
    await Promise.all(photos.map((p) => wrap(p.owner).init()));
    t.is(log.length, 0); // the owners are in the identity map already
    const em2 = orm.em.fork();
    const photos2 = await em2.find(WlPhoto, {});
    log.length = 0;
    await Promise.all(photos2.map((p) => wrap(p.owner).init()));
    t.deepEqual(log.map((q) => q.connection), ['default']);
  });

  test.serial(`${name} criteria through cross-connection relations run in steps`, async (t) => {
    const { orm, log } = await setup(t, pair);
    const em = orm.em.fork();
    const photos = await em.find(WlPhoto, { owner: { name: 'Ann' } }, { orderBy: { id: 'asc' } });
    t.deepEqual(photos.map((p) => p.url), ['a1.jpg', 'a2.png']);
    t.deepEqual(log.map((q) => q.connection), ['default', 'media']);
    const withPng = await em.find(WlUser, { photos: { url: { $like: '%.png' } } });
    t.deepEqual(withPng.map((u) => u.name), ['Ann']);
    const noPhotos = await em.find(WlUser, { photos: { $none: {} } });
    t.deepEqual(noPhotos.map((u) => u.name), ['Cid']);
    const wantLamp = await em.find(WlUser, { wishlist: { name: 'lamp' } });
    t.deepEqual(wantLamp.map((u) => u.name), ['Ann']);
    const wantedByBob = await em.find(WlProduct, { wishedBy: { name: 'Bob' } });
    t.deepEqual(wantedByBob.map((p) => p.name), ['desk']);
    const twoWishes = await em.find(WlUser, { wishlist: { $count: { $gte: 2 } } });
    t.deepEqual(twoWishes.map((u) => u.name), ['Ann']);
    t.is(await em.count(WlPhoto, { owner: { name: { $ne: 'Ann' } } }), 1);
    t.is(await em.count(WlPhoto, { owner: { name: 'Nobody' } }), 0);
    const err = await t.throwsAsync(em.find(WlPhoto, { owner: { nope: 1 } } as never));
    t.is((err as { code?: string }).code, 'UNKNOWN_PROPERTY');
  });

  test.serial(`${name} relation counts and matching across connections`, async (t) => {
    const { orm } = await setup(t, pair);
    const em = orm.em.fork();
    const users = await em.find(WlUser, {}, { orderBy: { id: 'asc' }, counts: { wishlist: true, lamps: { relation: 'wishlist', where: { name: 'lamp' } }, photos: true } });
    t.deepEqual(users.map((u) => [wrap(u).count('wishlist'), wrap(u).count('lamps'), wrap(u).count('photos')]), [[2, 1, 2], [1, 0, 1], [0, 0, 0]]);
    const desks = await (users[0]!.wishlist as Collection<WlProduct>).matching({ where: { name: 'desk' } });
    t.deepEqual(desks.map((p) => p.name), ['desk']);
    t.false(users[0]!.wishlist.isInitialized());
  });

  test.serial(`${name} nativeUpdate and nativeDelete with cross-connection criteria`, async (t) => {
    const { orm } = await setup(t, pair);
    const em = orm.em.fork();
    t.is(await em.nativeUpdate(WlPhoto, { owner: { name: 'Bob' } }, { url: 'b2.jpg' }), 1);
    t.is(await em.nativeDelete(WlPhoto, { owner: { name: 'Ann' } }), 2);
    t.is(await em.nativeDelete(WlUser, { photos: { $none: {} }, wishlist: { $count: 0 } }), 1);
    const em2 = orm.em.fork();
    t.deepEqual((await em2.find(WlPhoto, {})).map((p) => p.url), ['b2.jpg']);
    t.deepEqual((await em2.find(WlUser, {}, { orderBy: { id: 'asc' } })).map((u) => u.name), ['Ann', 'Bob']);
  });

  test.serial(`${name} collection writes: the items' own connection, and no statement across two`, async (t) => {
    const { orm, log } = await setup(t, pair);
    const em = orm.em.fork();
    const bob = await em.findOneOrFail(WlUser, { name: 'Bob' });
    log.length = 0;
    t.is(await bob.photos.nativeUpdate({}, { url: 'bob.jpg' }), 1, 'photos live on media with their foreign key');
    t.deepEqual(log.map((q) => q.connection), ['media']);
    log.length = 0;
    const err = await t.throwsAsync(bob.wishlist.nativeDelete({ name: 'lamp' }), { instanceOf: UsageError });
    t.is((err as UsageError).code, 'CROSS_CONNECTION');
    t.regex(err!.message, /WlUser\.wishlist: its links \(table wl_product_wl_user\) are on connection 'default' and WlProduct rows on 'media'/);
    t.is(log.length, 0, 'before any SQL');
  });
}
