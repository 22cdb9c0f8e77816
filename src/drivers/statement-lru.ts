/**
 * A bounded map from statement text to what a connection keeps for it (a prepared statement, a
 * statement name), least recently used first out. Pure: what an evicted entry needs on the database
 * (closing it) is the caller's `onEvict`.
 *
 * @example
 * const names = new StatementLru<string>(2, (sql, name) => closed.push(name));
 * names.set('select 1', 's1'); names.set('select 2', 's2');
 * names.get('select 1');        // 's1', now the most recently used
 * names.set('select 3', 's3');  // evicts 'select 2': closed = ['s2']
 */
export class StatementLru<V> {
  // A Map iterates in insertion order: re-inserting on use makes its first key the least recently used.
  readonly #entries = new Map<string, V>();
  /**
   * The most recently used key: a statement sent again and again (lookups by key in a loop) is
   * found without moving it, which would cost a delete and an insert (and leave a hole in the map
   * to compact) per statement.
   */
  #newest: string | undefined;

  constructor(
    /** Most entries kept; 0 keeps none. */
    readonly max: number,
    private readonly onEvict?: (key: string, value: V) => void,
  ) {
    if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`StatementLru: max must be a whole number >= 0, not ${max}`);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The entry for `key`, which becomes the most recently used. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined || key === this.#newest) return value;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    this.#newest = key;
    return value;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Adds or replaces `key` as the most recently used, evicting the least recently used beyond `max`. */
  set(key: string, value: V): void {
    if (this.max === 0) {
      this.onEvict?.(key, value);
      return;
    }
    this.#entries.delete(key);
    this.#entries.set(key, value);
    this.#newest = key;
    while (this.#entries.size > this.max) {
      const [oldKey, oldValue] = this.#entries.entries().next().value as [string, V];
      this.#entries.delete(oldKey);
      this.onEvict?.(oldKey, oldValue);
    }
  }

  /** Removes `key` without calling `onEvict` (the caller knows the entry is gone or unusable). */
  delete(key: string): boolean {
    if (key === this.#newest) this.#newest = undefined;
    return this.#entries.delete(key);
  }

  /** Removes every entry without calling `onEvict`; returns what was held, oldest first. */
  clear(): V[] {
    const values = [...this.#entries.values()];
    this.#entries.clear();
    this.#newest = undefined;
    return values;
  }

  /** Keys, least recently used first. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }
}
