import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Entity, Joinery, PrimaryKey, Property, type JoineryOptions } from 'joinery';

@Entity()
class Member {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

// Runs in an empty directory of its own: the migrations folder and the database file are made here.
const options: JoineryOptions = { entities: [Member], client: 'sqlite', connection: { filename: 'app.db' }, migrations: { path: 'migrations' } };

export async function main(): Promise<void> {
  // #region docs
  const orm = await Joinery.init(options);
  await orm.migrator.up(); // run what is pending (waits for another instance's lock)

  const [created] = await orm.migrator.create({ name: 'create members' }); // written from the diff
  console.log(created!.name, created!.up); // 20261207194501_create_members [ 'create table `members` ...' ]
  const pending = await orm.migrator.pending(); // [{ connection, name, file, executed: false }]
  await orm.migrator.up({ to: created!.name });
  await orm.migrator.down(); // the most recent one; { step: n } or { to: name } for more
  await orm.migrator.up();
  const all = await orm.migrator.list(); // also executed ones, with executedAt
  const { upToDate } = await orm.migrator.check(); // nothing pending, entities match the database
  // #endregion docs
  try {
    assert.match(created!.name, /^\d{14}_create_members$/);
    assert.equal(readdirSync('migrations').length, 1);
    assert.ok(created!.up.some((s) => /create table `members`/.test(s)));
    assert.deepEqual(pending.map((p) => [p.name, p.executed]), [[created!.name, false]]);
    assert.deepEqual(all.map((m) => [m.name, m.executed]), [[created!.name, true]]);
    assert.ok(all[0]!.executed && all[0]!.executedAt instanceof Date);
    assert.equal(upToDate, true);
    const em = orm.em.fork();
    em.create(Member, { name: 'Ann' });
    await em.flush(); // the table the migration made
    assert.equal(await orm.em.fork().count(Member), 1);
  } finally {
    await orm.close();
  }
}
