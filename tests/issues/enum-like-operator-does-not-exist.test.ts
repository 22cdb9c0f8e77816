// Regression: `$like` / `$ilike` on a PostgreSQL enum column failed with "operator does not exist:
// mood ~~ unknown" (LIKE is defined for text, not for enum types). A `type: 'enum'` column is now
// cast to text for pattern matching on PostgreSQL; MySQL's ENUM and SQLite's text match as they are.
import test from 'ava';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';
import { forEachDialect } from '../support/databases.js';

@Entity({ tableName: 'moods' })
class Mood {
  @PrimaryKey() id!: number;
  @Property({ type: 'enum', enum: ['happy', 'sad', 'sleepy'], nativeEnumName: 'mood' }) mood!: string;
}

forEachDialect(test, '$like and $ilike on an enum column', async (t, db) => {
  const orm = await Joinery.init({ entities: [Mood], ...db.config });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  for (const mood of ['happy', 'sad', 'sleepy']) em.create(Mood, { mood });
  await em.flush();
  const moods = async (where: object) => (await orm.em.fork().find(Mood, where as never, { orderBy: { id: 'asc' } })).map((m) => m.mood);
  t.deepEqual(await moods({ mood: { $like: 's%' } }), ['sad', 'sleepy']);
  t.deepEqual(await moods({ mood: { $ilike: 'HAP%' } }), ['happy']);
  t.deepEqual(await moods({ mood: { $not: { $like: '%y' } } }), ['sad']);
});
