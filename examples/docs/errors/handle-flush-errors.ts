import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property, type EntityManager } from 'joinery';

@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) email!: string;
  @Property({ length: 20 }) name!: string;
}

/** The part of an HTTP framework's response object the handler uses (Express, Fastify: the same shape). */
interface Reply {
  status(code: number): Reply;
  json(body: unknown): Reply;
}

// #region docs
import { JoineryError, UniqueConstraintViolationError, ValidationError } from 'joinery';

async function save(em: EntityManager, res: Reply) {
  try {
    await em.flush();
  } catch (e) {
    if (e instanceof ValidationError) return res.status(422).json(e.failures.map((f) => ({ field: f.property, message: f.message })));
    if (e instanceof UniqueConstraintViolationError) return res.status(409).json({ error: 'already exists' });
    if (e instanceof JoineryError) console.error(e.code, e.message);
    throw e;
  }
  return res.status(201).json({ saved: true });
}
// #endregion docs

/** Records what the handler answered. */
function reply(): Reply & { sent: { status?: number; body?: unknown } } {
  const sent: { status?: number; body?: unknown } = {};
  const res = {
    sent,
    status(code: number) {
      sent.status = code;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      return res;
    },
  };
  return res;
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [User], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    await orm.schema.create();

    const first = reply();
    const em = orm.em.fork();
    em.create(User, { email: 'ada@example.com', name: 'Ada' });
    await save(em, first);
    assert.deepEqual(first.sent, { status: 201, body: { saved: true } });

    // Too long a name: a ValidationError, found before any SQL, becomes a 422 naming the field.
    const invalid = reply();
    const em2 = orm.em.fork();
    em2.create(User, { email: 'bob@example.com', name: 'Bob'.repeat(10) });
    await save(em2, invalid);
    assert.equal(invalid.sent.status, 422);
    assert.deepEqual(
      (invalid.sent.body as { field: string }[]).map((f) => f.field),
      ['name'],
    );

    // The same email again: the database's unique constraint, mapped to a typed error, becomes a 409.
    const duplicate = reply();
    const em3 = orm.em.fork();
    em3.create(User, { email: 'ada@example.com', name: 'Ada again' });
    await save(em3, duplicate);
    assert.deepEqual(duplicate.sent, { status: 409, body: { error: 'already exists' } });

    assert.equal(await orm.em.fork().count(User, {}), 1);

    // The page's "Database errors" message, word for word, and the fields it lists.
    const em4 = orm.em.fork();
    em4.create(User, { email: 'ada@example.com', name: 'Ada' });
    const error = await em4.flush().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof UniqueConstraintViolationError);
    assert.equal(
      error.message,
      'A unique constraint on table users (email) was violated: a row with the same email already exists. Load the existing row or change the value.',
    );
    assert.equal(error.code, 'UNIQUE_VIOLATION');
    assert.equal(error.table, 'users');
    assert.ok(error.sql && !error.sql.includes('ada@example.com'), 'bound values are never part of the error');
  } finally {
    await orm.close();
  }
}
