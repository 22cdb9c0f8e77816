import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property } from 'joinery';
import { exampleDatabase } from '../support.js';

// #region docs:model
@Entity({ tableName: 'events' })
class Event {
  @PrimaryKey() id!: number;
  @Property({ type: 'datetime' }) startsAt!: Date;   // a legacy `timestamp without time zone` column
}
// #endregion docs:model

export async function main(): Promise<void> {
  const db = await exampleDatabase('pg', __filename);
  const setup = await Joinery.init({ entities: [], ...db.config });
  await setup.em.fork().execute(`create table events (id serial primary key, starts_at timestamp(3) not null)`);
  await setup.em.fork().execute(`insert into events (starts_at) values ('2020-01-01 05:03:00')`);
  await setup.close();
  try {
    // #region docs:read
    const utc = await Joinery.init({ entities: [Event], ...db.config });                        // timezone: 'UTC'
    const paris = await Joinery.init({ entities: [Event], ...db.config, timezone: '+01:00' }); // wall times at +01:00

    const [a] = await utc.em.fork().find(Event, {});
    const [b] = await paris.em.fork().find(Event, {});
    a!.startsAt.toISOString();   // '2020-01-01T05:03:00.000Z' whatever the process's TZ
    b!.startsAt.toISOString();   // '2020-01-01T04:03:00.000Z'
    // #endregion docs:read
    assert.equal(a!.startsAt.toISOString(), '2020-01-01T05:03:00.000Z');
    assert.equal(b!.startsAt.toISOString(), '2020-01-01T04:03:00.000Z');
    await utc.close();
    await paris.close();
  } finally {
    await db.drop();
  }
}
