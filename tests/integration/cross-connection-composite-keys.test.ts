// Composite keys found by a cross-connection step, more of them than a statement inlines (1,000
// values): PostgreSQL binds them as one array per column (unnest), SQLite as one JSON parameter
// (json_each + json_extract), MySQL as a row-value IN list. Flights (airline, number) on one
// connection, bookings that point at them on the other.
import test, { type ExecutionContext } from 'ava';
import { Collection, Entity, ManyToOne, OneToMany, PrimaryKey, Property, type QueryLogEntry, type Rel } from 'joinery';
import { dialects, type TestDialect } from '../support/databases.js';
import { openConnections } from '../support/connections.js';

@Entity({ tableName: 'ck_flights' })
class CkFlight {
  @PrimaryKey({ type: 'string', length: 8 }) airline!: string;
  @PrimaryKey({ type: 'integer', autoincrement: false }) number!: number;
  @Property({ type: 'string' }) origin!: string;
  @OneToMany(() => CkBooking, (b) => b.flight) bookings = new Collection<CkBooking>(this);
}

@Entity({ tableName: 'ck_bookings', connection: 'other' })
class CkBooking {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) seat!: string;
  @ManyToOne(() => CkFlight) flight!: Rel<CkFlight>;
}

const FLIGHTS = 1500;
const FROM_FRA = 1200;
const BOOKED = 1300;
const PAIRS: readonly (readonly [TestDialect, TestDialect])[] = [['sqlite', 'sqlite'], ['pg', 'mysql'], ['mysql', 'pg']];

async function setup(t: ExecutionContext, pair: readonly [TestDialect, TestDialect]) {
  const { orm, log } = await openConnections(t, { default: pair[0], other: pair[1] }, [CkFlight, CkBooking]);
  const em = orm.em.fork();
  for (let i = 0; i < FLIGHTS; i++) {
    const flight = em.create(CkFlight, { airline: i % 2 ? 'LH' : 'AF', number: i, origin: i < FROM_FRA ? 'FRA' : 'CDG' });
    if (i < BOOKED) em.create(CkBooking, { seat: `${i}A`, flight });
  }
  await em.flush();
  log.length = 0;
  return { orm, log };
}

/** The statement on `dialect` that received the composite keys. */
function assertCompositeList(t: ExecutionContext, dialect: TestDialect, entry: QueryLogEntry | undefined): void {
  t.truthy(entry);
  if (dialect === 'sqlite') t.regex(entry!.sql, /IN \(SELECT json_extract\(value, '\$\[0\]'\), json_extract\(value, '\$\[1\]'\) FROM json_each\(\?\)\)/);
  if (dialect === 'pg') t.regex(entry!.sql, /IN \(SELECT \* FROM unnest\(CAST\(\$\d+ AS text\[\]\), CAST\(\$\d+ AS integer\[\]\)\)\)/);
  if (dialect === 'mysql') t.regex(entry!.sql, /\) IN \(\(\?, \?\), \(\?, \?\)/);
  if (dialect !== 'mysql') t.true(entry!.params.length <= 4, `${entry!.params.length} parameters`);
}

for (const pair of PAIRS) {
  if (!pair.every((d) => dialects().includes(d))) continue;
  const name = `[${pair[0]}+${pair[1]}]`;

  test.serial(`${name} composite keys of a to-one target, past the inline limit`, async (t) => {
    const { orm, log } = await setup(t, pair);
    const em = orm.em.fork();
    t.is(await em.count(CkBooking, { flight: { origin: 'FRA' } }), FROM_FRA);
    assertCompositeList(t, pair[1], log.find((q) => q.connection === 'other'));
    const last = await em.find(CkBooking, { flight: { origin: 'FRA', airline: 'LH' } }, { orderBy: { id: 'desc' }, limit: 2 });
    t.deepEqual(last.map((b) => b.seat), [`${FROM_FRA - 1}A`, `${FROM_FRA - 3}A`]);
  });

  test.serial(`${name} composite owner keys of a collection, past the inline limit, negated too`, async (t) => {
    const { orm, log } = await setup(t, pair);
    const em = orm.em.fork();
    const [page, total] = await em.findAndCount(CkFlight, { bookings: { seat: { $like: '%A' } } }, { orderBy: { number: 'desc' }, limit: 2 });
    t.deepEqual(page.map((f) => `${f.airline}${f.number}`), [`LH${BOOKED - 1}`, `AF${BOOKED - 2}`]);
    t.is(total, BOOKED);
    assertCompositeList(t, pair[0], log.find((q) => q.connection === 'default'));
    log.length = 0;
    t.is(await em.count(CkFlight, { bookings: { $none: {} } }), FLIGHTS - BOOKED);
    const negated = log.find((q) => q.connection === 'default');
    t.regex(negated!.sql, /NOT \(/);
    assertCompositeList(t, pair[0], negated);
  });
}
