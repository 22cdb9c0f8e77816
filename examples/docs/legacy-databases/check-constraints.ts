import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';
// #region docs
import { CheckConstraintViolationError } from 'joinery';
// #endregion docs

@Entity({ tableName: 'films' })
class Film {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() length!: number;
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [Film], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    await orm.em
      .fork()
      .execute('CREATE TABLE films (id integer PRIMARY KEY, title varchar(255) NOT NULL, length integer NOT NULL CONSTRAINT films_length_positive CHECK (length > 0))');
    const em = orm.em.fork();
    // #region docs

    em.create(Film, { title: 'Academy Dinosaur', length: -86 });
    const error = await em.flush().catch((e: unknown) => e);
    if (error instanceof CheckConstraintViolationError) {
      error.table; // 'films'
      error.constraint; // 'films_length_positive'
    }
    // #endregion docs
    assert.ok(error instanceof CheckConstraintViolationError);
    assert.equal(error.code, 'CHECK_VIOLATION');
    assert.equal(error.table, 'films');
    assert.equal(error.constraint, 'films_length_positive');
  } finally {
    await orm.close();
  }
}
