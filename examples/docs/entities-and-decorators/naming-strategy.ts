import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';

@Entity()
class UserCar {
  @PrimaryKey() id!: number;
  @Property({ columnName: 'since_year' }) since!: number;
}

const entities = [UserCar];

// #region docs
import { DefaultNamingStrategy } from 'joinery';

class PrefixedNaming extends DefaultNamingStrategy {
  override classToTableName(name: string) { return 'app_' + super.classToTableName(name); }
}
// #endregion docs

export async function main(): Promise<void> {
  // #region docs
  const orm = await Joinery.init({ entities, client: 'sqlite', connection: { filename: ':memory:' }, namingStrategy: new PrefixedNaming() });
  // #endregion docs
  try {
    // Every table gets the prefix; a per-property option still wins over the strategy.
    assert.match(orm.schema.getCreateSQL(), /^create table `app_user_cars` \(`id` integer not null primary key autoincrement, `since_year` integer not null\)/);
    await orm.schema.create();
    const em = orm.em.fork();
    em.create(UserCar, { since: 2020 });
    await em.flush();
    assert.equal(await orm.em.fork().count(UserCar, {}), 1);
  } finally {
    await orm.close();
  }
}
