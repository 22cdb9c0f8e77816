// Summarises a V8 CPU profile (`node --cpu-prof`): the functions with the most self time and the most
// total (inclusive) time, positions mapped back to the TypeScript sources through the source maps.
//
//   node build/benchmarks/run.js --only joinery --dialects pg --workloads W3 --no-heap --profile prof
//   node build/benchmarks/profile-summary.js prof/pg-W3-joinery-*.cpuprofile [--top 25] [--filter src/]
//
// Several profiles are added up into one summary. `(idle)` is time spent waiting, mostly for the
// database; `(garbage collector)` is GC.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const maps = new Map<string, SourceMap | null>();

function sourceMapOf(file: string): SourceMap | null {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null);
  }
  return maps.get(file)!;
}

/** `functionName file:line`, the file relative to the working directory and mapped to its source. */
function where(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  let file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  let line = frame.lineNumber + 1;
  const map = file.startsWith('/') ? sourceMapOf(file) : null;
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number } | undefined;
  if (entry?.originalSource) {
    const source = entry.originalSource;
    file = source.startsWith('file://') ? fileURLToPath(source) : resolve(dirname(file), source);
    line = (entry.originalLine ?? 0) + 1;
  }
  if (file.startsWith('/')) file = relative(process.cwd(), file);
  return `${name} ${file}:${line}`;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, filter: { type: 'string' } },
  });
  const top = Number(values.top);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (const path of positionals) {
    const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const label = new Map(profile.nodes.map((n) => [n.id, where(n.callFrame)]));
    profile.samples.forEach((id, i) => {
      const dt = (profile.timeDeltas[i] ?? 0) / 1000;
      const stack: string[] = [];
      for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) stack.push(label.get(n)!);
      // Samples taken while the profiler itself was starting belong to no workload.
      if (stack.some((k) => k.includes('node:inspector'))) return;
      all += dt;
      self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + dt);
      for (const k of new Set(stack)) total.set(k, (total.get(k) ?? 0) + dt);
    });
  }
  const show = (title: string, m: Map<string, number>) => {
    const rows = [...m].filter(([k]) => !values.filter || k.includes(values.filter)).sort((a, b) => b[1] - a[1]).slice(0, top);
    console.log(`\n${title}`);
    for (const [k, ms] of rows) console.log(`${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / all).toFixed(1).padStart(5)}%  ${k}`);
  };
  console.log(`${positionals.length} profile(s), ${all.toFixed(0)} ms sampled`);
  show('self time', self);
  show('total time', total);
}

main();
