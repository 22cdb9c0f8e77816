import test from 'ava';
import { compareShownBlock, exampleServers, extractRegion, lineDiff, normalizeCode, pageProblems, scanMarkdown } from '../support/docs-markers.js';

const fence = '```';

test('scanMarkdown pairs each ```ts block with the marker right above it', (t) => {
  const page = [
    '# Page',
    '<!-- example: examples/docs/page/first.ts -->',
    `${fence}ts`,
    'const a = 1;',
    fence,
    '',
    '<!-- example: examples/docs/page/shared.ts#second -->',
    `${fence}typescript`,
    'const b = 2;',
    fence,
    '<!-- not-run: a type signature -->',
    `${fence}ts`,
    'type X = string;',
    fence,
  ].join('\n');
  const { blocks, problems } = scanMarkdown(page);
  t.deepEqual(problems, []);
  t.deepEqual(blocks, [
    { line: 3, code: 'const a = 1;', marker: { kind: 'example', file: 'examples/docs/page/first.ts' } },
    { line: 8, code: 'const b = 2;', marker: { kind: 'example', file: 'examples/docs/page/shared.ts', region: 'second' } },
    { line: 12, code: 'type X = string;', marker: { kind: 'not-run', reason: 'a type signature' } },
  ]);
});

test('scanMarkdown reports a ```ts block without a marker, and one with a blank line between', (t) => {
  const page = ['Text', `${fence}ts`, 'x();', fence, '<!-- not-run: shape -->', '', `${fence}ts`, 'y();', fence].join('\n');
  const { blocks, problems } = scanMarkdown(page);
  t.deepEqual(
    blocks.map((b) => b.marker.kind),
    ['none', 'none'],
  );
  t.deepEqual(problems, ['line 5: "<!-- not-run: shape -->" is not right above a ```ts block']);
});

test('scanMarkdown ignores other languages and markers shown inside fences', (t) => {
  const page = [
    `${fence}md`,
    '<!-- example: examples/docs/x/y.ts -->',
    `${fence}`,
    `${fence}sql`,
    'SELECT 1;',
    fence,
    `${fence}sh`,
    'npm test',
    fence,
  ].join('\n');
  t.deepEqual(scanMarkdown(page), { blocks: [], problems: [] });
});

test('scanMarkdown strips the fence indentation of a block inside a list item', (t) => {
  const page = ['- item:', '', '  <!-- example: examples/docs/p/list.ts -->', `  ${fence}ts`, '  const x = {', '    y: 1,', '  };', `  ${fence}`].join('\n');
  const { blocks, problems } = scanMarkdown(page);
  t.deepEqual(problems, []);
  t.is(blocks[0]!.code, 'const x = {\n  y: 1,\n};');
  t.deepEqual(blocks[0]!.marker, { kind: 'example', file: 'examples/docs/p/list.ts' });
});

test('scanMarkdown rejects malformed markers with a message saying what is expected', (t) => {
  const page = ['<!-- example: docs/page.js -->', `${fence}ts`, 'a();', fence, '<!-- not-run: -->', `${fence}ts`, 'b();', fence].join('\n');
  const { blocks, problems } = scanMarkdown(page);
  t.deepEqual(problems, [
    'line 1: "<!-- example: docs/page.js -->" should name a file as examples/docs/<page>/<name>.ts (optionally #<region>)',
    'line 5: "<!-- not-run: -->" needs a reason after "not-run:"',
  ]);
  t.deepEqual(
    blocks.map((b) => b.marker.kind),
    ['none', 'none'],
  );
});

test('scanMarkdown reports a block that is never closed', (t) => {
  const { problems } = scanMarkdown(['<!-- not-run: x -->', `${fence}ts`, 'a();'].join('\n'));
  t.deepEqual(problems, ['line 2: the ```ts block is never closed']);
});

test('extractRegion returns the docs region without its common indentation', (t) => {
  const source = [
    'import x from "y";',
    'export async function main() {',
    '  setup();',
    '  // #region docs',
    '  await em.flush();',
    '  if (a) {',
    '    b();',
    '  }',
    '  // #endregion docs',
    '}',
  ].join('\n');
  t.is(extractRegion(source), 'await em.flush();\nif (a) {\n  b();\n}');
});

test('extractRegion returns a named region, and the whole file when there is no docs region', (t) => {
  const source = ['// #region docs:one', 'one();', '// #endregion docs:one', '// #region docs:two', 'two();', '// #endregion docs:two'].join('\n');
  t.is(extractRegion(source, 'two'), 'two();');
  t.is(extractRegion('const whole = 1;\n'), 'const whole = 1;\n');
});

test('extractRegion joins the parts of a region split across classes, each dedented on its own', (t) => {
  const source = [
    'class Profile {',
    '  // #region docs:one-to-one',
    '  // in Profile',
    '  @OneToOne() user!: User;',
    '  // #endregion docs:one-to-one',
    '}',
    'class User {',
    '  // #region docs:one-to-one',
    '  // in User',
    '  @OneToOne() profile?: Profile;',
    '  // #endregion docs:one-to-one',
    '}',
  ].join('\n');
  t.is(extractRegion(source, 'one-to-one'), '// in Profile\n@OneToOne() user!: User;\n// in User\n@OneToOne() profile?: Profile;');
});

test('extractRegion throws on a missing, unclosed or nested region', (t) => {
  t.throws(() => extractRegion('// #region docs:one\n// #endregion docs:one\n'), { message: /no "\/\/ #region docs" .* in the file/ });
  t.throws(() => extractRegion('// #region docs:one\n// #endregion docs:one\n', 'two'), { message: /no "\/\/ #region docs:two"/ });
  t.throws(() => extractRegion('// #region docs\na();\n'), { message: /"#region docs" is never closed/ });
  t.throws(() => extractRegion('// #region docs:a\n// #region docs:b\n'), { message: /do not nest/ });
  t.throws(() => extractRegion('// #endregion docs\n'), { message: /without a matching/ });
});

test('normalizeCode ignores line endings, trailing whitespace and blank edge lines, nothing else', (t) => {
  t.is(normalizeCode('\r\na();  \r\n  b();\r\n\r\n'), 'a();\n  b();');
  t.not(normalizeCode('a();\n  b();'), normalizeCode('a();\nb();'));
});

test('lineDiff marks the lines only on the page with - and only in the example with +', (t) => {
  const shown = ['one', 'two', 'three', 'four', 'five', 'six', 'seven'].join('\n');
  const expected = ['one', 'two', 'three', 'FOUR', 'five', 'six', 'seven'].join('\n');
  t.is(lineDiff(shown, expected), ['  ...', '  two', '  three', '- four', '+ FOUR', '  five', '  six', '  ...'].join('\n'));
});

test('pageProblems lists the scan problems, then every ```ts block without a marker', (t) => {
  const page = scanMarkdown(['<!-- not-run: shape -->', '', `${fence}ts`, 'x();', fence].join('\n'));
  t.deepEqual(pageProblems(page), [
    'line 1: "<!-- not-run: shape -->" is not right above a ```ts block',
    'line 3: a ```ts block without a marker: put <!-- example: examples/docs/<page>/<name>.ts --> right above it, or <!-- not-run: <reason> --> if it is not a program',
  ]);
});

test('compareShownBlock accepts a block equal to the region, up to line endings and trailing spaces', (t) => {
  const block = { line: 5, code: 'await em.flush();  \r\n', marker: { kind: 'example' as const, file: 'examples/docs/p/a.ts' } };
  const source = 'export async function main() {\n  // #region docs\n  await em.flush();\n  // #endregion docs\n}\n';
  t.is(compareShownBlock({ page: 'docs-site/p.md', block, file: 'examples/docs/p/a.ts', source }), undefined);
});

test('compareShownBlock names a missing file, a broken region and a differing block', (t) => {
  const block = { line: 5, code: 'await em.flush();', marker: { kind: 'example' as const, file: 'examples/docs/p/a.ts' } };
  const base = { page: 'docs-site/p.md', block, file: 'examples/docs/p/a.ts' };
  t.is(compareShownBlock({ ...base, source: undefined }), 'docs-site/p.md line 4 names examples/docs/p/a.ts, which does not exist: create it or fix the marker');
  t.is(compareShownBlock({ ...base, region: 'x', source: 'a();\n' }), 'examples/docs/p/a.ts: no "// #region docs:x" ... "// #endregion docs:x" in the file');
  t.is(
    compareShownBlock({ ...base, source: '// #region docs\nawait em.flush(true);\n// #endregion docs\n' }),
    'the block at docs-site/p.md line 5 differs from examples/docs/p/a.ts (- only in the page, + only in the example); change both together:\n' +
      '- await em.flush();\n+ await em.flush(true);',
  );
});

test('exampleServers finds the servers an example provisions through examples/docs/support.ts', (t) => {
  t.deepEqual(exampleServers("const db = await exampleDatabase('pg', __filename);\nconst my = await exampleDatabase(\"mysql\", __filename);"), ['pg', 'mysql']);
  t.deepEqual(exampleServers("const orm = await Joinery.init({ client: 'sqlite' });"), []);
});
