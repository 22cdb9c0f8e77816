// Running the `joinery` CLI as a user does: a child process in a project folder of its own, with
// joinery and typescript under node_modules, a tsconfig for the build's decorator standard, and a
// config file. Shared by the CLI integration tests.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JoineryOptions } from 'joinery';
import type { TestDb } from './databases.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What a CLI test file needs, from its `test.meta.file` (`build/<flavour>/tests/integration/x.test.js`). */
export function cliHarness(testFile: string, timeoutMs: number) {
  const root = resolve(dirname(fileURLToPath(testFile)), '../../../..');
  const cli = join(root, 'dist', 'cli', 'main.js');
  const legacy = testFile.includes('/build/legacy/');

  function run(cwd: string, ...args: string[]): CliRun {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs });
    if (r.error) throw r.error;
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** {@link run} without waiting, for independent commands run side by side. */
  function runAsync(cwd: string, ...args: string[]): Promise<CliRun> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [cli, ...args], { cwd, timeout: timeoutMs });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', fail);
      child.on('close', (code) => done({ code, stdout, stderr }));
    });
  }

  /** A project directory: joinery and typescript under node_modules (as a user has them), a tsconfig, and `files`. */
  function project(t: { teardown(fn: () => void): void }, files: Record<string, string> = {}, prefix = 'joinery-cli-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules', 'joinery'), 'dir');
    symlinkSync(join(root, 'node_modules', 'typescript'), join(dir, 'node_modules', 'typescript'), 'dir');
    const compilerOptions = legacy
      ? { target: 'ES2022', strict: true, experimentalDecorators: true, emitDecoratorMetadata: true, useDefineForClassFields: false }
      : { target: 'ES2022', strict: true };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  return { root, cli, legacy, run, runAsync, project };
}

/** The test database as a config the child process can use: SQLite in a file of the project, servers as they are. */
export function cliDatabaseConfig(db: TestDb, dir: string): JoineryOptions {
  return db.dialect === 'sqlite' ? { client: 'sqlite', connection: { filename: join(dir, 'app.db') } } : { ...db.config };
}
