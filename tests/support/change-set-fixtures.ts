// Change sets and entities for the pure commit-planning tests: what a flush would hand to planCommit.
import type { EntityMetadata } from '../../src/metadata/types.js';
import type { ChangeSet } from '../../src/unit-of-work/change-sets.js';
import type { CommitStep } from '../../src/unit-of-work/commit-plan.js';

/** An insert of `entity` whose payload is its own fields unless given. */
export const insert = (m: EntityMetadata, entity: object, payload: Record<string, unknown> = { ...entity }): ChangeSet => ({ type: 'insert', meta: m, entity, payload });
export const update = (m: EntityMetadata, entity: object, payload: Record<string, unknown>): ChangeSet => ({ type: 'update', meta: m, entity, payload });
export const del = (m: EntityMetadata, entity: object): ChangeSet => ({ type: 'delete', meta: m, entity, payload: {} });

/** Steps as `kind Entity` strings: the shape a reader checks first. */
export const outline = (steps: CommitStep[]) => steps.map((s) => ('meta' in s ? `${s.kind} ${s.meta.name}` : s.kind));

/** An instance of `cls` with `data` assigned (relations as plain objects: nothing is managed here). */
export function make<T extends object>(cls: new () => T, data: Partial<Record<keyof T, unknown>>): T {
  return Object.assign(new cls(), data);
}
