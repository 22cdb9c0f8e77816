import { isType } from './type.js';
import { MetadataError } from '../errors/metadata-error.js';
import { constraintName } from './constraint-names.js';
import type { JoinTableMetadata, MetadataSnapshot } from './metadata-storage-types.js';
import type { EntityMetadata, ForeignKeyMetadata, ManyToManyProperty } from './types.js';

function joinTableOf(owner: EntityMetadata, p: ManyToManyProperty): JoinTableMetadata {
  const pv = p.pivot;
  const fks: ForeignKeyMetadata[] = [];
  if (pv.constraint) {
    const own = pv.joinColumns.map((c) => c.name);
    const inv = pv.inverseJoinColumns.map((c) => c.name);
    fks.push(
      { name: constraintName(pv.tableName, own, 'foreign'), columns: own, referencedTable: owner.tableName, referencedColumns: pv.ownerReferencedColumns, deleteRule: 'cascade', updateRule: 'cascade', property: p.name, nullable: false },
      { name: constraintName(pv.tableName, inv, 'foreign'), columns: inv, referencedTable: p.target.tableName, referencedColumns: pv.targetReferencedColumns, deleteRule: 'cascade', updateRule: 'cascade', property: p.name, nullable: false },
    );
  }
  return {
    tableName: pv.tableName,
    connection: pv.connection,
    columns: [...pv.joinColumns, ...pv.inverseJoinColumns],
    primaryKeyColumns: [...pv.joinColumns, ...pv.inverseJoinColumns].map((c) => c.name),
    foreignKeys: fks,
    owner: p,
  };
}

/** Freezes the builders into the snapshot `Joinery` and everything downstream reads. */
export function buildSnapshot(entities: EntityMetadata[]): MetadataSnapshot {
  const joinTables: JoinTableMetadata[] = [];
  for (const e of entities) {
    for (const p of e.properties) {
      if (p.kind === 'm:n' && p.owner && !p.pivot.through) joinTables.push(joinTableOf(e, p));
    }
  }
  for (const e of entities) {
    const b = e as EntityMetadata & { raw?: unknown; rawClass?: unknown; resolvingKey?: unknown; keyResolved?: unknown };
    delete b.raw;
    delete b.rawClass;
    delete b.resolvingKey;
    delete b.keyResolved;
  }
  const byClass = new Map<Function, EntityMetadata>(entities.map((e) => [e.class, e]));
  const byName = new Map<string, EntityMetadata>(entities.map((e) => [e.name, e]));
  for (const e of entities) deepFreezeEntity(e);
  for (const j of joinTables) Object.freeze(j);
  const find = (entity: Function | string) => (typeof entity === 'string' ? byName.get(entity) : byClass.get(entity));
  return Object.freeze({
    entities: Object.freeze([...entities]),
    joinTables: Object.freeze(joinTables),
    find,
    get(entity: Function | string): EntityMetadata {
      const m = find(entity);
      if (!m) {
        const name = typeof entity === 'string' ? entity : entity?.name;
        throw new MetadataError(
          'NOT_AN_ENTITY',
          `${name} is not a known entity. Add it to \`entities\` in Joinery.init (and decorate it with @Entity()).`,
          { entity: name },
        );
      }
      return m;
    },
  });
}

function deepFreezeEntity(e: EntityMetadata): void {
  // Freeze the entity's own structures but not the classes or target entities they point at
  // (those are frozen in their own turn; classes must stay extensible).
  for (const p of e.properties) {
    for (const [k, v] of Object.entries(p)) {
      // A Type instance is the user's object (it may keep state of its own); its `context` is read-only.
      if (k === 'target' || k === 'cascade' || typeof v === 'function' || isType(v)) continue;
      if (v && typeof v === 'object') deepFreezeShallowTargets(v);
    }
    Object.freeze(p);
  }
  for (const k of ['properties', 'primaryKeys', 'primaryKeyColumns', 'columns', 'uniques', 'indexes', 'foreignKeys'] as const) {
    for (const item of e[k] as readonly unknown[]) if (item && typeof item === 'object') Object.freeze(item);
    Object.freeze(e[k]);
  }
  Object.freeze(e.hooks);
  Object.freeze(e.propertiesByName);
  Object.freeze(e);
}

function deepFreezeShallowTargets(o: object): void {
  if (Object.isFrozen(o)) return;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'through' || k === 'target' || isType(v)) continue;
    if (v && typeof v === 'object') deepFreezeShallowTargets(v);
  }
  Object.freeze(o);
}
