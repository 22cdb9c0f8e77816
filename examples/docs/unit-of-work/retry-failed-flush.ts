import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property, UniqueConstraintViolationError } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) email!: string;
  @Property() name!: string;
}

@Entity()
export class Note {
  @PrimaryKey() id!: number;
  @Property() text!: string;
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [User, Note], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    await orm.schema.create();
    const seed = orm.em.fork();
    seed.create(User, { email: 'taken@example.com', name: 'Tom' });
    await seed.flush();

    const em = orm.em.fork();
    const note = em.create(Note, { text: 'queued in the same unit of work' });
    // #region docs
    const user = em.create(User, { email: 'taken@example.com', name: 'Ann' });
    try {
      await em.flush();
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationError)) throw e;
      user.email = 'ann@example.com';
      await em.flush();                      // inserts the user, with everything else that was queued
    }
    // #endregion docs

    assert.equal(typeof user.id, 'number');
    assert.equal(typeof note.id, 'number', 'the note queued before the failure went in with the retry');
    const check = orm.em.fork();
    assert.deepEqual((await check.find(User, {}, { orderBy: { id: 'asc' } })).map((u) => u.email), ['taken@example.com', 'ann@example.com']);
    assert.equal(await check.count(Note, {}), 1);
  } finally {
    await orm.close();
  }
}
