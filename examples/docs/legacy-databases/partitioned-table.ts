import assert from 'node:assert/strict';
import { Joinery } from 'joinery';
import { exampleDatabase } from '../support.js';

// #region docs
import { Entity, PrimaryKey, Property } from 'joinery';

// Inserts into measurements are redirected to a partition by DO INSTEAD rules:
// PostgreSQL refuses INSERT ... RETURNING on such a table.
@Entity({ tableName: 'measurements', returning: false })
class Measurement {
  @PrimaryKey() id!: number;
  @Property() city!: string;
  @Property({ type: 'date' }) taken!: string;
}
// #endregion docs

export async function main(): Promise<void> {
  const db = await exampleDatabase('pg', __filename);
  const statements: string[] = [];
  const orm = await Joinery.init({ entities: [Measurement], ...db.config, logger: (q) => statements.push(q.sql) });
  try {
    const setup = orm.em.fork();
    await setup.execute('CREATE TABLE measurements (id serial PRIMARY KEY, city varchar(255) NOT NULL, taken date NOT NULL)');
    await setup.execute("CREATE TABLE measurements_2024 (CHECK (taken >= DATE '2024-01-01' AND taken < DATE '2025-01-01')) INHERITS (measurements)");
    await setup.execute(
      "CREATE RULE measurements_2024 AS ON INSERT TO measurements WHERE (taken >= DATE '2024-01-01' AND taken < DATE '2025-01-01') DO INSTEAD INSERT INTO measurements_2024 VALUES (NEW.*)",
    );
    statements.length = 0;

    const em = orm.em.fork();
    const a = em.create(Measurement, { city: 'Oslo', taken: '2024-03-01' });
    const b = em.create(Measurement, { city: 'Lima', taken: '2024-07-14' });
    await em.flush();
    assert.deepEqual([a.id, b.id], [1, 2]);
    const sent = statements.filter((s) => !/^(BEGIN|COMMIT)/.test(s));
    assert.deepEqual(sent, [
      'SELECT nextval(pg_get_serial_sequence($1, $2)) AS k FROM generate_series(1, CAST($3 AS integer))',
      'INSERT INTO "measurements" ("id", "city", "taken") SELECT * FROM unnest(CAST($1 AS integer[]), CAST($2 AS text[]), CAST($3 AS date[]))',
    ]);
    assert.deepEqual(await orm.em.fork().execute('SELECT count(*) AS n FROM measurements_2024'), [{ n: 2 }]);
  } finally {
    await orm.close();
    await db.drop();
  }
}
