import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property, UniqueConstraintViolationError, type EntityManager } from 'joinery';

@Entity()
export class Order {
  @PrimaryKey() id!: number;
  @Property() ref!: string;
}

@Entity()
export class Coupon {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) code!: string;
  @Property() orderRef!: string;
}

async function checkout(em: EntityManager, ref: string, code: string): Promise<void> {
  // #region docs
  await em.transactional(async (tem) => {
    tem.create(Order, { ref });
    try {
      await tem.transactional(async (inner) => {
        inner.create(Coupon, { code, orderRef: ref });   // flushed at the end of this callback
      });
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationError)) throw e;
      // The coupon was taken: rolled back to the savepoint; the order goes on without it.
    }
  }, { isolationLevel: 'serializable' });
  // #endregion docs
}

export async function main(): Promise<void> {
  const statements: string[] = [];
  const orm = await Joinery.init({
    entities: [Order, Coupon],
    client: 'sqlite',
    connection: { filename: ':memory:' },
    logger: (q) => statements.push(q.sql),
  });
  try {
    await orm.schema.create();
    await checkout(orm.em.fork(), 'A-1', 'WELCOME');
    statements.length = 0;
    await checkout(orm.em.fork(), 'A-2', 'WELCOME');   // the same coupon again
    assert.deepEqual(
      statements.filter((s) => /SAVEPOINT/.test(s)),
      ['SAVEPOINT joinery_sp_1', 'ROLLBACK TO SAVEPOINT joinery_sp_1', 'RELEASE SAVEPOINT joinery_sp_1'],
    );
    const em = orm.em.fork();
    assert.deepEqual((await em.find(Order, {}, { orderBy: { id: 'asc' } })).map((o) => o.ref), ['A-1', 'A-2']);
    assert.deepEqual((await em.find(Coupon, {})).map((c) => c.orderRef), ['A-1']);
  } finally {
    await orm.close();
  }
}
