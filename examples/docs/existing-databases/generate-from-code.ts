import assert from 'node:assert/strict';
import { Joinery } from 'joinery';

/** A database no joinery entity made: legacy names, a link table, a log without a key. */
const LEGACY_SCHEMA = [
  'create table Customer (CustomerId integer not null primary key, Email nvarchar(60) not null)',
  'create table Product (ProductId integer not null primary key, Name nvarchar(120) not null)',
  'create table CustomerProduct (CustomerId integer not null references Customer (CustomerId), ' +
    'ProductId integer not null references Product (ProductId), primary key (CustomerId, ProductId))',
  'create table AccessLog (At text, Line text)',
];

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    for (const sql of LEGACY_SCHEMA) await orm.em.fork().execute(sql);
    // #region docs
    const { files, entities, skipped } = await orm.schema.generateEntities();
    // files: customer.ts, customer-product.ts, product.ts and index.ts, to write into a folder
    for (const s of skipped) console.warn(`skipped ${s.table}: ${s.reason}`);
    // #endregion docs
    assert.deepEqual(entities.map((e) => e.className), ['Customer', 'CustomerProduct', 'Product']);
    assert.deepEqual(files.map((f) => f.fileName), ['customer.ts', 'customer-product.ts', 'product.ts', 'index.ts']);
    assert.deepEqual(skipped.map((s) => s.table), ['AccessLog']);
    const customer = files.find((f) => f.fileName === 'customer.ts')!.source;
    assert.match(customer, /@ManyToMany\(\(\) => Product, \(x\) => x\.customers, \{ owner: true, through: \(\) => CustomerProduct \}\) products/);
  } finally {
    await orm.close();
  }
}
