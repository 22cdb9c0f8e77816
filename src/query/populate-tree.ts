import { UsageError } from '../errors/usage-error.js';
import type { EntityMetadata, LoadStrategy, ManyThroughProperty, ManyToManyProperty, OneToManyProperty, OrderBy, RelationProperty } from '../metadata/types.js';
import { isPlainCriteria } from './criteria.js';
import { orderColumns } from './select-builder.js';

/** One populated relation, with what the query says about its items. */
export interface PopulateNode {
  readonly prop: RelationProperty;
  readonly children: PopulateTree;
  /** Criteria the items must meet (`populateWhere`); collections only. */
  where?: Record<string, unknown>;
  /** Replaces the relation's own `orderBy` (`populateOrderBy`); collections only. */
  orderBy?: OrderBy;
  /** Effective strategy: `joined` only where one statement can reach the target (same connection). */
  readonly strategy: LoadStrategy;
  /** A partial load of a to-one target (`fields: ['author.name']`): its columns, and what they leave out. */
  fields?: { readonly columns: readonly string[]; readonly unloaded: ReadonlySet<string> };
}

/** Populated relations by property name, nested: `['posts.comments']` → posts → comments. */
export type PopulateTree = Map<string, PopulateNode>;

export interface PopulateSpec {
  readonly paths: readonly string[];
  /** Add eager relations at every level (find: yes; em.populate: only what was asked). */
  readonly eager: boolean;
  readonly where?: unknown;
  readonly orderBy?: unknown;
  /** Query-level strategy; wins over each relation's own `strategy` option. */
  readonly strategy?: LoadStrategy;
  /** Throws the criteria compiler's UsageError for bad criteria on the items of `prop`, before any SQL. */
  readonly checkWhere: (owner: EntityMetadata, prop: OneToManyProperty | ManyToManyProperty | ManyThroughProperty, where: Record<string, unknown>) => void;
}

const STRATEGIES: readonly LoadStrategy[] = ['select-in', 'joined'];

/**
 * Paths, `populateWhere` and `populateOrderBy` → a validated tree. Everything a user can get wrong
 * (unknown paths, constraints on relations that are not populated, bad criteria or order) throws
 * here, before the first statement is sent.
 */
export function buildPopulateTree(meta: EntityMetadata, spec: PopulateSpec): PopulateTree {
  if (spec.strategy !== undefined && !STRATEGIES.includes(spec.strategy)) {
    throw new UsageError('BAD_OPTION', `strategy for a ${meta.name} query must be 'select-in' or 'joined', got ${JSON.stringify(spec.strategy)}.`);
  }
  const root: PopulateTree = new Map();
  for (const path of spec.paths) addPath(meta, root, path, spec.strategy);
  if (spec.eager) addEager(meta, root, new Set(), spec.strategy);
  if (spec.where !== undefined && spec.where !== null) {
    applyWhere(meta, root, spec.where, 'populateWhere', spec.checkWhere);
  }
  if (spec.orderBy !== undefined && spec.orderBy !== null) {
    applyOrderBy(meta, root, spec.orderBy, 'populateOrderBy');
  }
  return root;
}

/** Children of `node` that are joined into the query that loads `node`. */
export function joinedChildren(node: PopulateNode): PopulateNode[] {
  return [...node.children.values()].filter((c) => c.strategy === 'joined');
}

function relationNames(meta: EntityMetadata): string {
  return meta.properties.filter((x) => x.kind !== 'scalar').map((x) => x.name).join(', ') || 'none';
}

function addPath(meta: EntityMetadata, root: PopulateTree, path: string, strategy: LoadStrategy | undefined): void {
  if (typeof path !== 'string' || !path) {
    throw new UsageError('UNKNOWN_POPULATE', `populate takes relation paths such as 'posts.comments', got ${JSON.stringify(path)} for ${meta.name}.`);
  }
  let level = root;
  let current = meta;
  for (const part of path.split('.')) {
    if (part === '*') {
      for (const p of current.properties) if (p.kind !== 'scalar' && !level.has(p.name)) level.set(p.name, newNode(current, p, strategy));
      return;
    }
    const p = current.propertiesByName[part];
    if (!p || p.kind === 'scalar') {
      throw new UsageError(
        'UNKNOWN_POPULATE',
        `Cannot populate '${path}': ${current.name}.${part} ${p ? 'is not a relation' : 'does not exist'}. Relations of ${current.name}: ${relationNames(current)}.`,
      );
    }
    let node = level.get(part);
    if (!node) level.set(part, (node = newNode(current, p, strategy)));
    level = node.children;
    current = p.target;
  }
}

function addEager(meta: EntityMetadata, level: PopulateTree, seen: Set<EntityMetadata>, strategy: LoadStrategy | undefined): void {
  // Eager relations form cycles easily (a team's players' team); each entity adds its own once per path.
  if (seen.has(meta)) return;
  seen.add(meta);
  for (const p of meta.properties) {
    if (p.kind !== 'scalar' && p.eager && !level.has(p.name)) level.set(p.name, newNode(meta, p, strategy));
  }
  for (const node of level.values()) addEager(node.prop.target, node.children, new Set(seen), strategy);
}

function newNode(parent: EntityMetadata, prop: RelationProperty, requested: LoadStrategy | undefined): PopulateNode {
  const wanted = requested ?? prop.strategy ?? 'select-in';
  // One statement cannot span two databases: such relations are loaded select-in whatever was asked.
  // A has-many-through is always read on its own (a join along its path would multiply the parent's rows).
  const reachable = prop.kind !== 'through' && prop.target.connection === parent.connection && (prop.kind !== 'm:n' || prop.pivot.connection === parent.connection);
  return { prop, children: new Map(), strategy: wanted === 'joined' && reachable ? 'joined' : 'select-in' };
}

/** The node for `name` at this level, which must be a populated collection. */
function constrainedNode(meta: EntityMetadata, level: PopulateTree, name: string, option: string, path: string): PopulateNode {
  const prop = meta.propertiesByName[name];
  const code = option === 'populateWhere' ? 'BAD_POPULATE_WHERE' : 'BAD_POPULATE_ORDER_BY';
  if (!prop) {
    throw new UsageError(code, `${path} names ${meta.name}.${name}, which does not exist. Relations of ${meta.name}: ${relationNames(meta)}.`);
  }
  if (prop.kind !== '1:m' && prop.kind !== 'm:n' && prop.kind !== 'through') {
    throw new UsageError(
      code,
      `${path} names ${meta.name}.${name}, which is ${prop.kind === 'scalar' ? 'not a relation' : 'a to-one relation'}: ${option} constrains the items of populated collections. ` +
        `Filter ${meta.name} itself with the query's where / orderBy instead.`,
    );
  }
  const node = level.get(name);
  if (!node) {
    throw new UsageError(code, `${path} names ${meta.name}.${name}, which is not populated. Add '${name}' (with its parents) to populate, or remove it from ${option}.`);
  }
  return node;
}

/**
 * `populateWhere` mirrors the entity shape. At the top level every key names a populated
 * collection; inside, a key naming a populated collection constrains that collection's items, and
 * everything else is criteria for the items of the level.
 */
function applyWhere(meta: EntityMetadata, level: PopulateTree, where: unknown, path: string, check: PopulateSpec['checkWhere']): void {
  if (!isPlainCriteria(where)) {
    throw new UsageError(
      'BAD_POPULATE_WHERE',
      `${path} must be an object keyed by populated collections of ${meta.name} (e.g. { ${firstCollection(meta)}: { ... } }), got ${describe(where)}.`,
    );
  }
  for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
    if (value === undefined) continue;
    applyWhereToNode(meta, constrainedNode(meta, level, key, 'populateWhere', `${path}.${key}`), value, `${path}.${key}`, check);
  }
}

function applyWhereToNode(owner: EntityMetadata, node: PopulateNode, where: unknown, path: string, check: PopulateSpec['checkWhere']): void {
  const target = node.prop.target;
  if (!isPlainCriteria(where)) {
    throw new UsageError(
      'BAD_POPULATE_WHERE',
      `${path} must be criteria for the ${target.name} items of ${node.prop.entity}.${node.prop.name} (e.g. { id: { $gt: 1 } }), got ${describe(where)}.`,
    );
  }
  // Keyed by the user's keys: no prototype for a `__proto__` key to replace.
  const own: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
    if (value === undefined) continue;
    const p = target.propertiesByName[key];
    if ((p?.kind === '1:m' || p?.kind === 'm:n' || p?.kind === 'through') && node.children.has(key)) {
      applyWhereToNode(target, node.children.get(key)!, value, `${path}.${key}`, check);
    } else {
      own[key] = value;
    }
  }
  if (Object.keys(own).length) {
    check(owner, node.prop as OneToManyProperty | ManyToManyProperty | ManyThroughProperty, own);
    node.where = node.where ? { $and: [node.where, own] } : own;
  }
}

/** `populateOrderBy`: `{ posts: { createdAt: 'desc', comments: { id: 'asc' } } }`. */
function applyOrderBy(meta: EntityMetadata, level: PopulateTree, orderBy: unknown, path: string): void {
  if (!isPlainCriteria(orderBy)) {
    throw new UsageError(
      'BAD_POPULATE_ORDER_BY',
      `${path} must be an object keyed by populated collections of ${meta.name} (e.g. { ${firstCollection(meta)}: { id: 'desc' } }), got ${describe(orderBy)}.`,
    );
  }
  for (const [key, value] of Object.entries(orderBy as Record<string, unknown>)) {
    if (value === undefined) continue;
    const node = constrainedNode(meta, level, key, 'populateOrderBy', `${path}.${key}`);
    applyOrderToNode(node, value, `${path}.${key}`);
  }
}

function applyOrderToNode(node: PopulateNode, orderBy: unknown, path: string): void {
  const target = node.prop.target;
  if (!isPlainCriteria(orderBy)) {
    throw new UsageError(
      'BAD_POPULATE_ORDER_BY',
      `${path} must order the ${target.name} items of ${node.prop.entity}.${node.prop.name}, e.g. { id: 'desc' }, got ${describe(orderBy)}.`,
    );
  }
  const own: OrderBy = Object.create(null);
  for (const [key, value] of Object.entries(orderBy as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (value !== null && typeof value === 'object') {
      applyOrderToNode(constrainedNode(target, node.children, key, 'populateOrderBy', `${path}.${key}`), value, `${path}.${key}`);
    } else {
      own[key] = value as OrderBy[string];
    }
  }
  if (Object.keys(own).length) {
    orderColumns(target, own); // unknown properties and directions fail now, not after the first query
    node.orderBy = { ...node.orderBy, ...own };
  }
}

function firstCollection(meta: EntityMetadata): string {
  return meta.properties.find((p) => p.kind === '1:m' || p.kind === 'm:n')?.name ?? 'items';
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
