import { MetadataError } from '../errors/metadata-error.js';
import type { EntityMetadata } from '../metadata/types.js';
import { columnProperties, type ChangeSet } from './change-sets.js';
import type { ChildClear, LinkDiff } from './collection-diff.js';
import type { LinkPurge } from './owned-links.js';
import { describeCycle, orderRows, type RowBatch, type RowCycleStep, type ToOne } from './row-order.js';
import { topologicalSort } from './topological-sort.js';

/** What the planner needs to know about the databases (pure data, no driver). */
export interface PlanOptions {
  /** Whether a connection's database has deferrable FK constraints (PostgreSQL, SQLite); false when not given. */
  readonly deferrableConstraints?: (connection: string) => boolean;
}

/** One step of a flush; the executor turns each into one or more (chunked) statements. */
export type CommitStep =
  /**
   * Multi-row INSERT of one table. `deferred` FKs are written NULL (a deferrable required one: a
   * placeholder the deferred constraint lets pass) and set by a later `fixup`.
   */
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
  /** Join-table rows of entities being deleted, before their rows go. */
  | { readonly kind: 'link-purge'; readonly purges: readonly LinkPurge[] }
  /** Before deletes: null FKs between rows being deleted, where they form a cycle. */
  | { readonly kind: 'unlink-before-delete'; readonly meta: EntityMetadata; readonly changeSets: readonly ChangeSet[]; readonly props: readonly ToOne[] }
  | { readonly kind: 'delete'; readonly meta: EntityMetadata; readonly changeSets: readonly ChangeSet[] };

/**
 * Orders a flush (pure; no database). Phases, each with its reason:
 * 1. inserts in FK dependency order, so every FK points at a row that exists; a cycle of types is
 *    broken at a nullable FK (insert NULL, `fixup` after), else ordered row by row, else at a
 *    deferrable FK (checked at COMMIT); a cycle of rows none of that can break is an error
 *    naming it, before any SQL;
 * 2. fixups for the deferred FKs, now that every row exists;
 * 3. updates (the rows they point at exist; the rows they unlink are not yet gone);
 * 4. 1:N collection replacements, then join-table deletes before inserts (a link removed and
 *    re-added must end present), then new values of through-entity links that stay, then the
 *    links of entities being deleted (after the inserts, which may have added some);
 * 5. deletes in reverse dependency order, so no row is deleted while another still points at it.
 */
export function planCommit(
  changeSets: readonly ChangeSet[],
  links: readonly LinkDiff[],
  clears: readonly ChildClear[],
  purges: readonly LinkPurge[] = [],
  options: PlanOptions = {},
): CommitStep[] {
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

  const { batches, deferred } = orderInserts(inserts, options);
  for (const b of batches) {
    steps.push({ kind: 'insert', meta: b.meta, changeSets: b.changeSets, deferred: deferred.get(b.meta) ?? new Set() });
  }
  for (const meta of inserts.keys()) {
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
  if (purges.length) steps.push({ kind: 'link-purge', purges });
  steps.push(...orderDeletes(deletes, options));
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

/** The FKs from each type of a cycle of types to the next one: where the cycle may be broken. */
function cycleEdges(cycle: readonly EntityMetadata[], edges: Map<EntityMetadata, ToOne[]>): RowCycleStep[] {
  return cycle.flatMap((meta, i) => {
    const to = cycle[(i + 1) % cycle.length]!;
    return (edges.get(meta) ?? []).filter((p) => p.target === to).map((prop) => ({ meta, prop }));
  });
}

function orderInserts(groups: Map<EntityMetadata, ChangeSet[]>, options: PlanOptions): { batches: RowBatch[]; deferred: Map<EntityMetadata, Set<string>> } {
  const edges = usedEdges(groups);
  const deferred = new Map<EntityMetadata, Set<string>>();
  const types = [...groups.keys()];
  const drop = (s: RowCycleStep) => {
    const list = edges.get(s.meta)!;
    list.splice(list.indexOf(s.prop), 1);
  };
  const defer = (s: RowCycleStep) => {
    drop(s);
    let set = deferred.get(s.meta);
    if (!set) deferred.set(s.meta, (set = new Set()));
    set.add(s.prop.name);
  };
  const canDefer = (s: RowCycleStep) => s.prop.deferrable && s.prop.constraint && (options.deferrableConstraints?.(s.meta.connection) ?? false);
  /**
   * Breaks a cycle at one of `steps`, cheapest first: an FK whose value is known before either
   * INSERT needs no order, only a database that does not check it per statement (no constraint,
   * or a deferrable one); else a nullable FK goes in as NULL with a fixup UPDATE; else (`last`,
   * once rows cannot be ordered either) a deferrable FK takes a placeholder until its fixup.
   */
  const breakAt = (steps: readonly RowCycleStep[], last: boolean): boolean => {
    const free = steps.find((s) => !s.prop.target.autoincrementPk && (!s.prop.constraint || canDefer(s)));
    if (free) {
      drop(free);
      return true;
    }
    const postponed = steps.find((s) => s.prop.nullable) ?? (last ? steps.find(canDefer) : undefined);
    if (!postponed) return false;
    defer(postponed);
    return true;
  };
  for (;;) {
    const result = topologicalSort(types, (m) => (edges.get(m) ?? []).map((p) => p.target));
    if (result.order) return { batches: result.order.map((meta) => ({ meta, changeSets: groups.get(meta)! })), deferred };
    if (breakAt(cycleEdges(result.cycle, edges), false)) continue;
    // Required FKs both ways between types: the rows of this flush may still have an order.
    const rows = orderRows(types, groups, edges, 'insert');
    if (rows.batches) return { batches: rows.batches, deferred };
    if (!breakAt(rows.cycle, true)) throw cycleError(rows.cycle, 'insert', options);
  }
}

/** The flush cannot order these rows: name the cycle and what would let it through. */
function cycleError(cycle: readonly RowCycleStep[], mode: 'insert' | 'delete', options: PlanOptions): MetadataError {
  const noDeferrable = cycle.filter((s) => s.prop.deferrable && !(options.deferrableConstraints?.(s.meta.connection) ?? false));
  const doing = mode === 'insert' ? 'insert' : 'delete';
  const fix =
    mode === 'insert'
      ? `Insert one side first in its own flush (e.g. flush the ${cycle[0]!.prop.target.name} with an existing ${cycle[0]!.meta.name} to point at, then the rest), ` +
        `or make one of these relations nullable (nullable: true; joinery inserts NULL and sets it after) ` +
        `or deferrable (deferrable: true with a DEFERRABLE constraint, PostgreSQL and SQLite; checked at COMMIT).`
      : `Delete them in separate flushes after pointing one of them elsewhere, ` +
        `or make one of these relations deferrable (deferrable: true with a DEFERRABLE constraint, PostgreSQL and SQLite) ` +
        `or give it deleteRule: 'cascade' (ON DELETE CASCADE in the database).`;
  const mysql = noDeferrable.length
    ? ` ${noDeferrable.map((s) => `${s.meta.name}.${s.prop.name}`).join(', ')} ${noDeferrable.length > 1 ? 'are' : 'is'} deferrable, but this database (MySQL) has no deferrable constraints.`
    : '';
  return new MetadataError(
    'FK_CYCLE',
    `Cannot ${doing} these rows in one flush: they reference each other through required foreign keys (${describeCycle(cycle)}), ` +
      `and the database checks each one per statement.${mysql} ${fix}`,
    { entity: cycle[0]!.meta.name, property: cycle[0]!.prop.name },
  );
}

function orderDeletes(groups: Map<EntityMetadata, ChangeSet[]>, options: PlanOptions): CommitStep[] {
  if (!groups.size) return [];
  const members = membersOf(groups);
  const steps: CommitStep[] = [];
  const edges = usedEdgesForDelete(groups, members);
  const types = [...groups.keys()];
  const unlink = new Map<EntityMetadata, Set<ToOne>>();
  const unlinkSteps = () => {
    for (const [meta, props] of unlink) {
      const rows = groups.get(meta)!.filter((c) => [...props].some((p) => members.has((c.entity as Record<string, unknown>)[p.name] as object)));
      if (rows.length) steps.push({ kind: 'unlink-before-delete', meta, changeSets: rows, props: [...props] });
    }
  };
  // FKs the database does not hold a delete back for: none, cascading, or checked at COMMIT
  // (RESTRICT is checked at once even in a deferrable constraint).
  const unblocking = (s: RowCycleStep) =>
    !s.prop.constraint ||
    s.prop.deleteRule === 'cascade' ||
    (s.prop.deferrable && s.prop.deleteRule !== 'restrict' && (options.deferrableConstraints?.(s.meta.connection) ?? false));
  /** Breaks a cycle: drop the FKs that hold nothing back, else set a nullable one to NULL first. */
  const breakAt = (cycle: readonly RowCycleStep[]): boolean => {
    const free = cycle.filter(unblocking);
    for (const s of free) {
      const list = edges.get(s.meta)!;
      if (list.includes(s.prop)) list.splice(list.indexOf(s.prop), 1);
    }
    if (free.length) return true;
    const nullable = cycle.find((s) => s.prop.nullable);
    if (!nullable) return false;
    const list = edges.get(nullable.meta)!;
    list.splice(list.indexOf(nullable.prop), 1);
    let set = unlink.get(nullable.meta);
    if (!set) unlink.set(nullable.meta, (set = new Set()));
    set.add(nullable.prop);
    return true;
  };
  for (;;) {
    // A row must go before the rows it points at: sort by "is pointed at by", i.e. reversed edges.
    const result = topologicalSort(types, (m) => types.filter((other) => (edges.get(other) ?? []).some((p) => p.target === m)));
    if (result.order) {
      unlinkSteps();
      for (const meta of result.order) steps.push({ kind: 'delete', meta, changeSets: groups.get(meta)! });
      return steps;
    }
    // The sort follows reversed edges: its cycle runs against the FKs.
    if (breakAt(cycleEdges([...result.cycle].reverse(), edges))) continue;
    // Required FKs both ways between types: a NOT NULL column is never set to NULL to break
    // them; the rows may still have an order, else the flush fails before any SQL.
    const rows = orderRows(types, groups, edges, 'delete');
    if (rows.batches) {
      unlinkSteps();
      for (const b of rows.batches) steps.push({ kind: 'delete', meta: b.meta, changeSets: b.changeSets });
      return steps;
    }
    if (!breakAt(rows.cycle)) throw cycleError(rows.cycle, 'delete', options);
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
