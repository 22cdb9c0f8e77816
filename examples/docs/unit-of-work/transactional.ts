import assert from 'node:assert/strict';
import { Entity, Joinery, ManyToOne, NotFoundError, PrimaryKey, Property, type EntityManager, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

@Entity()
export class Stock {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) sku!: string;
  @Property() count!: number;
}

@Entity()
export class Order {
  @PrimaryKey() id!: number;
  @Property() sku!: string;
  @ManyToOne(() => User) user!: Rel<User>;
}

async function placeOrder(em: EntityManager, sku: string, userId: number): Promise<Order> {
  // #region docs
  const order = await em.transactional(async (tem) => {
    const stock = await tem.findOneOrFail(Stock, { sku });
    stock.count -= 1;
    return tem.create(Order, { sku, user: userId });
  });                                    // flushed and committed here
  // #endregion docs
  return order;
}

export async function main(): Promise<void> {
  const statements: string[] = [];
  const orm = await Joinery.init({
    entities: [User, Stock, Order],
    client: 'sqlite',
    connection: { filename: ':memory:' },
    logger: (q) => statements.push(q.sql),
  });
  try {
    await orm.schema.create();
    const seed = orm.em.fork();
    const ada = seed.create(User, { name: 'Ada' });
    seed.create(Stock, { sku: 'LAMP-1', count: 3 });
    await seed.flush();

    statements.length = 0;
    const order = await placeOrder(orm.em.fork(), 'LAMP-1', ada.id);
    assert.equal(order.id, 1, 'the order was inserted by the time transactional() resolved');
    // The read, the update and the insert all ran inside one transaction.
    const verbs = statements.map((s) => /^\w+/.exec(s)![0].toUpperCase());
    assert.deepEqual(verbs, ['BEGIN', 'SELECT', 'INSERT', 'UPDATE', 'COMMIT']);
    assert.equal((await orm.em.fork().findOneOrFail(Stock, { sku: 'LAMP-1' })).count, 2);

    // A function that throws rolls everything back, and the error comes out of transactional().
    await assert.rejects(placeOrder(orm.em.fork(), 'NO-SUCH-SKU', ada.id), NotFoundError);
    assert.equal(await orm.em.fork().count(Order, {}), 1);
  } finally {
    await orm.close();
  }
}
