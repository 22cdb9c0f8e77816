// Regression: knex.raw reads every `?` as a placeholder, so DDL with a literal `?` (a default of
// 'why?') failed on every dialect. Statements without parameters must reach the database as written.
import test from 'ava';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';
import { forEachDialect } from '../support/databases.js';

@Entity()
class Question {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', default: 'why?' }) text!: string;
}

forEachDialect(test, 'a default containing ? is created and applied', async (t, db) => {
  const orm = await Joinery.init({ entities: [Question], ...db.config });
  t.teardown(() => orm.close());
  await orm.schema.create();
  t.regex(orm.schema.getCreateSQL(), /why\?/);
  await orm.getDriver().execute({ sql: `INSERT INTO ${db.dialect === 'mysql' ? '`questions`' : '"questions"'} (id) VALUES (1)`, params: [] });
  const q = await orm.em.fork().findOneOrFail(Question, 1);
  t.is(q.text, 'why?');
  t.is(await orm.schema.getUpdateSQL(), '', 'nothing to update right after create');
});
