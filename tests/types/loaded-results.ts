// What em.find & co. return: populated relations usable, the rest marked unloaded.
import type { Collection, EntityManager, Loaded, LoadedCollection, Populated, UnloadedCollection } from 'joinery';
import { any, expectTrue, expectType, type Equal } from './expect.js';
import { Car, Comment, Post, Profile, Tag, User } from './model.js';

declare const em: EntityManager;

export async function nestedCollections() {
  const users = await em.find(User, {}, { populate: ['posts.comments'] });
  expectTrue<Equal<typeof users, Loaded<User, 'posts.comments'>[]>>();

  const comments = users[0]!.posts.getItems()[0]!.comments.getItems();
  expectType<Comment[]>(comments);
  expectType<string>(comments[0]!.text);
  expectType<number>(users[0]!.posts.count());
  for (const post of users[0]!.posts) expectType<string>(post.title);
  expectType<boolean>(users[0]!.posts.contains(1));

  // @ts-expect-error cars was not populated
  users[0]!.cars.getItems();
  // @ts-expect-error nor were the tags of the posts
  users[0]!.posts.getItems()[0]!.tags.getItems();
  // @ts-expect-error count() needs the items too
  users[0]!.cars.count();
  // @ts-expect-error contains() too
  users[0]!.cars.contains(1);
  // @ts-expect-error iteration too
  for (const car of users[0]!.cars) void car;
  // @ts-expect-error spreading iterates
  void [...users[0]!.cars];
}

export async function unloadedCollectionsKeepWhatNeedsNoItems() {
  const user = await em.findOneOrFail(User, 1);
  const cars = user.cars;
  expectTrue<Equal<typeof cars, UnloadedCollection<Loaded<Car>>>>();

  cars.add(1, any<Car>());
  cars.remove(2);
  cars.set([3, 4]);
  cars.removeAll();
  expectType<boolean>(cars.isInitialized());
  expectType<number>(await cars.loadCount());

  // init() and load() return what is loaded.
  const loaded = await cars.init();
  expectTrue<Equal<typeof loaded, LoadedCollection<Loaded<Car>>>>();
  expectType<Loaded<Car>[]>(loaded.getItems());
  expectType<Loaded<Car>[]>(await cars.load());
  // Items loaded that way have their own collections unloaded.
  // @ts-expect-error
  loaded.getItems()[0]!.owners.getItems();

  // isInitialized() narrows.
  if (user.posts.isInitialized()) expectType<Loaded<Post>[]>(user.posts.getItems());

  // `length` throws when unloaded; its type says so.
  expectTrue<Equal<typeof cars.length, never>>();
}

export async function toOneRelations() {
  const post = await em.findOneOrFail(Post, 1, { populate: ['author.posts', 'comments.replyTo'] });
  expectTrue<Equal<typeof post.author, Loaded<User, 'posts'>>>();
  expectType<Post[]>(post.author.posts.getItems());
  // @ts-expect-error the author's cars were not populated
  post.author.cars.getItems();

  // Nullable to-one relations stay nullable when populated.
  const comment = post.comments.getItems()[0]!;
  expectTrue<Equal<typeof comment.replyTo, Loaded<Comment> | null | undefined>>();

  const user = await em.findOneOrFail(User, 1, { populate: ['profile'] });
  expectTrue<Equal<typeof user.profile, Loaded<Profile> | null | undefined>>();
  expectType<string | null | undefined>(user.profile?.bio);

  // A to-one relation not populated keeps its declared type: it may be an unloaded reference,
  // whose key is there but whose other properties are not until wrap(ref).init().
  const plain = await em.findOneOrFail(Post, 1);
  expectTrue<Equal<typeof plain.author, User>>();
}

export async function wildcard() {
  const [user] = await em.find(User, {}, { populate: ['*'] });
  expectType<Post[]>(user!.posts.getItems());
  expectType<Car[]>(user!.cars.getItems());
  expectTrue<Equal<typeof user.profile, Loaded<Profile> | null | undefined>>();
  // One level only.
  // @ts-expect-error
  user!.posts.getItems()[0]!.comments.getItems();

  const [post] = await em.find(Post, {}, { populate: ['comments.*', 'tags'] });
  expectType<Loaded<Comment, '*'>[]>(post!.comments.getItems());
  expectType<Tag[]>(post!.tags.getItems());
}

export async function resultsStayAssignableToTheirClass() {
  const users = await em.find(User, {}, { populate: ['posts'] });
  const takesUser = (u: User) => u;
  takesUser(users[0]!);
  const asClass: User[] = users;
  void asClass;
  const unpopulated = await em.findOneOrFail(User, 1);
  takesUser(unpopulated);
  em.create(Post, { title: 'x', published: true, author: unpopulated });
  const c: Collection<Post> = unpopulated.posts;
  void c;
}

export async function populatedIsAContractForParameters() {
  const needsPosts = (u: Populated<User, 'posts'>) => u.posts.getItems().map((p) => p.title);
  needsPosts(await em.findOneOrFail(User, 1, { populate: ['posts'] }));
  needsPosts(await em.findOneOrFail(User, 1, { populate: ['posts.tags', 'cars'] }));
  // A new entity's collections are complete: em.create returns the class type, loaded.
  needsPosts(em.create(User, { email: 'a@b.c' }));
  // @ts-expect-error an unpopulated user is not a Populated<User, 'posts'>
  needsPosts(await em.findOneOrFail(User, 1));

  const needsComments = (p: Populated<Post, 'comments.author' | 'author'>) => p.comments.getItems()[0]!.author?.email;
  needsComments(await em.findOneOrFail(Post, 1, { populate: ['comments.author', 'author', 'tags'] }));
  // @ts-expect-error comments are not populated
  needsComments(await em.findOneOrFail(Post, 1, { populate: ['author'] }));

  // Loaded is the exact type of a result: a collection populated in one and not in the other
  // makes them different types (an unloaded collection cannot be iterated, a loaded one can).
  const exact = (u: Loaded<User, 'posts'>) => u;
  exact(await em.findOneOrFail(User, 1, { populate: ['posts'] }));
  exact(await em.findOneOrFail(User, 1, { populate: ['posts', 'profile'] }));
  // @ts-expect-error
  exact(await em.findOneOrFail(User, 1, { populate: ['posts', 'cars'] }));
  // @ts-expect-error
  exact(await em.findOneOrFail(User, 1));
}

export async function otherFinders() {
  const one = await em.findOne(User, { email: 'a@b.c' }, { populate: ['posts'] });
  expectTrue<Equal<typeof one, Loaded<User, 'posts'> | null>>();
  const [page, total] = await em.findAndCount(User, {}, { populate: ['cars'], limit: 10 });
  expectTrue<Equal<typeof page, Loaded<User, 'cars'>[]>>();
  expectType<number>(total);
  const noPopulate = await em.find(Tag, {});
  expectTrue<Equal<typeof noPopulate, Loaded<Tag>[]>>();
  expectType<Tag[]>(noPopulate);
}

export async function populateLater() {
  const users = await em.find(User, {});
  const withPosts = await em.populate(users, ['posts.tags']);
  expectType<Tag[]>(withPosts[0]!.posts.getItems()[0]!.tags.getItems());
  // Paths add up: what was populated before stays populated in the type.
  const both = await em.populate(await em.find(User, {}, { populate: ['cars'] }), ['posts']);
  expectType<Car[]>(both[0]!.cars.getItems());
  expectType<Post[]>(both[0]!.posts.getItems());
  const single = await em.populate(users[0]!, ['profile']);
  expectTrue<Equal<typeof single, Loaded<Loaded<User>, 'profile'>[]>>();
  // @ts-expect-error
  await em.populate(users, ['postz']);
}

export async function pathsUnknownToTheCompiler() {
  // A string[] (not literals) cannot be checked: the result keeps the declared types.
  const paths: string[] = ['posts'];
  const users = await em.find(User, {}, { populate: paths });
  expectType<Post[]>(users[0]!.posts.getItems());
  expectType<Car[]>(users[0]!.cars.getItems());
  // A literal tuple kept in a variable is checked like an inline one.
  const literal = ['posts'] as const;
  const typed = await em.find(User, {}, { populate: literal });
  expectType<Post[]>(typed[0]!.posts.getItems());
  // @ts-expect-error
  typed[0]!.cars.getItems();
}

export async function relationScopedWrites() {
  const [user] = await em.find(User, {}, { populate: ['posts'] });
  expectType<Promise<number>>(user!.posts.nativeUpdate({ title: { $like: 'Draft%' } }, { title: 'Renamed' }));
  expectType<Promise<number>>(user!.cars.nativeDelete({ id: { $in: [1, 2] } }));
  expectType<Promise<number>>(user!.cars.nativeDelete(7));
}
