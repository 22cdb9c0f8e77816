import type { EntityMetadata } from '../metadata/types.js';

/** Lifecycle of an entity within one EntityManager. */
export type EntityStatus = 'new' | 'managed' | 'removed' | 'detached';

/**
 * What the EntityManager knows about one entity. Kept in a WeakMap, never on the entity itself,
 * so entities stay plain objects (and `useDefineForClassFields` cannot shadow anything of ours).
 */
export interface EntityState {
  readonly meta: EntityMetadata;
  /** The unit of work that manages it (typed loosely to keep entity/ free of unit-of-work imports). */
  owner: unknown;
  status: EntityStatus;
  /** false for a reference (`em.getReference`, an FK value) whose row has not been loaded. */
  initialized: boolean;
  /**
   * Values as the database has them, per property: scalars as JS values, to-one relations as the
   * related entity object (the identity map makes object identity the key) or null. Undefined for
   * entities never written or read.
   */
  snapshot?: Record<string, unknown>;
  /** Backing store of to-one properties, which are accessors on managed entities. */
  relations: Record<string, unknown>;
  /** Identity map key once the primary key is known. */
  key?: string;
  /** Whether accessors for to-one properties are installed on the instance. */
  accessors: boolean;
  /** Extra values of a through-entity link, keyed by collection property (see Collection.add). */
  pivotValues?: Map<string, Record<string, unknown>>;
}

const states = new WeakMap<object, EntityState>();

export function getState(entity: object): EntityState | undefined {
  return states.get(entity);
}

export function setState(entity: object, state: EntityState): void {
  states.set(entity, state);
}

export function createState(entity: object, meta: EntityMetadata, owner: unknown, status: EntityStatus, initialized: boolean): EntityState {
  const state: EntityState = { meta, owner, status, initialized, relations: {}, accessors: false };
  states.set(entity, state);
  return state;
}

export function deleteState(entity: object): void {
  states.delete(entity);
}
