// The benchmark's own pure parts: the report tables (ratios, the fastest baseline, target and knex marks) and the hand-written
// baselines' row stitching. Each run verifies what the contenders return, but not these.
import test from 'ava';
import { graphRows, slices, stitchCatalog, stitchRentals } from '../../benchmarks/raw-contender.js';
import { heapTable, median, TARGETS, timingTable, type HeapSample, type Sample } from '../../benchmarks/report.js';

const sample = (contender: Sample['contender'], workload: Sample['workload'], dialect: Sample['dialect'], ms: number[]): Sample => ({
  contender,
  workload,
  dialect,
  ms,
  cpuMs: ms.map((x) => x / 2),
});

test('median: middle value, or the mean of the two middle values', (t) => {
  t.is(median([5, 1, 3]), 3);
  t.is(median([4, 1, 3, 2]), 2.5);
});

test('targets: PostgreSQL and MariaDB per workload, SQLite 2.5× everywhere', (t) => {
  const server = { W1: 1.3, W2: 1.6, W3: 1.3, W4: 1.3, W5: 1.2, W6: 1.6, W7: 1.6, W8: 1.3, W9: 1.6 };
  t.deepEqual(TARGETS.pg, server);
  t.deepEqual(TARGETS.mysql, server);
  t.deepEqual(TARGETS.sqlite, { W1: 2.5, W2: 2.5, W3: 2.5, W4: 2.5, W5: 2.5, W6: 2.5, W7: 2.5, W8: 2.5, W9: 2.5 });
});

test('timing table: ratios to the faster raw baseline of each row, which one it was, target and knex marks', (t) => {
  const samples = [
    sample('raw', 'W4', 'pg', [10, 12, 11]),
    sample('raw-prepared', 'W4', 'pg', [14, 15, 16]), // slower: raw is the baseline
    sample('joinery', 'W4', 'pg', [13, 14, 30]), // 14 / 11 = 1.27×, within 1.3×
    sample('knex', 'W4', 'pg', [20, 20, 20]), // no knex goal on W4
    sample('raw', 'W7', 'mysql', [25, 25, 25]),
    sample('raw-prepared', 'W7', 'mysql', [20, 20, 20]), // faster: the baseline
    sample('joinery', 'W7', 'mysql', [30, 33, 39]), // 33 / 20 = 1.65×, over 1.6×
    sample('knex', 'W7', 'mysql', [25, 25, 25]), // joinery 1.32× of knex, over 1.3×
    sample('raw', 'W5', 'sqlite', [10, 10, 10]),
    sample('joinery', 'W5', 'sqlite', [24, 24, 24]), // 2.4×, within 2.5×
    sample('knex', 'W5', 'sqlite', [30, 30, 30]), // joinery faster than knex
  ];
  const table = timingTable(samples, ['pg', 'mysql', 'sqlite'], ['W4', 'W5', 'W7'], ['raw', 'raw-prepared', 'joinery', 'knex']).split('\n');
  t.is(table[0], '| Workload | Dialect | raw ms | raw-prepared ms | joinery ms | knex ms | fastest raw | joinery target | joinery / knex |');
  t.is(table[2], '| W4 remove 10,000, flush | pg | 11.0 (10.0–12.0) | 15.0 (14.0–16.0) · 1.36× | 14.0 · 1.27× | 20.0 · 1.82× | raw | ≤ 1.3× ✓ | 0.70× |');
  t.is(table[3], '| W5 2,000 × findOne by PK (fresh fork) | sqlite | 10.0 (10.0–10.0) | – | 24.0 · 2.40× | 30.0 · 3.00× | raw | ≤ 2.5× ✓ | 0.80× (< 1) ✓ |');
  t.is(
    table[4],
    '| W7 100 authors → 1,000 books → publisher + 5 tags | mysql | 25.0 (25.0–25.0) · 1.25× | 20.0 (20.0–20.0) | 33.0 · 1.65× | 25.0 · 1.25× | raw-prepared | ≤ 1.6× ✗ | 1.32× (≤ 1.3) ✗ |',
  );
  t.is(table.length, 5);
});

test('timing table of CPU time: the baseline with less CPU, no target or knex columns', (t) => {
  const table = timingTable(
    [sample('raw', 'W1', 'pg', [10]), sample('raw-prepared', 'W1', 'pg', [8]), sample('joinery', 'W1', 'pg', [14])],
    ['pg'],
    ['W1'],
    ['raw', 'raw-prepared', 'joinery'],
    'cpuMs',
  ).split('\n');
  t.is(table[0], '| Workload | Dialect | raw CPU ms | raw-prepared CPU ms | joinery CPU ms | fastest raw |');
  t.is(table[2], '| W1 insert 10,000 entities, one flush | pg | 5.00 (5.00–5.00) · 1.25× | 4.00 (4.00–4.00) | 7.00 · 1.75× | raw-prepared |');
});

test('heap table: W2, W6 and W9, ratios to the smaller baseline', (t) => {
  const heap = (contender: HeapSample['contender'], workload: HeapSample['workload'], bytes: number[]): HeapSample => ({ dialect: 'pg', workload, contender, bytesPerEntity: bytes });
  const table = heapTable(
    [heap('raw', 'W9', [150, 140, 160]), heap('raw-prepared', 'W9', [148]), heap('joinery', 'W9', [444]), heap('raw', 'W2', [100]), heap('joinery', 'W2', [300])],
    ['pg'],
    ['raw', 'raw-prepared', 'joinery'],
  ).split('\n');
  t.deepEqual(table.slice(2), ['| W2 | pg | 100 | – | 300 · 3.00× |', '| W9 | pg | 150 · 1.01× | 148 | 444 · 3.00× |']);
});

test('stitchRentals: one object per customer, copy and film; dates converted', (t) => {
  const rentals = stitchRentals(
    [
      { id: 1, rental_date: '2024-01-01T00:00:00.000Z', customer_id: 5, inventory_id: 8 },
      { id: 2, rental_date: '2024-01-02T00:00:00.000Z', customer_id: 5, inventory_id: 9 },
    ],
    [{ id: 5, first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com' }],
    [
      { id: 8, store_id: 1, film_id: 3 },
      { id: 9, store_id: 2, film_id: 3 },
    ],
    [{ id: 3, title: 'Alien', length: 117 }],
    (v) => new Date(v as string),
  );
  t.deepEqual(
    rentals.map((r) => [r.id, r.rentalDate.toISOString(), r.customer.email, r.inventory.storeId, r.inventory.film.title]),
    [
      [1, '2024-01-01T00:00:00.000Z', 'ann@example.com', 1, 'Alien'],
      [2, '2024-01-02T00:00:00.000Z', 'ann@example.com', 2, 'Alien'],
    ],
  );
  t.is(rentals[0]!.customer, rentals[1]!.customer);
  t.is(rentals[0]!.inventory.film, rentals[1]!.inventory.film);
  t.not(rentals[0]!.inventory, rentals[1]!.inventory);
});

test('stitchCatalog: books under their authors, one object per publisher and per tag', (t) => {
  const authors = stitchCatalog(
    [
      { id: 1, name: 'Ann' },
      { id: 2, name: 'Bo' },
    ],
    [
      { id: 10, title: 'A1', pages: 100, author_id: 1, publisher_id: 7 },
      { id: 11, title: 'B1', pages: 200, author_id: 2, publisher_id: 7 },
    ],
    [{ id: 7, name: 'Pub' }],
    [
      { book_id: 10, id: 3, name: 'sql' },
      { book_id: 11, id: 3, name: 'sql' },
      { book_id: 11, id: 4, name: 'orm' },
    ],
  );
  t.deepEqual(
    authors.map((a) => [a.name, a.books.map((b) => [b.title, b.publisher.name, b.tags.map((x) => x.name)])]),
    [
      ['Ann', [['A1', 'Pub', ['sql']]]],
      ['Bo', [['B1', 'Pub', ['sql', 'orm']]]],
    ],
  );
  const [a1] = authors[0]!.books;
  const [b1] = authors[1]!.books;
  t.is(a1!.publisher, b1!.publisher);
  t.is(a1!.tags[0], b1!.tags[0]);
  t.is(a1!.author, authors[0]);
});

test('graphRows: books point at their author by index, links at their book, keys from the seed', (t) => {
  const rows = graphRows(
    [
      { name: 'Ann', books: [{ title: 'A1', pages: 1, publisher: 1, tags: [0, 1] }] },
      { name: 'Bo', books: [{ title: 'B1', pages: 2, publisher: 0, tags: [1] }] },
    ],
    { publisherIds: [70, 71], tagIds: [30, 31], maxAuthorId: 0, maxBookId: 0 },
  );
  t.deepEqual(rows.authors, ['Ann', 'Bo']);
  t.deepEqual(rows.books, [
    { title: 'A1', pages: 1, author: 0, publisherId: 71 },
    { title: 'B1', pages: 2, author: 1, publisherId: 70 },
  ]);
  t.deepEqual(rows.links, [
    { book: 0, tagId: 30 },
    { book: 0, tagId: 31 },
    { book: 1, tagId: 31 },
  ]);
});

test('slices: pieces of at most the size, in order', (t) => {
  t.deepEqual(slices([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  t.deepEqual(slices([], 3), []);
});
