import assert from 'node:assert/strict';
import { Entity, Joinery, PrimaryKey, Property, type ReplicaConfig } from 'joinery';
import { exampleDatabase } from '../support.js';

@Entity()
class Article {
  @PrimaryKey() id!: number;
  @Property() title!: string;
}

export async function main(): Promise<void> {
  const entities = [Article];
  // A replica may be any copy that follows the primary; here each "replica" is the primary itself.
  const primaryUrl = (await exampleDatabase('pg', __filename)).url;
  const [replica1Url, replica2Url, replicaUrl] = [primaryUrl, primaryUrl, primaryUrl];
  const mediaUrl = (await exampleDatabase('mysql', __filename)).url;

// #region docs
const orm = await Joinery.init({
  entities,
  client: 'pg',
  connection: primaryUrl,                               // e.g. 'postgres://app@db-primary/app'
  replicas: [
    { connection: replica1Url },                        // e.g. 'postgres://app@db-replica-1/app'
    { connection: replica2Url, pool: { max: 20 } },
  ],
});

// Several databases: each connection has replicas of its own, or none.
const orm2 = await Joinery.init({
  entities,
  connections: {
    default: { client: 'pg', connection: primaryUrl, replicas: [{ connection: replicaUrl }] },
    media: { client: 'mysql', connection: mediaUrl },
  },
});
// #endregion docs

  try {
    assert.deepEqual(orm.getReplicaDrivers('default').map((d) => d.connectionName), ['default:replica0', 'default:replica1']);
    assert.deepEqual(orm2.getReplicaDrivers('default').map((d) => d.connectionName), ['default:replica0']);
    assert.deepEqual(orm2.getReplicaDrivers('media'), []);
    await orm.schema.create();
    const em = orm.em.fork();
    em.create(Article, { title: 'Hi' });
    await em.flush();
    assert.equal((await orm2.em.fork().find(Article, {})).length, 1, 'a replica pool connects on its first statement');

    const withClient = { connection: replicaUrl, client: 'pg' } as ReplicaConfig;
    await assert.rejects(Joinery.init({ entities, client: 'pg', connection: primaryUrl, replicas: [withClient] }),
      { name: 'MetadataError', code: 'BAD_OPTION', message: /replicas\[0\] has a `client`/ });
    await assert.rejects(Joinery.init({ entities, client: 'pg', connection: primaryUrl, replicas: [{} as ReplicaConfig] }),
      { name: 'MetadataError', code: 'BAD_OPTION', message: /replicas\[0\] needs a `connection`/ });
  } finally {
    await orm.close();
    await orm2.close();
  }
}
