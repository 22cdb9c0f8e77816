import { MetadataError } from '../errors/metadata-error.js';
import { DECORATOR_OF } from '../decorators/raw-metadata.js';
import {
  inverseName, keyColumns, relationBase, resolveTarget, tryTargetClass, type Ctx, type EntityBuilder, type Mutable, type RawOf,
} from './discovery-context.js';
import type { ColumnMetadata, EntityMetadata, ManyToManyProperty, ManyToOneProperty, PivotMetadata } from './types.js';

type RawManyToMany = RawOf<'m:n'>;

/** Resolves every ManyToMany of `b`: owner sides build the pivot, inverse sides borrow it. */
export function resolveManyToMany(ctx: Ctx, b: EntityBuilder): void {
  for (const r of b.raw) {
    if (r.kind === 'm:n' && !b.properties.some((p) => p.name === r.name)) resolveOne(ctx, b, r);
  }
}

/**
 * Which side owns the join table: the one that says `owner: true`; else the one whose other side
 * says `owner: false`; a side that names no inverse is unidirectional and owns its own. Both sides
 * are checked against each other here, so a mismatch is reported from whichever comes first.
 */
function isOwner(ctx: Ctx, b: EntityBuilder, r: RawManyToMany, target: EntityBuilder): boolean {
  const inv = inverseName(r.inverse);
  if (!inv) {
    if (r.options.owner === false) {
      throw new MetadataError(
        'NO_OWNER',
        `${b.name}.${r.name} says owner: false but names no other side, so no side would own the join table. ` +
          `Remove owner: false (a unidirectional many-to-many owns its join table), or name the owning side: @ManyToMany(() => ${target.name}, x => x.<property>).`,
        { entity: b.name, property: r.name },
      );
    }
    return true;
  }
  const other = target.raw.find((x) => x.name === inv);
  if (other?.kind !== 'm:n') {
    throw new MetadataError(
      other ? 'INVERSE_MISMATCH' : 'MISSING_INVERSE',
      `${b.name}.${r.name} names ${target.name}.${inv} as its other side, but ${other ? `that is not a @ManyToMany (it is a @${DECORATOR_OF[other.kind]})` : `${target.name} has no such property`}. ` +
        `Add @ManyToMany(() => ${b.name}, x => x.${r.name}) ${inv} to ${target.name}, or drop the second argument for a unidirectional relation.`,
      { entity: b.name, property: r.name },
    );
  }
  const otherTarget = resolveTarget(ctx, target, other.name, other.target, 'ManyToMany');
  if (otherTarget !== b) {
    throw new MetadataError(
      'INVERSE_MISMATCH',
      `${b.name}.${r.name} names ${target.name}.${inv} as its other side, but that @ManyToMany targets ${otherTarget.name}, not ${b.name}. ` +
        `Point the second argument at a @ManyToMany(() => ${b.name}) of ${target.name}.`,
      { entity: b.name, property: r.name },
    );
  }
  const otherInv = inverseName(other.inverse);
  if (otherInv !== undefined && otherInv !== r.name) {
    throw new MetadataError(
      'INVERSE_MISMATCH',
      `${b.name}.${r.name} names ${target.name}.${inv} as its other side, but ${target.name}.${inv} names ${b.name}.${otherInv}. ` +
        `The two sides of a many-to-many must name each other: fix the second argument of one of them.`,
      { entity: b.name, property: r.name },
    );
  }
  const mine = r.options.owner;
  // A side that names no inverse is unidirectional, which makes it an owner of its own.
  const theirs = other.options.owner ?? (otherInv === undefined ? true : undefined);
  if (mine === true && theirs === true) {
    const why = other.options.owner === true ? 'both say owner: true' : `both own a join table (${target.name}.${inv} names no other side, so it owns its own)`;
    throw new MetadataError(
      'BOTH_SIDES_OWNER',
      `${b.name}.${r.name} and ${target.name}.${inv} ${why}. Exactly one side of a many-to-many owns the join table: remove owner from one of them` +
        `${otherInv === undefined ? `, and name the other side on ${target.name}.${inv}: @ManyToMany(() => ${b.name}, x => x.${r.name})` : ''}.`,
      { entity: b.name, property: r.name },
    );
  }
  if (mine !== undefined && mine !== theirs) return mine;
  if (mine === undefined && theirs !== undefined) return !theirs;
  const crossing = b.connection !== target.connection
    ? ` They live on different connections (${b.connection}, ${target.connection}): the join table is created on the owner's connection, so choose the side whose database should hold it.`
    : '';
  throw new MetadataError(
    'NO_OWNER',
    `${b.name}.${r.name} and ${target.name}.${inv} form a bidirectional many-to-many with no owner${mine === false ? ' (both say owner: false)' : ''}. ` +
      `Add { owner: true } to one side (Waterline's dominant: true).${crossing}`,
    { entity: b.name, property: r.name },
  );
}

function resolveOne(ctx: Ctx, b: EntityBuilder, r: RawManyToMany): void {
  const target = resolveTarget(ctx, b, r.name, r.target, 'ManyToMany');
  const owner = isOwner(ctx, b, r, target);
  const inv = inverseName(r.inverse);
  const common = {
    kind: 'm:n' as const,
    ...relationBase(b, r.name, target, r.options),
    orderBy: r.options.orderBy,
  };
  if (owner) {
    b.properties.push({ ...common, owner: true, inversedBy: inv, pivot: buildPivot(ctx, b, r, target) });
    return;
  }
  // isOwner made sure the other side exists, is a many-to-many back to `b`, and owns the pivot.
  const otherName = inv!;
  if (r.options.through) {
    throw new MetadataError(
      'BAD_THROUGH',
      `${b.name}.${r.name} is the inverse side of a many-to-many but sets \`through\`; set it on the owner side (${target.name}.${otherName}) only.`,
      { entity: b.name, property: r.name },
    );
  }
  if (!target.properties.some((p) => p.name === otherName)) resolveOne(ctx, target, target.raw.find((x) => x.name === otherName) as RawManyToMany);
  const owning = target.properties.find((p) => p.name === otherName) as Mutable<ManyToManyProperty>;
  // The owner may name no inverse (it reads as unidirectional); this side completes the pair.
  owning.inversedBy ??= r.name;
  b.properties.push({ ...common, owner: false, mappedBy: otherName, pivot: owning.pivot });
}

/**
 * The two @ManyToOne of a through entity `b` that point at the sides of the many-to-many going
 * through it (owner side first), when some ManyToMany names `b` as `through`; else undefined.
 * Primary-key discovery keys a through entity without @PrimaryKey by them.
 */
export function throughKeyRelations(ctx: Ctx, b: EntityBuilder): [RawOf<'m:1'>, RawOf<'m:1'>] | undefined {
  for (const owner of ctx.builders.values()) {
    for (const r of owner.raw) {
      // A throwing target or through is reported when that relation itself is resolved.
      if (r.kind !== 'm:n' || !r.options.through || tryTargetClass(r.options.through) !== b.class) continue;
      const targetClass = tryTargetClass(r.target);
      const toOnes = b.raw.filter((x): x is RawOf<'m:1'> => x.kind === 'm:1');
      const toOwner = toOnes.find((x) => tryTargetClass(x.target) === owner.class);
      const toTarget = toOnes.find((x) => x !== toOwner && tryTargetClass(x.target) === targetClass);
      if (!toOwner || !toTarget) {
        const found = toOnes.map((x) => `${x.name} → ${(tryTargetClass(x.target) as Function | undefined)?.name ?? '?'}`);
        throw badThrough(owner, r.name, b.name, (targetClass as Function | undefined)?.name ?? 'the target', found);
      }
      return [toOwner, toTarget];
    }
  }
  return undefined;
}

function badThrough(owner: EntityBuilder, property: string, through: string, target: string, found: string[]): MetadataError {
  return new MetadataError(
    'BAD_THROUGH',
    `${owner.name}.${property} goes through ${through}, which needs a @ManyToOne(() => ${owner.name}) and a @ManyToOne(() => ${target}) ` +
      `(owner side first). It has: ${found.join(', ') || 'no @ManyToOne'}.`,
    { entity: owner.name, property },
  );
}

function buildPivot(ctx: Ctx, b: EntityBuilder, r: RawManyToMany, target: EntityBuilder): PivotMetadata {
  if (r.options.through) return throughPivot(ctx, b, r, target);
  const ownerCols = keyColumns(b);
  const targetCols = keyColumns(target);
  const pick = (explicit: string | undefined, option: string, side: EntityBuilder, cols: ColumnMetadata[]): ColumnMetadata[] => {
    if (explicit !== undefined && cols.length !== 1) {
      throw new MetadataError(
        'BAD_COMPOSITE_KEY',
        `${b.name}.${r.name}: ${side.name} has a ${cols.length}-column primary key (${cols.map((c) => c.name).join(', ')}); a single ${option} cannot reference it. ` +
          `Remove ${option} to get one column per key column, or map the join table as a \`through\` entity.`,
        { entity: b.name, property: r.name },
      );
    }
    return cols.map((c) => ({
      name: explicit ?? ctx.naming.joinTableColumnName(side.tableName, c.name),
      type: c.type,
      length: c.length,
      nullable: false,
      primary: true,
      autoincrement: false,
      unique: false,
      index: false,
      property: r.name,
    }));
  };
  return {
    tableName: r.options.pivotTable ?? ctx.naming.joinTableName(b.tableName, target.tableName, r.name),
    connection: b.connection,
    joinColumns: pick(r.options.joinColumn, 'joinColumn', b, ownerCols),
    inverseJoinColumns: pick(r.options.inverseJoinColumn, 'inverseJoinColumn', target, targetCols),
    ownerReferencedColumns: ownerCols.map((c) => c.name),
    targetReferencedColumns: targetCols.map((c) => c.name),
    constraint: (r.options.constraints ?? true) && b.connection === target.connection,
  };
}

function throughPivot(ctx: Ctx, b: EntityBuilder, r: RawManyToMany, target: EntityBuilder): PivotMetadata {
  const through = resolveTarget(ctx, b, r.name, r.options.through!, 'ManyToMany through');
  const toOnes = through.properties.filter((p): p is ManyToOneProperty => p.kind === 'm:1');
  const toOwner = toOnes.find((p) => p.target === (b as unknown as EntityMetadata));
  const toTarget = toOnes.find((p) => p.target === (target as unknown as EntityMetadata) && p !== toOwner);
  if (!toOwner || !toTarget) {
    throw badThrough(b, r.name, through.name, target.name, toOnes.map((p) => `${p.name} → ${p.target.name}`));
  }
  if (through.connection !== b.connection) {
    throw new MetadataError(
      'BAD_THROUGH',
      `${b.name}.${r.name} goes through ${through.name}, which must live on the owner's connection '${b.connection}', not '${through.connection}'. Set @Entity({ connection: '${b.connection}' }) on ${through.name}.`,
      { entity: b.name, property: r.name },
    );
  }
  through.isPivot = true;
  for (const side of [toOwner, toTarget]) {
    // Like the rows of an implicit join table, link rows go with either side's row unless told otherwise.
    const raw = through.raw.find((x) => x.name === side.name) as RawOf<'m:1'>;
    if (raw.options.deleteRule === undefined) (side as Mutable<ManyToOneProperty>).deleteRule = 'cascade';
  }
  if (!toOwner.primary || !toTarget.primary) {
    // Duplicate pairs in the link table would break the collection's set semantics.
    through.rawClass.uniques.push({ properties: [toOwner.name, toTarget.name] });
  }
  return {
    tableName: through.tableName,
    connection: through.connection,
    joinColumns: toOwner.joinColumns,
    inverseJoinColumns: toTarget.joinColumns,
    ownerReferencedColumns: toOwner.referencedColumns,
    targetReferencedColumns: toTarget.referencedColumns,
    through: through as unknown as EntityMetadata,
    ownerProperty: toOwner.name,
    targetProperty: toTarget.name,
    constraint: toOwner.constraint && toTarget.constraint,
  };
}
