// The runner behind tests/integration/docs-examples.test.ts must report every way an example can
// fail, or a broken docs example would pass. Each case is a tiny CommonJS program.
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limiter, runExampleMain } from '../support/example-runner.js';

const dir = mkdtempSync(join(tmpdir(), 'joinery-example-runner-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function program(name: string, source: string): string {
  const file = join(dir, `${name}.js`);
  writeFileSync(file, source);
  return file;
}

test('a main() that resolves passes, and runs in an empty directory of its own', async (t) => {
  const file = program('ok', "exports.main = async () => { require('fs').writeFileSync('app.db', ''); console.log(process.cwd()); };");
  const run = await runExampleMain(file);
  t.true(run.ok, run.stderr);
  t.is(run.reason, '');
  t.not(run.stdout, process.cwd());
  t.regex(run.stdout, /joinery-docs-example-/);
});

test('a main() that rejects fails with its error on stderr', async (t) => {
  const file = program('throws', "exports.main = async () => { require('assert/strict').equal(1, 2); };");
  const run = await runExampleMain(file);
  t.false(run.ok);
  t.is(run.reason, 'main() threw (exit code 1)');
  t.regex(run.stderr, /AssertionError/);
});

test('a file without main() fails and says what to export', async (t) => {
  const run = await runExampleMain(program('no-main', 'exports.run = async () => {};'));
  t.false(run.ok);
  t.is(run.reason, 'the example must export `async function main(): Promise<void>`');
});

test('a main() whose promise never settles fails', async (t) => {
  const run = await runExampleMain(program('never', 'exports.main = () => new Promise(() => {});'));
  t.false(run.ok);
  t.is(run.reason, 'main() returned a promise that never settled');
});

test('an example that leaves a handle open is stopped at the timeout, with a hint', async (t) => {
  const run = await runExampleMain(program('open-handle', 'exports.main = async () => { setInterval(() => {}, 1000); };'), { timeoutMs: 1500 });
  t.false(run.ok);
  t.is(run.reason, 'did not exit within 1.5 s: does main() close every Joinery it opens (await orm.close())?');
});

test('limiter runs at most n tasks at once, and all of them', async (t) => {
  const run = limiter(2);
  let running = 0;
  let most = 0;
  const task = async (i: number) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 10));
    running--;
    return i;
  };
  t.deepEqual(await Promise.all([1, 2, 3, 4, 5].map((i) => run(() => task(i)))), [1, 2, 3, 4, 5]);
  t.is(most, 2);
});
