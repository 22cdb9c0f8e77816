import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, type QueryLogEntry, type Rel } from 'joinery';
import { exampleDatabase } from '../support.js';

export async function main(): Promise<void> {
  const usersUrl = (await exampleDatabase('pg', __filename)).url;
  const mediaUrl = (await exampleDatabase('mysql', __filename)).url;
  const log: QueryLogEntry[] = [];
  const logger = (entry: QueryLogEntry) => log.push(entry);

// #region docs
@Entity()                                         // connection 'default' (the first one declared)
class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => Photo, (p) => p.owner) photos = new Collection<Photo>(this);
  @ManyToMany(() => Product, (p) => p.wishedBy, { owner: true }) wishlist = new Collection<Product>(this);
}
@Entity({ connection: 'media' })
class Photo {
  @PrimaryKey() id!: number;
  @Property() url!: string;
  @ManyToOne(() => User) owner!: Rel<User>;       // owner_id column, no FK constraint
}
@Entity({ connection: 'media' })
class Product {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @ManyToMany(() => User, (u) => u.wishlist) wishedBy = new Collection<User>(this);
}

const orm = await Joinery.init({
  entities: [User, Photo, Product],
  connections: {
    default: { client: 'pg', connection: usersUrl },    // e.g. 'postgres://app@db1/app'
    media: { client: 'mysql', connection: mediaUrl },   // e.g. 'mysql://app@db2/media'
  },
  logger,                                        // to see which database runs each statement
});
await orm.schema.create();                        // each connection gets its own tables
// #endregion docs

  try {
    const ddl = orm.schema.getCreateSQL();
    assert.match(ddl, /-- connection: default[\s\S]*create table "users"[\s\S]*create table "product_user"[\s\S]*-- connection: media[\s\S]*create table `photos`/i,
      'the join table of the owner side (User.wishlist) is on default, next to users');
    assert.match(ddl, /-- no foreign key: photos\.owner_id -> users, which lives on connection default/);

    const em = orm.em.fork();
    const ann = em.create(User, { name: 'Ann' });
    ann.photos.add(em.create(Photo, { url: 'ann.png' }));
    ann.wishlist.add(em.create(Product, { name: 'lamp' }));
    await em.flush();

    log.length = 0;
    const photos = await orm.em.fork().find(Photo, { owner: { name: 'Ann' } });
    assert.deepEqual(photos.map((p) => p.url), ['ann.png']);
    assert.deepEqual(log.map((e) => e.connection), ['default', 'media'], "the owner's keys first, then the photos by key");

    log.length = 0;
    const [user] = await orm.em.fork().find(User, { wishlist: { name: 'lamp' } }, { populate: ['wishlist', 'photos'] });
    assert.deepEqual(user.wishlist.getItems().map((p) => p.name), ['lamp']);
    assert.deepEqual(user.photos.getItems().map((p) => p.url), ['ann.png']);
    // Nothing is joined across databases: each statement names only its own connection's tables.
    for (const { connection, sql } of log) {
      if (connection === 'media') assert.doesNotMatch(sql, /users|product_user/, sql);
      else assert.doesNotMatch(sql, /photos|[`"]products[`"]/, sql);
    }
    assert.deepEqual(new Set(log.map((e) => e.connection)), new Set(['default', 'media']));
  } finally {
    await orm.close();
  }
}
