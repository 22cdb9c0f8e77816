// The integer rule of em.execute's rows, per driver result shape (no database).
import test from 'ava';
import { rawRows } from '../../src/drivers/raw-rows.js';

test('sqlite: bigint values become numbers when safe and stay bigint beyond 2^53; run info has no rows', (t) => {
  t.deepEqual(rawRows('sqlite', [{ n: 2n, big: 9007199254740993n, s: 'x', f: 1.5, none: null }]), [{ n: 2, big: 9007199254740993n, s: 'x', f: 1.5, none: null }]);
  t.deepEqual(rawRows('sqlite', { changes: 1, lastInsertRowid: 3n }), []);
});

test('pg: int8 and whole numeric text become integers; fractional numeric and text columns stay strings', (t) => {
  const result = {
    rows: [{ n: '2', total: '15', avg: '2.5000', label: '7', big: '-9007199254740993', none: null }],
    fields: [
      { name: 'n', dataTypeID: 20 },
      { name: 'total', dataTypeID: 1700 },
      { name: 'avg', dataTypeID: 1700 },
      { name: 'label', dataTypeID: 25 },
      { name: 'big', dataTypeID: 20 },
      { name: 'none', dataTypeID: 20 },
    ],
  };
  t.deepEqual(rawRows('pg', result), [{ n: 2, total: 15, avg: '2.5000', label: '7', big: -9007199254740993n, none: null }]);
  t.deepEqual(rawRows('pg', [{ rows: [], fields: [] }, result]).length, 1, 'several statements: the last result');
});

test('mysql: BIGINT and whole DECIMAL text become integers; writes have no rows', (t) => {
  const rows = [{ n: '3', total: '10', price: '2.50', label: '7' }];
  const fields = [
    { name: 'n', columnType: 8 },
    { name: 'total', columnType: 246 },
    { name: 'price', columnType: 246 },
    { name: 'label', columnType: 253 },
  ];
  t.deepEqual(rawRows('mysql', [rows, fields]), [{ n: 3, total: 10, price: '2.50', label: '7' }]);
  t.deepEqual(rawRows('mysql', [{ affectedRows: 1, insertId: 4 }, undefined]), []);
});
