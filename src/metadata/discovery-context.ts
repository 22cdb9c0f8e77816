import type { Dialect } from './types.js';
import { MetadataError } from '../errors/metadata-error.js';
import { getRawMetadata } from '../decorators/registry.js';
import type { RawClassMetadata, RawProperty } from '../decorators/raw-metadata.js';
import type { EntityTarget, InverseSide } from '../decorators/options.js';
import type { NamingStrategy } from './naming-strategy.js';
import type { CascadeKind, ColumnMetadata, EntityMetadata, LoadStrategy, PropertyMetadata } from './types.js';

// Shared by the discovery passes (discovery.ts, to-one.ts, inverse-sides.ts, many-to-many.ts), kept
// apart so that those modules do not import each other in a cycle.

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An entity's metadata while discovery fills it in; frozen into `EntityMetadata` at the end. */
export type EntityBuilder = Omit<Mutable<EntityMetadata>, 'properties'> & {
  properties: PropertyMetadata[];
  /** Raw properties in declaration order, inherited first. */
  raw: RawProperty[];
  /** The class's raw record merged with its parents' (a copy: discovery may add to it). */
  rawClass: RawClassMetadata;
  /** Set while the primary key is being resolved, to report key cycles instead of overflowing. */
  resolvingKey?: boolean;
  keyResolved?: boolean;
};

export type RawOf<K extends RawProperty['kind']> = Extract<RawProperty, { kind: K }>;

export interface Ctx {
  builders: Map<Function, EntityBuilder>;
  naming: NamingStrategy;
  /** Dialect of each connection (types are bound to their column's dialect). */
  dialects: Readonly<Record<string, Dialect>>;
  /** `timezone` of each connection, minutes east of UTC. */
  timezones: Readonly<Record<string, number>>;
}

export function resolveTarget(ctx: Ctx, b: EntityBuilder, property: string, target: EntityTarget, decorator: string): EntityBuilder {
  let cls: unknown;
  try {
    cls = target();
  } catch (e) {
    throw new MetadataError(
      'UNKNOWN_TARGET',
      `${b.name}.${property}: evaluating the target of @${decorator}() threw "${(e as Error).message}". ` +
        'Pass a function that returns the class, e.g. () => User, and type the property as Rel<User> if it is a to-one relation.',
      { entity: b.name, property },
    );
  }
  const found = typeof cls === 'function' ? ctx.builders.get(cls) : undefined;
  if (!found) {
    const what = typeof cls === 'function' ? cls.name || 'an anonymous class' : String(cls);
    const hint =
      typeof cls === 'function'
        ? getRawMetadata(cls)?.entity
          ? `Add ${what} to \`entities\` in Joinery.init.`
          : `${what} has no @Entity() decorator; decorate it and add it to \`entities\`.`
        : 'The target function returned no class: check for a circular import and use () => Target.';
    throw new MetadataError('UNKNOWN_TARGET', `${b.name}.${property} targets ${what}, which is not a known entity. ${hint}`, {
      entity: b.name,
      property,
    });
  }
  return found;
}

/** Same as {@link resolveTarget} for checks that must not report: undefined when it would throw. */
export function tryTargetClass(target: EntityTarget): unknown {
  try {
    return target();
  } catch {
    return undefined;
  }
}

/** The property name an inverse-side function picks, `p => p.author` → `author`, read through a proxy. */
export function inverseName(inverse: InverseSide | undefined): string | undefined {
  if (!inverse) return undefined;
  const got = inverse(new Proxy({}, { get: (_t, key) => key }));
  return typeof got === 'string' ? got : undefined;
}

export function cascadeOf(value: CascadeKind[] | boolean | undefined): ReadonlySet<CascadeKind> {
  if (value === true) return new Set<CascadeKind>(['persist', 'remove']);
  if (value === false) return new Set<CascadeKind>();
  return new Set<CascadeKind>(value ?? ['persist']);
}

/** The fields every relation kind shares, from its decorator's options. */
export function relationBase(
  b: { name: string },
  name: string,
  target: unknown,
  o: { cascade?: CascadeKind[] | boolean; eager?: boolean; strategy?: LoadStrategy; hidden?: boolean },
): { name: string; entity: string; target: EntityMetadata; cascade: ReadonlySet<CascadeKind>; eager: boolean; strategy?: LoadStrategy; hidden: boolean } {
  return {
    name,
    entity: b.name,
    target: target as EntityMetadata,
    cascade: cascadeOf(o.cascade),
    eager: o.eager ?? false,
    strategy: o.strategy,
    hidden: o.hidden ?? false,
  };
}

export function column(partial: Partial<ColumnMetadata> & Pick<ColumnMetadata, 'name' | 'type' | 'property'>): ColumnMetadata {
  return { nullable: false, primary: false, autoincrement: false, unique: false, index: false, ...partial };
}

/** The columns of an entity's primary key, in key order (FK columns for relation keys). */
export function keyColumns(e: EntityBuilder): ColumnMetadata[] {
  return e.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.column] : [...k.joinColumns]));
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function assertNever(x: never): never {
  throw new Error(`unhandled kind: ${JSON.stringify((x as { kind?: unknown }).kind)}`);
}
