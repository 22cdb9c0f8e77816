import { MetadataError } from '../errors/metadata-error.js';
import { DECORATOR_OF } from '../decorators/raw-metadata.js';
import {
  inverseName, lowerFirst, relationBase, resolveTarget, type Ctx, type EntityBuilder, type Mutable, type RawOf,
} from './discovery-context.js';
import type { EntityMetadata, ManyToOneProperty, OneToOneOwnerProperty } from './types.js';

// The sides without a column (OneToMany, inverse OneToOne) are resolved against the owning sides
// that to-one.ts already built; then every owning side that names an inverse is checked against it.

export function resolveInverseSides(ctx: Ctx, b: EntityBuilder): void {
  for (const r of b.raw) {
    if (b.properties.some((p) => p.name === r.name)) continue;
    if (r.kind === '1:m') resolveOneToMany(ctx, b, r);
    else if (r.kind === '1:1') resolveInverseOneToOne(ctx, b, r);
  }
}

function resolveOneToMany(ctx: Ctx, b: EntityBuilder, r: RawOf<'1:m'>): void {
  const target = resolveTarget(ctx, b, r.name, r.target, 'OneToMany');
  const mappedBy = inverseName(r.inverse);
  const owning = mappedBy ? target.raw.find((x) => x.name === mappedBy) : undefined;
  if (!mappedBy || !owning) {
    throw new MetadataError(
      'MISSING_INVERSE',
      `${b.name}.${r.name} is a @OneToMany whose inverse ${mappedBy ? `${target.name}.${mappedBy}` : '(none given)'} does not exist. ` +
        `Add @ManyToOne(() => ${b.name}) ${mappedBy ?? lowerFirst(b.name)} to ${target.name}, or fix the second argument (e.g. x => x.${lowerFirst(b.name)}).`,
      { entity: b.name, property: r.name },
    );
  }
  const owningTarget = owning.kind === 'm:1' ? resolveTarget(ctx, target, owning.name, owning.target, 'ManyToOne') : undefined;
  if (owning.kind !== 'm:1' || owningTarget !== b) {
    throw new MetadataError(
      'INVERSE_MISMATCH',
      `${b.name}.${r.name} names ${target.name}.${mappedBy} as its inverse, but that is ${owning.kind === 'm:1' ? `a @ManyToOne to ${owningTarget!.name}` : `not a @ManyToOne (it is a @${DECORATOR_OF[owning.kind]})`}. ` +
        `A @OneToMany must point at a @ManyToOne(() => ${b.name}) on ${target.name}.`,
      { entity: b.name, property: r.name },
    );
  }
  const owningProp = target.properties.find((p) => p.name === mappedBy) as Mutable<ManyToOneProperty>;
  if (owningProp.inversedBy !== undefined && owningProp.inversedBy !== r.name) {
    const declared = owning.options.inversedBy !== undefined;
    throw new MetadataError(
      'INVERSE_MISMATCH',
      declared
        ? `${b.name}.${r.name} names ${target.name}.${mappedBy} as its inverse, but ${target.name}.${mappedBy} says inversedBy: '${owning.options.inversedBy}'. Fix one of them.`
        : `${target.name}.${mappedBy} is the inverse of both ${b.name}.${owningProp.inversedBy} and ${b.name}.${r.name}. Give each @OneToMany its own @ManyToOne.`,
      { entity: b.name, property: r.name },
    );
  }
  owningProp.inversedBy = r.name;
  b.properties.push({
    kind: '1:m',
    ...relationBase(b, r.name, target, r.options),
    mappedBy,
    orphanRemoval: r.options.orphanRemoval ?? false,
    orderBy: r.options.orderBy,
  });
}

function resolveInverseOneToOne(ctx: Ctx, b: EntityBuilder, r: RawOf<'1:1'>): void {
  const target = resolveTarget(ctx, b, r.name, r.target, 'OneToOne');
  const mappedBy = inverseName(r.inverse);
  if (!mappedBy) {
    throw new MetadataError(
      'MISSING_INVERSE',
      `${b.name}.${r.name} is the inverse side of a one-to-one but names no owning property. Pass it: @OneToOne(() => ${target.name}, x => x.${lowerFirst(b.name)}), or drop owner: false.`,
      { entity: b.name, property: r.name },
    );
  }
  const owning = target.properties.find((p) => p.name === mappedBy);
  if (!owning) {
    const rawOther = target.raw.find((x) => x.name === mappedBy);
    if (rawOther?.kind === '1:1') {
      throw new MetadataError(
        'NO_OWNER',
        `${b.name}.${r.name} and ${target.name}.${mappedBy} are both inverse sides of a one-to-one, so neither holds the foreign key. ` +
          `Mark the side whose table should hold it with { owner: true }.`,
        { entity: b.name, property: r.name },
      );
    }
    throw new MetadataError(
      rawOther ? 'INVERSE_MISMATCH' : 'MISSING_INVERSE',
      `${b.name}.${r.name} names ${target.name}.${mappedBy} as its owning side, but ${rawOther ? `that is not a @OneToOne (it is a @${DECORATOR_OF[rawOther.kind]})` : `${target.name} has no such property`}. ` +
        `Add @OneToOne(() => ${b.name}, x => x.${r.name}, { owner: true }) ${mappedBy} to ${target.name}.`,
      { entity: b.name, property: r.name },
    );
  }
  if (owning.kind !== '1:1' || !owning.owner || owning.target !== (b as unknown as EntityMetadata)) {
    throw new MetadataError(
      'INVERSE_MISMATCH',
      `${b.name}.${r.name} names ${target.name}.${mappedBy} as its owning side, but that is not an owning @OneToOne to ${b.name}` +
        `${owning.kind === '1:1' || owning.kind === 'm:1' ? ` (it targets ${owning.target.name})` : ''}. Point the second argument at a @OneToOne(() => ${b.name}, ..., { owner: true }) of ${target.name}.`,
      { entity: b.name, property: r.name },
    );
  }
  if (owning.inversedBy !== undefined && owning.inversedBy !== r.name) {
    throw new MetadataError(
      'INVERSE_MISMATCH',
      `${b.name}.${r.name} names ${target.name}.${mappedBy} as its owning side, but ${target.name}.${mappedBy} names ${b.name}.${owning.inversedBy}. Fix one of them.`,
      { entity: b.name, property: r.name },
    );
  }
  (owning as Mutable<OneToOneOwnerProperty>).inversedBy = r.name;
  b.properties.push({
    kind: '1:1',
    owner: false,
    ...relationBase(b, r.name, target, r.options),
    mappedBy,
    orphanRemoval: r.options.orphanRemoval ?? false,
  });
}

/**
 * An owning side that names its inverse (`@ManyToOne({ inversedBy })`, `@OneToOne(() => T, t => t.x, { owner: true })`)
 * must find that inverse mapping it back. Runs after every inverse side is resolved.
 */
export function checkOwningSides(b: EntityBuilder): void {
  for (const p of b.properties) {
    if (!(p.kind === 'm:1' || (p.kind === '1:1' && p.owner)) || p.inversedBy === undefined) continue;
    const other = p.target.properties.find((x) => x.name === p.inversedBy);
    const here = `${b.name}.${p.name}`;
    const there = `${p.target.name}.${p.inversedBy}`;
    const wanted = p.kind === 'm:1'
      ? `@OneToMany(() => ${b.name}, x => x.${p.name}) ${p.inversedBy}`
      : `@OneToOne(() => ${b.name}, x => x.${p.name}) ${p.inversedBy}`;
    const where = { entity: b.name, property: p.name };
    const option = p.kind === 'm:1' ? 'inversedBy' : 'the second argument';
    if (!other) {
      throw new MetadataError('MISSING_INVERSE', `${here} names ${there} as its inverse (${option}), but ${p.target.name} has no such property. Add ${wanted} to ${p.target.name}, or remove ${option}.`, where);
    }
    if (p.kind === '1:1' && other.kind === '1:1' && other.owner) {
      throw new MetadataError(
        'BOTH_SIDES_OWNER',
        `${here} and ${there} both hold a foreign key of one one-to-one. Keep { owner: true } on one side and make the other its inverse: ${wanted}.`,
        where,
      );
    }
    const mapsBack = (other.kind === '1:m' || (other.kind === '1:1' && !other.owner)) && other.mappedBy === p.name && other.target.name === b.name;
    if (!mapsBack) {
      const actually = other.kind === '1:m' || (other.kind === '1:1' && !other.owner) ? `maps ${other.target.name}.${other.mappedBy}` : `is a @${DECORATOR_OF[other.kind]}`;
      throw new MetadataError('INVERSE_MISMATCH', `${here} names ${there} as its inverse (${option}), but ${there} ${actually}. It must be ${wanted}.`, where);
    }
  }
}
