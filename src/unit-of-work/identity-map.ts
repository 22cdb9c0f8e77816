import type { EntityMetadata } from '../metadata/types.js';

/**
 * One object per primary key per EntityManager. Keys are the primary key values joined into a
 * string (`"1"`, `"3\u00017"` for composite keys); numbers and numeric strings of the same key meet.
 */
export class IdentityMap {
  readonly #byEntity = new Map<EntityMetadata, Map<string, object>>();

  get(meta: EntityMetadata, key: string): object | undefined {
    return this.#byEntity.get(meta)?.get(key);
  }

  set(meta: EntityMetadata, key: string, entity: object): void {
    let m = this.#byEntity.get(meta);
    if (!m) {
      m = new Map();
      this.#byEntity.set(meta, m);
    }
    m.set(key, entity);
  }

  delete(meta: EntityMetadata, key: string): void {
    this.#byEntity.get(meta)?.delete(key);
  }

  clear(): void {
    this.#byEntity.clear();
  }

  *values(): IterableIterator<object> {
    for (const m of this.#byEntity.values()) yield* m.values();
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
