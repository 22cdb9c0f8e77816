import assert from 'node:assert/strict';
import { Entity, Joinery, OneToOne, PrimaryKey, Property, type QueryLogEntry, type Rel } from 'joinery';

// #region docs:model
@Entity()                                            // default
class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile> | null;   // inverse side
}
@Entity({ connection: 'media' })
class Profile {
  @PrimaryKey() id!: number;
  @Property() bio!: string;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;   // user_id, no FK constraint
}
// #endregion docs:model

const memory = { client: 'sqlite', connection: { filename: ':memory:' }, pool: { min: 1, max: 1 } } as const;

export async function main(): Promise<void> {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [User, Profile], connections: { default: memory, media: memory }, logger: (q) => log.push(q) });
  try {
    await orm.schema.create();
    const em = orm.em.fork();
    em.create(User, { name: 'Cid' });
    log.length = 0;
    // #region docs:usage
    const ann = em.create(User, { name: 'Ann' });
    em.create(Profile, { bio: 'poet', user: ann });
    await em.flush();                                  // users on default first, then profiles on media

    const read = orm.em.fork();
    const users = await read.find(User, {}, { populate: ['profile'] });            // from the inverse side
    const profiles = await read.find(Profile, {}, { populate: ['user'] });         // from the owner
    const poets = await read.find(User, { profile: { bio: 'poet' } });             // media, then default
    const without = await read.find(User, { profile: null });                      // NOT IN the owners' keys
    // #endregion docs:usage
    const inserts = log.filter((q) => /^insert/i.test(q.sql.trim())).map((q) => q.connection);
    assert.deepEqual(inserts, ['default', 'media'], 'the user gets its key before the profile that points at it');
    assert.deepEqual(users.map((u) => [u.name, u.profile?.bio ?? null]).sort(), [['Ann', 'poet'], ['Cid', null]]);
    assert.deepEqual(profiles.map((p) => p.user.name), ['Ann']);
    assert.deepEqual(poets.map((u) => u.name), ['Ann']);
    assert.deepEqual(without.map((u) => u.name), ['Cid']);
    const withOne = await read.find(User, { profile: { $ne: null } });
    assert.deepEqual(withOne.map((u) => u.name), ['Ann']);
  } finally {
    await orm.close();
  }
}
