import { MetadataError } from '../errors/metadata-error.js';
import type { EntityMetadata } from '../metadata/types.js';
import { columnProperties, type ChangeSet, type ColumnProperty } from './change-sets.js';
import type { ChildClear, LinkDiff } from './collection-diff.js';
import { topologicalSort } from './topological-sort.js';

type ToOne = Exclude<ColumnProperty, { kind: 'scalar' }>;

/** One step of a flush; the executor turns each into one or more (chunked) statements. */
export type CommitStep =
  /** Multi-row INSERT of one table. `deferred` FKs are written NULL and set by a later `fixup`. */
  | { readonly kind: 'insert'; readonly meta: EntityMetadata; readonly changeSets: readonly ChangeSet[]; readonly deferred: ReadonlySet<string> }
  /** After all inserts: set FKs that were deferred to break a cycle. */
  | { readonly kind: 'fixup'; readonly meta: EntityMetadata; readonly changeSets: readonly ChangeSet[]; readonly props: readonly ToOne[] }
  /** Batched UPDATE of one table (rows grouped by the set of changed columns). */
  | { readonly kind: 'update'; readonly meta: EntityMetadata; readonly changeSets: readonly ChangeSet[] }
  /** Unlink (or delete, with orphanRemoval) the children of owners whose collection was replaced unloaded. */
  | { readonly kind: 'child-clear'; readonly clears: readonly ChildClear[] }
  | { readonly kind: 'link-delete'; readonly diffs: readonly LinkDiff[] }
  | { readonly kind: 'link-insert'; readonly diffs: readonly LinkDiff[] }
  /** New values for the extra columns of existing through-entity links. */
  | { readonly kind: 'link-update'; readonly diffs: readonly LinkDiff[] }
  /** Before deletes: null FKs between rows being deleted, where they form a cycle. */
  | { readonly kind: 'unlink-before-delete'; readonly meta: EntityMetadata; readonly changeSets: readonly ChangeSet[]; readonly props: readonly ToOne[] }
  | { readonly kind: 'delete'; readonly meta: EntityMetadata; readonly changeSets: readonly ChangeSet[] };

/**
 * Orders a flush (pure; no database). Phases, each with its reason:
 * 1. inserts in FK dependency order, so every FK points at a row that exists; a cycle is broken at a
 *    nullable FK (insert NULL, `fixup` after), an all-required cycle is an error naming it;
 * 2. fixups for the deferred FKs, now that every row exists;
 * 3. updates (the rows they point at exist; the rows they unlink are not yet gone);
 * 4. 1:N collection replacements, then join-table deletes before inserts (a link removed and
 *    re-added must end present), then new values of through-entity links that stay;
 * 5. deletes in reverse dependency order, so no row is deleted while another still points at it.
 */
export function planCommit(changeSets: readonly ChangeSet[], links: readonly LinkDiff[], clears: readonly ChildClear[]): CommitStep[] {
  const inserts = new Map<EntityMetadata, ChangeSet[]>();
  const updates = new Map<EntityMetadata, ChangeSet[]>();
  const deletes = new Map<EntityMetadata, ChangeSet[]>();
  // One pass, grouping by type; runs of one type (the usual order) skip the map lookup.
  let last: ChangeSet[] | undefined;
  let lastMeta: EntityMetadata | undefined;
  let lastType: ChangeSet['type'] | undefined;
  for (const c of changeSets) {
    if (c.meta !== lastMeta || c.type !== lastType) {
      const groups = c.type === 'insert' ? inserts : c.type === 'update' ? updates : deletes;
      lastMeta = c.meta;
      lastType = c.type;
      last = groups.get(c.meta);
      if (!last) groups.set(c.meta, (last = []));
    }
    last!.push(c);
  }
  const steps: CommitStep[] = [];

  const { order, deferred } = orderInserts(inserts);
  for (const meta of order) {
    steps.push({ kind: 'insert', meta, changeSets: inserts.get(meta)!, deferred: deferred.get(meta) ?? new Set() });
  }
  for (const meta of order) {
    const props = [...(deferred.get(meta) ?? [])].map((n) => meta.propertiesByName[n] as ToOne);
    if (!props.length) continue;
    const rows = inserts.get(meta)!.filter((c) => props.some((p) => c.payload[p.name] != null));
    if (rows.length) steps.push({ kind: 'fixup', meta, changeSets: rows, props });
  }
  for (const [meta, sets] of updates) steps.push({ kind: 'update', meta, changeSets: sets });
  if (clears.length) steps.push({ kind: 'child-clear', clears });
  const deletesLinks = links.filter((l) => l.clear || l.delete.length);
  if (deletesLinks.length) steps.push({ kind: 'link-delete', diffs: deletesLinks });
  const insertsLinks = links.filter((l) => l.insert.length);
  if (insertsLinks.length) steps.push({ kind: 'link-insert', diffs: insertsLinks });
  const updatesLinks = links.filter((l) => l.pivotUpdates.length);
  if (updatesLinks.length) steps.push({ kind: 'link-update', diffs: updatesLinks });
  steps.push(...orderDeletes(deletes));
  return steps;
}

function toOnes(meta: EntityMetadata): ToOne[] {
  return columnProperties(meta).filter((p): p is ToOne => p.kind !== 'scalar');
}

/**
 * Edges `meta --prop--> target` used by at least one row, between types present in `groups`. A
 * row uses the edge when its value is one of the target type's rows: the rows of each target type
 * are collected once, when an edge first asks (usually the first row answers).
 */
function usedEdges(groups: Map<EntityMetadata, ChangeSet[]>): Map<EntityMetadata, ToOne[]> {
  const edges = new Map<EntityMetadata, ToOne[]>();
  const rowsOf = new Map<EntityMetadata, Set<object>>();
  const membersOfType = (meta: EntityMetadata): Set<object> => {
    let members = rowsOf.get(meta);
    if (!members) {
      members = new Set();
      for (const c of groups.get(meta)!) members.add(c.entity);
      rowsOf.set(meta, members);
    }
    return members;
  };
  for (const [meta, sets] of groups) {
    const used = toOnes(meta).filter((p) => {
      if (!groups.has(p.target)) return false;
      const members = membersOfType(p.target);
      return sets.some((c) => members.has(c.payload[p.name] as object));
    });
    edges.set(meta, used);
  }
  return edges;
}

/** Entities of all `groups`, or an empty set when no type has a to-one into the groups (nothing would look). */
function membersOf(groups: Map<EntityMetadata, ChangeSet[]>): Set<object> {
  const members = new Set<object>();
  let needed = false;
  for (const meta of groups.keys()) if (toOnes(meta).some((p) => groups.has(p.target))) needed = true;
  if (!needed) return members;
  for (const sets of groups.values()) for (const c of sets) members.add(c.entity);
  return members;
}

function orderInserts(groups: Map<EntityMetadata, ChangeSet[]>): { order: EntityMetadata[]; deferred: Map<EntityMetadata, Set<string>> } {
  const edges = usedEdges(groups);
  const deferred = new Map<EntityMetadata, Set<string>>();
  const types = [...groups.keys()];
  for (;;) {
    const result = topologicalSort(types, (m) => (edges.get(m) ?? []).map((p) => p.target));
    if (result.order) return { order: result.order, deferred };
    const cycle = result.cycle;
    let broken = false;
    // An FK the database does not check (`constraints: false`), to a key the application assigns,
    // needs no order at all: its value is known before either INSERT. Discovery accepts required
    // cycles through such FKs, so dropping the edge is the only way to plan them.
    for (let i = 0; i < cycle.length && !broken; i++) {
      const to = cycle[(i + 1) % cycle.length]!;
      const list = edges.get(cycle[i]!)!;
      const free = list.find((p) => p.target === to && !p.constraint && !p.target.autoincrementPk);
      if (free) {
        list.splice(list.indexOf(free), 1);
        broken = true;
      }
    }
    // Else break the cycle at a nullable FK: its rows go in with NULL and get a fixup UPDATE.
    for (let i = 0; i < cycle.length && !broken; i++) {
      const from = cycle[i]!;
      const to = cycle[(i + 1) % cycle.length]!;
      const list = edges.get(from)!;
      const edge = list.find((p) => p.target === to && p.nullable);
      if (edge) {
        list.splice(list.indexOf(edge), 1);
        let set = deferred.get(from);
        if (!set) deferred.set(from, (set = new Set()));
        set.add(edge.name);
        broken = true;
      }
    }
    if (!broken) {
      const names = cycle.map((m, i) => {
        const to = cycle[(i + 1) % cycle.length]!;
        const edge = edges.get(m)!.find((p) => p.target === to)!;
        return `${m.name}.${edge.name} → ${to.name}`;
      });
      throw new MetadataError(
        'FK_CYCLE',
        `Cannot order the inserts of this flush: the new rows reference each other through required foreign keys (${names.join(', ')}). ` +
          `Make one relation nullable so it can be inserted as NULL and set after, or insert one side in an earlier flush.`,
        { entity: cycle[0]!.name },
      );
    }
  }
}

function orderDeletes(groups: Map<EntityMetadata, ChangeSet[]>): CommitStep[] {
  if (!groups.size) return [];
  const members = membersOf(groups);
  const steps: CommitStep[] = [];
  const edges = usedEdgesForDelete(groups, members);
  const types = [...groups.keys()];
  const unlink = new Map<EntityMetadata, Set<ToOne>>();
  for (;;) {
    // A row must go before the rows it points at: sort by "is pointed at by", i.e. reversed edges.
    const result = topologicalSort(types, (m) => types.filter((other) => (edges.get(other) ?? []).some((p) => p.target === m)));
    if (result.order) {
      for (const [meta, props] of unlink) {
        const rows = groups.get(meta)!.filter((c) => [...props].some((p) => members.has((c.entity as Record<string, unknown>)[p.name] as object)));
        if (rows.length) steps.push({ kind: 'unlink-before-delete', meta, changeSets: rows, props: [...props] });
      }
      for (const meta of result.order) steps.push({ kind: 'delete', meta, changeSets: groups.get(meta)! });
      return steps;
    }
    const cycle = result.cycle;
    let broken = false;
    for (const meta of cycle) {
      const list = edges.get(meta) ?? [];
      const edge = list.find((p) => cycle.includes(p.target) && p.nullable);
      if (edge) {
        list.splice(list.indexOf(edge), 1);
        let set = unlink.get(meta);
        if (!set) unlink.set(meta, (set = new Set()));
        set.add(edge);
        broken = true;
        break;
      }
    }
    if (!broken) {
      // Required FKs among deleted rows: one DELETE per table still works where the database checks
      // FKs per statement; drop the edges and leave the order to the database.
      for (const meta of cycle) edges.set(meta, (edges.get(meta) ?? []).filter((p) => !cycle.includes(p.target)));
    }
  }
}

function usedEdgesForDelete(groups: Map<EntityMetadata, ChangeSet[]>, members: Set<object>): Map<EntityMetadata, ToOne[]> {
  const edges = new Map<EntityMetadata, ToOne[]>();
  for (const [meta, sets] of groups) {
    const used = toOnes(meta).filter((p) => groups.has(p.target) && sets.some((c) => members.has((c.entity as Record<string, unknown>)[p.name] as object)));
    edges.set(meta, used);
  }
  return edges;
}
