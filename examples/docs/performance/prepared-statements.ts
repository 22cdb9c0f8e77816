import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';
import { exampleDatabase } from '../support.js';

@Entity()
class Article {
  @PrimaryKey() id!: number;
  @Property() title!: string;
}

export async function main(): Promise<void> {
  const entities = [Article];
  const db = await exampleDatabase('pg', __filename);
  const url = db.url;
  const pgbouncerUrl = db.url;

// #region docs
// On by default: up to 256 prepared statements per pooled connection.
const orm = await Joinery.init({ entities, client: 'pg', connection: url, pool: { max: 1 } });

// Fewer per connection (each one holds a plan in the server session).
const small = await Joinery.init({ entities, client: 'pg', connection: url, preparedStatements: { max: 50 } });

// Off: behind PgBouncer or RDS Proxy in transaction mode.
const pooled = await Joinery.init({ entities, client: 'pg', connection: pgbouncerUrl, preparedStatements: false });
// #endregion docs

  try {
    await orm.schema.create();
    const em = orm.em.fork();
    em.create(Article, { title: 'Hi' });
    await em.flush();
    for (let i = 0; i < 3; i++) assert.equal((await orm.em.fork().findOne(Article, 1))?.title, 'Hi');
    // The lookup by key was sent three times: the second time prepared it, the third reused it.
    const [prepared] = await orm.em.fork().execute<{ n: unknown }>("select count(*) as n from pg_prepared_statements where name like 'joinery%'");
    assert.equal(prepared?.n, 1);
    assert.equal((await small.em.fork().findOne(Article, 1))?.title, 'Hi');
    assert.equal((await pooled.em.fork().findOne(Article, 1))?.title, 'Hi');
  } finally {
    await Promise.all([orm.close(), small.close(), pooled.close()]);
    await db.drop();
  }
}
