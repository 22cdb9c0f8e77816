// Regression: `$every` compiled to NOT IN (children WHERE NOT (cond)); a child whose condition is
// NULL made NOT (cond) NULL too, so it was not counted against its parent.
import test from 'ava';
import { Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';
import { forEachDialect } from '../support/databases.js';

@Entity()
class Shelf {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @OneToMany(() => Jar, (j) => j.shelf) jars = new Collection<Jar>(this);
}

@Entity()
class Jar {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', nullable: true }) label?: string | null;
  @ManyToOne(() => Shelf) shelf!: Rel<Shelf>;
}

forEachDialect(test, '$every excludes a parent with a child whose value is NULL', async (t, db) => {
  const orm = await Joinery.init({ entities: [Shelf, Jar], ...db.config });
  t.teardown(() => orm.close());
  await orm.schema.create();
  const em = orm.em.fork();
  const full = em.create(Shelf, { name: 'full' });
  const mixed = em.create(Shelf, { name: 'mixed' });
  em.create(Jar, { label: 'jam', shelf: full });
  em.create(Jar, { label: 'jam', shelf: mixed });
  em.create(Jar, { label: null, shelf: mixed });
  await em.flush();
  const found = await orm.em.fork().find(Shelf, { jars: { $every: { label: 'jam' } } });
  t.deepEqual(found.map((s) => s.name), ['full']);
});
