import type { EntityMetadata } from '../metadata/types.js';
import type { ChangeSet, ColumnProperty } from './change-sets.js';

export type ToOne = Exclude<ColumnProperty, { kind: 'scalar' }>;

/** One hop of a cycle between rows: `from`'s row holds `prop`, which points at the next hop's row. */
export interface RowCycleStep {
  readonly meta: EntityMetadata;
  readonly prop: ToOne;
}

/** Change sets of one type that can go in one statement. */
export interface RowBatch {
  readonly meta: EntityMetadata;
  readonly changeSets: ChangeSet[];
}

export type RowOrder = { batches: RowBatch[]; cycle?: undefined } | { batches?: undefined; cycle: RowCycleStep[] };

/**
 * Orders single rows where whole types cannot be ordered (required foreign keys both ways between
 * two types, or a required self-reference), for a flush whose rows themselves have no cycle:
 * store 2 → staff 5 → store 1 is fine even though Store → Staff → Store is a cycle of types.
 * Rows go in layers (a layer after every layer it depends on), one batch per type and layer, so
 * statements grow with the depth of the chain, not with the rows. Pure.
 *
 * `mode` 'insert': a row goes after the rows its FKs point at; 'delete': before them. A row that
 * points at itself needs no other row: for deletes (one statement removes it) and for inserts of
 * a key the application assigns; with a generated key it is a cycle of one.
 */
export function orderRows(
  types: readonly EntityMetadata[],
  groups: ReadonlyMap<EntityMetadata, readonly ChangeSet[]>,
  edges: ReadonlyMap<EntityMetadata, readonly ToOne[]>,
  mode: 'insert' | 'delete',
): RowOrder {
  const rows: ChangeSet[] = [];
  const index = new Map<object, number>();
  for (const meta of types) {
    for (const cs of groups.get(meta) ?? []) {
      index.set(cs.entity, rows.length);
      rows.push(cs);
    }
  }
  // succ[u]: rows that must come after row u, with the FK that says so (held by `holder`).
  const succ: { to: number; holder: number; prop: ToOne }[][] = rows.map(() => []);
  const indegree = new Array<number>(rows.length).fill(0);
  for (let r = 0; r < rows.length; r++) {
    const cs = rows[r]!;
    for (const p of edges.get(cs.meta) ?? []) {
      const value = mode === 'insert' ? cs.payload[p.name] : (cs.entity as Record<string, unknown>)[p.name];
      if (!value || typeof value !== 'object') continue;
      const target = index.get(value);
      if (target === undefined) continue;
      if (target === r && (mode === 'delete' || !p.target.autoincrementPk)) continue;
      const [u, v] = mode === 'insert' ? [target, r] : [r, target];
      succ[u]!.push({ to: v, holder: r, prop: p });
      indegree[v]!++;
    }
  }
  const layer = new Array<number>(rows.length).fill(0);
  const queue: number[] = [];
  for (let r = 0; r < rows.length; r++) if (indegree[r] === 0) queue.push(r);
  let done = 0;
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    done++;
    for (const e of succ[u]!) {
      if (layer[e.to]! < layer[u]! + 1) layer[e.to] = layer[u]! + 1;
      if (--indegree[e.to]! === 0) queue.push(e.to);
    }
  }
  if (done < rows.length) return { cycle: findCycle(rows, succ, indegree) };
  const depth = Math.max(0, ...layer);
  const batches: RowBatch[] = [];
  for (let l = 0; l <= depth; l++) {
    const byType = new Map<EntityMetadata, ChangeSet[]>();
    for (let r = 0; r < rows.length; r++) {
      if (layer[r] !== l) continue;
      const cs = rows[r]!;
      let list = byType.get(cs.meta);
      if (!list) byType.set(cs.meta, (list = []));
      list.push(cs);
    }
    for (const [meta, changeSets] of byType) batches.push({ meta, changeSets });
  }
  return { batches };
}

/** One cycle among the rows Kahn's pass left over (each has a predecessor among them). */
function findCycle(rows: readonly ChangeSet[], succ: readonly { to: number; holder: number; prop: ToOne }[][], indegree: readonly number[]): RowCycleStep[] {
  const pred: { from: number; holder: number; prop: ToOne }[][] = rows.map(() => []);
  for (let u = 0; u < succ.length; u++) for (const e of succ[u]!) pred[e.to]!.push({ from: u, holder: e.holder, prop: e.prop });
  // Walk back through leftover predecessors until a row repeats: the walk from there is a cycle.
  const left = (r: number) => indegree[r]! > 0;
  let at = indegree.findIndex((d) => d > 0);
  const seenAt = new Map<number, number>();
  const path: { holder: number; prop: ToOne }[] = [];
  while (!seenAt.has(at)) {
    seenAt.set(at, path.length);
    const back = pred[at]!.find((e) => left(e.from))!;
    path.push({ holder: back.holder, prop: back.prop });
    at = back.from;
  }
  const cycle = path.slice(seenAt.get(at)).reverse();
  // Named from the row queued first, so the same flush always reports the same cycle.
  let first = 0;
  for (let i = 1; i < cycle.length; i++) if (cycle[i]!.holder < cycle[first]!.holder) first = i;
  return [...cycle.slice(first), ...cycle.slice(0, first)].map((s) => ({ meta: rows[s.holder]!.meta, prop: s.prop }));
}

/** `Store.manager → Staff, Staff.store → Store`: each FK of a cycle once, in cycle order. */
export function describeCycle(cycle: readonly RowCycleStep[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of cycle) {
    const label = `${s.meta.name}.${s.prop.name} → ${s.prop.target.name}`;
    if (seen.has(label)) continue;
    seen.add(label);
    out.push(label);
  }
  return out.join(', ');
}
