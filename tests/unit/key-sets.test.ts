// Key sets (possibly complemented) combined in memory, for operators on an inverse one-to-one whose
// owner lives on another connection.
import test from 'ava';
import { ALL_KEYS, distinctKeys, keyId, keySetAnd, keySetNot, keySetOr, NO_KEYS, type KeySet } from '../../src/query/key-sets.js';

const pos = (...ids: number[]): KeySet => ({ keys: ids.map((i) => [i]), negate: false });
const neg = (...ids: number[]): KeySet => ({ keys: ids.map((i) => [i]), negate: true });
const ids = (s: KeySet) => ({ keys: s.keys.map((k) => k[0]).sort(), negate: s.negate });

test('and: intersection, difference, or the complement of the union', (t) => {
  t.deepEqual(ids(keySetAnd(pos(1, 2, 3), pos(2, 3, 4))), { keys: [2, 3], negate: false });
  t.deepEqual(ids(keySetAnd(pos(1, 2, 3), neg(2))), { keys: [1, 3], negate: false });
  t.deepEqual(ids(keySetAnd(neg(2), pos(1, 2))), { keys: [1], negate: false });
  t.deepEqual(ids(keySetAnd(neg(1, 2), neg(2, 3))), { keys: [1, 2, 3], negate: true });
});

test('or: union, or the complement of what neither side keeps', (t) => {
  t.deepEqual(ids(keySetOr(pos(1), pos(1, 2))), { keys: [1, 2], negate: false });
  t.deepEqual(ids(keySetOr(pos(1), neg(1, 2))), { keys: [2], negate: true });
  t.deepEqual(ids(keySetOr(neg(1, 2), neg(2, 3))), { keys: [2], negate: true });
});

test('all and none are the identities of and / or', (t) => {
  t.deepEqual(ids(keySetAnd(ALL_KEYS, pos(4))), { keys: [4], negate: false });
  t.deepEqual(ids(keySetOr(NO_KEYS, neg(4))), { keys: [4], negate: true });
  t.deepEqual(keySetNot(NO_KEYS), { keys: [], negate: true });
});

test('key identity: composite keys, bigints apart from numbers, dates by instant; distinct keeps the first', (t) => {
  t.not(keyId([1n]), keyId([1]));
  t.is(keyId([new Date(5)]), keyId([new Date(5)]));
  t.deepEqual(distinctKeys([['a', 1], ['a', 2], ['a', 1]]), [['a', 1], ['a', 2]]);
  t.deepEqual(ids(keySetAnd({ keys: [['a', 1], ['b', 2]], negate: false }, { keys: [['b', 2]], negate: true })), { keys: ['a'], negate: false });
});
