import assert from 'node:assert/strict';
import { Entity, EntityManager, Joinery, PrimaryKey, Property, type Json } from 'joinery';

// #region docs
@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property({ type: 'json' }) settings!: Json<{ theme: string; beta?: boolean }>;
}

function darkUsers(em: EntityManager) {
  return em.find(User, { settings: { theme: 'dark' } });   // compared as a whole value
}
// #endregion docs

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [User], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    await orm.schema.create();
    const em = orm.em.fork();
    em.create(User, { id: 1, settings: { theme: 'dark' } });
    em.create(User, { id: 2, settings: { theme: 'dark', beta: true } });
    em.create(User, { id: 3, settings: { theme: 'light' } });
    await em.flush();
    const found = await darkUsers(orm.em.fork());
    assert.deepEqual(found.map((u) => u.id), [1], 'the whole value is compared, not a part of it');
    assert.deepEqual(found[0].settings, { theme: 'dark' });
    // Not a relation: it cannot be populated.
    // @ts-expect-error: 'settings' is not a populate path of User
    await assert.rejects(orm.em.fork().find(User, {}, { populate: ['settings'] }), { code: 'UNKNOWN_POPULATE' });
  } finally {
    await orm.close();
  }
}
