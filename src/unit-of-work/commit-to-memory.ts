import { type EntityState } from '../entity/entity-state.js';
import { assignPrimaryKey, primaryKeyValues } from '../entity/primary-key.js';
import { snapshotValue } from '../entity/value-conversion.js';
import type { EntityMetadata, ScalarProperty } from '../metadata/types.js';
import { snapshotBuilder, type ChangeSet, type SnapshotBuilder } from './change-sets.js';
import type { CommitResult } from './executor.js';
import { keyOf, type IdentityMap } from './identity-map.js';
import { unlinkRemoved } from './cascade-remove.js';

/** Where a committed flush leaves its entities. */
export interface MemoryTarget {
  readonly identityMap: IdentityMap;
  /** The queue of new entities, when only some of them were inserted (each inserted one leaves it). */
  readonly pending: Set<object> | undefined;
  /** Whether removed entities leave the collections and to-one properties that point at them. */
  readonly unlink: boolean;
  /** The identity map's edit count when the flush walked it: lets a type's deletions go in bulk. */
  readonly walkedAt: number;
}

/**
 * After COMMIT, memory takes what the database now holds: generated keys, versions and
 * database-made values on the entities, new entities in the identity map, snapshots patched with
 * exactly what was written, and deleted rows out of the map. Runs only once every transaction of the
 * flush has committed, so a failed flush leaves memory as it was.
 */
export function commitToMemory(changeSets: readonly ChangeSet[], states: readonly EntityState[], result: CommitResult, target: MemoryTarget): void {
    const { identityMap, pending, unlink, walkedAt } = target;
    const generatedKeys = result.generatedKeys;
    const versions = result.versions.size ? result.versions : undefined;
    const madeValues = result.generatedValues.size ? result.generatedValues : undefined;
    let snapshotMeta: EntityMetadata | undefined;
    let snapshot: SnapshotBuilder | undefined;
    // Deleted rows leave the identity map in bulk after the loop.
    // Counted per type here (runs of one type, the usual order, skip the map); the keys are
    // collected only for a type whose entries cannot all go at once.
    const deleted = new Map<EntityMetadata, number>();
    let deletedMeta: EntityMetadata | undefined;
    let deletedRun = 0;
    for (let i = 0; i < changeSets.length; i++) {
      const cs = changeSets[i]!;
      const state = states[i]!;
      const record = cs.entity as Record<string, unknown>;
      if (cs.type === 'delete') {
        if (state.key) {
          if (cs.meta !== deletedMeta) {
            if (deletedMeta) deleted.set(deletedMeta, (deleted.get(deletedMeta) ?? 0) + deletedRun);
            deletedMeta = cs.meta;
            deletedRun = 0;
          }
          deletedRun++;
        }
        state.status = 'detached';
        state.snapshot = undefined;
        if (unlink) unlinkRemoved(cs.entity, state);
        continue;
      }
      if (cs.type === 'insert') {
        const generated = generatedKeys.get(cs.entity);
        if (generated) assignPrimaryKey(cs.meta, cs.entity, generated);
        pending?.delete(cs.entity);
        state.status = 'managed';
        state.initialized = true;
        const keys = cs.meta.primaryKeys;
        // One generated scalar key is the whole key (what keyOf(primaryKeyValues()) gives).
        state.key = generated && generated.length === 1 && keys.length === 1 && keys[0]!.kind === 'scalar' ? String(generated[0]) : keyOf(primaryKeyValues(cs.meta, cs.entity)!);
        identityMap.set(cs.meta, state.key, state);
      }
      const version = versions?.get(cs.entity);
      if (version !== undefined && cs.meta.versionProperty) record[cs.meta.versionProperty.name] = version;
      const made = madeValues?.get(cs.entity);
      if (made) Object.assign(record, made);
      if (cs.type === 'insert') {
        if (cs.meta !== snapshotMeta) snapshot = snapshotBuilder((snapshotMeta = cs.meta));
        state.snapshot = snapshot!(record);
      } else {
        // An update changes only what its payload names (and the version): patch the snapshot.
        const snapshot = (state.snapshot ??= {});
        const byName = cs.meta.propertiesByName;
        for (const name in cs.payload) {
          const p = byName[name]!;
          const v = record[name];
          snapshot[name] = p.kind === 'scalar' ? snapshotValue(p.type, v) : (v ?? null);
        }
        const vp = cs.meta.versionProperty;
        if (vp) snapshot[vp.name] = snapshotValue(vp.type, record[vp.name]);
        if (made) for (const name in made) snapshot[name] = snapshotValue((byName[name] as ScalarProperty).type, record[name]);
      }
    }
    if (deletedMeta) deleted.set(deletedMeta, (deleted.get(deletedMeta) ?? 0) + deletedRun);
    for (const [meta, count] of deleted) {
      if (identityMap.deleteAll(meta, count, walkedAt)) continue;
      const keys: string[] = [];
      const entities: object[] = [];
      for (let i = 0; i < changeSets.length; i++) {
        const cs = changeSets[i]!;
        if (cs.type === 'delete' && cs.meta === meta && states[i]!.key) {
          keys.push(states[i]!.key!);
          entities.push(cs.entity);
        }
      }
      identityMap.deleteEntities(meta, keys, entities);
    }
}
