import { MetadataError } from '../errors/metadata-error.js';
import type { ToOneOptions } from '../decorators/options.js';
import type { RawProperty } from '../decorators/raw-metadata.js';
import {
  column, inverseName, keyColumns, relationBase, resolveTarget, type Ctx, type EntityBuilder, type RawOf,
} from './discovery-context.js';
import { throughKeyRelations } from './many-to-many.js';
import type { OneToOneOwnerProperty, PropertyMetadata, ReferentialAction, ScalarProperty } from './types.js';

// The relations whose FK lives in this entity's table (ManyToOne, owning OneToOne) and primary
// keys, resolved together: a key may be made of relations, and an FK needs its target's key.

type RawToOne = RawOf<'m:1' | '1:1'>;
type KeyProperty = EntityBuilder['primaryKeys'][number];

/** Scalar and relation keys; relation keys need the target's key first. */
export function resolvePrimaryKey(ctx: Ctx, b: EntityBuilder): void {
  if (b.keyResolved) return;
  b.resolvingKey = true;
  let relationKeys = b.raw.filter((r): r is RawToOne => isToOne(r) && r.options.primary === true);
  if (!relationKeys.length && !b.raw.some((r) => r.kind === 'primary')) {
    // A through entity may leave out its key: the two relations to the sides form it.
    const pair = throughKeyRelations(ctx, b);
    if (!pair) {
      throw new MetadataError(
        'NO_PRIMARY_KEY',
        `${b.name} has no primary key. Add @PrimaryKey() id!: number (or several @PrimaryKey() for a composite key).`,
        { entity: b.name },
      );
    }
    relationKeys = pair;
  }
  const keyNames = b.raw.filter((r) => r.kind === 'primary' || relationKeys.includes(r as RawToOne)).map((r) => r.name);
  for (const r of relationKeys) {
    if (r.kind === '1:1' && r.options.owner === false) {
      throw new MetadataError(
        'BAD_OPTION',
        `${b.name}.${r.name} is marked primary but is the inverse side of a one-to-one, which has no column. Mark the owning side primary instead.`,
        { entity: b.name, property: r.name },
      );
    }
    resolveToOne(ctx, b, r, true);
  }
  let keys = keyNames.map((n) => b.properties.find((p) => p.name === n) as KeyProperty);
  if (keys.length > 1) keys = keys.map((k) => withoutAutoincrement(b, k));
  b.primaryKeys = keys;
  b.primaryKeyColumns = keyColumns(b).map((c) => c.name);
  b.autoincrementPk = keys.length === 1 && keys[0]!.kind === 'scalar' && keys[0]!.autoincrement;
  b.resolvingKey = false;
  b.keyResolved = true;
}

function isToOne(r: RawProperty): r is RawToOne {
  return r.kind === 'm:1' || r.kind === '1:1';
}

/** In a composite key no part is generated: the user assigns the values. */
function withoutAutoincrement(b: EntityBuilder, k: KeyProperty): KeyProperty {
  if (k.kind !== 'scalar' || !k.autoincrement) return k;
  const raw = b.rawClass.properties.get(k.name) as RawOf<'primary'>;
  if (raw.options.autoincrement === true) {
    throw new MetadataError(
      'BAD_COMPOSITE_KEY',
      `${b.name}.${k.name} is part of a composite primary key and cannot be autoincrement. Remove \`autoincrement: true\`; composite key values are assigned by you.`,
      { entity: b.name, property: k.name },
    );
  }
  const fixed: ScalarProperty = { ...k, autoincrement: false, column: { ...k.column, autoincrement: false } };
  b.properties[b.properties.indexOf(k)] = fixed;
  return fixed;
}

/** Every ManyToOne and owning OneToOne of `b` not already resolved as part of a key. */
export function resolveToOnes(ctx: Ctx, b: EntityBuilder): void {
  for (const r of b.raw) {
    if (b.properties.some((p) => p.name === r.name)) continue;
    if (r.kind === 'm:1' || (r.kind === '1:1' && isOwningOneToOne(ctx, b, r))) resolveToOne(ctx, b, r);
  }
}

/** What one side of a one-to-one says about owning it on its own; undefined when it leaves it to the other side. */
function declaredOwner(r: RawOf<'1:1'>): boolean | undefined {
  if (r.options.owner !== undefined) return r.options.owner;
  // A shared primary key is a column, so the side that is part of the key holds it.
  if (r.options.primary) return true;
  // Naming no inverse makes it unidirectional: there is no other side to hold the FK.
  return r.inverse ? undefined : true;
}

/**
 * Who holds the FK of a one-to-one: the side that says `owner: true` (or is part of the key, or
 * is unidirectional); else the side whose other side says `owner: false`. Two owners are reported by
 * checkOwningSides once both are resolved; two inverse sides by the inverse-side pass.
 */
function isOwningOneToOne(ctx: Ctx, b: EntityBuilder, r: RawOf<'1:1'>): boolean {
  const mine = declaredOwner(r);
  if (mine !== undefined) return mine;
  const inv = inverseName(r.inverse);
  const target = resolveTarget(ctx, b, r.name, r.target, 'OneToOne');
  const other = target.raw.find((x) => x.name === inv);
  // Not a one-to-one: resolved as an inverse side, which reports what is wrong with it.
  if (other?.kind !== '1:1') return false;
  const theirs = declaredOwner(other);
  if (theirs === undefined) {
    throw new MetadataError(
      'NO_OWNER',
      `${b.name}.${r.name} and ${target.name}.${inv} form a one-to-one with no owner. Add { owner: true } to the side whose table should hold the foreign key.`,
      { entity: b.name, property: r.name },
    );
  }
  return !theirs;
}

export function resolveToOne(ctx: Ctx, b: EntityBuilder, r: RawToOne, primaryKey = false): void {
  if (b.properties.some((p) => p.name === r.name)) return;
  const target = resolveTarget(ctx, b, r.name, r.target, r.kind === 'm:1' ? 'ManyToOne' : 'OneToOne');
  if (target.resolvingKey) {
    // Only key relations are resolved while a key is being built, so this is a key made of itself.
    throw new MetadataError(
      'BAD_COMPOSITE_KEY',
      `${b.name}.${r.name} is part of ${b.name}'s primary key and targets ${target.name}, whose primary key is still being built from it: ` +
        `a key cannot depend on itself. Give ${target.name === b.name ? b.name : `${b.name} or ${target.name}`} its own @PrimaryKey().`,
      { entity: b.name, property: r.name },
    );
  }
  resolvePrimaryKey(ctx, target);
  const o: ToOneOptions = r.options;
  const targetCols = keyColumns(target);
  const names = o.joinColumns ? [...o.joinColumns] : o.joinColumn ? [o.joinColumn] : targetCols.map((c) => ctx.naming.joinColumnName(r.name, c.name));
  if (names.length !== targetCols.length) {
    throw new MetadataError(
      'BAD_COMPOSITE_KEY',
      `${b.name}.${r.name} names ${names.length} join column(s) (${names.join(', ')}) but ${target.name} has a ${targetCols.length}-column primary key ` +
        `(${targetCols.map((c) => c.name).join(', ')}). Use joinColumns: [${targetCols.map((c) => `'${ctx.naming.joinColumnName(r.name, c.name)}'`).join(', ')}].`,
      { entity: b.name, property: r.name },
    );
  }
  const primary = primaryKey || (o.primary ?? false);
  const nullable = primary ? false : (o.nullable ?? false);
  const deleteRule: ReferentialAction = o.deleteRule ?? (nullable ? 'set null' : 'no action');
  const updateRule: ReferentialAction = o.updateRule ?? 'cascade';
  for (const [option, rule] of [['deleteRule', deleteRule], ['updateRule', updateRule]] as const) {
    if (rule === 'set null' && !nullable) {
      throw new MetadataError(
        'BAD_OPTION',
        `${b.name}.${r.name} has ${option} 'set null' but ${primary ? 'is part of the primary key' : 'is not nullable'}. ` +
          `Add nullable: true or choose another ${option} ('cascade', 'restrict', 'no action').`,
        { entity: b.name, property: r.name },
      );
    }
  }
  const joinColumns = names.map((name, i) =>
    column({
      name,
      type: targetCols[i]!.type,
      length: targetCols[i]!.length,
      property: r.name,
      nullable,
      primary,
      // The FK of a one-to-one is unique, or it would be a many-to-one.
      unique: r.kind === '1:1' && !primary && targetCols.length === 1,
      index: o.index ?? false,
    }),
  );
  const base = {
    ...relationBase(b, r.name, target, o),
    joinColumns,
    referencedColumns: targetCols.map((c) => c.name),
    nullable,
    deleteRule,
    updateRule,
    // Databases cannot enforce an FK into another database.
    constraint: (o.constraints ?? true) && target.connection === b.connection,
    deferrable: o.deferrable === true,
    primary,
  };
  // inversedBy starts as what the user declared; inverse-side discovery fills in the rest.
  const prop: PropertyMetadata =
    r.kind === 'm:1'
      ? { ...base, kind: 'm:1', inversedBy: r.options.inversedBy }
      : ({ ...base, kind: '1:1', owner: true, inversedBy: inverseName(r.inverse) } satisfies OneToOneOwnerProperty);
  b.properties.push(prop);
}
