import test from 'ava';
import { Collection, Entity, ManyToMany, ManyToOne, MetadataError, OneToMany, PrimaryKey, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import type { EntityMetadata, ManyToManyProperty, OneToManyProperty, PropertyMetadata } from '../../src/metadata/types.js';
import type { ChildClear, LinkDiff } from '../../src/unit-of-work/collection-diff.js';
import { planCommit, type CommitStep } from '../../src/unit-of-work/commit-plan.js';
import { del, insert, make, outline, update } from '../support/change-set-fixtures.js';

@Entity()
class User {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
}

@Entity()
class Post {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity()
class Tag {
  @PrimaryKey({ type: 'integer' }) id!: number;
}

// A cycle with one nullable side: a company's CEO is one of its employees.
@Entity()
class Company {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Employee, { nullable: true }) ceo?: Rel<Employee> | null;
}

@Entity()
class Employee {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Company) company!: Rel<Company>;
}

@Entity()
class Node {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Node, { nullable: true }) parent?: Rel<Node> | null;
}

// A three-table cycle closed by one nullable FK: A → B → C → A.
@Entity()
class A {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => B) b!: Rel<B>;
}
@Entity()
class B {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => C) c!: Rel<C>;
}
@Entity()
class C {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => A, { nullable: true }) a?: Rel<A> | null;
}

// Required both ways, but one FK has no constraint and points at a key the application assigns:
// discovery accepts this model (any insert order works), so a flush must too.
@Entity()
class Left {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @ManyToOne(() => Right, { constraints: false }) right!: Rel<Right>;
}
@Entity()
class Right {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @ManyToOne(() => Left) left!: Rel<Left>;
}

const meta = discoverMetadata([User, Post, Tag, Company, Employee, Node, A, B, C, Left, Right]);
const [userMeta, postMeta, companyMeta, employeeMeta, nodeMeta] = [User, Post, Company, Employee, Node].map((c) => meta.get(c));


test('nothing to do: no steps', (t) => {
  t.deepEqual(planCommit([], [], []), []);
});

test('inserts go in foreign-key order whatever order they were queued in', (t) => {
  const u = make(User, {});
  const p = make(Post, { author: u });
  const steps = planCommit([insert(postMeta, p, { author: u }), insert(userMeta, u, {})], [], []);
  t.deepEqual(outline(steps), ['insert User', 'insert Post']);
});

test('one insert step per table, holding all its rows in queue order', (t) => {
  const u1 = make(User, {});
  const u2 = make(User, {});
  const p1 = make(Post, { author: u1 });
  const p2 = make(Post, { author: u2 });
  const steps = planCommit([insert(postMeta, p1), insert(userMeta, u1), insert(postMeta, p2), insert(userMeta, u2)], [], []);
  t.deepEqual(outline(steps), ['insert User', 'insert Post']);
  const [users, posts] = steps as Extract<CommitStep, { kind: 'insert' }>[];
  t.deepEqual(users!.changeSets.map((c) => c.entity), [u1, u2]);
  t.deepEqual(posts!.changeSets.map((c) => c.entity), [p1, p2]);
  t.is(users!.deferred.size, 0);
  t.is(posts!.deferred.size, 0);
});

test('a reference to an existing row imposes no order', (t) => {
  const existing = make(User, { id: 1 });
  const p = make(Post, { author: existing });
  const u = make(User, {});
  // Only `existing` is referenced and it is not being inserted: queue order stays.
  const steps = planCommit([insert(postMeta, p), insert(userMeta, u)], [], []);
  t.deepEqual(outline(steps), ['insert Post', 'insert User']);
});

test('a cycle through a nullable FK is inserted with NULL and fixed up after all inserts', (t) => {
  const acme = make(Company, {});
  const boss = make(Employee, { company: acme });
  acme.ceo = boss;
  const steps = planCommit([insert(employeeMeta, boss), insert(companyMeta, acme)], [], []);
  t.deepEqual(outline(steps), ['insert Company', 'insert Employee', 'fixup Company']);
  const first = steps[0] as Extract<CommitStep, { kind: 'insert' }>;
  t.deepEqual([...first.deferred], ['ceo']);
  t.is((steps[1] as Extract<CommitStep, { kind: 'insert' }>).deferred.size, 0);
  const fixup = steps[2] as Extract<CommitStep, { kind: 'fixup' }>;
  t.deepEqual(fixup.changeSets.map((c) => c.entity), [acme]);
  t.deepEqual(fixup.props.map((p) => p.name), ['ceo']);
});

test('fixups only cover rows that have a value for the deferred FK', (t) => {
  const acme = make(Company, {});
  const other = make(Company, { ceo: null });
  const boss = make(Employee, { company: acme });
  acme.ceo = boss;
  const steps = planCommit([insert(companyMeta, acme), insert(companyMeta, other), insert(employeeMeta, boss)], [], []);
  const fixup = steps.find((s) => s.kind === 'fixup') as Extract<CommitStep, { kind: 'fixup' }>;
  t.deepEqual(fixup.changeSets.map((c) => c.entity), [acme]);
});

test('a nullable FK that closes no cycle is not deferred', (t) => {
  const acme = make(Company, { ceo: null });
  const worker = make(Employee, { company: acme });
  const steps = planCommit([insert(employeeMeta, worker), insert(companyMeta, acme)], [], []);
  t.deepEqual(outline(steps), ['insert Company', 'insert Employee']);
  t.is((steps[0] as Extract<CommitStep, { kind: 'insert' }>).deferred.size, 0);
});

test('a three-table cycle is broken at its one nullable FK', (t) => {
  const a = make(A, {});
  const b = make(B, {});
  const c = make(C, {});
  Object.assign(a, { b });
  Object.assign(b, { c });
  Object.assign(c, { a });
  const steps = planCommit([insert(meta.get(A), a), insert(meta.get(B), b), insert(meta.get(C), c)], [], []);
  t.deepEqual(outline(steps), ['insert C', 'insert B', 'insert A', 'fixup C']);
  t.deepEqual([...(steps[0] as Extract<CommitStep, { kind: 'insert' }>).deferred], ['a']);
});

test('self-reference: parent and child in one INSERT, the parent FK set by a fixup', (t) => {
  const root = make(Node, { parent: null });
  const child = make(Node, { parent: root });
  const steps = planCommit([insert(nodeMeta, child), insert(nodeMeta, root)], [], []);
  t.deepEqual(outline(steps), ['insert Node', 'fixup Node']);
  t.deepEqual([...(steps[0] as Extract<CommitStep, { kind: 'insert' }>).deferred], ['parent']);
  t.deepEqual((steps[1] as Extract<CommitStep, { kind: 'fixup' }>).changeSets.map((c) => c.entity), [child]);
});

test('self-reference to rows that already exist needs no fixup', (t) => {
  const existing = make(Node, { id: 1 });
  const steps = planCommit([insert(nodeMeta, make(Node, { parent: existing })), insert(nodeMeta, make(Node, { parent: existing }))], [], []);
  t.deepEqual(outline(steps), ['insert Node']);
  t.is((steps[0] as Extract<CommitStep, { kind: 'insert' }>).deferred.size, 0);
});

test('required FKs with no constraint to an application-assigned key do not block a cycle', (t) => {
  const l = make(Left, { id: '00000000-0000-4000-8000-000000000001' });
  const r = make(Right, { id: '00000000-0000-4000-8000-000000000002', left: l });
  l.right = r;
  const steps = planCommit([insert(meta.get(Left), l), insert(meta.get(Right), r)], [], []);
  // Left.right is not checked by the database and its value is known up front: Left goes first
  // with the value in place, Right after it (Right.left is a real FK).
  t.deepEqual(outline(steps), ['insert Left', 'insert Right']);
  t.true(steps.every((s) => s.kind !== 'insert' || s.deferred.size === 0));
});

/**
 * Copies of `metas` whose to-one relations are all required, pointing at each other. Discovery
 * rejects such a model at init; the planner must still refuse it rather than emit bad SQL.
 */
function allRequired(metas: EntityMetadata[]): EntityMetadata[] {
  const copies = new Map<EntityMetadata, EntityMetadata & { properties: PropertyMetadata[]; propertiesByName: Record<string, PropertyMetadata> }>();
  for (const m of metas) copies.set(m, { ...m, properties: [], propertiesByName: {} });
  for (const [orig, copy] of copies) {
    copy.properties = orig.properties.map((p) =>
      p.kind === 'm:1' ? { ...p, nullable: false, target: copies.get(p.target) ?? p.target } : p,
    );
    copy.propertiesByName = Object.fromEntries(copy.properties.map((p) => [p.name, p]));
  }
  return [...copies.values()];
}

test('a cycle of required FKs is a MetadataError that names the whole cycle', (t) => {
  const [company, employee] = allRequired([companyMeta, employeeMeta]);
  const acme = make(Company, {});
  const boss = make(Employee, { company: acme });
  acme.ceo = boss;
  const error = t.throws(() => planCommit([insert(company!, acme), insert(employee!, boss)], [], []), { instanceOf: MetadataError });
  t.is(error!.code, 'FK_CYCLE');
  t.regex(error!.message, /Company\.ceo → Employee/);
  t.regex(error!.message, /Employee\.company → Company/);
  t.regex(error!.message, /nullable/);
});

test('a required self-reference among new rows is a MetadataError naming it', (t) => {
  const [node] = allRequired([nodeMeta]);
  const root = make(Node, {});
  const child = make(Node, { parent: root });
  root.parent = child;
  const error = t.throws(() => planCommit([insert(node!, root), insert(node!, child)], [], []), { instanceOf: MetadataError });
  t.is(error!.code, 'FK_CYCLE');
  t.regex(error!.message, /Node\.parent → Node/);
});

test('deletes go in reverse FK order: rows pointing at others go first', (t) => {
  const u = make(User, { id: 1 });
  const p = make(Post, { id: 2, author: u });
  const steps = planCommit([del(userMeta, u), del(postMeta, p)], [], []);
  t.deepEqual(outline(steps), ['delete Post', 'delete User']);
});

test('deletes of unrelated rows keep the queue order', (t) => {
  const u = make(User, { id: 1 });
  const p = make(Post, { id: 2, author: make(User, { id: 9 }) });
  t.deepEqual(outline(planCommit([del(userMeta, u), del(postMeta, p)], [], [])), ['delete User', 'delete Post']);
});

test('a delete cycle through a nullable FK is unlinked first, then deleted in order', (t) => {
  const acme = make(Company, { id: 1 });
  const boss = make(Employee, { id: 2, company: acme });
  acme.ceo = boss;
  const steps = planCommit([del(companyMeta, acme), del(employeeMeta, boss)], [], []);
  t.deepEqual(outline(steps), ['unlink-before-delete Company', 'delete Employee', 'delete Company']);
  const unlink = steps[0] as Extract<CommitStep, { kind: 'unlink-before-delete' }>;
  t.deepEqual(unlink.changeSets.map((c) => c.entity), [acme]);
  t.deepEqual(unlink.props.map((p) => p.name), ['ceo']);
});

test('deleting a parent with its child unlinks the child first (self-reference)', (t) => {
  const root = make(Node, { id: 1, parent: null });
  const child = make(Node, { id: 2, parent: root });
  const steps = planCommit([del(nodeMeta, root), del(nodeMeta, child)], [], []);
  t.deepEqual(outline(steps), ['unlink-before-delete Node', 'delete Node']);
  t.deepEqual((steps[0] as Extract<CommitStep, { kind: 'unlink-before-delete' }>).changeSets.map((c) => c.entity), [child]);
  t.deepEqual((steps[1] as Extract<CommitStep, { kind: 'delete' }>).changeSets.map((c) => c.entity), [root, child]);
});

test('updates are one step per table, after inserts and fixups', (t) => {
  const u = make(User, { id: 1 });
  const p1 = make(Post, { id: 1, author: u });
  const p2 = make(Post, { id: 2, author: u });
  const acme = make(Company, {});
  const boss = make(Employee, { company: acme });
  acme.ceo = boss;
  const steps = planCommit(
    [update(postMeta, p1, { author: u }), insert(companyMeta, acme), update(postMeta, p2, { author: u }), insert(employeeMeta, boss)],
    [],
    [],
  );
  t.deepEqual(outline(steps), ['insert Company', 'insert Employee', 'fixup Company', 'update Post']);
  t.deepEqual((steps[3] as Extract<CommitStep, { kind: 'update' }>).changeSets.map((c) => c.entity), [p1, p2]);
});

test('phases run in order: inserts, updates, 1:N clears, link deletes, link inserts, deletes', (t) => {
  const tagsProp = postMeta.propertiesByName['tags'] as ManyToManyProperty;
  const postsProp = userMeta.propertiesByName['posts'] as OneToManyProperty;
  const u = make(User, { id: 1 });
  const newPost = make(Post, { author: u });
  const oldPost = make(Post, { id: 5, author: u });
  const gone = make(Post, { id: 6, author: u });
  const tag = make(Tag, { id: 3 });
  const none = { pivot: new Map(), pivotUpdates: [] };
  const addOnly: LinkDiff = { prop: tagsProp, ownerMeta: postMeta, owner: newPost, clear: false, insert: [tag], delete: [], ...none };
  const removeOnly: LinkDiff = { prop: tagsProp, ownerMeta: postMeta, owner: oldPost, clear: false, insert: [], delete: [tag], ...none };
  const replace: LinkDiff = { prop: tagsProp, ownerMeta: postMeta, owner: u, clear: true, insert: [tag], delete: [], ...none };
  const repivot: LinkDiff = { prop: tagsProp, ownerMeta: postMeta, owner: oldPost, clear: false, insert: [], delete: [], pivot: new Map(), pivotUpdates: [[tag, { weight: 1 }]] };
  const clear: ChildClear = { prop: postsProp, owner: u, keep: [] };
  const steps = planCommit(
    [del(postMeta, gone), update(postMeta, oldPost, { author: u }), insert(postMeta, newPost)],
    [addOnly, removeOnly, replace, repivot],
    [clear],
  );
  t.deepEqual(outline(steps), ['insert Post', 'update Post', 'child-clear', 'link-delete', 'link-insert', 'link-update', 'delete Post']);
  t.deepEqual((steps[5] as Extract<CommitStep, { kind: 'link-update' }>).diffs, [repivot]);
  const linkDelete = steps[3] as Extract<CommitStep, { kind: 'link-delete' }>;
  const linkInsert = steps[4] as Extract<CommitStep, { kind: 'link-insert' }>;
  // A link removed and re-added ends present because deletes run before inserts.
  t.deepEqual(linkDelete.diffs, [removeOnly, replace]);
  t.deepEqual(linkInsert.diffs, [addOnly, replace]);
  t.deepEqual((steps[2] as Extract<CommitStep, { kind: 'child-clear' }>).clears, [clear]);
});

test('the planner is pure: the change sets it is given are left as they were', (t) => {
  const acme = make(Company, {});
  const boss = make(Employee, { company: acme });
  acme.ceo = boss;
  const sets = [insert(employeeMeta, boss, { company: acme }), insert(companyMeta, acme, { ceo: boss })];
  planCommit(sets, [], []);
  t.is(sets[0]!.payload['company'], acme);
  t.is(sets[1]!.payload['ceo'], boss);
  t.is(acme.ceo, boss);
  // Planning twice gives the same plan.
  t.deepEqual(outline(planCommit(sets, [], [])), outline(planCommit(sets, [], [])));
});
