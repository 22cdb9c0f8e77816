import assert from 'node:assert/strict';
import { Joinery } from 'joinery';

// #region docs
import { Entity, PrimaryKey, Property } from 'joinery';

@Entity({ tableName: 'actors' })
class Actor {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  /** The column's default applies when the property is left undefined. */
  @Property({ generated: 'insert' }) status!: string;
  /** Set by a trigger on every write: never written by joinery, read back after each one. */
  @Property({ type: 'datetime', generated: 'always' }) lastUpdate!: Date;
}
// #endregion docs

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [Actor], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    const setup = orm.em.fork();
    await setup.execute(
      "CREATE TABLE actors (id integer PRIMARY KEY, name varchar(255) NOT NULL, status varchar(20) NOT NULL DEFAULT 'active', last_update datetime NOT NULL DEFAULT '2000-01-01T00:00:00.000Z')",
    );
    await setup.execute(
      "CREATE TRIGGER actors_touch AFTER UPDATE OF name ON actors BEGIN UPDATE actors SET last_update = '2024-06-01T12:00:00.000Z' WHERE id = NEW.id; END",
    );
    // #region docs:use
    const em = orm.em.fork();
    const ann = em.create(Actor, { name: 'Ann' });
    await em.flush();
    ann.status; // 'active', the column's default
    ann.name = 'Anne';
    await em.flush();
    ann.lastUpdate; // what the trigger wrote
    // #endregion docs:use
    assert.equal(ann.status, 'active');
    assert.equal(ann.lastUpdate.toISOString(), '2024-06-01T12:00:00.000Z');
  } finally {
    await orm.close();
  }
}
