import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyToMany, ManyToOne, PrimaryKey, Property, type Rel } from 'joinery';

@Entity()
export class Car {
  @PrimaryKey() id!: number;
  @Property() model!: string;
  @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
}

// #region docs
@Entity()
export class UserCar {
  @ManyToOne(() => User) user!: Rel<User>;
  @ManyToOne(() => Car) car!: Rel<Car>;
  @Property({ nullable: true }) since?: number;
}
// #endregion docs

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  // #region docs
  // in User:
  @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
  // #endregion docs
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [Car, UserCar, User], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    const ddl = orm.schema.getCreateSQL();
    // The two relations are the key, and each link goes with either side's row.
    assert.match(ddl, /create table `user_cars` \(.*primary key \(`user_id`, `car_id`\)/);
    assert.match(ddl, /foreign key \(`user_id`\) references `users` \(`id`\) on delete cascade/);
    await orm.schema.create();

    const em = orm.em.fork();
    const ada = em.create(User, { name: 'Ada' });
    const mini = em.create(Car, { model: 'Mini' });
    const beetle = em.create(Car, { model: 'Beetle' });
    ada.cars.add(mini);                        // extra columns left to their defaults
    ada.cars.attach(beetle, { since: 2020 });  // written with the link
    await em.flush();
    assert.deepEqual(ada.cars.pivotOf(beetle), { since: 2020 });

    // The join entity can be queried directly.
    const links = await orm.em.fork().find(UserCar, { user: ada.id }, { orderBy: { car: 'asc' } });
    assert.deepEqual(links.map((l) => l.since ?? null), [null, 2020]);
  } finally {
    await orm.close();
  }
}
