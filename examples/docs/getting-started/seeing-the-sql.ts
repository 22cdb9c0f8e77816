import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';

@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property() email!: string;
}

const entities = [User];

export async function main(): Promise<void> {
  const printed: unknown[][] = [];
  const print = console.log;
  console.log = (...args: unknown[]) => printed.push(args);
  try {
    // #region docs
    const orm = await Joinery.init({
      entities, client: 'sqlite', connection: { filename: ':memory:' },
      logger: (q) => console.log(q.connection, q.ms, q.sql, q.params),   // every statement, BEGIN/COMMIT too
      // debug: true,                                                     // or: one line per statement on stderr
    });
    // #endregion docs
    try {
      await orm.schema.create();
      const em = orm.em.fork();
      em.create(User, { email: "o'hara@example.com" });
      printed.length = 0;
      await em.flush();
    } finally {
      await orm.close();
    }
  } finally {
    console.log = print;
  }
  const sql = printed.map(([, , statement]) => String(statement));
  assert.deepEqual(sql.map((s) => /^\w+/.exec(s)![0].toUpperCase()), ['BEGIN', 'INSERT', 'COMMIT']);
  const insert = printed[1]!;
  assert.equal(insert[0], 'default');
  assert.equal(typeof insert[1], 'number');
  // The value is a bound parameter, never spliced into the SQL.
  assert.ok(!String(insert[2]).includes('hara'));
  assert.deepEqual(insert[3], ["o'hara@example.com"]);
}
