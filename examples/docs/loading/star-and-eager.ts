import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, type QueryLogEntry, type Rel } from 'joinery';
import { openLoadingFixture, User } from './model.js';

// #region docs:eager-model
@Entity()
class Invoice {
  @PrimaryKey() id!: number;
  @Property() number!: string;
  @OneToMany(() => InvoiceLine, (l) => l.invoice, { eager: true }) lines = new Collection<InvoiceLine>(this);
}
@Entity()
class InvoiceLine {
  @PrimaryKey() id!: number;
  @Property() amount!: number;
  @ManyToOne(() => Invoice) invoice!: Rel<Invoice>;
}
// #endregion docs:eager-model

async function star(): Promise<void> {
  const { orm, em, log } = await openLoadingFixture();
  try {
// #region docs:star
// '*': every relation of the user; 'posts.*': every relation of each of its posts
const [ann] = await em.find(User, { name: 'Ann' }, { populate: ['*', 'posts.*'] });
ann.cars.getItems();                          // loaded
ann.posts.getItems()[0].comments.getItems();  // loaded
ann.posts.getItems()[0].tags.getItems();      // loaded
// #endregion docs:star
    assert.equal(ann.profile?.bio, 'Writes about cars', "'*' includes the inverse one-to-one");
    assert.deepEqual(ann.cars.getItems().map((c) => c.model).sort(), ['Ford', 'Mini']);
    const hello = ann.posts.getItems().find((p) => p.title === 'Hello')!;
    assert.equal(hello.comments.count(), 5);
    assert.deepEqual(hello.tags.getItems().map((t) => t.name), ['news']);
    assert.equal(hello.author, ann, "'posts.*' includes the post's author: the user already loaded");
    // One SELECT per relation and level: the user; its profile, posts and cars; the posts' comments and tags.
    assert.equal(log.filter((q) => /^select/i.test(q.sql)).length, 6);
    const sent = log.length;
    ann.posts.getItems().flatMap((p) => p.comments.getItems());
    assert.equal(log.length, sent, 'reading populated relations sends nothing');
  } finally {
    await orm.close();
  }
}

async function eager(): Promise<void> {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Invoice, InvoiceLine], client: 'sqlite', connection: { filename: ':memory:' }, logger: (q) => log.push(q) });
  try {
    await orm.schema.create();
    const seed = orm.em.fork();
    const first = seed.create(Invoice, { number: 'A-1' });
    seed.create(InvoiceLine, { amount: 10, invoice: first });
    seed.create(InvoiceLine, { amount: 5, invoice: first });
    seed.create(Invoice, { number: 'A-2' });
    await seed.flush();
    const em = orm.em.fork();
    log.length = 0;
// #region docs:eager
const invoices = await em.find(Invoice, {});   // no populate option: lines are eager
invoices[0].lines.isInitialized();               // true: loaded with the invoices, in one more SELECT
// #endregion docs:eager
    assert.equal(log.length, 2, 'one SELECT for the invoices, one for the lines of all of them');
    assert.ok(invoices.every((i) => i.lines.isInitialized()));
    // Typed as loaded once named in populate (typing.md); it costs the same two SELECTs as eager loading.
    const typed = await em.find(Invoice, {}, { populate: ['lines'] });
    assert.deepEqual(typed.map((i) => i.lines.getItems().map((l) => l.amount)), [[10, 5], []]);
    assert.equal(typed[0], invoices[0], 'the identity map gives back the same invoices');
    assert.equal(log.length, 4);
  } finally {
    await orm.close();
  }
}

export async function main(): Promise<void> {
  await star();
  await eager();
}
