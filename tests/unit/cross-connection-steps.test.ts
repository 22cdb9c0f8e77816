// Which criteria need step queries on other connections before the statement is built. Finds skip
// the pass (and its await) when none can be needed, so the check must not miss a path that can.
import test from 'ava';
import { Collection, Entity, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { needsSteps } from '../../src/query/cross-connection.js';

@Entity({ connection: 'archive' })
class Curator {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
}

@Entity()
class Shelf {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @OneToMany(() => Volume, (v) => v.shelf) volumes = new Collection<Volume>(this);
}

@Entity()
class Volume {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Shelf) shelf!: Rel<Shelf>;
  // The one relation that leaves the default connection, one hop below Shelf.
  @ManyToOne(() => Curator, { constraints: false }) curator!: Rel<Curator>;
}

@Entity()
class Lamp {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) name!: string;
}

const m = discoverMetadata([Curator, Shelf, Volume, Lamp], { connections: ['default', 'archive'] });

test('criteria on an entity from which a relation path reaches another connection need steps', (t) => {
  t.true(needsSteps(m.get(Volume), { curator: { name: 'Ann' } }));
  // Two hops away: Shelf → Volume → Curator.
  t.true(needsSteps(m.get(Shelf), { volumes: { curator: { name: 'Ann' } } }));
  // Even criteria that stay on this connection go through the pass, which hands them back unchanged.
  t.true(needsSteps(m.get(Shelf), { id: 1 }));
});

test('keys, entities, empty criteria and entities whose relations stay on one connection need none', (t) => {
  t.false(needsSteps(m.get(Shelf), 7));
  t.false(needsSteps(m.get(Shelf), '7'));
  t.false(needsSteps(m.get(Shelf), {}));
  t.false(needsSteps(m.get(Shelf), [1, 2]));
  t.false(needsSteps(m.get(Lamp), { name: 'desk' }));
  // The target side has no relation back: nothing to reach from there.
  t.false(needsSteps(m.get(Curator), { name: 'Ann' }));
});
