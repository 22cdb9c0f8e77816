import assert from 'node:assert/strict';
import { Entity, Joinery, ManyToOne, PrimaryKey, Property, type Rel } from 'joinery';
import { exampleDatabase } from '../support.js';

@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property() email!: string;
}

@Entity()
class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => User) author!: Rel<User>;
}

@Entity({ connection: 'archive' })
class AuditLog {
  @PrimaryKey() id!: number;
  @Property() action!: string;
  @ManyToOne(() => User) user!: Rel<User>;      // across connections: no FK constraint
}

export async function main(): Promise<void> {
  const db = await exampleDatabase('pg', __filename);
  process.env.DATABASE_URL = String(db.config.connection);
  // #region docs
  const orm = await Joinery.init({
    entities: [User, Post, AuditLog],
    connections: {
      default: { client: 'pg', connection: process.env.DATABASE_URL! },
      archive: { client: 'sqlite', connection: { filename: 'archive.db' } },
    },
  });
  // #endregion docs
  try {
    await orm.schema.create();
    const archiveDdl = orm.schema.getCreateSQL({ connection: 'archive' });
    assert.match(archiveDdl, /create table `audit_logs`/);
    assert.doesNotMatch(archiveDdl, /references/i, 'no FK constraint from the archive to users on PostgreSQL');

    const em = orm.em.fork();
    const ada = em.create(User, { email: 'ada@example.com' });
    em.create(Post, { title: 'Notes', author: ada });
    em.create(AuditLog, { action: 'signed up', user: ada });
    await em.flush();

    // Each row went to its own database.
    const onPg = await orm.getDriver().execute({ sql: 'SELECT email FROM users', params: [] });
    assert.deepEqual(onPg.rows, [{ email: 'ada@example.com' }]);
    const onSqlite = await orm.getDriver('archive').execute({ sql: 'SELECT action, user_id FROM audit_logs', params: [] });
    assert.deepEqual(onSqlite.rows.map((r) => [r.action, Number(r.user_id)]), [['signed up', ada.id]]);
    const log = await orm.em.fork().findOneOrFail(AuditLog, { action: 'signed up' }, { populate: ['user'] });
    assert.equal(log.user.email, 'ada@example.com');
  } finally {
    await orm.close();
    await db.drop();
  }
}
