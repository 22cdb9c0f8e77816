import test from 'ava';
import { Entity, PrimaryKey, Property } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { createState, getState, setState } from '../../src/entity/entity-state.js';

@Entity()
class Jar {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string' }) label!: string;
}

const meta = discoverMetadata([Jar]).get(Jar);

test('the state is found on its entity and invisible to keys, JSON, spread and structuredClone', (t) => {
  const jar = Object.assign(new Jar(), { id: 1, label: 'plum' });
  const state = createState(jar, meta, undefined, 'managed', true);
  t.is(getState(jar), state);
  t.deepEqual(Object.keys(jar).sort(), ['id', 'label']);
  t.deepEqual(JSON.parse(JSON.stringify(jar)), { id: 1, label: 'plum' });
  t.deepEqual({ ...jar }, { id: 1, label: 'plum' });
  t.deepEqual(structuredClone(jar), { id: 1, label: 'plum' });
  t.deepEqual(Reflect.ownKeys(jar).sort(), ['id', 'label'], 'no property of any kind, symbols included');
  t.is(getState({ ...jar }), undefined, 'a copy is not managed');
});

test('an object built on a managed entity as prototype does not inherit its state', (t) => {
  const jar = new Jar();
  createState(jar, meta, undefined, 'managed', true);
  const child = Object.create(jar) as object;
  t.is(getState(child), undefined);
  const own = createState(child, meta, undefined, 'new', true);
  t.is(getState(child), own);
  t.not(getState(jar), own, 'the prototype keeps its own');
});

test('a frozen or sealed entity still gets a state, and setState replaces one', (t) => {
  const frozen = Object.freeze(new Jar());
  const state = createState(frozen, meta, undefined, 'managed', true);
  t.is(getState(frozen), state);
  const sealed = Object.seal(new Jar());
  const first = createState(sealed, meta, undefined, 'managed', true);
  t.is(getState(sealed), first);
  const jar = new Jar();
  createState(jar, meta, undefined, 'managed', true);
  const next = { ...getState(jar)!, status: 'removed' as const };
  setState(jar, next);
  t.is(getState(jar), next);
});
