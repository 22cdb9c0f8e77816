// The README's quick start must stay true. The first ```ts block under the "## Quick start" heading
// is examples/quick-start.ts verbatim, and the fenced block after it is exactly what that file
// prints. Both decorator builds check it: the legacy build runs the file tsc compiled (so the
// example is type-checked with the tests), the standard build transpiles it with TC39 decorators.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const thisFile = fileURLToPath(test.meta.file);
/** `build/<flavour>/tests/integration/readme.test.js` → the repository root. */
const ROOT = resolve(dirname(thisFile), '../../../..');
const FLAVOUR = thisFile.split(sep).includes('standard') ? 'standard' : 'legacy';
const README = join(ROOT, 'README.md');
const EXAMPLE = join(ROOT, 'examples', 'quick-start.ts');

interface QuickStart {
  code: string;
  output: string;
}

/** The quick start code block and the output block that follows it. */
function readmeQuickStart(markdown: string): QuickStart {
  const heading = /^## Quick start[ \t]*$/m.exec(markdown);
  if (!heading) throw new Error('README.md has no "## Quick start" heading.');
  const section = markdown.slice(heading.index + heading[0].length);
  const end = /^## /m.exec(section);
  const fences = [...section.slice(0, end?.index).matchAll(/^```(\w*)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)];
  const [code, output] = fences;
  if (!code || code[1] !== 'ts') throw new Error('The first fenced block under "## Quick start" in README.md must be a ```ts block.');
  if (!output) throw new Error('README.md\'s quick start must be followed by a fenced block with its output (```json).');
  return { code: code[2]!, output: output[2]! };
}

function normalize(text: string): string {
  return text.replace(/\r\n/g, '\n').trimEnd() + '\n';
}

/** Where the compiled quick start is for this build; the standard build transpiles it on the spot. */
function compiledQuickStart(): string {
  if (FLAVOUR === 'legacy') {
    const file = join(ROOT, 'build', 'legacy', 'examples', 'quick-start.js');
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: tests/tsconfig.legacy.json must include ../examples/**/*.ts (run npm run build:tests).`);
    }
    return file;
  }
  const { outputText, diagnostics } = ts.transpileModule(readFileSync(EXAMPLE, 'utf8'), {
    fileName: EXAMPLE,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: false,
      useDefineForClassFields: true,
    },
  });
  if (diagnostics?.length) throw new Error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost({})));
  // Inside the repository, so that `import ... from 'joinery'` resolves to this package.
  const file = join(ROOT, 'build', 'standard', 'examples', 'quick-start.js');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, outputText);
  return file;
}

test('the quick start in README.md is examples/quick-start.ts, verbatim', (t) => {
  const { code } = readmeQuickStart(readFileSync(README, 'utf8'));
  const example = readFileSync(EXAMPLE, 'utf8');
  t.is(normalize(code), normalize(example), 'README.md and examples/quick-start.ts differ: change both together');
});

test(`examples/quick-start.ts prints the output README.md shows (${FLAVOUR} decorators)`, (t) => {
  const { output } = readmeQuickStart(readFileSync(README, 'utf8'));
  const run = spawnSync(process.execPath, [compiledQuickStart()], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  t.is(run.status, 0, `the quick start failed:\n${run.stderr}${run.error ? String(run.error) : ''}`);
  t.is(run.stderr, '');
  t.is(normalize(run.stdout), normalize(output));
});
