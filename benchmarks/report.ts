import { BASELINES, HEAP_WORKLOADS, WORKLOAD_TITLES, type ContenderId, type HeapWorkload, type WorkloadId } from './contender.js';
import type { BenchDialect } from './fixtures.js';

/** joinery's targets: its median over the fastest raw baseline's, per dialect and workload. */
export const TARGETS: Record<BenchDialect, Record<WorkloadId, number>> = {
  pg: { W1: 1.3, W2: 1.6, W3: 1.3, W4: 1.3, W5: 1.2, W6: 1.6, W7: 1.6, W8: 1.3, W9: 1.6 },
  mysql: { W1: 1.3, W2: 1.6, W3: 1.3, W4: 1.3, W5: 1.2, W6: 1.6, W7: 1.6, W8: 1.3, W9: 1.6 },
  sqlite: { W1: 2.5, W2: 2.5, W3: 2.5, W4: 2.5, W5: 2.5, W6: 2.5, W7: 2.5, W8: 2.5, W9: 2.5 },
};

/**
 * joinery against knex on every dialect: faster (a ratio under 1) where knex is the usual choice for
 * the job, within 1.3× on the read workloads; no goal on W4.
 */
export const KNEX_GOALS: Partial<Record<WorkloadId, { max: number; strict: boolean }>> = {
  W1: { max: 1, strict: true },
  W3: { max: 1, strict: true },
  W5: { max: 1, strict: true },
  W8: { max: 1, strict: true },
  W2: { max: 1.3, strict: false },
  W6: { max: 1.3, strict: false },
  W7: { max: 1.3, strict: false },
  W9: { max: 1.3, strict: false },
};

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
  workload: HeapWorkload;
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

const isBaseline = (c: ContenderId): boolean => (BASELINES as readonly ContenderId[]).includes(c);

/** The faster (smaller) of the baselines' values, and which one it is; undefined when neither ran. */
export function fastestBaseline(values: ReadonlyMap<ContenderId, number>): { id: ContenderId; value: number } | undefined {
  let best: { id: ContenderId; value: number } | undefined;
  for (const id of BASELINES) {
    const v = values.get(id);
    if (v !== undefined && (!best || v < best.value)) best = { id, value: v };
  }
  return best;
}

/** `value · ratio×` against the baseline, or `–` when the contender did not run there. */
function ratioCell(value: number | undefined, base: number | undefined, format: (x: number) => string): string {
  if (value === undefined) return '–';
  return base ? `${format(value)} · ${(value / base).toFixed(2)}×` : format(value);
}

/**
 * The markdown results table: per workload and dialect, each contender's median and its ratio to the
 * faster of the two raw baselines (`raw`, unprepared; `raw-prepared`), named in the `fastest raw`
 * column; the baselines also show min–max. `metric` picks wall-clock time (the figures) or this
 * process's CPU time (where it went; its ratios divide by the baseline with less CPU time). The
 * wall-clock table ends with joinery's target on that dialect and its ratio to knex, each marked.
 */
export function timingTable(
  samples: readonly Sample[],
  dialects: readonly BenchDialect[],
  workloads: readonly WorkloadId[],
  contenders: readonly ContenderId[],
  metric: 'ms' | 'cpuMs' = 'ms',
): string {
  const unit = metric === 'ms' ? 'ms' : 'CPU ms';
  const hasBaseline = contenders.some(isBaseline);
  const targets = metric === 'ms' && hasBaseline && contenders.includes('joinery');
  const vsKnex = metric === 'ms' && contenders.includes('joinery') && contenders.includes('knex');
  const lines = [
    `| Workload | Dialect | ${contenders.map((c) => `${c} ${unit}`).join(' | ')} |${hasBaseline ? ' fastest raw |' : ''}${targets ? ' joinery target |' : ''}${vsKnex ? ' joinery / knex |' : ''}`,
    `|---|---|${contenders.map(() => '---:|').join('')}${hasBaseline ? '---|' : ''}${targets ? '---|' : ''}${vsKnex ? '---|' : ''}`,
  ];
  for (const w of workloads) {
    for (const d of dialects) {
      const values = new Map<ContenderId, number[]>();
      for (const s of samples) if (s.dialect === d && s.workload === w && s[metric].length) values.set(s.contender, s[metric]);
      if (!values.size) continue;
      const medians = new Map([...values].map(([c, v]) => [c, median(v)] as const));
      const base = fastestBaseline(medians);
      const cells = contenders.map((c) => {
        const v = values.get(c);
        if (!isBaseline(c)) return ratioCell(medians.get(c), base?.value, ms);
        if (!v) return '–';
        const range = `${ms(median(v))} (${ms(Math.min(...v))}–${ms(Math.max(...v))})`;
        return base && base.id !== c ? `${range} · ${(median(v) / base.value).toFixed(2)}×` : range;
      });
      let tail = hasBaseline ? ` ${base?.id ?? '–'} |` : '';
      const j = medians.get('joinery');
      if (targets) {
        const goal = TARGETS[d][w];
        tail += ` ≤ ${goal}×${j !== undefined && base ? (j / base.value <= goal ? ' ✓' : ' ✗') : ''} |`;
      }
      if (vsKnex) {
        const k = medians.get('knex');
        const goal = KNEX_GOALS[w];
        if (j === undefined || k === undefined) tail += ' – |';
        else {
          const r = j / k;
          const mark = goal ? ` (${goal.strict ? `< ${goal.max}` : `≤ ${goal.max}`}) ${(goal.strict ? r < goal.max : r <= goal.max) ? '✓' : '✗'}` : '';
          tail += ` ${r.toFixed(2)}×${mark} |`;
        }
      }
      lines.push(`| ${w} ${WORKLOAD_TITLES[w]} | ${d} | ${cells.join(' | ')} |${tail}`);
    }
  }
  return lines.join('\n');
}

/** Retained heap per loaded entity, each contender's ratio to the smaller of the two baselines. */
export function heapTable(samples: readonly HeapSample[], dialects: readonly BenchDialect[], contenders: readonly ContenderId[]): string {
  if (!samples.length) return '';
  const lines = [`| Workload | Dialect | ${contenders.map((c) => `${c} B/entity`).join(' | ')} |`, `|---|---|${contenders.map(() => '---:|').join('')}`];
  for (const w of HEAP_WORKLOADS) {
    for (const d of dialects) {
      const values = new Map<ContenderId, number>();
      for (const s of samples) if (s.dialect === d && s.workload === w) values.set(s.contender, median(s.bytesPerEntity));
      if (!values.size) continue;
      const base = fastestBaseline(values);
      const cells = contenders.map((c) => {
        const v = values.get(c);
        if (v === undefined) return '–';
        return base?.id === c ? v.toFixed(0) : ratioCell(v, base?.value, (x) => x.toFixed(0));
      });
      lines.push(`| ${w} | ${d} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
