import assert from 'node:assert/strict';
import { Entity, Joinery, OneToOne, PrimaryKey, Property, ValidationError, type Rel } from 'joinery';

@Entity()
export class Profile {
  @PrimaryKey() id!: number;
  @Property() bio!: string;
  // #region docs
  // in Profile: owns profiles.user_id
  @OneToOne(() => User, (u) => u.profile, { owner: true, deleteRule: 'cascade' }) user!: Rel<User>;
  // #endregion docs
}

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  // #region docs
  // in User: the inverse side
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  // #endregion docs
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [Profile, User], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    const ddl = orm.schema.getCreateSQL();
    assert.match(ddl, /foreign key \(`user_id`\) references `users` \(`id`\) on delete cascade/);
    assert.match(ddl, /create unique index `\w+` on `profiles` \(`user_id`\)/);
    await orm.schema.create();

    const em = orm.em.fork();
    const ada = em.create(User, { name: 'Ada' });
    const profile = em.create(Profile, { bio: 'Mathematician', user: ada });
    assert.equal(ada.profile, profile, 'the inverse side follows in memory');
    await em.flush();

    // Without orphanRemoval, unlinking sets the required FK to NULL: validation refuses it.
    ada.profile = undefined;
    await assert.rejects(em.flush(), (e: unknown) => e instanceof ValidationError && e.failures[0]?.property === 'user');

    // deleteRule 'cascade': the profile row goes with the user's.
    await orm.em.fork().nativeDelete(User, ada.id);
    assert.equal(await orm.em.fork().count(Profile, {}), 0);
  } finally {
    await orm.close();
  }
}
