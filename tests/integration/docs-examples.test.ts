// The documentation's examples run as shown. Every ```ts block in README.md and docs-site/*.md is
// preceded by a marker line:
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
// compiled by `tsc -p examples/tsconfig.json` (npm run build:examples), in a process of its own
// because entity classes register globally.
//
// Examples that call `exampleDatabase('pg', ...)` / `exampleDatabase('mysql', ...)`
// (examples/docs/support.ts) need that server: when it is unreachable they are skipped with a
// loud line, and under CI=true the run fails (the rule of tests/support/databases.ts).
//
// The examples run once, from the legacy-decorator build: tests/tsconfig.standard.json leaves this
// file out.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialects, type TestDialect } from '../support/databases.js';
import { extractRegion, lineDiff, normalizeCode, scanMarkdown, type CodeBlock } from '../support/docs-markers.js';

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
    const unmarked = blocks
      .filter((b) => b.marker.kind === 'none')
      .map((b) => `line ${b.line}: a \`\`\`ts block without a marker: put <!-- example: examples/docs/<page>/<name>.ts --> right above it, or <!-- not-run: <reason> --> if it is not a program`);
    const all = [...problems, ...unmarked];
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
    if (!existsSync(path)) {
      t.fail(`${ex.page} line ${ex.block.line - 1} names ${ex.file}, which does not exist: create it or fix the marker`);
      return;
    }
    let region: string;
    try {
      region = extractRegion(readFileSync(path, 'utf8'), ex.region);
    } catch (e) {
      t.fail(`${ex.file}: ${(e as Error).message}`);
      return;
    }
    const page = normalizeCode(ex.block.code);
    const expected = normalizeCode(region);
    t.true(
      page === expected,
      `the block at ${ex.page} line ${ex.block.line} differs from ${shown} (- only in the page, + only in the example); change both together:\n${lineDiff(page, expected)}`,
    );
  });
}

const available = new Set<TestDialect>(dialects());
const runLimit = limiter(PARALLEL_RUNS);
for (const file of [...new Set(examples.map((e) => e.file))].filter((f) => existsSync(join(ROOT, f)))) {
  const needs = serversNeeded(readFileSync(join(ROOT, file), 'utf8'));
  const missing = needs.filter((d) => !available.has(d));
  if (missing.length) {
    test.skip(`${file} runs (needs ${missing.join(', ')}, not reachable)`, () => {});
    continue;
  }
  test(`${file} runs: main() resolves`, async (t) => {
    const compiled = join(ROOT, 'build', file.replace(/\.ts$/, '.js'));
    if (!existsSync(compiled)) {
      t.fail(`${compiled} is missing: run npm run build:examples (npm test does it)`);
      return;
    }
    const run = await runLimit(() => runMain(compiled));
    t.true(
      run.ok,
      `${file}: ${run.reason}${run.stderr ? `\n--- stderr ---\n${run.stderr}` : ''}${run.stdout ? `\n--- stdout ---\n${run.stdout}` : ''}`,
    );
  });
}

/** The servers an example provisions through examples/docs/support.ts. */
function serversNeeded(source: string): TestDialect[] {
  const found = new Set<TestDialect>();
  for (const m of source.matchAll(/\bexampleDatabase\(\s*['"](pg|mysql)['"]/g)) found.add(m[1] as TestDialect);
  return [...found];
}

interface RunResult {
  ok: boolean;
  reason: string;
  stdout: string;
  stderr: string;
}

/**
 * Loads the compiled example in a fresh node process and awaits its `main()`. The process runs in
 * an empty directory of its own, so a page may show `connection: { filename: 'app.db' }` and the
 * file lands there.
 */
function runMain(compiled: string): Promise<RunResult> {
  const script = `
    const m = require(process.argv[1]);
    if (typeof m.main !== 'function') {
      console.error('the example does not export an async function main()');
      process.exit(3);
    }
    let settled = false;
    // A promise nothing will ever settle lets node exit with 0: that is a failure too.
    process.on('exit', (code) => {
      if (!settled && code === 0) {
        console.error('main() never settled');
        process.exitCode = 4;
      }
    });
    Promise.resolve(m.main()).then(
      () => { settled = true; },
      (e) => { settled = true; console.error(e); process.exit(1); },
    );`;
  return new Promise((done) => {
    const cwd = mkdtempSync(join(tmpdir(), 'joinery-docs-example-'));
    const child = spawn(process.execPath, ['-e', script, compiled], { cwd, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), EXAMPLE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      const reason =
        code === 0
          ? ''
          : signal
            ? `did not exit within ${EXAMPLE_TIMEOUT_MS / 1000} s: does main() close every Joinery it opens (await orm.close())?`
            : code === 3
              ? 'the example must export `async function main(): Promise<void>`'
              : code === 4
                ? 'main() returned a promise that never settled'
                : `main() threw (exit code ${code})`;
      done({ ok: code === 0, reason, stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

/** Runs at most `n` of the given tasks at a time. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
