import type {
  EntityMetadata, HookName, ManyToManyProperty, OneToManyProperty, PropertyMetadata, RelationProperty, ScalarProperty,
} from '../metadata/types.js';

/**
 * What the flush needs to know about an entity type, computed once: the passes over managed
 * entities skip whole types that have nothing for them (no relations, no hooks, ...), which keeps a
 * flush of 10,000 plain rows from walking metadata 10,000 times.
 */
export interface TypeTraits {
  /** Relation properties (anything but scalars). */
  readonly relations: readonly RelationProperty[];
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
}

const cache = new WeakMap<EntityMetadata, TypeTraits>();

export function traitsOf(meta: EntityMetadata): TypeTraits {
  let t = cache.get(meta);
  if (t) return t;
  const scalars = meta.properties.filter((p): p is ScalarProperty => p.kind === 'scalar');
  const relations = meta.properties.filter((p): p is RelationProperty => p.kind !== 'scalar');
  const collections = relations.filter((p): p is OneToManyProperty | ManyToManyProperty => p.kind === '1:m' || p.kind === 'm:n');
  t = {
    relations,
    collections,
    orphanCollections: collections.filter((p): p is OneToManyProperty => p.kind === '1:m' && p.orphanRemoval),
    cascadeRemove: relations.filter(
      (p) => p.cascade.has('remove') || ((p.kind === '1:m' || (p.kind === '1:1' && !p.owner)) && p.orphanRemoval),
    ),
    updateWork: meta.hooks.beforeUpdate.length > 0 || meta.properties.some((p) => p.kind === 'scalar' && p.onUpdate),
    hooks: new Set((Object.keys(meta.hooks) as HookName[]).filter((h) => meta.hooks[h].length > 0)),
    generatedOnCreate: scalars.filter((p) => p.onCreate || p.column.default !== undefined || p.version),
    generatedOnUpdate: scalars.filter((p) => p.onUpdate),
  };
  cache.set(meta, t);
  return t;
}
