import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyToMany, PrimaryKey, Property, wrap } from 'joinery';

@Entity({ tableName: 'film' })
class Film {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() length!: number;
  @ManyToMany(() => Actor, (a) => a.films) actors = new Collection<Actor>(this);
}

@Entity({ tableName: 'actor' })
class Actor {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @ManyToMany(() => Film, (f) => f.actors, { owner: true, pivotTable: 'film_actor' }) films = new Collection<Film>(this);
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [Film, Actor], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    await orm.schema.create();
    const seed = orm.em.fork();
    const films = [60, 90, 150, 200].map((length, i) => seed.create(Film, { title: `Film ${i + 1}`, length }));
    // Ann plays in 1 film, Bob in 4, Cid in 2 (both long), Dee in none.
    const cast: Record<string, Film[]> = { Ann: films.slice(0, 1), Bob: films, Cid: films.slice(2), Dee: [] };
    for (const [name, played] of Object.entries(cast)) seed.create(Actor, { name }).films.add(...played);
    await seed.flush();
    const em = orm.em.fork();
    // #region docs
    // The ten actors with the most films: sorted and paged by the database, in one query.
    const top = await em.find(Actor, {}, { orderBy: [{ films: { $count: 'desc' } }, { id: 'asc' }], limit: 10 });

    // Sorted by a count the query also loads, with its criteria.
    const longest = await em.find(Actor, {}, {
      counts: { long: { relation: 'films', where: { length: { $gt: 120 } } } },
      orderBy: [{ long: 'desc' }, { id: 'asc' }],
      limit: 2,
    });
    wrap(longest[0]!).count('long'); // 2
    // #endregion docs
    assert.deepEqual(top.map((a) => a.name), ['Bob', 'Cid', 'Ann', 'Dee']);
    assert.deepEqual(longest.map((a) => [a.name, wrap(a).count('long')]), [['Bob', 2], ['Cid', 2]]);
  } finally {
    await orm.close();
  }
}
