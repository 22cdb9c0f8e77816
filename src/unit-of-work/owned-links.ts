import type { MetadataSnapshot } from '../metadata/metadata-storage-types.js';
import type { EntityMetadata, PivotMetadata } from '../metadata/types.js';
import type { ChangeSet } from './change-sets.js';

/** The join-table rows of some entities being deleted: one DELETE per join table and side. */
export interface LinkPurge {
  readonly pivot: PivotMetadata;
  /** Which columns point at the entities: the owner side's (`joinColumns`) or the target's. */
  readonly side: 'owner' | 'target';
  readonly meta: EntityMetadata;
  readonly entities: readonly object[];
}

/** The link rows joinery owns that point at rows of one entity type. */
export interface OwnedLinks {
  /** Plain join tables (no entity of their own), with the side whose columns point at the type. */
  readonly pivots: readonly { readonly pivot: PivotMetadata; readonly side: 'owner' | 'target' }[];
  /** Through entities of a ManyToMany, with their ManyToOne that points at the type. */
  readonly throughs: readonly { readonly through: EntityMetadata; readonly property: string }[];
}

const cache = new WeakMap<MetadataSnapshot, ReadonlyMap<EntityMetadata, OwnedLinks>>();

/**
 * Per entity type, the M:N link rows that go with its rows. Legacy join tables are often
 * `ON DELETE RESTRICT` (or have no rule), so the database cannot be left to drop them. Computed
 * once per metadata snapshot; types no ManyToMany touches are absent.
 */
export function ownedLinksOf(metadata: MetadataSnapshot): ReadonlyMap<EntityMetadata, OwnedLinks> {
  let map = cache.get(metadata);
  if (map) return map;
  const out = new Map<EntityMetadata, { pivots: OwnedLinks['pivots'][number][]; throughs: OwnedLinks['throughs'][number][] }>();
  const entry = (meta: EntityMetadata) => {
    let e = out.get(meta);
    if (!e) out.set(meta, (e = { pivots: [], throughs: [] }));
    return e;
  };
  for (const meta of metadata.entities) {
    for (const p of meta.properties) {
      if (p.kind !== 'm:n' || !p.owner) continue;
      const through = p.pivot.through;
      if (through) {
        for (const [side, name] of [[meta, p.pivot.ownerProperty], [p.target, p.pivot.targetProperty]] as const) {
          if (!name) continue;
          const list = entry(side).throughs;
          if (!list.some((t) => t.through === through && t.property === name)) list.push({ through, property: name });
        }
      } else {
        entry(meta).pivots.push({ pivot: p.pivot, side: 'owner' });
        entry(p.target).pivots.push({ pivot: p.pivot, side: 'target' });
      }
    }
  }
  map = out;
  cache.set(metadata, map);
  return map;
}

/**
 * The link purges of a flush's deletes (pure): for each deleted type, its rows' links in every
 * plain join table that points at it. Through entities are not here: they are removed as entities
 * (so their hooks run) before the change sets are made.
 */
export function linkPurges(changeSets: readonly ChangeSet[], owned: ReadonlyMap<EntityMetadata, OwnedLinks>): LinkPurge[] {
  if (!owned.size) return [];
  const deleted = new Map<EntityMetadata, object[]>();
  for (const cs of changeSets) {
    if (cs.type !== 'delete' || !owned.get(cs.meta)?.pivots.length) continue;
    let list = deleted.get(cs.meta);
    if (!list) deleted.set(cs.meta, (list = []));
    list.push(cs.snapshot && hasKey(cs.meta, cs.snapshot) ? cs.snapshot : cs.entity);
  }
  const purges: LinkPurge[] = [];
  for (const [meta, entities] of deleted) {
    for (const { pivot, side } of owned.get(meta)!.pivots) purges.push({ pivot, side, meta, entities });
  }
  return purges;
}

/** Whether a snapshot holds the whole key (the row as loaded: a key changed in memory does not count). */
function hasKey(meta: EntityMetadata, snapshot: Readonly<Record<string, unknown>>): boolean {
  return meta.primaryKeys.every((k) => snapshot[k.name] !== undefined && snapshot[k.name] !== null);
}
