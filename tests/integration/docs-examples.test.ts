// The documentation's examples run as shown. Every ```ts block in README.md and docs-site/*.md is
// preceded by a marker on the line right above its opening fence (indented like the fence inside a
// list item; a blank line in between does not count):
//
//   <!-- example: examples/docs/<page>/<name>.ts -->         the block is that program's docs region
//   <!-- example: examples/docs/<page>/<name>.ts#<name> -->  ... its region named docs:<name>
//   <!-- not-run: <reason> -->                              not a program (a signature, a shape)
//
// In the example file the region is the lines between `// #region docs` and `// #endregion docs`
// (`// #region docs:<name>` / `// #endregion docs:<name>` for a named region, so that several
// blocks of one page can share one program), taken without their common indentation; a region
// may come in several parts (members of two classes), joined in file order; a file without docs
// regions is shown whole. The block must equal the region up to line endings and
// trailing whitespace. Each example file exports `main(): Promise<void>`, which throws
// (node:assert/strict) when the behaviour the page describes does not happen; this test runs it,
// compiled by `tsc -p examples/tsconfig.json` (npm run build:examples), in a process and an empty
// directory of its own (tests/support/example-runner.ts).
//
// Examples that call `exampleDatabase('pg', ...)` / `exampleDatabase('mysql', ...)`
// (examples/docs/support.ts) need that server: when it is unreachable they are skipped with a
// loud line, and under CI=true the run fails (the rule of tests/support/databases.ts).
//
// The examples run once, from the legacy-decorator build: tests/tsconfig.standard.json leaves this
// file out.
import test from 'ava';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialects, type TestDialect } from '../support/databases.js';
import { compareShownBlock, exampleServers, pageProblems, scanMarkdown, type CodeBlock } from '../support/docs-markers.js';
import { limiter, runExampleMain } from '../support/example-runner.js';

/** `build/legacy/tests/integration/docs-examples.test.js` → the repository root. */
const ROOT = resolve(dirname(fileURLToPath(test.meta.file)), '../../../..');
const EXAMPLE_TIMEOUT_MS = 30_000;
/** Each example is a node process loading knex and a driver: two at a time is plenty. */
const PARALLEL_RUNS = 2;

const pages = ['README.md', ...readdirSync(join(ROOT, 'docs-site')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs-site/${f}`)];

interface MarkedExample {
  page: string;
  block: CodeBlock;
  file: string;
  region?: string;
}

const examples: MarkedExample[] = [];
for (const page of pages) {
  const { blocks, problems } = scanMarkdown(readFileSync(join(ROOT, page), 'utf8'));
  test(`${page}: every marker is well-formed and every \`\`\`ts block is marked`, (t) => {
    const all = pageProblems({ blocks, problems });
    if (all.length) t.fail(`${page}:\n${all.join('\n')}`);
    else t.pass();
  });
  for (const block of blocks) {
    if (block.marker.kind !== 'example') continue;
    const { file, region } = block.marker;
    examples.push(region ? { page, block, file, region } : { page, block, file });
  }
}

for (const ex of examples) {
  const shown = ex.region ? `${ex.file}#${ex.region}` : ex.file;
  test(`${ex.page}:${ex.block.line} shows ${shown}`, (t) => {
    const path = join(ROOT, ex.file);
    const source = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    const problem = compareShownBlock({ page: ex.page, block: ex.block, file: ex.file, region: ex.region, source });
    if (problem) t.fail(problem);
    else t.pass();
  });
}

const available = new Set<TestDialect>(dialects());
const runLimit = limiter(PARALLEL_RUNS);
for (const file of [...new Set(examples.map((e) => e.file))].filter((f) => existsSync(join(ROOT, f)))) {
  const needs = exampleServers(readFileSync(join(ROOT, file), 'utf8'));
  const missing = needs.filter((d) => !available.has(d));
  if (missing.length) {
    // Only reached outside CI: dialects() throws under CI=true when a server is down, so a CI run
    // never skips an example; a local run without that server reports it as skipped, by name.
    test.skip(`${file} runs (needs ${missing.join(', ')}, not reachable)`, () => {});
    continue;
  }
  test(`${file} runs: main() resolves`, async (t) => {
    const compiled = join(ROOT, 'build', file.replace(/\.ts$/, '.js'));
    if (!existsSync(compiled)) {
      t.fail(`${compiled} is missing: run npm run build:examples (npm test does it)`);
      return;
    }
    const run = await runLimit(() => runExampleMain(compiled, { timeoutMs: EXAMPLE_TIMEOUT_MS }));
    t.true(
      run.ok,
      `${file}: ${run.reason}${run.stderr ? `\n--- stderr ---\n${run.stderr}` : ''}${run.stdout ? `\n--- stdout ---\n${run.stdout}` : ''}`,
    );
  });
}
