import { MetadataError } from '../errors/metadata-error.js';
import type { RawProperty } from '../decorators/raw-metadata.js';
import type { InverseSide } from '../decorators/options.js';
import { cascadeOf, lowerFirst, resolveTarget, type Ctx, type EntityBuilder } from './discovery.js';
import type { ColumnMetadata, EntityMetadata, ManyToManyProperty, ManyToOneProperty, PivotMetadata } from './types.js';

type RawManyToMany = Extract<RawProperty, { kind: 'm:n' }>;

function inverseName(inverse: InverseSide | undefined): string | undefined {
  if (!inverse) return undefined;
  const got = inverse(new Proxy({}, { get: (_t, key) => key }));
  return typeof got === 'string' ? got : undefined;
}

/** Resolves every ManyToMany of `b`: owner sides build the pivot, inverse sides borrow it. */
export function resolveManyToMany(ctx: Ctx, b: EntityBuilder): void {
  for (const r of b.raw) {
    if (r.kind === 'm:n' && !b.properties.some((p) => p.name === r.name)) resolveOne(ctx, b, r);
  }
}

function isOwner(ctx: Ctx, b: EntityBuilder, r: RawManyToMany, target: EntityBuilder): boolean {
  const inv = inverseName(r.inverse);
  const other = inv ? target.raw.find((x) => x.name === inv) : undefined;
  if (inv && (!other || other.kind !== 'm:n')) {
    throw new MetadataError(
      other ? 'INVERSE_MISMATCH' : 'MISSING_INVERSE',
      `${b.name}.${r.name} names ${target.name}.${inv} as its other side, but ${other ? `that is not a @ManyToMany (it is ${other.kind})` : `${target.name} has no such property`}. ` +
        `Add @ManyToMany(() => ${b.name}, x => x.${r.name}) ${inv} to ${target.name}, or drop the second argument for a unidirectional relation.`,
      { entity: b.name, property: r.name },
    );
  }
  const otherOwner = other?.kind === 'm:n' ? other.options.owner : undefined;
  if (r.options.owner === true && otherOwner === true) {
    throw new MetadataError(
      'BOTH_SIDES_OWNER',
      `${b.name}.${r.name} and ${target.name}.${inv} both say owner: true. Exactly one side of a many-to-many owns the join table: remove owner from one of them.`,
      { entity: b.name, property: r.name },
    );
  }
  if (r.options.owner !== undefined) return r.options.owner;
  if (!inv) return true;
  if (otherOwner === true) return false;
  if (otherOwner === false) return true;
  // Both sides name each other and neither says who owns the join table.
  const crossing = b.connection !== target.connection
    ? ` They live on different connections (${b.connection}, ${target.connection}): the join table is created on the owner's connection, so choose the side whose database should hold it.`
    : '';
  throw new MetadataError(
    'NO_OWNER',
    `${b.name}.${r.name} and ${target.name}.${inv} form a bidirectional many-to-many with no owner. Add { owner: true } to one side (Waterline's dominant: true).${crossing}`,
    { entity: b.name, property: r.name },
  );
}

function resolveOne(ctx: Ctx, b: EntityBuilder, r: RawManyToMany): void {
  const target = resolveTarget(ctx, b, r.name, r.target, 'ManyToMany');
  const owner = isOwner(ctx, b, r, target);
  const inv = inverseName(r.inverse);
  const common = {
    kind: 'm:n' as const,
    name: r.name,
    entity: b.name,
    target: target as unknown as EntityMetadata,
    cascade: cascadeOf(r.options.cascade),
    eager: r.options.eager ?? false,
    hidden: r.options.hidden ?? false,
    orderBy: r.options.orderBy,
  };
  if (owner) {
    b.properties.push({ ...common, owner: true, inversedBy: inv, pivot: buildPivot(ctx, b, r, target) });
    return;
  }
  if (r.options.through) {
    throw new MetadataError('BAD_THROUGH', `${b.name}.${r.name} is the inverse side of a many-to-many but sets \`through\`; set it on the owner side (${target.name}.${inv}) only.`, { entity: b.name, property: r.name });
  }
  let owning = target.properties.find((p) => p.name === inv) as ManyToManyProperty | undefined;
  if (!owning) {
    resolveOne(ctx, target, target.raw.find((x) => x.name === inv) as RawManyToMany);
    owning = target.properties.find((p) => p.name === inv) as ManyToManyProperty;
  }
  b.properties.push({ ...common, owner: false, mappedBy: inv, pivot: owning.pivot });
}

function keyColumns(e: EntityBuilder): ColumnMetadata[] {
  return e.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.column] : [...k.joinColumns]));
}

function buildPivot(ctx: Ctx, b: EntityBuilder, r: RawManyToMany, target: EntityBuilder): PivotMetadata {
  const connectionsDiffer = b.connection !== target.connection;
  if (r.options.through) {
    const through = resolveTarget(ctx, b, r.name, r.options.through, 'ManyToMany through');
    const toOnes = through.properties.filter((p): p is ManyToOneProperty => p.kind === 'm:1');
    const toOwner = toOnes.find((p) => p.target === (b as unknown as EntityMetadata));
    const toTarget = toOnes.find((p) => p.target === (target as unknown as EntityMetadata) && p !== toOwner);
    if (!toOwner || !toTarget) {
      throw new MetadataError(
        'BAD_THROUGH',
        `${b.name}.${r.name} goes through ${through.name}, which needs a @ManyToOne(() => ${b.name}) and a @ManyToOne(() => ${target.name}) ` +
          `(owner side first). It has: ${toOnes.map((p) => `${p.name} → ${p.target.name}`).join(', ') || 'no @ManyToOne'}.`,
        { entity: b.name, property: r.name },
      );
    }
    if (through.connection !== b.connection) {
      throw new MetadataError('BAD_THROUGH', `${through.name} (through entity of ${b.name}.${r.name}) must live on the owner's connection '${b.connection}', not '${through.connection}'.`, { entity: through.name });
    }
    through.isPivot = true;
    if (!toOwner.primary) {
      // A link table with duplicate pairs breaks set semantics of the collection.
      (through.rawClass.uniques as { properties: string[]; name?: string }[]).push({ properties: [toOwner.name, toTarget.name] });
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
  const ownerCols = keyColumns(b);
  const targetCols = keyColumns(target);
  const pick = (explicit: string | undefined, table: string, cols: ColumnMetadata[], side: string): ColumnMetadata[] => {
    if (explicit && cols.length !== 1) {
      throw new MetadataError('BAD_COMPOSITE_KEY', `${b.name}.${r.name}: ${side} has a composite key; a single ${side === b.name ? 'joinColumn' : 'inverseJoinColumn'} cannot reference it.`, { entity: b.name, property: r.name });
    }
    return cols.map((c) => ({
      name: explicit ?? ctx.naming.joinTableColumnName(table, c.name),
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
    joinColumns: pick(r.options.joinColumn, b.tableName, ownerCols, b.name),
    inverseJoinColumns: pick(r.options.inverseJoinColumn, target.tableName, targetCols, target.name),
    ownerReferencedColumns: ownerCols.map((c) => c.name),
    targetReferencedColumns: targetCols.map((c) => c.name),
    constraint: (r.options.constraints ?? true) && !connectionsDiffer,
  };
}

export { lowerFirst };
