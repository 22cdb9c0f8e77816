// Reading: criteria, ordering, paging, counts, populate and eager relations on every dialect.
import test from 'ava';
import {
  Collection, Entity, Joinery, ManyToOne, NotFoundError, OneToMany, PrimaryKey, Property, UsageError, type QueryLogEntry, type Rel,
} from 'joinery';
import { forEachDialect, type TestDb } from '../support/databases.js';

@Entity()
class Team {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Player, (p) => p.team, { orderBy: { number: 'asc' } }) players = new Collection<Player>(this);
}

@Entity()
class Player {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'integer' }) number!: number;
  @Property({ type: 'boolean' }) active!: boolean;
  @ManyToOne(() => Team, { eager: true }) team!: Rel<Team>;
}

async function setup(t: { teardown(fn: () => unknown): void }, db: TestDb) {
  const log: QueryLogEntry[] = [];
  const orm = await Joinery.init({ entities: [Team, Player], ...db.config, logger: (q) => log.push(q) });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const reds = em.create(Team, { name: 'Reds' });
  const blues = em.create(Team, { name: 'Blues' });
  const names = ['Ann', 'Bob', 'Cid', 'Dee', 'Eve', 'Fay'];
  names.forEach((name, i) => em.create(Player, { name, number: i + 1, active: i % 2 === 0, team: i < 4 ? reds : blues }));
  await em.flush();
  log.length = 0;
  return { orm, log, reds, blues };
}

forEachDialect(test, 'operators, $or/$not, null and relation values', async (t, db) => {
  const { orm, reds } = await setup(t, db);
  const em = orm.em.fork();
  const names = async (where: object) => (await em.find(Player, where as never, { orderBy: { number: 'asc' } })).map((p: Player) => p.name);
  t.deepEqual(await names({ number: { $gt: 2, $lte: 4 } }), ['Cid', 'Dee']);
  t.deepEqual(await names({ name: { $in: ['Ann', 'Fay'] } }), ['Ann', 'Fay']);
  t.deepEqual(await names({ name: { $like: 'E%' } }), ['Eve']);
  t.deepEqual(await names({ name: { $ilike: 'e%' } }), ['Eve']);
  t.deepEqual(await names({ $or: [{ number: 1 }, { active: false, number: { $gte: 6 } }] }), ['Ann', 'Fay']);
  t.deepEqual(await names({ $not: { team: reds.id } }), ['Eve', 'Fay']);
  t.deepEqual(await names({ team: { name: 'Blues' } }), ['Eve', 'Fay'], 'nested criteria through a relation');
  t.deepEqual(await names({ team: reds, active: true }), ['Ann', 'Cid']);
  t.deepEqual((await em.find(Team, { players: { name: 'Eve' } })).map((x) => x.name), ['Blues']);
  t.deepEqual((await em.find(Team, { players: { $every: { active: true } } })).map((x) => x.name), []);
});

forEachDialect(test, 'orderBy, limit, offset and findAndCount', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const page = await em.find(Player, {}, { orderBy: { number: 'desc' }, limit: 2, offset: 1 });
  t.deepEqual(page.map((p) => p.number), [5, 4]);
  const [items, total] = await em.findAndCount(Player, { active: true }, { orderBy: { number: 'asc' }, limit: 2 });
  t.deepEqual(items.map((p) => p.name), ['Ann', 'Cid']);
  t.is(total, 3);
  t.is(await em.count(Player, { team: { name: 'Reds' } }), 4);
});

forEachDialect(test, 'findOne by bare key, findOneOrFail throws NotFoundError', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const ann = await em.findOneOrFail(Player, { name: 'Ann' });
  t.is(await em.findOne(Player, ann.id), ann);
  t.is(await em.findOne(Player, { name: 'Nobody' }), null);
  const err = await t.throwsAsync(em.findOneOrFail(Player, { name: 'Nobody' }), { instanceOf: NotFoundError });
  t.is(err!.code, 'NOT_FOUND');
  t.regex(err!.message, /Player not found/);
});

forEachDialect(test, 'eager relations load with the owner; populate loads a collection in one query', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const teams = await em.find(Team, {}, { populate: ['players'], orderBy: { id: 'asc' } });
  const selects = log.filter((q) => /^select/i.test(q.sql));
  t.is(selects.length, 2, 'teams, then all players in one query');
  t.deepEqual(teams[0]!.players.getItems().map((p) => p.number), [1, 2, 3, 4], 'ordered by the relation orderBy');
  const em2 = orm.em.fork();
  const [p] = await em2.find(Player, { name: 'Eve' });
  t.is(p!.team.name, 'Blues', 'eager to-one is loaded');
});

forEachDialect(test, 'unknown properties, operators, directions and populate paths fail before any SQL', async (t, db) => {
  const { orm, log } = await setup(t, db);
  const em = orm.em.fork();
  const codes: string[] = [];
  for (const run of [
    () => em.find(Player, { nope: 1 } as never),
    () => em.find(Player, { number: { $between: [1, 2] } } as never),
    () => em.find(Player, {}, { orderBy: { number: 'sideways' as never } }),
    () => em.find(Player, {}, { populate: ['team.nothing'] as never }),
  ]) {
    const err = await t.throwsAsync(run(), { instanceOf: UsageError });
    codes.push(err!.code);
  }
  t.deepEqual(codes, ['UNKNOWN_PROPERTY', 'UNKNOWN_OPERATOR', 'BAD_ORDER', 'UNKNOWN_POPULATE']);
  t.is(log.length, 0);
});

forEachDialect(test, 'em.populate takes populateWhere and populateOrderBy like find', async (t, db) => {
  const { orm } = await setup(t, db);
  const em = orm.em.fork();
  const teams = await em.find(Team, {}, { orderBy: { id: 'asc' } });
  const loaded = await em.populate(teams, ['players'], {
    populateWhere: { players: { active: true } },
    populateOrderBy: { players: { number: 'desc' } },
  });
  t.deepEqual(loaded[0]!.players.getItems().map((p) => p.name), ['Cid', 'Ann']);
  t.deepEqual(loaded[1]!.players.getItems().map((p) => p.name), ['Eve']);
});
