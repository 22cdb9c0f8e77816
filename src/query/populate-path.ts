// Compile-time checking of populate paths. A path is validated as the literal it is rather than
// matched against a union of every possible path: that union grows exponentially with the depth
// of a model with bidirectional relations, while checking one literal costs one step per segment.
// The choices are spelled out as a mapped type (inlined, not an alias) so that error messages list
// the names rather than an alias of them.
import type { RelationKeys, RelationTarget } from '../entity/property-kinds.js';
import type { FindOptions } from './entity-loader.js';

/** How many segments a populate path may have (`a.b.c.d.e`). Bounds the compiler's work. */
type MaxDepth = 5;

/** `Countdown[N]` is `N - 1`. */
type Countdown = [0, 0, 1, 2, 3, 4, 5];

/** Put where a path goes past `MaxDepth`, so the compiler's message says why it is refused. */
type TooDeep = '(populate paths have at most 5 segments)';

/**
 * `P` when it is a valid populate path of `T` (relation names joined by `.`, `'*'` for every
 * relation of one level, at most 5 segments); otherwise the paths that would be valid at the
 * point where `P` goes wrong, so the compiler's error names the bad segment and the choices.
 * With `P = string` (paths the compiler cannot see) nothing is checked.
 *
 * @example
 * function withAuthors<P extends string>(paths: readonly PopulatePath<Post, P>[]) {}
 * withAuthors(['author.profile', 'tags']);   // ok
 * withAuthors(['autor']);                    // error: '"autor"' is not assignable to '"author" | "tags" | "*"'
 */
export type PopulatePath<T, P extends string, Depth extends number = MaxDepth> = string extends P
  ? P
  : P extends `${infer H}.${infer R}`
    ? H extends RelationKeys<T>
      ? Depth extends 1
        ? `${H}.${TooDeep}`
        : `${H}.${PopulatePath<RelationTarget<T, H>, R, Countdown[Depth]>}`
      : { [K in keyof T]-?: K extends RelationKeys<T> ? K : never }[keyof T] | '*'
    : P extends RelationKeys<T> | '*'
      ? P
      : { [K in keyof T]-?: K extends RelationKeys<T> ? K : never }[keyof T] | '*';

/**
 * `P`, hidden from type inference: in a result type, it keeps the compiler from inferring the
 * populate paths from where the result goes (`const u: Loaded<User, 'posts'> = await em.findOne(User, 1)`
 * would otherwise "populate" posts). The paths come from the `populate` option only. (This is
 * `NoInfer<P>` for compilers older than TypeScript 5.4.)
 */
export type PathsOf<P extends string> = [P][P extends unknown ? 0 : never];

/**
 * `FindOptions` whose `populate` paths are checked against `T`; the paths `P` are inferred from
 * the literal and type the result (`Loaded<T, P>`).
 *
 * @example
 * const options: TypedFindOptions<User, 'posts'> = { populate: ['posts'], limit: 10 };
 */
export type TypedFindOptions<T, P extends string = never> = Omit<FindOptions, 'populate'> & {
  /** Relations to load with the result: `['posts.comments', 'profile']`. */
  populate?: readonly PopulatePath<T, P>[];
};

/** `TypedFindOptions` for `findOne` / `findOneOrFail` (one row: no `limit`). */
export type TypedFindOneOptions<T, P extends string = never> = Omit<FindOptions, 'populate' | 'limit'> & {
  /** Relations to load with the result: `['posts.comments', 'profile']`. */
  populate?: readonly PopulatePath<T, P>[];
};
