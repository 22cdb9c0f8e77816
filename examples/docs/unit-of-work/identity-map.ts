import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() email!: string;
}

export async function main(): Promise<void> {
  const statements: string[] = [];
  const orm = await Joinery.init({
    entities: [User],
    client: 'sqlite',
    connection: { filename: ':memory:' },
    logger: (q) => statements.push(q.sql),
  });
  try {
    await orm.schema.create();
    const seed = orm.em.fork();
    seed.create(User, { email: 'ada@example.com' });
    await seed.flush();

    // #region docs:fork
    const em = orm.em.fork();        // one per request, job or unit of work
    // #endregion docs:fork
    assert.notEqual(em, orm.em);

    // #region docs:identity
    const a = await em.findOneOrFail(User, 1);
    const [b] = await em.find(User, { email: a.email });
    a === b;                               // true
    a === em.getReference(User, 1);        // true
    // #endregion docs:identity
    assert.equal(a, b);
    assert.equal(a, em.getReference(User, 1));

    // Another fork has its own map: the same row is another object there.
    const other = await orm.em.fork().findOneOrFail(User, 1);
    assert.notEqual(other, a);

    // A loaded entity asked for by key, with no populate: answered from the map, no query.
    statements.length = 0;
    assert.equal(await em.findOne(User, 1), a);
    assert.deepEqual(statements, []);

    // A query that meets the row again does not overwrite unflushed changes; refresh() does.
    a.email = 'changed@example.com';
    await em.find(User, {});
    assert.equal(a.email, 'changed@example.com');
    await em.refresh(a);
    assert.equal(a.email, 'ada@example.com');
  } finally {
    await orm.close();
  }
}
