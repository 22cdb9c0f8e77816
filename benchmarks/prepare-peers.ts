// Run by `npm run bench` before the benchmark: installs the peer ORMs of benchmarks/package.json when
// they are missing or older than its lockfile (`npm ci --prefix benchmarks`), then compiles peers/.
// A failure is reported and leaves the peers out; it never stops the benchmark of the others.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const BENCH_DIR = join(__dirname, '..', '..', 'benchmarks');
const MODULES = join(BENCH_DIR, 'node_modules');
const PEER_BUILD = join(BENCH_DIR, 'build', 'peers');

function warn(text: string): void {
  process.stderr.write(`\n!!! bench: ${text}; the peer ORMs will be reported as not measured\n\n`);
}

/** Whether benchmarks/node_modules is missing, or was installed from an older lockfile. */
function needsInstall(): boolean {
  const installed = join(MODULES, '.package-lock.json');
  if (!existsSync(installed)) return true;
  return statSync(join(BENCH_DIR, 'package-lock.json')).mtimeMs > statSync(installed).mtimeMs;
}

function install(): boolean {
  process.stderr.write('bench: installing the peer ORMs (npm ci --prefix benchmarks) ...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const res = spawnSync(npm, ['ci', '--prefix', BENCH_DIR, '--no-audit', '--no-fund'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (res.status === 0) return true;
  warn(`npm ci --prefix benchmarks failed (${res.error?.message ?? `exit code ${String(res.status)}`})`);
  // A half-installed folder would pass for installed next time.
  rmSync(MODULES, { recursive: true, force: true });
  return false;
}

function compile(): boolean {
  const tsc = require.resolve('typescript/bin/tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', join(BENCH_DIR, 'tsconfig.peers.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.status === 0) return true;
  warn('benchmarks/peers did not compile');
  return false;
}

function main(): void {
  rmSync(PEER_BUILD, { recursive: true, force: true });
  if (needsInstall() && !install()) return;
  // tsc emits even on type errors: a peer that does not type-check is not run.
  if (!compile()) rmSync(PEER_BUILD, { recursive: true, force: true });
}

main();
