import type { EntityMetadata, ManyToManyProperty, OneToManyProperty } from '../metadata/types.js';
import type { CollectionOps } from '../entity/collection.js';

/** Join-table writes for one owning ManyToMany collection. Items are entities (keys resolved at execution). */
export interface LinkDiff {
  readonly prop: ManyToManyProperty;
  readonly ownerMeta: EntityMetadata;
  readonly owner: object;
  /** Delete every link of `owner` first (`set()` / `removeAll()` on a collection that was not loaded). */
  readonly clear: boolean;
  readonly insert: readonly object[];
  readonly delete: readonly object[];
  /** Through-entity values for inserted links (by item). */
  readonly pivot: ReadonlyMap<object, Readonly<Record<string, unknown>>>;
  /** New through-entity values for links that stay. */
  readonly pivotUpdates: readonly (readonly [object, Readonly<Record<string, unknown>>])[];
}

/** FK writes for one OneToMany collection that was `set()` / `removeAll()` without being loaded. */
export interface ChildClear {
  readonly prop: OneToManyProperty;
  readonly owner: object;
  /** Children that stay (or join): excluded from the unlink. */
  readonly keep: readonly object[];
}

/**
 * The join-table rows a collection's queued operations amount to. Pure: a removal of something
 * added in the same unit of work cancelled out already in the collection; here only the owner's
 * own queue matters, so `clear` precedes inserts and deletes of links that a clear drops anyway
 * are skipped.
 */
export function diffLinks(prop: ManyToManyProperty, ownerMeta: EntityMetadata, owner: object, ops: CollectionOps<object>): LinkDiff | undefined {
  if (!ops.cleared && ops.added.size === 0 && ops.removed.size === 0 && ops.pivotUpdates.size === 0) return undefined;
  return {
    prop,
    ownerMeta,
    owner,
    clear: ops.cleared,
    insert: ops.added.size ? [...ops.added] : NONE,
    delete: ops.cleared || !ops.removed.size ? NONE : [...ops.removed],
    pivot: ops.pivot,
    // A link dropped by a clear has no row left to update.
    pivotUpdates: ops.cleared || !ops.pivotUpdates.size ? NONE : [...ops.pivotUpdates],
  };
}

// Most diffs only insert: their empty lists share one array (one diff per owner of a flush).
const NONE: readonly never[] = Object.freeze([]);
