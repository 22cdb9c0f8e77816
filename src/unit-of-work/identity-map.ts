import type { EntityState } from '../entity/entity-state.js';
import type { EntityMetadata } from '../metadata/types.js';

/**
 * One object per primary key per EntityManager. Keys are the primary key values joined into a
 * string (`"1"`, `"3\u00017"` for composite keys); numbers and numeric strings of the same key meet.
 * It holds each entity's state (which points at the entity): a flush walks every managed entity
 * with its state in hand, without a state lookup per entity.
 */
export class IdentityMap {
  readonly #byEntity = new Map<EntityMetadata, Map<string, EntityState>>();
  #edits = 0;

  get(meta: EntityMetadata, key: string): object | undefined {
    return this.#byEntity.get(meta)?.get(key)?.entity;
  }

  /** The state of the entity under `key`, as it was put here. */
  getState(meta: EntityMetadata, key: string): EntityState | undefined {
    return this.#byEntity.get(meta)?.get(key);
  }

  /** Puts `state.entity` under `key`. */
  set(meta: EntityMetadata, key: string, state: EntityState): void {
    this.slot(meta).set(key, state);
    this.#edits++;
  }

  /**
   * The type's own map, for hydrating many rows with one lookup of it: read it directly, put into it
   * with {@link setIn}. It stays the type's map for the map's lifetime (emptied in place, never replaced).
   */
  slot(meta: EntityMetadata): Map<string, EntityState> {
    let m = this.#byEntity.get(meta);
    if (!m) {
      m = new Map();
      this.#byEntity.set(meta, m);
    }
    return m;
  }

  /** `set` into a map from {@link slot}. */
  setIn(slot: Map<string, EntityState>, key: string, state: EntityState): void {
    slot.set(key, state);
    this.#edits++;
  }

  delete(meta: EntityMetadata, key: string): void {
    this.#byEntity.get(meta)?.delete(key);
    this.#edits++;
  }

  /**
   * Takes `entities[i]` out under `keys[i]` (only while that key still maps to that entity). When
   * they are every entity of the type, the type's map is replaced instead: a flush that deletes all
   * loaded rows of a table spares thousands of single deletes, each of which may rehash the map.
   */
  deleteEntities(meta: EntityMetadata, keys: readonly string[], entities: readonly object[]): void {
    const m = this.#byEntity.get(meta);
    if (!m) return;
    if (keys.length === m.size) {
      let all = true;
      for (let i = 0; i < keys.length && all; i++) all = m.get(keys[i]!)?.entity === entities[i];
      // Distinct entities each found under their key: the keys are distinct and cover the map.
      if (all) {
        m.clear();
        this.#edits++;
        return;
      }
    }
    for (let i = 0; i < keys.length; i++) if (m.get(keys[i]!)?.entity === entities[i]) m.delete(keys[i]!);
    this.#edits++;
  }

  /**
   * Empties the type's map when `count` distinct entities found walking it at {@link edits}
   * `walkedAt` are as many as it holds, and it has not changed since: they are all of them. False
   * (nothing done) otherwise: the caller takes them out by key.
   */
  deleteAll(meta: EntityMetadata, count: number, walkedAt: number): boolean {
    const m = this.#byEntity.get(meta);
    if (!m || walkedAt !== this.#edits || count !== m.size) return false;
    m.clear();
    this.#edits++;
    return true;
  }

  /** Counts changes to the map: equal counts mean the same entries. */
  get edits(): number {
    return this.#edits;
  }

  clear(): void {
    for (const m of this.#byEntity.values()) m.clear();
    this.#edits++;
  }

  /** Every entity, as one array (a generator costs more per entity than the work done with it). */
  values(): object[] {
    const out: object[] = [];
    for (const m of this.#byEntity.values()) for (const s of m.values()) out.push(s.entity);
    return out;
  }

  /** Every entity's state, as one array. */
  states(): EntityState[] {
    const out: EntityState[] = [];
    for (const m of this.#byEntity.values()) for (const s of m.values()) out.push(s);
    return out;
  }

  /** The per-type maps of states, for passes that walk every entity without collecting them first. */
  byType(): IterableIterator<ReadonlyMap<string, EntityState>> {
    return this.#byEntity.values();
  }

  get size(): number {
    let n = 0;
    for (const m of this.#byEntity.values()) n += m.size;
    return n;
  }
}

/** Identity key of primary key values (in primary key column order). */
export function keyOf(values: readonly unknown[]): string {
  if (values.length === 1) return String(values[0]);
  return values.map((v) => String(v)).join('\u0001');
}
