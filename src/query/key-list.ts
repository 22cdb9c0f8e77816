/**
 * Keys a step query read on another connection, bound into a statement in place of the criteria
 * that needed that connection (see `cross-connection.ts`). As the value of a to-one property they
 * are values of its foreign key; under {@link ROW_KEYS} they are primary keys of the row itself.
 */
export class KeyList {
  constructor(
    /** One array per key, in column order. */
    readonly keys: readonly (readonly unknown[])[],
    /** The row must *not* be one of them (`$none`, `$every`, a zero count, `{ inverse: null }`). */
    readonly negate = false,
  ) {}
}

/**
 * The criteria key holding resolved {@link KeyList}s of the row itself. A symbol, so that it cannot
 * collide with a property or an operator a user writes, and `Object.entries` walks past it.
 */
export const ROW_KEYS: unique symbol = Symbol('joinery.rowKeys');
