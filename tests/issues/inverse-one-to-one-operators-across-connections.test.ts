// Regression: on the inverse side of a one-to-one whose owner lives on another connection,
// operators (`{ profile: { $ne: null } }`, `$in`, `$nin`, `$not`, `$or`...) were taken for nested
// criteria on the owner and failed with UNKNOWN_OPERATOR ("Unknown operator $ne at the top of a
// Profile query"). They mean what they mean on one connection.
import test from 'ava';
import { Entity, Joinery, OneToOne, PrimaryKey, Property, UsageError, type QueryLogEntry, type Rel } from 'joinery';
import { dialects, testDatabase, type TestDialect } from '../support/databases.js';

@Entity({ tableName: 'io_authors' })
class IoAuthor {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToOne(() => IoProfile, (p) => p.author) profile?: Rel<IoProfile> | null;
}

@Entity({ tableName: 'io_profiles', connection: 'other' })
class IoProfile {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) bio!: string;
  @OneToOne(() => IoAuthor, (a) => a.profile, { owner: true, nullable: true }) author?: Rel<IoAuthor> | null;
}

const PAIRS: readonly (readonly [TestDialect, TestDialect])[] = [['sqlite', 'sqlite'], ['pg', 'mysql']];

for (const pair of PAIRS) {
  if (!pair.every((d) => dialects().includes(d))) continue;
  test.serial(`[${pair.join('+')}] operators on an inverse one-to-one whose owner is on another connection`, async (t) => {
    const a = await testDatabase(pair[0], test.meta.file, 'a');
    const b = await testDatabase(pair[1], test.meta.file, 'b');
    await a.reset();
    await b.reset();
    const log: QueryLogEntry[] = [];
    const orm = await Joinery.init({ entities: [IoAuthor, IoProfile], connections: { default: a.config, other: b.config }, logger: (q) => log.push(q) });
    t.teardown(() => orm.close());
    await orm.schema.create();
    const em = orm.em.fork();
    const ann = em.create(IoAuthor, { name: 'Ann' });
    const bob = em.create(IoAuthor, { name: 'Bob' });
    em.create(IoAuthor, { name: 'Cid' });
    const poet = em.create(IoProfile, { bio: 'poet', author: ann });
    const critic = em.create(IoProfile, { bio: 'critic', author: bob });
    em.create(IoProfile, { bio: 'orphan', author: null });
    await em.flush();

    const q = orm.em.fork();
    const names = async (where: object) => (await q.find(IoAuthor, where as never, { orderBy: { name: 'asc' } })).map((u) => u.name);
    t.deepEqual(await names({ profile: { $ne: null } }), ['Ann', 'Bob']);
    t.deepEqual(await names({ profile: { $eq: null } }), ['Cid']);
    t.deepEqual(await names({ profile: { $ne: poet } }), ['Bob', 'Cid']);
    t.deepEqual(await names({ profile: { $eq: critic.id } }), ['Bob']);
    t.deepEqual(await names({ profile: { $in: [poet.id, critic] } }), ['Ann', 'Bob']);
    t.deepEqual(await names({ profile: { $in: [null, critic.id] } }), ['Bob', 'Cid']);
    t.deepEqual(await names({ profile: { $nin: [poet.id] } }), ['Bob', 'Cid']);
    t.deepEqual(await names({ profile: { $nin: [null, poet.id] } }), ['Bob']);
    t.deepEqual(await names({ profile: { $in: [] } }), []);
    t.deepEqual(await names({ profile: { $nin: [] } }), ['Ann', 'Bob', 'Cid']);
    t.deepEqual(await names({ profile: { $not: { bio: 'poet' } } }), ['Bob', 'Cid']);
    t.deepEqual(await names({ profile: { $or: [null, { bio: 'critic' }] } }), ['Bob', 'Cid']);
    t.deepEqual(await names({ profile: { $and: [{ $ne: null }, { $not: { bio: 'critic' } }] } }), ['Ann']);
    t.deepEqual(await names({ profile: { $ne: null, $nin: [poet] } }), ['Bob']);
    t.deepEqual(await names({ $or: [{ name: 'Cid' }, { profile: { bio: 'poet' } }] }), ['Ann', 'Cid']);

    // Mistakes are reported before the first step query, as on one connection.
    log.length = 0;
    const unknown = await t.throwsAsync(q.find(IoAuthor, { profile: { $gt: 1 } } as never), { instanceOf: UsageError });
    t.is(unknown!.code, 'UNKNOWN_OPERATOR');
    t.regex(unknown!.message, /IoAuthor\.profile/);
    const notArray = await t.throwsAsync(q.find(IoAuthor, { profile: { $in: poet.id } } as never), { instanceOf: UsageError });
    t.is(notArray!.code, 'BAD_CRITERIA');
    t.is(log.length, 0);
  });
}
