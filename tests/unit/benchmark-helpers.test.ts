// The benchmark's own pure parts: the report table (ratios and target marks) and the hand-written
// baselines' row stitching. Each run verifies what the contenders return, but not these.
import test from 'ava';
import { graphRows, slices, stitchCatalog } from '../../benchmarks/raw-contender.js';
import { median, PG_TARGETS, timingTable, type Sample } from '../../benchmarks/report.js';

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

test('the issue sets a PostgreSQL target for every workload', (t) => {
  t.deepEqual(PG_TARGETS, { W1: 1.5, W2: 2, W3: 1.5, W4: 1.5, W5: 1.3, W6: 2, W7: 2, W8: 1.5 });
});

test('timing table: medians, ratios to raw, raw min–max, target marks on pg only', (t) => {
  const samples = [
    sample('raw', 'W4', 'pg', [10, 12, 11]),
    sample('joinery', 'W4', 'pg', [16, 17, 30]), // median 17: 1.55× of 11, over 1.5×
    sample('raw', 'W7', 'pg', [20, 20, 20]),
    sample('joinery', 'W7', 'pg', [30, 40, 39]), // 1.95×, within 2×
    sample('raw', 'W7', 'sqlite', [10, 10, 10]),
    sample('joinery', 'W7', 'sqlite', [50, 50, 50]),
  ];
  const table = timingTable(samples, ['pg', 'sqlite'], ['W4', 'W7'], ['raw', 'joinery', 'knex']).split('\n');
  t.is(table[0], '| Workload | Dialect | raw ms | joinery ms | knex ms | joinery pg target |');
  t.is(table[2], '| W4 remove 10,000, flush | pg | 11.0 (10.0–12.0) | 17.0 · 1.55× | – | ≤ 1.5× ✗ |');
  t.is(table[3], '| W7 100 authors → 1,000 books → publisher + 5 tags | pg | 20.0 (20.0–20.0) | 39.0 · 1.95× | – | ≤ 2× ✓ |');
  t.is(table[4], '| W7 100 authors → 1,000 books → publisher + 5 tags | sqlite | 10.0 (10.0–10.0) | 50.0 · 5.00× | – | |');
  t.is(table.length, 5);
});

test('timing table of CPU time: no target column', (t) => {
  const table = timingTable([sample('raw', 'W1', 'pg', [10]), sample('joinery', 'W1', 'pg', [14])], ['pg'], ['W1'], ['raw', 'joinery'], 'cpuMs').split('\n');
  t.is(table[0], '| Workload | Dialect | raw CPU ms | joinery CPU ms |');
  t.is(table[2], '| W1 insert 10,000 entities, one flush | pg | 5.00 (5.00–5.00) | 7.00 · 1.40× |');
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
