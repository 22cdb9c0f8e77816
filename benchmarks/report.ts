import { WORKLOAD_TITLES, type WorkloadId } from './contender.js';
import type { BenchDialect } from './fixtures.js';

/** Targets for joinery/raw on PostgreSQL. */
export const PG_TARGETS: Record<WorkloadId, number> = { W1: 1.5, W2: 2, W3: 1.5, W4: 1.5, W5: 1.3, W6: 2 };

export interface Sample {
  dialect: BenchDialect;
  workload: WorkloadId;
  contender: 'raw' | 'joinery';
  /** Timed runs in milliseconds (wall clock), in the order they ran. */
  ms: number[];
  /** CPU time of this process (user + system) during each timed run, in milliseconds. */
  cpuMs: number[];
}

export interface HeapSample {
  dialect: BenchDialect;
  workload: 'W2' | 'W6';
  contender: 'raw' | 'joinery';
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

function cell(values: readonly number[] | undefined): string {
  if (!values?.length) return '–';
  return `${ms(median(values))} (${ms(Math.min(...values))}–${ms(Math.max(...values))})`;
}

/**
 * The markdown results table: per workload and dialect, medians (min–max) and the ratio of the
 * medians. `metric` picks wall-clock time (the figures) or this process's CPU time (where it went).
 */
export function timingTable(samples: readonly Sample[], dialects: readonly BenchDialect[], workloads: readonly WorkloadId[], metric: 'ms' | 'cpuMs' = 'ms'): string {
  const unit = metric === 'ms' ? 'ms' : 'CPU ms';
  const lines = [
    `| Workload | Dialect | raw ${unit} | joinery ${unit} | joinery/raw |${metric === 'ms' ? ' pg target |' : ''}`,
    `|---|---|---:|---:|---:|${metric === 'ms' ? '---|' : ''}`,
  ];
  for (const w of workloads) {
    for (const d of dialects) {
      const raw = samples.find((s) => s.dialect === d && s.workload === w && s.contender === 'raw');
      const orm = samples.find((s) => s.dialect === d && s.workload === w && s.contender === 'joinery');
      if (!raw && !orm) continue;
      const r = raw?.[metric];
      const o = orm?.[metric];
      const ratio = r?.length && o?.length ? median(o) / median(r) : undefined;
      let target = '';
      if (d === 'pg' && metric === 'ms') {
        target = `≤ ${PG_TARGETS[w]}×`;
        if (ratio !== undefined) target += ratio <= PG_TARGETS[w] ? ' ✓' : ' ✗';
      }
      const ratioCell = ratio === undefined ? '–' : `${ratio.toFixed(2)}×`;
      lines.push(`| ${w} ${WORKLOAD_TITLES[w]} | ${d} | ${cell(r)} | ${cell(o)} | ${ratioCell} |${metric === 'ms' ? ` ${target} |` : ''}`);
    }
  }
  return lines.join('\n');
}

export function heapTable(samples: readonly HeapSample[], dialects: readonly BenchDialect[]): string {
  if (!samples.length) return '';
  const lines = ['| Workload | Dialect | raw B/entity | joinery B/entity | joinery/raw |', '|---|---|---:|---:|---:|'];
  for (const w of ['W2', 'W6'] as const) {
    for (const d of dialects) {
      const raw = samples.find((s) => s.dialect === d && s.workload === w && s.contender === 'raw');
      const orm = samples.find((s) => s.dialect === d && s.workload === w && s.contender === 'joinery');
      if (!raw && !orm) continue;
      const r = raw ? median(raw.bytesPerEntity) : undefined;
      const o = orm ? median(orm.bytesPerEntity) : undefined;
      lines.push(
        `| ${w} | ${d} | ${r === undefined ? '–' : r.toFixed(0)} | ${o === undefined ? '–' : o.toFixed(0)} | ${r && o ? `${(o / r).toFixed(2)}×` : '–'} |`,
      );
    }
  }
  return lines.join('\n');
}
