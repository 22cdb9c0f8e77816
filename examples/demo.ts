/**
 * joinery in one file (`npm start`): map a small blog, create its tables in an in-memory SQLite
 * database, write a whole object graph with a single flush, read it back with populate, then
 * change it. Every statement joinery sends is printed as it goes.
 */
import {
  Collection, Entity, Joinery, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property,
  UniqueConstraintViolationError, type QueryLogEntry, type Rel,
} from 'joinery';

// ---------------------------------------------------------------------------------------- model
// Scalar column types come from the TypeScript types (emitDecoratorMetadata). To-one relations are
// typed Rel<T> so that a class declared further down is not evaluated too early.

@Entity()
class User {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) email!: string;
  @Property() name!: string;
  @Property({ hidden: true }) passwordHash!: string;   // never serialized
  @OneToOne(() => Profile, (profile) => profile.user) profile?: Rel<Profile>;
  @OneToMany(() => Post, (post) => post.author) posts = new Collection<Post>(this);
}

@Entity()
class Profile {
  @PrimaryKey() id!: number;
  @Property({ nullable: true }) bio?: string;
  // The owning side of the 1:1: the profiles table holds user_id.
  @OneToOne(() => User, (user) => user.profile, { owner: true, deleteRule: 'cascade' }) user!: Rel<User>;
}

@Entity()
class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => User) author!: Rel<User>;
  // Unidirectional M:N: the links live in the join table post_tag.
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity()
class Tag {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) name!: string;
}

// ----------------------------------------------------------------------------------------- demo

async function main(): Promise<void> {
  const orm = await Joinery.init({
    entities: [User, Profile, Post, Tag],
    client: 'sqlite',
    connection: { filename: ':memory:' },
    logger: printStatement,
  });

  step('1. Create the tables');
  await orm.schema.create();

  step('2. Build a graph in memory; one flush writes it');
  const em = orm.em.fork(); // one EntityManager (unit of work + identity map) per request
  const ada = em.create(User, { email: 'ada@example.com', name: 'Ada', passwordHash: 'x1' });
  const alan = em.create(User, { email: 'alan@example.com', name: 'Alan', passwordHash: 'x2' });
  em.create(Profile, { bio: 'Wrote the first program.', user: ada });
  const [maths, machines, history] = ['maths', 'machines', 'history'].map((name) => em.create(Tag, { name }));

  const notes = em.create(Post, { title: 'Notes on the Analytical Engine' });
  notes.tags.add(maths, machines, history);
  ada.posts.add(notes); // sets notes.author = ada in memory too
  alan.posts.add(
    em.create(Post, { title: 'On Computable Numbers', tags: [maths] }),
    em.create(Post, { title: 'Computing Machinery and Intelligence', tags: [machines] }),
  );
  await em.flush(); // nothing was written before this line
  note(`keys are assigned once committed: ada.id = ${ada.id}, alan.id = ${alan.id}, notes.id = ${notes.id}`);

  step('3. Query with populate: one query per relation path, never one per row');
  const reader = orm.em.fork();
  const users = await reader.find(User, {}, { populate: ['profile', 'posts.tags'], orderBy: { id: 'asc' } });
  // Populated relations are nested; hidden properties (passwordHash) are left out.
  console.log(JSON.stringify(users, null, 2));

  step('4. Change loaded entities; add/remove on a collection only queue until flush');
  const [adaAgain] = users; // not the `ada` object: another EntityManager, another identity map
  adaAgain.name = 'Ada Lovelace';
  const [firstPost] = adaAgain.posts;
  firstPost.tags.remove(history.id); // items may be entities, references or bare primary keys
  firstPost.tags.add(reader.create(Tag, { name: 'poetry' }));
  await reader.flush(); // only what changed: one UPDATE, one INSERT, the join-table rows

  step('5. Filter through relations');
  const tagged = await orm.em.fork().find(Post, { tags: { name: 'machines' } }, { orderBy: { id: 'asc' } });
  note(`posts tagged "machines": ${tagged.map((p) => p.title).join('; ')}`);

  step('6. A failed flush rolls back and leaves memory as it was: fix the data and flush again');
  const writer = orm.em.fork();
  const copycat = writer.create(User, { email: 'ada@example.com', name: 'Not Ada', passwordHash: 'x3' });
  try {
    await writer.flush();
  } catch (error) {
    if (!(error instanceof UniqueConstraintViolationError)) throw error;
    note(`${error.name} (${error.code}): ${error.message}`);
  }
  copycat.email = 'not.ada@example.com';
  await writer.flush();
  note(`second try committed: copycat.id = ${copycat.id}`);

  await orm.close();
}

// ------------------------------------------------------------------------------------- printing

// Colours only on a terminal, so that piped output stays plain text.
const paint = (code: number) => (text: string) => (process.stdout.isTTY ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint(1);
const dim = paint(2);
const cyan = paint(36);

function step(title: string): void {
  console.log(`\n${bold(title)}`);
}

function note(text: string): void {
  console.log(dim(`  # ${text}`));
}

/** The `logger` option: called once for every statement sent, BEGIN and COMMIT included. */
function printStatement(q: QueryLogEntry): void {
  const sql = q.sql.replace(/\s+/g, ' ').trim();
  const params = q.params.length ? `  ${dim(JSON.stringify(q.params))}` : '';
  console.log(`  ${cyan(sql)}${params}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
