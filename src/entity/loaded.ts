// The types of query results: what a populate path loaded is usable, what it did not load is not.
// Type-only: at run time every collection is a `Collection`, loaded or not.
import type { Collection } from './collection.js';
import type { CollectionItem, CollectionKeys, RelationKeys } from './property-kinds.js';

declare const loadState: unique symbol;

/**
 * The `this` type of the members an unloaded collection cannot answer. Calling one is a compile
 * error whose message carries this interface's name and its one key: what to do instead.
 */
export interface CollectionNotLoaded {
  readonly 'populate this collection (populate option or em.populate) or await its init() first': never;
}

/**
 * A collection a query populated: every member of `Collection` is available. Its items are typed
 * with the rest of the populate path (`posts.comments` → items are `Loaded<Post, 'comments'>`).
 *
 * @example
 * const [user] = await em.find(User, {}, { populate: ['posts'] });
 * const posts: LoadedCollection<Loaded<Post>> = user.posts;
 * for (const post of user.posts) console.log(post.title, user.posts.count());
 */
export interface LoadedCollection<T extends object> extends Collection<T> {
  // Redeclared with a `this` type: signatures differing only in `this` are merged into one when
  // intersected, and the intersection `isInitialized()` narrows to must keep these callable.
  getItems(this: LoadedCollection<T>): T[];
  count(this: LoadedCollection<T>): number;
  contains(this: LoadedCollection<T>, item: T | unknown): boolean;
  init(): Promise<LoadedCollection<T>>;
  // Phantom, never set. Unlike the other members it differs from UnloadedCollection's, so an
  // unloaded collection is not a LoadedCollection and `isInitialized()` can narrow it into one.
  readonly [loadState]?: 'loaded';
}

/**
 * A collection a query did not populate. What needs the items — `getItems()`, `count()`,
 * `contains()`, iteration — does not compile (`length` is typed `never`: it throws); what
 * queues changes or loads — `add`, `remove`, `set`, `removeAll`, `init`, `load`, `loadCount`,
 * `isInitialized` — is there. It is still a `Collection`, so the entity it sits on stays
 * assignable to its class.
 *
 * @example
 * const [user] = await em.find(User, {});
 * user.posts.getItems();                  // compile error: populate it or await init() first
 * const posts = await user.posts.init();  // LoadedCollection: getItems() compiles now
 * user.posts.add(post);                   // queuing needs nothing loaded
 */
export interface UnloadedCollection<T extends object> extends Collection<T> {
  getItems(this: CollectionNotLoaded): T[];
  count(this: CollectionNotLoaded): number;
  contains(this: CollectionNotLoaded, item: T | unknown): boolean;
  readonly length: never;
  readonly [loadState]?: 'unloaded';
  // `for...of` ignores a `this` parameter; a `never` method is what makes it refuse to iterate.
  readonly [Symbol.iterator]: never;
  init(): Promise<LoadedCollection<T>>;
  /** A type guard too: `if (user.posts.isInitialized()) user.posts.getItems()` compiles. */
  isInitialized(): this is LoadedCollection<T>;
}

/**
 * Whether a collection type says it is loaded: `'loaded'` (a `LoadedCollection`), `'unloaded'` (an
 * `UnloadedCollection`), or `'unknown'` (a plain `Collection`, as declared on the class).
 */
export type CollectionLoadState<C> = typeof loadState extends keyof C ? NonNullable<C[typeof loadState & keyof C]> : 'unknown';

/** `'posts.comments' | 'profile'` → `'posts' | 'profile'`. */
type Head<P extends string> = P extends `${infer H}.${string}` ? H : P;

/** The rest of the paths of `P` that start with `K`: `Tail<'posts.comments' | 'profile', 'posts'>` → `'comments'`. */
type Tail<P extends string, K extends string> = P extends `${K}.${infer R}` ? R : never;

/** Relations of `T` that `P` names at its top level (`'*'`: all of them). */
type PopulatedKeys<T, P extends string> = string extends P
  ? never
  : '*' extends P
    ? RelationKeys<T>
    : Extract<Head<P>, RelationKeys<T>>;

/** A collection type that already says whether it is loaded (from an earlier `Loaded<...>`). */
type HasLoadState<C> = typeof loadState extends keyof C ? true : false;

// One mapped type, not a conditional that returns `T` when nothing changes: an alias that resolves
// to itself is what hovers and error messages print (`Loaded<Car, never>`), not an expanded shape.
/**
 * An entity as a query with populate paths `P` returns it:
 *
 * - a collection named in `P` is a `LoadedCollection` of `Loaded<Item, rest of the path>`;
 * - a collection not named is an `UnloadedCollection` (`getItems()` & co. do not compile);
 * - a to-one relation named in `P` is `Loaded<Target, rest of the path>`; one not named keeps its
 *   declared type (it may be an unloaded reference: only its key is sure to be there);
 * - `'*'` populates every relation one level deep; `P = string` (paths not known to the compiler)
 *   leaves `T` as declared.
 *
 * A `Loaded<T, P>` is assignable to `T` as long as `T` has no `private`/`protected`/`#private`
 * members: a mapped type cannot carry them. It is the exact type of a result: one with more
 * collections populated is a different type. For parameters that need some paths loaded, take
 * `Populated<T, P>`.
 *
 * @example
 * const users: Loaded<User, 'posts.comments'>[] = await em.find(User, {}, { populate: ['posts.comments'] });
 * users[0].posts.getItems()[0].comments.getItems();   // compiles
 * users[0].cars.getItems();                           // compile error: cars was not populated
 */
export type Loaded<T, P extends string = never> = {
  [K in keyof T]: string extends P
    ? T[K]
    : K extends CollectionKeys<T>
      ? K extends PopulatedKeys<T, P>
        ? LoadedCollection<Loaded<CollectionItem<NonNullable<T[K]>>, Tail<P, K>>>
        : HasLoadState<NonNullable<T[K]>> extends true
          ? T[K] // `Loaded<Loaded<User, 'posts'>, 'cars'>`: what was loaded stays loaded
          : UnloadedCollection<Loaded<CollectionItem<NonNullable<T[K]>>>>
      : K extends PopulatedKeys<T, P>
        ? Loaded<NonNullable<T[K]>, Tail<P, K>> | Extract<T[K], null | undefined>
        : T[K];
};

/**
 * "At least these paths populated", for parameters: `T` with the collections and to-one relations
 * named in `P` loaded, everything else as declared. Unlike `Loaded` (the exact type of a result)
 * it accepts any entity that has those paths loaded — a result with more populated, or a new
 * entity from `em.create` — and refuses one whose named collections are not loaded.
 *
 * @example
 * function renderPosts(user: Populated<User, 'posts'>) {
 *   return user.posts.getItems().map((p) => p.title);
 * }
 * renderPosts(await em.findOneOrFail(User, 1, { populate: ['posts', 'cars'] }));   // ok
 * renderPosts(await em.findOneOrFail(User, 1));                                    // compile error
 */
export type Populated<T, P extends string> = PopulatedMembers<T, P> & T;

// The overriding members come first in the intersection: where signatures are merged, the first wins.
// Mapped over `keyof T` (filtered with `as`) to keep each property's optional modifier.
type PopulatedMembers<T, P extends string> = {
  [K in keyof T as K extends PopulatedKeys<T, P> ? K : never]: K extends CollectionKeys<T>
    ? LoadedCollection<Populated<CollectionItem<NonNullable<T[K]>>, Tail<P, K & string>>>
    : Populated<NonNullable<T[K]>, Tail<P, K & string>> | Extract<T[K], null | undefined>;
};
