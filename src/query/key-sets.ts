// Sets of row keys, possibly complemented, combined in memory. The inverse side of a one-to-one on
// another connection is matched by the keys its owner rows point at; operators over it ($ne, $in with
// null, $not, $or of a value and null...) become unions, intersections and complements of such
// sets, so that the statement on this side still gets a single `[NOT] IN <keys>`.

/** The keys in `keys`, or (`negate`) every key but those. */
export interface KeySet {
  readonly keys: readonly (readonly unknown[])[];
  readonly negate: boolean;
}

/** Every row. */
export const ALL_KEYS: KeySet = Object.freeze({ keys: [], negate: true });
/** No row. */
export const NO_KEYS: KeySet = Object.freeze({ keys: [], negate: false });

/** A stable identity for a key (bigints kept apart from numbers). */
export function keyId(key: readonly unknown[]): string {
  return JSON.stringify(key, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Date ? `d${v.getTime()}` : v));
}

/** `keys` without repeats, in first-seen order. */
export function distinctKeys<K extends readonly unknown[]>(keys: readonly K[]): K[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = keyId(k);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export function keySetNot(a: KeySet): KeySet {
  return { keys: a.keys, negate: !a.negate };
}

/**
 * Both: A ∩ B; A and not B: A \ B; neither: not (A ∪ B).
 *
 * @example
 * keySetAnd({ keys: [[1], [2]], negate: false }, { keys: [[2]], negate: true }); // { keys: [[1]], negate: false }
 */
export function keySetAnd(a: KeySet, b: KeySet): KeySet {
  if (!a.negate && !b.negate) return { keys: filter(a.keys, b.keys, true), negate: false };
  if (!a.negate) return { keys: filter(a.keys, b.keys, false), negate: false };
  if (!b.negate) return { keys: filter(b.keys, a.keys, false), negate: false };
  return { keys: distinctKeys([...a.keys, ...b.keys]), negate: true };
}

/** not (not A and not B). */
export function keySetOr(a: KeySet, b: KeySet): KeySet {
  return keySetNot(keySetAnd(keySetNot(a), keySetNot(b)));
}

/** The keys of `from` that are (`keep`) or are not in `other`. */
function filter(from: KeySet['keys'], other: KeySet['keys'], keep: boolean): KeySet['keys'] {
  const ids = new Set(other.map(keyId));
  return from.filter((k) => ids.has(keyId(k)) === keep);
}
