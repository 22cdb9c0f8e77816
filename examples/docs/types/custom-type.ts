import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property, Type, type QueryLogEntry, type TypeContext } from 'joinery';

// #region docs:type
/** Money as integer cents in the database, a `{ amount, currency }` object in JS. */
interface Money {
  amount: number;
  currency: string;
}

class MoneyType extends Type<Money, string> {
  override convertToDatabaseValue(m: Money): string {
    return `${Math.round(m.amount * 100)} ${m.currency}`;
  }
  override convertToJSValue(text: string): Money {
    const [cents, currency] = text.split(' ');
    return { amount: Number(cents) / 100, currency: currency! };
  }
  override getColumnType(c: TypeContext): string {
    return c.dialect === 'sqlite' ? 'text' : 'varchar(32)';
  }
}

@Entity()
class Invoice {
  @PrimaryKey() id!: number;
  @Property({ type: MoneyType }) total!: Money;
}
// #endregion docs:type

export async function main(): Promise<void> {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Invoice], client: 'sqlite', connection: { filename: ':memory:' }, logger: (q) => log.push(q) });
  try {
    await orm.schema.create();
    // #region docs:usage
    const em = orm.em.fork();
    const invoice = em.create(Invoice, { total: { amount: 12.5, currency: 'EUR' } });
    await em.flush();                                   // binds '1250 EUR'

    const loaded = await orm.em.fork().findOneOrFail(Invoice, invoice.id);
    loaded.total = { amount: 12.5, currency: 'EUR' };   // a new object, the same value:
    // compare() (by default: the database values are equal) finds no change, so no UPDATE
    // #endregion docs:usage
    assert.deepEqual(loaded.total, { amount: 12.5, currency: 'EUR' });
    const [raw] = await em.execute<{ total: string }>('select total from invoices');
    assert.equal(raw!.total, '1250 EUR');
    log.length = 0;
    await orm.em.fork().flush();
    assert.deepEqual(log, []);
  } finally {
    await orm.close();
  }
}
