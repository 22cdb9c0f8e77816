import { WORKLOAD_TITLES, type ContenderId, type WorkloadId } from './contender.js';
import type { BenchDialect } from './fixtures.js';

/** Targets for joinery/raw on PostgreSQL. */
export const PG_TARGETS: Record<WorkloadId, number> = { W1: 1.5, W2: 2, W3: 1.5, W4: 1.5, W5: 1.3, W6: 2, W7: 2, W8: 1.5 };

export interface Sample {
  dialect: BenchDialect;
  workload: WorkloadId;
  contender: ContenderId;
  /** Timed runs in milliseconds (wall clock), in the order they ran. */
  ms: number[];
  /** CPU time of this process (user + system) during each timed run, in milliseconds. */
  cpuMs: number[];
}

export interface HeapSample {
  dialect: BenchDialect;
  workload: 'W2' | 'W6';
  contender: ContenderId;
  /** Retained heap per loaded entity, bytes, one value per measurement. */
  bytesPerEntity: number[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function ms(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** `value · ratio×` against the raw median, or `–` when the contender did not run there. */
function ratioCell(value: number | undefined, raw: number | undefined, format: (x: number) => string): string {
  if (value === undefined) return '–';
  return raw ? `${format(value)} · ${(value / raw).toFixed(2)}×` : format(value);
}

/**
 * The markdown results table: per workload and dialect, each contender's median and its ratio to the
 * raw driver's median (raw also shows min–max). `metric` picks wall-clock time (the figures) or this
 * process's CPU time (where it went). The last column checks joinery against its PostgreSQL target.
 */
export function timingTable(
  samples: readonly Sample[],
  dialects: readonly BenchDialect[],
  workloads: readonly WorkloadId[],
  contenders: readonly ContenderId[],
  metric: 'ms' | 'cpuMs' = 'ms',
): string {
  const unit = metric === 'ms' ? 'ms' : 'CPU ms';
  const targets = metric === 'ms' && contenders.includes('raw') && contenders.includes('joinery');
  const lines = [
    `| Workload | Dialect | ${contenders.map((c) => `${c} ${unit}`).join(' | ')} |${targets ? ' joinery pg target |' : ''}`,
    `|---|---|${contenders.map(() => '---:|').join('')}${targets ? '---|' : ''}`,
  ];
  for (const w of workloads) {
    for (const d of dialects) {
      const values = new Map<ContenderId, number[]>();
      for (const s of samples) if (s.dialect === d && s.workload === w && s[metric].length) values.set(s.contender, s[metric]);
      if (!values.size) continue;
      const raw = values.get('raw');
      const rawMedian = raw && median(raw);
      const cells = contenders.map((c) => {
        const v = values.get(c);
        if (c === 'raw') return v ? `${ms(median(v))} (${ms(Math.min(...v))}–${ms(Math.max(...v))})` : '–';
        return ratioCell(v && median(v), rawMedian, ms);
      });
      let target = '';
      const goal = PG_TARGETS[w];
      if (targets && d === 'pg' && goal) {
        const j = values.get('joinery');
        target = ` ≤ ${goal}×${j && rawMedian ? (median(j) / rawMedian <= goal ? ' ✓' : ' ✗') : ''} |`;
      } else if (targets) target = ' |';
      lines.push(`| ${w} ${WORKLOAD_TITLES[w]} | ${d} | ${cells.join(' | ')} |${target}`);
    }
  }
  return lines.join('\n');
}

export function heapTable(samples: readonly HeapSample[], dialects: readonly BenchDialect[], contenders: readonly ContenderId[]): string {
  if (!samples.length) return '';
  const lines = [`| Workload | Dialect | ${contenders.map((c) => `${c} B/entity`).join(' | ')} |`, `|---|---|${contenders.map(() => '---:|').join('')}`];
  for (const w of ['W2', 'W6'] as const) {
    for (const d of dialects) {
      const values = new Map<ContenderId, number>();
      for (const s of samples) if (s.dialect === d && s.workload === w) values.set(s.contender, median(s.bytesPerEntity));
      if (!values.size) continue;
      const raw = values.get('raw');
      const cells = contenders.map((c) => (c === 'raw' ? (raw === undefined ? '–' : raw.toFixed(0)) : ratioCell(values.get(c), raw, (x) => x.toFixed(0))));
      lines.push(`| ${w} | ${d} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
