// orm.schema works per connection: each database gets its own tables, the script is grouped by
// connection, and one connection can be created, updated or dropped alone.
import test from 'ava';
import { Entity, Joinery, ManyToOne, PrimaryKey, Property, UsageError, type Rel } from 'joinery';
import { forEachDialect } from '../support/databases.js';

@Entity()
class Account {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
}

@Entity({ connection: 'media' })
class Photo {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) url!: string;
  @ManyToOne(() => Account) owner!: Rel<Account>;
}

async function tables(orm: Joinery, connection: string, dialect: string): Promise<string[]> {
  const sql =
    dialect === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
      : dialect === 'pg'
        ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
        : 'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name';
  const { rows } = await orm.getDriver(connection).execute({ sql, params: [] });
  return rows.map((r) => String(r.name ?? (r as Record<string, unknown>).NAME ?? (r as Record<string, unknown>).TABLE_NAME));
}

forEachDialect(test, 'create, update and drop one connection at a time; the script is grouped by connection', async (t, db) => {
  const media = await db.another('media');
  const orm = await Joinery.init({ entities: [Account, Photo], connections: { default: db.config, media: media.config } });
  t.teardown(() => orm.close());
  const script = orm.schema.getCreateSQL();
  t.regex(script, /-- connection: default[\s\S]*accounts[\s\S]*-- connection: media[\s\S]*photos/);
  t.notRegex(orm.schema.getCreateSQL({ connection: 'media' }), /create table ["`]?accounts/);
  await orm.schema.create({ connection: 'media' });
  t.deepEqual(await tables(orm, 'media', db.dialect), ['photos']);
  t.deepEqual(await tables(orm, 'default', db.dialect), [], 'the other connection is untouched');
  t.regex(await orm.schema.getUpdateSQL(), /create table ["`]?accounts/, 'update sees what default still lacks');
  await orm.schema.update({ connection: 'default' });
  t.deepEqual(await tables(orm, 'default', db.dialect), ['accounts']);
  t.is(await orm.schema.getUpdateSQL(), '');
  await orm.schema.drop({ connection: 'media' });
  t.deepEqual(await tables(orm, 'media', db.dialect), []);
  t.deepEqual(await tables(orm, 'default', db.dialect), ['accounts']);
  const err = t.throws(() => orm.schema.getCreateSQL({ connection: 'archive' }), { instanceOf: UsageError });
  t.is(err!.code, 'UNKNOWN_CONNECTION');
});
