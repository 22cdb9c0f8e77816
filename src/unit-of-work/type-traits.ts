import type {
  DirectRelationProperty, EntityMetadata, HookName, ManyToManyProperty, OneToManyProperty, PropertyMetadata, ScalarProperty,
} from '../metadata/types.js';

/**
 * What the flush needs to know about an entity type, computed once: the passes over managed
 * entities skip whole types that have nothing for them (no relations, no hooks, ...), which keeps a
 * flush of 10,000 plain rows from walking metadata 10,000 times.
 */
export interface TypeTraits {
  /** Relation properties (anything but scalars). */
  readonly relations: readonly DirectRelationProperty[];
  /** OneToMany and ManyToMany properties. */
  readonly collections: readonly (OneToManyProperty | ManyToManyProperty)[];
  /** OneToMany properties with orphanRemoval. */
  readonly orphanCollections: readonly OneToManyProperty[];
  /** Relations whose targets go when the owner is removed. */
  readonly cascadeRemove: readonly PropertyMetadata[];
  /** Whether an update runs code first: beforeUpdate hooks or onUpdate values. */
  readonly updateWork: boolean;
  /** Hook names that have at least one method. */
  readonly hooks: ReadonlySet<HookName>;
  /** Scalars a new entity may get a value for at flush: `onCreate`, `default`, version. */
  readonly generatedOnCreate: readonly ScalarProperty[];
  /** Scalars with `onUpdate`. */
  readonly generatedOnUpdate: readonly ScalarProperty[];
  /** Whether a deleted entity must be taken out of collections or to-ones that point at it. */
  readonly unlinkOnDelete: boolean;
  /** Whether a before-flush pass has anything to do for this type (hooks or generated values). */
  readonly beforeWork: boolean;
}

/** What a flush must do for a whole set of entity types: a pass none of them needs is skipped. */
export interface FlushTraits {
  readonly relations: boolean;
  readonly collections: boolean;
  readonly orphanCollections: boolean;
  readonly cascadeRemove: boolean;
  readonly beforeWork: boolean;
  readonly afterHooks: boolean;
  readonly unlinkOnDelete: boolean;
}

/** The union of the traits of `metas` (each flag true when any type needs it). */
export function flushTraitsOf(metas: Iterable<EntityMetadata>): FlushTraits {
  let relations = false, collections = false, orphanCollections = false, cascadeRemove = false;
  let beforeWork = false, afterHooks = false, unlinkOnDelete = false;
  for (const meta of metas) {
    const t = traitsOf(meta);
    relations ||= t.relations.length > 0;
    collections ||= t.collections.length > 0;
    orphanCollections ||= t.orphanCollections.length > 0;
    cascadeRemove ||= t.cascadeRemove.length > 0;
    beforeWork ||= t.beforeWork;
    afterHooks ||= t.hooks.has('afterCreate') || t.hooks.has('afterUpdate') || t.hooks.has('afterDelete');
    unlinkOnDelete ||= t.unlinkOnDelete;
  }
  return { relations, collections, orphanCollections, cascadeRemove, beforeWork, afterHooks, unlinkOnDelete };
}

const cache = new WeakMap<EntityMetadata, TypeTraits>();

export function traitsOf(meta: EntityMetadata): TypeTraits {
  let t = cache.get(meta);
  if (t) return t;
  const scalars = meta.properties.filter((p): p is ScalarProperty => p.kind === 'scalar');
  // A has-many-through is read-only: nothing to cascade, propagate or write, so the flush never sees it.
  const relations = meta.properties.filter((p): p is DirectRelationProperty => p.kind !== 'scalar' && p.kind !== 'through');
  const collections = relations.filter((p): p is OneToManyProperty | ManyToManyProperty => p.kind === '1:m' || p.kind === 'm:n');
  const hooks = new Set((Object.keys(meta.hooks) as HookName[]).filter((h) => meta.hooks[h].length > 0));
  const generatedOnCreate = scalars.filter((p) => p.onCreate || p.column.default !== undefined || p.version);
  const updateWork = meta.hooks.beforeUpdate.length > 0 || meta.properties.some((p) => p.kind === 'scalar' && p.onUpdate);
  t = {
    relations,
    collections,
    orphanCollections: collections.filter((p): p is OneToManyProperty => p.kind === '1:m' && p.orphanRemoval),
    cascadeRemove: relations.filter(
      (p) => p.cascade.has('remove') || ((p.kind === '1:m' || (p.kind === '1:1' && !p.owner)) && p.orphanRemoval),
    ),
    updateWork,
    hooks,
    generatedOnCreate,
    generatedOnUpdate: scalars.filter((p) => p.onUpdate),
    // Mirrors UnitOfWork.#unlinkRemoved: what it looks at.
    unlinkOnDelete: meta.properties.some((p) => (p.kind === 'm:1' && !!p.inversedBy) || p.kind === 'm:n'),
    beforeWork: hooks.has('beforeCreate') || hooks.has('beforeDelete') || generatedOnCreate.length > 0 || updateWork,
  };
  cache.set(meta, t);
  return t;
}
