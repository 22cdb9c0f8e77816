import test from 'ava';
import type { ScalarProperty } from '../../src/metadata/types.js';
import { readBackValues, rowKey } from '../../src/unit-of-work/read-back.js';

test('rowKey: a bound key and the same key returned by a driver meet (1 and "1", bigint strings, composite keys)', (t) => {
  t.is(rowKey([1]), rowKey(['1']));
  t.is(rowKey([9007199254740993n]), rowKey(['9007199254740993']));
  t.is(rowKey([1, 'a']), rowKey(['1', 'a']));
  t.not(rowKey([1, 2]), rowKey([12]));
  t.is(rowKey([new Date('2024-01-01T00:00:00Z')]), '2024-01-01T00:00:00.000Z');
});

test('readBackValues: each property from its column, converted to its JS type', (t) => {
  const prop = (name: string, column: string, type: ScalarProperty['type']) => ({ name, type, column: { name: column } }) as unknown as ScalarProperty;
  const values = readBackValues(
    [prop('lastUpdate', 'last_update', 'datetime'), prop('active', 'is_active', 'boolean'), prop('status', 'status', 'string')],
    { id: 1, last_update: '2024-06-01T12:00:00.000Z', is_active: 1, status: null },
  );
  t.deepEqual(values, { lastUpdate: new Date('2024-06-01T12:00:00.000Z'), active: true, status: null });
});
