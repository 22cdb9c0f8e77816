// Assertions for the type tests. Nothing here runs: the files are only compiled.

/** Compiles when `value` is assignable to `T`. */
export declare function expectType<T>(value: T): void;

/** Exact type equality, without the looseness of mutual assignability (`any`, optional members). */
export type Equal<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;

/** Compiles when `T` is `true`: `expectTrue<Equal<typeof x, number>>()`. */
export declare function expectTrue<T extends true>(): void;

/** A value of any type, to build expressions from. */
export declare function any<T>(): T;
