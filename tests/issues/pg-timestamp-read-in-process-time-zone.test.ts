// Regression: a `datetime` read from a PostgreSQL `timestamp without time zone` column depended on
// the Node process's TZ (node-postgres parses such a column in local time): the same row was
// 05:03Z under TZ=UTC, 10:03Z under America/New_York and 20:03Z the day before under Asia/Tokyo,
// while MariaDB gave 05:03Z. Zone-less columns are now wall time in the connection's `timezone`
// (UTC by default) on every dialect. (tests/integration/time-zones.test.ts runs child processes
// under three zones; this file sets its own worker's TZ, which ava keeps to this file.)
import test from 'ava';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';
import { forEachDialect } from '../support/databases.js';

process.env.TZ = 'Asia/Tokyo';

@Entity({ tableName: 'legacy_logins' })
class Login {
  @PrimaryKey() id!: number;
  @Property({ type: 'datetime' }) at!: Date;
}

const COLUMN = { pg: 'timestamp(3)', mysql: 'datetime(3)', sqlite: 'text' } as const;

forEachDialect(test, 'a zone-less datetime column reads as UTC wall time under TZ=Asia/Tokyo', async (t, db) => {
  t.is(new Date(2020, 0, 1).getTimezoneOffset(), -540, 'this worker runs at +09:00');
  const orm = await Joinery.init({ entities: [Login], ...db.config });
  t.teardown(() => orm.close());
  const em = orm.em.fork();
  await em.execute(`create table legacy_logins (id integer primary key, at ${COLUMN[db.dialect]} not null)`);
  await em.execute(`insert into legacy_logins (id, at) values (1, '2020-01-01 05:03:00')`);
  const login = await em.findOneOrFail(Login, 1);
  t.is(login.at.toISOString(), '2020-01-01T05:03:00.000Z');
  login.at = new Date('2021-02-03T04:05:06.007Z');
  await em.flush();
  t.is((await orm.em.fork().findOneOrFail(Login, 1)).at.toISOString(), '2021-02-03T04:05:06.007Z');
});
