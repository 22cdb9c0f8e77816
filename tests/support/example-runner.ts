/**
 * Runs one compiled docs example (a CommonJS file exporting `main(): Promise<void>`) in a node
 * process of its own, in an empty directory of its own, and says why it failed if it did. Used by
 * tests/integration/docs-examples.test.ts.
 *
 * A process per example because entity classes register globally (an example without `entities`
 * would see the others'); an empty directory so that a page may show `{ filename: 'app.db' }`.
 *
 * @example
 * const run = await runExampleMain('build/examples/docs/errors/handle-flush-errors.js');
 * if (!run.ok) throw new Error(`${run.reason}\n${run.stderr}`);
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ExampleRun {
  ok: boolean;
  /** Empty when `ok`; otherwise what went wrong and what to check. */
  reason: string;
  stdout: string;
  stderr: string;
}

const NO_MAIN_EXIT = 3;
const NEVER_SETTLED_EXIT = 4;

const SCRIPT = `
  const m = require(process.argv[1]);
  if (typeof m.main !== 'function') process.exit(${NO_MAIN_EXIT});
  let settled = false;
  // A promise nothing will ever settle lets node exit with 0: that is a failure too.
  process.on('exit', (code) => {
    if (!settled && code === 0) process.exitCode = ${NEVER_SETTLED_EXIT};
  });
  Promise.resolve(m.main()).then(
    () => { settled = true; },
    (e) => { settled = true; console.error(e); process.exit(1); },
  );`;

/** Loads `compiled` in a fresh node process and awaits its exported `main()`. */
export function runExampleMain(compiled: string, options: { timeoutMs?: number } = {}): Promise<ExampleRun> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((done) => {
    const cwd = mkdtempSync(join(tmpdir(), 'joinery-docs-example-'));
    const child = spawn(process.execPath, ['-e', SCRIPT, compiled], { cwd, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      done({ ok: code === 0, reason: failureReason(code, signal, timeoutMs), stdout: stdout.trim(), stderr: stderr.trim() });
    });
  });
}

/** Runs at most `n` of the tasks given to it at a time; the others wait their turn. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
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

function failureReason(code: number | null, signal: NodeJS.Signals | null, timeoutMs: number): string {
  if (code === 0) return '';
  if (signal) return `did not exit within ${timeoutMs / 1000} s: does main() close every Joinery it opens (await orm.close())?`;
  if (code === NO_MAIN_EXIT) return 'the example must export `async function main(): Promise<void>`';
  if (code === NEVER_SETTLED_EXIT) return 'main() returned a promise that never settled';
  return `main() threw (exit code ${code})`;
}
