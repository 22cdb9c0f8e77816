import { Collection, existingCollection } from '../entity/collection.js';
import { getState, type EntityState } from '../entity/entity-state.js';
import type { EntityMetadata } from '../metadata/types.js';
import type { OwnedLinks } from './owned-links.js';
import { traitsOf } from './type-traits.js';

/** What the cascade-remove pass needs from its unit of work. */
export interface CascadeRemoveHost {
  /** Entities marked for deletion so far. */
  removed(): object[];
  /** Collections whose queue changed since the last flush (where orphans come from). */
  changedCollections(): Iterable<Collection<object>>;
  /** Whether the state belongs to this unit of work. */
  owns(state: EntityState): boolean;
  remove(entity: object): void;
  /** Loads collections, one query per relation (see `EntityLoader.loadCollections`). */
  loadCollections(collections: Collection<object>[]): Promise<void>;
  /** Link rows joinery owns, per entity type (see owned-links.ts). */
  readonly owned: ReadonlyMap<EntityMetadata, OwnedLinks>;
  /** The `through` entities whose `property` points at one of `entities`: one query (chunked). */
  findLinks(through: EntityMetadata, property: string, entities: object[]): Promise<object[]>;
}

/**
 * Removed entities take along what they cascade to (cascade remove, orphanRemoval), also through
 * collections that were never loaded: those are loaded first, one query per relation and level,
 * so dependents deeper down (and their hooks) are handled as well. The `through` entities of a
 * removed entity's ManyToManys go too (a link to a row that is gone means nothing, and the
 * database may refuse the delete while it exists), loaded and removed as entities so that their
 * hooks run: one query per through relation and level. `oneToOneOrphans`: owning sides
 * of a one-to-one that an orphanRemoval inverse side let go of; removed if still unlinked.
 */
export async function cascadeRemove(host: CascadeRemoveHost, oneToOneOrphans: readonly object[]): Promise<void> {
  let frontier = host.removed();
  const take = (child: object, into: object[]) => {
    const cs = getState(child);
    if (cs && host.owns(cs) && cs.status !== 'removed' && cs.status !== 'detached') {
      host.remove(child);
      if ((cs.status as EntityState['status']) === 'removed') into.push(child);
    }
  };
  for (const orphan of oneToOneOrphans) {
    const state = getState(orphan);
    const owning = state?.meta.properties.find((p) => p.kind === '1:1' && p.owner && p.inversedBy);
    if (owning && (orphan as Record<string, unknown>)[owning.name] == null) take(orphan, frontier);
  }
  // Orphans: children taken out of an orphanRemoval collection.
  for (const coll of host.changedCollections()) {
    const state = getState(coll.owner);
    if (!state || !host.owns(state) || state.status === 'removed' || state.status === 'detached') continue;
    const p = coll._property;
    if (!p || p.kind !== '1:m' || !p.orphanRemoval) continue;
    if ((coll.owner as Record<string, unknown>)[p.name] === coll) for (const child of coll._ops().removed) take(child, frontier);
  }
  while (frontier.length) {
    const unloaded: Collection<object>[] = [];
    for (const entity of frontier) {
      for (const p of traitsOf(getState(entity)!.meta).cascadeRemove) {
        const value = (entity as Record<string, unknown>)[p.name];
        if (value instanceof Collection && !value.isInitialized()) unloaded.push(value);
      }
    }
    if (unloaded.length) await host.loadCollections(unloaded);
    const next: object[] = [];
    if (host.owned.size) {
      const links = new Map<EntityMetadata, Map<string, object[]>>();
      for (const entity of frontier) {
        const state = getState(entity)!;
        if (!state.key) continue; // never inserted: no link rows
        for (const { through, property } of host.owned.get(state.meta)?.throughs ?? []) {
          let byProp = links.get(through);
          if (!byProp) links.set(through, (byProp = new Map()));
          let list = byProp.get(property);
          if (!list) byProp.set(property, (list = []));
          list.push(entity);
        }
      }
      for (const [through, byProp] of links) {
        for (const [property, entities] of byProp) for (const link of await host.findLinks(through, property, entities)) take(link, next);
      }
    }
    for (const entity of frontier) {
      for (const p of traitsOf(getState(entity)!.meta).cascadeRemove) {
        const value = (entity as Record<string, unknown>)[p.name];
        if (value instanceof Collection) {
          if (value.isInitialized()) for (const child of value.getItems()) take(child, next);
        } else if (value && typeof value === 'object') take(value, next);
      }
    }
    frontier = next;
  }
}

/**
 * A deleted entity leaves the loaded collections that held it: the inverse 1:N of its to-one
 * parents, and the other side of its loaded many-to-manys.
 */
export function unlinkRemoved(entity: object, state: EntityState): void {
  const record = entity as Record<string, unknown>;
  for (const p of state.meta.properties) {
    if (p.kind === 'm:1' && p.inversedBy) {
      const parent = record[p.name];
      if (parent && typeof parent === 'object') existingCollection(parent, p.inversedBy)?._removeLocal(entity);
    } else if (p.kind === 'm:n') {
      const inverse = p.owner ? p.inversedBy : p.mappedBy;
      const coll = existingCollection(entity, p.name);
      if (inverse && coll?.isInitialized()) {
        for (const other of coll.getItems()) existingCollection(other, inverse)?._removeLocal(entity);
      }
    }
  }
}
