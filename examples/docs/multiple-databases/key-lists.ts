import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, type QueryLogEntry, type Rel } from 'joinery';

@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => Photo, (p) => p.owner) photos = new Collection<Photo>(this);
}

@Entity({ connection: 'media' })
class Photo {
  @PrimaryKey() id!: number;
  @Property() url!: string;
  @ManyToOne(() => User) owner!: Rel<User>;
}

const memory = { client: 'sqlite', connection: { filename: ':memory:' }, pool: { min: 1, max: 1 } } as const;

export async function main(): Promise<void> {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [User, Photo], connections: { default: memory, media: memory }, logger: (q) => log.push(q) });
  try {
    await orm.schema.create();
    // 40,000 users with a photo each: more keys than SQLite accepts placeholders (32,766).
    const n = 40_000;
    for (let i = 0; i < n; i += 5000) {
      const ids = Array.from({ length: 5000 }, (_, j) => i + j + 1);
      const values = ids.map(() => '(?, ?)').join(', ');
      await orm.getDriver().execute({ sql: `INSERT INTO users (id, name) VALUES ${values}`, params: ids.flatMap((id) => [id, `user ${id}`]) });
      await orm.getDriver('media').execute({ sql: `INSERT INTO photos (url, owner_id) VALUES ${values}`, params: ids.flatMap((id) => [`${id}.jpg`, id]) });
    }
    const em = orm.em.fork();
    log.length = 0;
    // #region docs
    const [page, total] = await em.findAndCount(User, { photos: { url: { $like: '%.jpg' } } }, { orderBy: { id: 'desc' }, limit: 2 });
    // media:   the owner_id of every photo whose url matches: 40,000 keys
    // default: SELECT ... FROM users WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT 2,
    //          and the COUNT(*) with the same condition: the keys are one JSON parameter of each
    // #endregion docs
    assert.deepEqual(page.map((u) => u.id), [n, n - 1]);
    assert.equal(total, n);
    const onUsers = log.filter((q) => q.connection === 'default');
    assert.equal(onUsers.length, 2, 'one page query and one count, not one per chunk of keys');
    for (const q of onUsers) {
      assert.match(q.sql, /IN \(SELECT value FROM json_each\(\?\)\)/);
      assert.ok(q.params.length <= 2, 'the key list is one parameter');
    }
  } finally {
    await orm.close();
  }
}
