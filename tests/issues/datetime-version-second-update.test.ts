// Regression: a datetime version column was written with one `new Date()` and remembered with
// another (and bound as epoch ms on SQLite), so the second update always failed its lock check.
import test from 'ava';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';
import { forEachDialect } from '../support/databases.js';

@Entity()
class Doc {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) body!: string;
  @Property({ type: 'datetime', version: true }) updatedAt!: Date;
}

forEachDialect(test, 'a datetime-versioned entity can be updated again and again', async (t, db) => {
  const orm = await Joinery.init({ entities: [Doc], ...db.config });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const doc = em.create(Doc, { body: 'v0' });
  await em.flush();
  for (let i = 1; i <= 5; i++) {
    doc.body = `v${i}`;
    await em.flush();
  }
  const loaded = await orm.em.fork().findOneOrFail(Doc, doc.id);
  t.is(loaded.body, 'v5');
  t.is(loaded.updatedAt.getTime(), doc.updatedAt.getTime());
});
