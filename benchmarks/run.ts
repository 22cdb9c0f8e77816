// joinery against hand-written SQL, knex and peer ORMs: `npm run bench [-- options]`. See README.md.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONTENDERS, HEAP_WORKLOADS, PEERS, WORKLOADS, type Contender, type ContenderId, type HeapWorkload, type PeerId, type WorkloadId } from './contender.js';
import { openDialect } from './databases.js';
import { seedItems, type BenchDialect } from './fixtures.js';
import { packageVersion, type PeerModule } from './peer-context.js';
import { heapTable, median, timingTable, type HeapSample, type Sample } from './report.js';

/** Peers are slow enough that running them everywhere would take the default run past 15 minutes. */
const DEFAULT_PEER_DIALECTS: readonly BenchDialect[] = ['pg'];

const USAGE = `Usage: npm run bench -- [options]
  --quick              1 warm-up round and 3 measured rounds, a first look below the protocol's 5
                       (default: 2 and 9; the second warm-up lets V8 finish optimising before anything is timed)
  --reps N             measured rounds (default 9: this machine's database round trips drift by 2-3x
                       over seconds, and a median of 5 rounds moved ratios by 20-30 % from run to run)
  --warmup N           warm-up rounds
  --dialects LIST      comma-separated, of pg,mysql,sqlite (default: all three)
  --workloads LIST     comma-separated, of W1..W9 (default: all)
  --contenders LIST    comma-separated, of ${CONTENDERS.join(',')}
                       (default: all; a peer whose packages are not installed is reported as not measured;
                       --only is the same option under its earlier name)
  --peer-dialects LIST the dialects the peer ORMs (${PEERS.join(', ')}) run on (default: ${DEFAULT_PEER_DIALECTS.join(',')};
                       raw, raw-prepared, joinery and knex run on every dialect of --dialects)
  --no-heap            skip the heap-per-entity measurement (W2, W6, W9)
  --json FILE          also write every sample as JSON
  --profile DIR        write a CPU profile of each measured run (the timed part only) to DIR;
                       summarise with: node build/benchmarks/profile-summary.js DIR/<name>*.cpuprofile`;

interface Options {
  reps: number;
  warmup: number;
  dialects: BenchDialect[];
  workloads: WorkloadId[];
  contenders: ContenderId[];
  peerDialects: BenchDialect[];
  heap: boolean;
  json?: string;
  cpuProf?: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      reps: { type: 'string' },
      warmup: { type: 'string' },
      dialects: { type: 'string', default: 'pg,mysql,sqlite' },
      workloads: { type: 'string', default: WORKLOADS.join(',') },
      contenders: { type: 'string' },
      // The earlier name of --contenders (one contender), kept for the commands people already use.
      only: { type: 'string' },
      'peer-dialects': { type: 'string', default: DEFAULT_PEER_DIALECTS.join(',') },
      'no-heap': { type: 'boolean', default: false },
      json: { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const list = <T extends string>(raw: string, allowed: readonly T[], what: string): T[] =>
    raw.split(',').map((x) => {
      const v = x.trim() as T;
      if (!allowed.includes(v)) throw new Error(`unknown ${what} '${x}'; expected one of ${allowed.join(', ')}\n${USAGE}`);
      return v;
    });
  const int = (raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`expected an integer ≥ ${min}, got '${raw}'`);
    return n;
  };
  return {
    reps: int(values.reps, values.quick ? 3 : 9, 1),
    warmup: int(values.warmup, values.quick ? 1 : 2, 0),
    dialects: list(values.dialects, ['pg', 'mysql', 'sqlite'] as const, 'dialect'),
    workloads: list(values.workloads, WORKLOADS, 'workload'),
    contenders: list(values.contenders ?? values.only ?? CONTENDERS.join(','), CONTENDERS, 'contender'),
    peerDialects: list(values['peer-dialects'], ['pg', 'mysql', 'sqlite'] as const, 'dialect'),
    heap: !values['no-heap'],
    json: values.json,
    cpuProf: values.profile,
  };
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

function collect(): void {
  if (gc) {
    gc();
    gc();
  }
}

/** Records CPU profiles of the timed runs only (set-up and verification stay out of them). */
class Profiler {
  readonly #session = new Session();
  #started = false;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async start(): Promise<void> {
    if (!this.#started) {
      this.#session.connect();
      await this.#session.post('Profiler.enable');
      await this.#session.post('Profiler.setSamplingInterval', { interval: 20 });
      this.#started = true;
    }
    await this.#session.post('Profiler.start');
  }

  async stop(name: string): Promise<void> {
    const { profile } = await this.#session.post('Profiler.stop');
    writeFileSync(join(this.dir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
}

/** One repetition: untimed set-up, a collection, the timed run, untimed verification. */
async function trial(c: Contender, w: WorkloadId, profile?: { profiler: Profiler; name: string }): Promise<{ ms: number; cpuMs: number }> {
  const t = await c.prepare(w);
  collect();
  if (profile) await profile.profiler.start();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await t.run();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (profile) await profile.profiler.stop(profile.name);
  await t.verify();
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

async function heapPerEntity(c: Contender, w: HeapWorkload): Promise<number> {
  collect();
  const before = process.memoryUsage().heapUsed;
  const loaded = await c.load(w);
  collect();
  const after = process.memoryUsage().heapUsed;
  // `loaded` (and what it keeps) is still referenced here, so it is alive while heapUsed is read.
  return (after - before) / loaded.entities;
}

function progress(text: string): void {
  process.stderr.write(text);
}

/** Where `npm run bench` compiles peers/ (beside benchmarks/node_modules, so their packages resolve). */
const PEER_BUILD = join(__dirname, '..', '..', 'benchmarks', 'build', 'peers');

/** A peer's module, or why it cannot run. */
function loadPeer(id: PeerId): PeerModule | string {
  const file = join(PEER_BUILD, `${id}.js`);
  if (!existsSync(file)) return 'its packages are not installed (`npm ci --prefix benchmarks` failed or did not run; see the output above)';
  try {
    return require(file) as PeerModule;
  } catch (e) {
    return `cannot load it: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}

/** Rotates `xs` by `n`, so that each contender in turn goes first. */
function rotate<T>(xs: readonly T[], n: number): T[] {
  const k = xs.length ? n % xs.length : 0;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

async function main(): Promise<void> {
  const opts = options();
  const samples: Sample[] = [];
  const heap: HeapSample[] = [];
  const versions: string[] = [];
  const ran: BenchDialect[] = [];
  const skipped: string[] = [];
  const peers = new Map<PeerId, PeerModule>();
  for (const id of PEERS.filter((p) => opts.contenders.includes(p))) {
    const loaded = loadPeer(id);
    if (typeof loaded === 'string') {
      skipped.push(`${id}: ${loaded}`);
      progress(`!!! bench: ${id} NOT MEASURED (${loaded})\n`);
    } else peers.set(id, loaded);
  }
  const started = performance.now();
  const profiler = opts.cpuProf ? new Profiler(opts.cpuProf) : undefined;
  if (opts.heap && !gc) progress('bench: heap per entity needs node --expose-gc; skipping it\n');

  for (const dialect of opts.dialects) {
    let setup;
    try {
      setup = await openDialect(dialect);
    } catch (e) {
      const why = `${dialect}: ${e instanceof Error ? e.message : String(e)}`;
      skipped.push(why);
      progress(`\n!!! bench: ${dialect} NOT MEASURED (${why})\n\n`);
      continue;
    }
    ran.push(dialect);
    versions.push(setup.version);
    const open = [...setup.contenders];
    for (const [id, peer] of opts.peerDialects.includes(dialect) ? peers : []) {
      if (!peer.dialects.includes(dialect)) {
        skipped.push(`${id} on ${dialect}: not supported here (see benchmarks/README.md)`);
        continue;
      }
      try {
        open.push(await peer.open(setup.peer));
      } catch (e) {
        const why = `${id} on ${dialect}: ${e instanceof Error ? e.message : String(e)}`;
        skipped.push(why);
        progress(`!!! bench: ${why}\n`);
      }
    }
    const contenders = CONTENDERS.filter((id) => opts.contenders.includes(id)).flatMap((id) => open.filter((c) => c.label === id));
    try {
      const record = (w: WorkloadId, c: Contender): Sample => {
        let s = samples.find((x) => x.dialect === dialect && x.workload === w && x.contender === c.label);
        if (!s) samples.push((s = { dialect, workload: w, contender: c.label, ms: [], cpuMs: [] }));
        return s;
      };
      const dialectStarted = performance.now();
      progress(`${dialect} (${setup.version}; ${contenders.map((c) => c.label).join(', ')}): warm-up`);
      for (let i = 0; i < opts.warmup; i++) {
        for (const w of opts.workloads) for (const c of contenders) await trial(c, w);
        progress('.');
      }
      progress(' measuring');
      for (let rep = 0; rep < opts.reps; rep++) {
        for (const w of opts.workloads) {
          // Each contender goes first in turn, so none always runs on a warmer cache or a fresher heap.
          const order = rotate(contenders, rep);
          for (const c of order) {
            const profile = profiler && { profiler, name: `${dialect}-${w}-${c.label}-${rep + 1}` };
            const { ms, cpuMs } = await trial(c, w, profile);
            const s = record(w, c);
            s.ms.push(ms);
            s.cpuMs.push(cpuMs);
          }
        }
        progress('.');
      }
      if (opts.heap && gc) {
        progress(' heap');
        for (const w of HEAP_WORKLOADS.filter((x) => opts.workloads.includes(x))) {
          for (const c of contenders) {
            await seedItems(c.store);
            const values: number[] = [];
            for (let i = 0; i < 3; i++) values.push(await heapPerEntity(c, w));
            heap.push({ dialect, workload: w, contender: c.label, bytesPerEntity: values });
          }
        }
      }
      progress(` done (${((performance.now() - dialectStarted) / 1000).toFixed(0)} s)\n`);
    } finally {
      for (const c of open) await c.close().catch((e: unknown) => progress(`\nbench: closing ${c.label}: ${String(e)}\n`));
    }
  }

  const seconds = (performance.now() - started) / 1000;
  const shown = CONTENDERS.filter((c) => samples.some((s) => s.contender === c));
  const libraries = [
    ...(shown.includes('knex') ? [`knex ${packageVersion('knex')}`] : []),
    ...[...peers].filter(([id]) => shown.includes(id)).map(([id, p]) => `${id} ${p.version}`),
  ];
  const out = [
    `## joinery vs raw driver, knex and peer ORMs`,
    '',
    `${opts.reps} measured round${opts.reps === 1 ? '' : 's'} after ${opts.warmup} warm-up; median ms, the raw baselines with (min–max); every ratio divides by the faster raw baseline of its row (\`fastest raw\`); ${seconds.toFixed(0)} s in all.`,
    `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${[versions.join('; '), libraries.join(', ')].filter(Boolean).join('; ')}.`,
    '',
    ...(peers.size ? [`The peer ORMs ran on: ${opts.peerDialects.filter((d) => ran.includes(d)).join(', ') || 'none of the dialects run'} (\`--peer-dialects\`).`, ''] : []),
    timingTable(samples, ran, opts.workloads, shown),
    '',
    'CPU time of the benchmark process during the same runs (user + system; the database servers not included):',
    '',
    timingTable(samples, ran, opts.workloads, shown, 'cpuMs'),
  ];
  const heapMd = heapTable(heap, ran, shown);
  if (heapMd) out.push('', 'Retained heap per loaded entity (after gc; W6 counts parents and children, W9 rentals, customers, copies and films):', '', heapMd);
  if (skipped.length) out.push('', ...skipped.map((s) => `**Not measured** — ${s}`));
  console.log(out.join('\n'));
  if (opts.json) {
    writeFileSync(
      opts.json,
      JSON.stringify({ node: process.version, cpus: cpus().length, versions, reps: opts.reps, warmup: opts.warmup, samples, heap, medians: medians(samples) }, null, 2),
    );
  }
}

function medians(samples: readonly Sample[]): Record<string, number> {
  return Object.fromEntries(samples.map((s) => [`${s.dialect} ${s.workload} ${s.contender}`, median(s.ms)]));
}

main().catch((e: unknown) => {
  // Driver errors quote the whole statement, which can be megabytes of bulk INSERT.
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  console.error(text.length > 4000 ? `${text.slice(0, 2000)}\n[... ${text.length - 4000} characters ...]\n${text.slice(-2000)}` : text);
  process.exit(1);
});
