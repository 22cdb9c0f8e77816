import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property, type QueryLogEntry } from 'joinery';
import { exampleDatabase } from '../support.js';

@Entity()
class Article {
  @PrimaryKey() id!: number;
  @Property() title!: string;
}

export async function main(): Promise<void> {
  // The replica is the primary's own URL: the data is the same, and the logger says which pool ran what.
  const url = (await exampleDatabase('pg', __filename)).url;
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({
    entities: [Article],
    client: 'pg',
    connection: url,
    replicas: [{ connection: url }],
    logger: (entry) => log.push(entry),
  });
  try {
    await orm.schema.create();
    log.length = 0;

// #region docs
const em = orm.em.fork();
await em.find(Article, {});                                   // replica
const a = em.create(Article, { title: 'Hi' });
await em.flush();                                             // primary
await em.find(Article, {});                                   // primary: this fork wrote there
await orm.em.fork().find(Article, {});                        // replica: another fork
await orm.em.fork().findOne(Article, a.id, { readFrom: 'primary' });   // primary, this call only
await em.refresh(a);                                          // primary
// #endregion docs

    assert.deepEqual(log.map((e) => `${e.connection} ${e.sql.split(' ')[0].toLowerCase()}`), [
      'default:replica0 select',                           // em.find
      'default begin;', 'default insert', 'default commit;', // em.flush
      'default select',                                    // em.find after the fork wrote
      'default:replica0 select',                           // another fork
      'default select',                                    // readFrom: 'primary'
      'default select',                                    // refresh
    ]);
  } finally {
    await orm.close();
  }
}
