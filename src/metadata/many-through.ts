import { MetadataError } from '../errors/metadata-error.js';
import { relationBase, resolveTarget, type Ctx, type EntityBuilder, type RawOf } from './discovery-context.js';
import type { DirectRelationProperty, EntityMetadata, ManyThroughProperty } from './types.js';

/**
 * Resolves every `@ManyThrough` of `b` into its hops. Runs after the direct relations are complete
 * (pivots included), so each hop is a finished relation; a hop may not itself be a has-many-through
 * (nesting would hide a second path walk inside the first).
 */
export function resolveManyThrough(ctx: Ctx, b: EntityBuilder): void {
  for (const raw of b.raw) {
    if (raw.kind !== 'through') continue;
    const target = resolveTarget(ctx, b, raw.name, raw.target, 'ManyThrough');
    const hops = resolveHops(ctx, b, raw);
    const last = hops[hops.length - 1]!;
    if (last.target !== (target as unknown as EntityMetadata)) {
      throw new MetadataError(
        'BAD_THROUGH',
        `${b.name}.${raw.name}: the path '${raw.path}' ends at ${last.target.name} (${last.entity}.${last.name}), but @ManyThrough targets ${target.name}. ` +
          `Fix the target or the path so that its last relation points at ${target.name}.`,
        { entity: b.name, property: raw.name },
      );
    }
    for (const hop of hops) {
      const connections = [hop.target.connection, ...(hop.kind === 'm:n' ? [hop.pivot.connection] : [])];
      if (connections.some((c) => c !== b.connection)) {
        throw new MetadataError(
          'BAD_THROUGH',
          `${b.name}.${raw.name}: the hop ${hop.entity}.${hop.name} leaves connection '${b.connection}'. A has-many-through is read with one joined query, ` +
            `so every entity (and join table) on its path must live on the owner's connection; load the relations of the path step by step instead.`,
          { entity: b.name, property: raw.name },
        );
      }
    }
    const prop: ManyThroughProperty = {
      kind: 'through',
      ...relationBase(b, raw.name, target, { eager: raw.options.eager, hidden: raw.options.hidden, cascade: false }),
      hops,
      orderBy: raw.options.orderBy,
    };
    b.properties.push(prop);
  }
}

function resolveHops(ctx: Ctx, b: EntityBuilder, raw: RawOf<'through'>): DirectRelationProperty[] {
  const fail = (why: string): never => {
    throw new MetadataError('BAD_THROUGH', `${b.name}.${raw.name}: @ManyThrough path '${raw.path}' ${why}`, { entity: b.name, property: raw.name });
  };
  const parts = typeof raw.path === 'string' ? raw.path.split('.') : [];
  if (parts.length < 2 || parts.some((p) => !p)) {
    fail(`must name at least two relations joined by dots, e.g. 'users.posts' (the first a relation of ${b.name}, each next one a relation of the previous target).`);
  }
  const hops: DirectRelationProperty[] = [];
  let current: EntityBuilder = b;
  for (const part of parts) {
    const prop = current.properties.find((p) => p.name === part);
    if (!prop) {
      const isThrough = current.raw.some((r) => r.name === part && r.kind === 'through');
      const relations = current.properties.filter((p) => p.kind !== 'scalar').map((p) => p.name).join(', ') || 'none';
      fail(
        isThrough
          ? `goes through ${current.name}.${part}, which is a @ManyThrough itself; spell out its path instead.`
          : `names ${current.name}.${part}, which does not exist. Relations of ${current.name}: ${relations}.`,
      );
    }
    if (prop!.kind === 'through') fail(`goes through ${current.name}.${part}, which is a @ManyThrough itself; spell out its path instead.`);
    if (prop!.kind === 'scalar') fail(`names ${current.name}.${part}, which is not a relation.`);
    const hop = prop as DirectRelationProperty;
    hops.push(hop);
    const next = [...ctx.builders.values()].find((x) => (x as unknown) === hop.target);
    if (!next) fail(`reaches ${hop.target.name}, which is not a known entity.`);
    current = next!;
  }
  return hops;
}
