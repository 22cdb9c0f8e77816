import test from 'ava';
import { StatementLru } from '../../src/drivers/statement-lru.js';

test('keeps at most max entries and evicts the least recently set first, telling onEvict', (t) => {
  const evicted: [string, number][] = [];
  const lru = new StatementLru<number>(2, (key, value) => evicted.push([key, value]));
  lru.set('a', 1);
  lru.set('b', 2);
  lru.set('c', 3);
  t.deepEqual(evicted, [['a', 1]]);
  t.deepEqual(lru.keys(), ['b', 'c']);
  t.is(lru.size, 2);
  t.is(lru.get('a'), undefined);
});

test('get makes an entry the most recently used, so another one is evicted next', (t) => {
  const evicted: string[] = [];
  const lru = new StatementLru<number>(2, (key) => evicted.push(key));
  lru.set('a', 1);
  lru.set('b', 2);
  t.is(lru.get('a'), 1);
  lru.set('c', 3);
  t.deepEqual(evicted, ['b']);
  t.deepEqual(lru.keys(), ['a', 'c']);
});

test('set on a present key replaces its value without evicting anything', (t) => {
  const evicted: string[] = [];
  const lru = new StatementLru<number>(2, (key) => evicted.push(key));
  lru.set('a', 1);
  lru.set('b', 2);
  lru.set('a', 10);
  t.deepEqual(evicted, []);
  t.deepEqual(lru.keys(), ['b', 'a']);
  t.is(lru.get('a'), 10);
});

test('delete and clear remove entries without onEvict; clear returns the values oldest first', (t) => {
  const evicted: string[] = [];
  const lru = new StatementLru<number>(3, (key) => evicted.push(key));
  lru.set('a', 1);
  lru.set('b', 2);
  lru.set('c', 3);
  t.true(lru.delete('b'));
  t.false(lru.delete('b'));
  t.false(lru.has('b'));
  t.deepEqual(lru.clear(), [1, 3]);
  t.is(lru.size, 0);
  t.deepEqual(evicted, []);
});

test('max 0 keeps nothing: what is set is evicted at once', (t) => {
  const evicted: string[] = [];
  const lru = new StatementLru<number>(0, (key) => evicted.push(key));
  lru.set('a', 1);
  t.is(lru.size, 0);
  t.deepEqual(evicted, ['a']);
});

test('a max that is not a whole number >= 0 is refused', (t) => {
  t.throws(() => new StatementLru(-1), { instanceOf: RangeError, message: /max must be a whole number >= 0, not -1/ });
  t.throws(() => new StatementLru(1.5), { instanceOf: RangeError });
});

test('repeated gets of the newest key keep the order right as other keys are used in between', (t) => {
  const evicted: string[] = [];
  const lru = new StatementLru<number>(3, (key) => evicted.push(key));
  lru.set('a', 1);
  lru.set('b', 2);
  t.is(lru.get('b'), 2);
  t.is(lru.get('b'), 2);
  t.deepEqual(lru.keys(), ['a', 'b']);
  t.is(lru.get('a'), 1);
  t.deepEqual(lru.keys(), ['b', 'a']);
  t.is(lru.get('b'), 2);
  t.deepEqual(lru.keys(), ['a', 'b']);
  // The newest key deleted and set again is the newest once more.
  lru.delete('b');
  t.is(lru.get('b'), undefined);
  lru.set('c', 3);
  lru.set('b', 20);
  t.is(lru.get('a'), 1);
  t.deepEqual(lru.keys(), ['c', 'b', 'a']);
  lru.set('d', 4);
  t.deepEqual(evicted, ['c']);
  lru.clear();
  lru.set('e', 5);
  t.is(lru.get('e'), 5);
  t.deepEqual(lru.keys(), ['e']);
});
