import { MetadataError } from '../errors/metadata-error.js';
import { getRawMetadata } from '../decorators/registry.js';
import type { RawClassMetadata, RawProperty } from '../decorators/raw-metadata.js';
import type { EntityTarget, InverseSide, ToOneOptions } from '../decorators/options.js';
import { DefaultNamingStrategy, type NamingStrategy } from './naming-strategy.js';
import { resolveScalarType } from './scalar-types.js';
import { constraintName } from './constraint-names.js';
import { buildSnapshot } from './metadata-storage.js';
import { checkInsertCycles, checkNameCollisions } from './mapping-checks.js';
import { resolveManyToMany } from './many-to-many.js';
import type { MetadataSnapshot } from './metadata-storage-types.js';
import type {
  CascadeKind, ColumnMetadata, EntityMetadata, ForeignKeyMetadata, HookName, ManyToOneProperty,
  OneToOneOwnerProperty, PropertyMetadata, ReferentialAction, ScalarProperty,
} from './types.js';

export interface DiscoveryOptions {
  namingStrategy?: NamingStrategy;
  /** Names of the configured connections; the first is where entities without `connection` go. */
  connections?: readonly string[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type EntityBuilder = Omit<Mutable<EntityMetadata>, 'properties'> & {
  properties: PropertyMetadata[];
  raw: RawProperty[];
  rawClass: RawClassMetadata;
  /** Set while the primary key is being resolved, to report key cycles instead of overflowing. */
  resolvingKey?: boolean;
  keyResolved?: boolean;
};

/**
 * Builds frozen metadata from the decorators' raw records. Every mapping mistake is a
 * `MetadataError` naming `Entity.property` and the option that fixes it.
 */
export function discoverMetadata(classes: readonly Function[], options: DiscoveryOptions = {}): MetadataSnapshot {
  const naming = options.namingStrategy ?? new DefaultNamingStrategy();
  const connections = options.connections ?? ['default'];
  const builders = new Map<Function, EntityBuilder>();
  for (const cls of classes) {
    if (typeof cls !== 'function') {
      throw new MetadataError('NOT_AN_ENTITY', `Joinery.init got ${String(cls)} in \`entities\`; pass entity classes.`);
    }
    if (builders.has(cls)) continue;
    builders.set(cls, createBuilder(cls, naming, connections));
  }
  const ctx: Ctx = { builders, naming };
  for (const b of builders.values()) resolveScalars(ctx, b);
  for (const b of builders.values()) resolvePrimaryKey(ctx, b);
  for (const b of builders.values()) resolveToOnes(ctx, b);
  for (const b of builders.values()) resolveInverseSides(ctx, b);
  for (const b of builders.values()) resolveManyToMany(ctx, b);
  for (const b of builders.values()) finishTable(b);
  const entities = [...builders.values()];
  checkNameCollisions(entities as unknown as EntityMetadata[]);
  checkInsertCycles(entities as unknown as EntityMetadata[]);
  return buildSnapshot(entities as unknown as EntityMetadata[]);
}

export interface Ctx {
  builders: Map<Function, EntityBuilder>;
  naming: NamingStrategy;
}

function mergedRaw(cls: Function): RawClassMetadata | undefined {
  const chain: RawClassMetadata[] = [];
  for (let c: Function | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const raw = getRawMetadata(c);
    if (raw) chain.unshift(raw);
  }
  const own = getRawMetadata(cls);
  if (!own?.entity) return undefined;
  const merged: RawClassMetadata = {
    properties: new Map(),
    hooks: new Map(),
    uniques: [],
    indexes: [],
    entity: own.entity,
    standard: own.standard,
  };
  for (const raw of chain) {
    for (const [k, v] of raw.properties) merged.properties.set(k, v);
    for (const [k, v] of raw.hooks) merged.hooks.set(k, v);
    merged.uniques.push(...raw.uniques);
    merged.indexes.push(...raw.indexes);
    merged.standard ||= raw.standard;
  }
  return merged;
}

function createBuilder(cls: Function, naming: NamingStrategy, connections: readonly string[]): EntityBuilder {
  const raw = mergedRaw(cls);
  const name = cls.name || 'AnonymousEntity';
  if (!raw) {
    throw new MetadataError(
      'NOT_AN_ENTITY',
      `${name} was passed to Joinery.init but has no @Entity() decorator. Decorate the class with @Entity() or remove it from \`entities\`.`,
      { entity: name },
    );
  }
  const connection = raw.entity!.connection ?? connections[0] ?? 'default';
  if (!connections.includes(connection)) {
    throw new MetadataError(
      'UNKNOWN_CONNECTION',
      `${name} is mapped to connection '${connection}', which Joinery.init does not configure (known: ${connections.join(', ')}). ` +
        `Add it to \`connections\` or fix @Entity({ connection }).`,
      { entity: name },
    );
  }
  const hooks = { beforeCreate: [], afterCreate: [], beforeUpdate: [], afterUpdate: [], beforeDelete: [], afterDelete: [], onLoad: [] } as Record<HookName, string[]>;
  for (const [method, names] of raw.hooks) for (const h of names) hooks[h].push(method);
  return {
    name,
    class: cls,
    tableName: raw.entity!.tableName ?? naming.classToTableName(name),
    connection,
    properties: [],
    propertiesByName: {},
    primaryKeys: [],
    primaryKeyColumns: [],
    columns: [],
    uniques: [],
    indexes: [],
    foreignKeys: [],
    hooks,
    autoincrementPk: false,
    isPivot: false,
    raw: [...raw.properties.values()],
    rawClass: raw,
  };
}

function column(partial: Partial<ColumnMetadata> & Pick<ColumnMetadata, 'name' | 'type' | 'property'>): ColumnMetadata {
  return {
    nullable: false,
    primary: false,
    autoincrement: false,
    unique: false,
    index: false,
    ...partial,
  };
}

function resolveScalars(ctx: Ctx, b: EntityBuilder): void {
  for (const raw of b.raw) {
    if (raw.kind !== 'scalar' && raw.kind !== 'primary') continue;
    const o = raw.options;
    const primary = raw.kind === 'primary';
    const type = resolveScalarType(b.name, raw.name, o.type, raw.designType?.(), b.rawClass.standard, primary ? 'integer' : undefined);
    const autoincrement = primary ? ((raw.options as { autoincrement?: boolean }).autoincrement ?? (type === 'integer' || type === 'bigint')) : false;
    if (autoincrement && type !== 'integer' && type !== 'bigint') {
      throw new MetadataError(
        'BAD_OPTION',
        `${b.name}.${raw.name} is a ${type} primary key with autoincrement; only integer and bigint keys can be generated. Remove \`autoincrement\` or use type 'integer'.`,
        { entity: b.name, property: raw.name },
      );
    }
    const po = o as { nullable?: boolean; default?: ColumnMetadata['default']; version?: boolean };
    const nullable = primary ? false : (po.nullable ?? false);
    const version = !primary && (po.version ?? false);
    if (version && type !== 'integer' && type !== 'bigint' && type !== 'datetime') {
      throw new MetadataError('BAD_OPTION', `${b.name}.${raw.name} is a version property of type ${type}; use 'integer' (or 'datetime').`, { entity: b.name, property: raw.name });
    }
    const col = column({
      name: o.columnName ?? ctx.naming.propertyToColumnName(raw.name),
      type,
      property: raw.name,
      nullable,
      length: o.length,
      precision: o.precision,
      scale: o.scale,
      default: po.default,
      defaultRaw: o.defaultRaw,
      primary,
      autoincrement,
      unique: o.unique ?? false,
      index: o.index ?? false,
    });
    const prop: ScalarProperty = {
      kind: 'scalar',
      name: raw.name,
      entity: b.name,
      type,
      column: col,
      primary,
      autoincrement,
      nullable,
      hidden: o.hidden ?? false,
      version,
      length: o.length,
      enum: o.enum,
      onCreate: o.onCreate,
      onUpdate: o.onUpdate,
      validate: o.validate,
    };
    b.properties.push(prop);
    if (version) {
      if (b.versionProperty) {
        throw new MetadataError('BAD_OPTION', `${b.name} has two version properties (${b.versionProperty.name}, ${raw.name}); keep one.`, { entity: b.name, property: raw.name });
      }
      b.versionProperty = prop;
    }
  }
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

function inverseName(inverse: InverseSide | undefined): string | undefined {
  if (!inverse) return undefined;
  const probe = new Proxy({}, { get: (_t, key) => key });
  const got = inverse(probe);
  return typeof got === 'string' ? got : undefined;
}

export function cascadeOf(value: CascadeKind[] | boolean | undefined): ReadonlySet<CascadeKind> {
  if (value === true) return new Set<CascadeKind>(['persist', 'remove']);
  if (value === false) return new Set<CascadeKind>();
  return new Set<CascadeKind>(value ?? ['persist']);
}

/** Scalar and relation keys; relation keys need the target's key first (through entities). */
function resolvePrimaryKey(ctx: Ctx, b: EntityBuilder): void {
  if (b.keyResolved) return;
  if (b.resolvingKey) {
    throw new MetadataError('BAD_COMPOSITE_KEY', `${b.name}'s primary key depends on itself through relations marked primary.`, { entity: b.name });
  }
  b.resolvingKey = true;
  const scalarKeys = b.properties.filter((p): p is ScalarProperty => p.kind === 'scalar' && p.primary);
  const relationKeys = b.raw.filter((r) => (r.kind === 'm:1' || r.kind === '1:1') && (r.options as ToOneOptions).primary);
  for (const r of relationKeys) {
    resolveToOne(ctx, b, r as Extract<RawProperty, { kind: 'm:1' | '1:1' }>);
  }
  let keys: EntityBuilder['primaryKeys'] = [
    ...scalarKeys,
    ...relationKeys.map((r) => b.properties.find((p) => p.name === r.name) as ManyToOneProperty | OneToOneOwnerProperty),
  ];
  if (keys.length === 0) {
    // A through entity may omit its key: its two relations form it. Discovery of the owning
    // ManyToMany marks it; everything else needs a key.
    const toOnes = b.raw.filter((r) => r.kind === 'm:1');
    if (isThroughCandidate(ctx, b) && toOnes.length >= 2) {
      const [first, second] = toOnes as Extract<RawProperty, { kind: 'm:1' }>[];
      for (const r of [first!, second!]) {
        (r.options as ToOneOptions).primary = true;
        resolveToOne(ctx, b, r);
      }
      keys = [first!, second!].map((r) => b.properties.find((p) => p.name === r.name) as ManyToOneProperty);
    } else {
      throw new MetadataError(
        'NO_PRIMARY_KEY',
        `${b.name} has no primary key. Add @PrimaryKey() id!: number (or several @PrimaryKey() for a composite key).`,
        { entity: b.name },
      );
    }
  }
  if (keys.length > 1) {
    // In a composite key no part is generated unless the user insists on one.
    for (const k of keys) {
      if (k.kind === 'scalar' && k.autoincrement) {
        const explicit = (b.rawClass.properties.get(k.name) as { options: { autoincrement?: boolean } }).options.autoincrement;
        if (explicit === true) {
          throw new MetadataError(
            'BAD_COMPOSITE_KEY',
            `${b.name}.${k.name} is part of a composite primary key and cannot be autoincrement. Remove \`autoincrement: true\`; composite key values are assigned by you.`,
            { entity: b.name, property: k.name },
          );
        }
        const idx = b.properties.indexOf(k);
        const fixed: ScalarProperty = { ...k, autoincrement: false, column: { ...k.column, autoincrement: false } };
        b.properties[idx] = fixed;
        keys = keys.map((x) => (x === k ? fixed : x));
      }
    }
  }
  b.primaryKeys = keys;
  b.primaryKeyColumns = keys.flatMap((k) => (k.kind === 'scalar' ? [k.column.name] : k.joinColumns.map((c) => c.name)));
  b.autoincrementPk = keys.length === 1 && keys[0]!.kind === 'scalar' && keys[0]!.autoincrement;
  b.resolvingKey = false;
  b.keyResolved = true;
}

function isThroughCandidate(ctx: Ctx, b: EntityBuilder): boolean {
  for (const other of ctx.builders.values()) {
    for (const r of other.raw) {
      if (r.kind === 'm:n' && r.options.through) {
        try {
          if (r.options.through() === b.class) return true;
        } catch {
          // reported when that relation is resolved
        }
      }
    }
  }
  return false;
}

function resolveToOnes(ctx: Ctx, b: EntityBuilder): void {
  for (const r of b.raw) {
    if (r.kind === 'm:1' || (r.kind === '1:1' && isOwningOneToOne(ctx, b, r))) {
      if (!b.properties.some((p) => p.name === r.name)) resolveToOne(ctx, b, r);
    }
  }
}

/** A 1:1 owns the FK when it says `owner: true`, or when it names no inverse (unidirectional). */
function isOwningOneToOne(ctx: Ctx, b: EntityBuilder, r: Extract<RawProperty, { kind: '1:1' }>): boolean {
  if (r.options.owner !== undefined) return r.options.owner;
  if (!r.inverse) return true;
  const target = resolveTarget(ctx, b, r.name, r.target, 'OneToOne');
  const inv = inverseName(r.inverse);
  const other = target.raw.find((x) => x.name === inv);
  if (other && other.kind === '1:1' && other.options.owner === true) return false;
  if (other && other.kind === '1:1' && other.options.owner === undefined) {
    throw new MetadataError(
      'NO_OWNER',
      `${b.name}.${r.name} and ${target.name}.${inv} form a one-to-one with no owner. Add { owner: true } to the side whose table should hold the foreign key.`,
      { entity: b.name, property: r.name },
    );
  }
  return false;
}

function resolveToOne(ctx: Ctx, b: EntityBuilder, r: Extract<RawProperty, { kind: 'm:1' | '1:1' }>): void {
  if (b.properties.some((p) => p.name === r.name)) return;
  const decorator = r.kind === 'm:1' ? 'ManyToOne' : 'OneToOne';
  const target = resolveTarget(ctx, b, r.name, r.target, decorator);
  resolvePrimaryKey(ctx, target);
  const o = r.options as ToOneOptions & { inversedBy?: string };
  const targetCols = targetKeyColumns(target);
  let names: string[];
  if (o.joinColumns) names = [...o.joinColumns];
  else if (o.joinColumn) names = [o.joinColumn];
  else names = targetCols.map((c) => ctx.naming.joinColumnName(r.name, c.name));
  if (names.length !== targetCols.length) {
    throw new MetadataError(
      'BAD_COMPOSITE_KEY',
      `${b.name}.${r.name} names ${names.length} join column(s) (${names.join(', ')}) but ${target.name} has a ${targetCols.length}-column primary key ` +
        `(${targetCols.map((c) => c.name).join(', ')}). Use joinColumns: [${targetCols.map((c) => `'${r.name}_${c.name}'`).join(', ')}].`,
      { entity: b.name, property: r.name },
    );
  }
  const primary = o.primary ?? false;
  const nullable = primary ? false : (o.nullable ?? false);
  const crossConnection = target.connection !== b.connection;
  const joinColumns = names.map((name, i) =>
    column({
      name,
      type: targetCols[i]!.type,
      length: targetCols[i]!.length,
      property: r.name,
      nullable,
      primary,
      unique: r.kind === '1:1' && !primary && targetCols.length === 1,
      index: o.index ?? false,
    }),
  );
  const deleteRule: ReferentialAction = o.deleteRule ?? (nullable ? 'set null' : 'no action');
  const base = {
    name: r.name,
    entity: b.name,
    target: target as unknown as EntityMetadata,
    cascade: cascadeOf(o.cascade),
    eager: o.eager ?? false,
    hidden: o.hidden ?? false,
    joinColumns,
    referencedColumns: targetCols.map((c) => c.name),
    nullable,
    deleteRule,
    updateRule: o.updateRule ?? 'cascade',
    constraint: (o.constraints ?? true) && !crossConnection,
    primary,
  };
  if (deleteRule === 'set null' && !nullable) {
    throw new MetadataError(
      'BAD_OPTION',
      `${b.name}.${r.name} has deleteRule 'set null' but is not nullable. Add nullable: true or choose another deleteRule.`,
      { entity: b.name, property: r.name },
    );
  }
  const prop: PropertyMetadata =
    r.kind === 'm:1'
      ? { ...base, kind: 'm:1', inversedBy: o.inversedBy }
      : { ...base, kind: '1:1', owner: true, inversedBy: inverseName((r as { inverse?: InverseSide }).inverse) };
  b.properties.push(prop);
}

function targetKeyColumns(target: EntityBuilder): ColumnMetadata[] {
  return target.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.column] : [...k.joinColumns]));
}

function resolveInverseSides(ctx: Ctx, b: EntityBuilder): void {
  for (const r of b.raw) {
    if (r.kind === '1:m') {
      const target = resolveTarget(ctx, b, r.name, r.target, 'OneToMany');
      const mappedBy = inverseName(r.inverse);
      const owning = mappedBy ? target.raw.find((x) => x.name === mappedBy) : undefined;
      if (!mappedBy || !owning) {
        throw new MetadataError(
          'MISSING_INVERSE',
          `${b.name}.${r.name} is a @OneToMany whose inverse ${mappedBy ? `${target.name}.${mappedBy}` : '(none given)'} does not exist. ` +
            `Add @ManyToOne(() => ${b.name}) ${mappedBy ?? b.name.charAt(0).toLowerCase() + b.name.slice(1)} to ${target.name}, or fix the second argument (e.g. c => c.${lowerFirst(b.name)}).`,
          { entity: b.name, property: r.name },
        );
      }
      const owningTarget = owning.kind === 'm:1' ? resolveTarget(ctx, target, owning.name, owning.target, 'ManyToOne') : undefined;
      if (owning.kind !== 'm:1' || owningTarget !== b) {
        throw new MetadataError(
          'INVERSE_MISMATCH',
          `${b.name}.${r.name} names ${target.name}.${mappedBy} as its inverse, but that is ${owning.kind === 'm:1' ? `a @ManyToOne to ${owningTarget!.name}` : `not a @ManyToOne (it is ${owning.kind})`}. ` +
            `A @OneToMany must point at a @ManyToOne(() => ${b.name}) on ${target.name}.`,
          { entity: b.name, property: r.name },
        );
      }
      const owningProp = target.properties.find((p) => p.name === mappedBy) as Mutable<ManyToOneProperty>;
      if (owningProp.inversedBy && owningProp.inversedBy !== r.name) {
        throw new MetadataError(
          'INVERSE_MISMATCH',
          `${target.name}.${mappedBy} is the inverse of both ${b.name}.${owningProp.inversedBy} and ${b.name}.${r.name}. Give each @OneToMany its own @ManyToOne.`,
          { entity: b.name, property: r.name },
        );
      }
      owningProp.inversedBy = r.name;
      b.properties.push({
        kind: '1:m',
        name: r.name,
        entity: b.name,
        target: target as unknown as EntityMetadata,
        mappedBy,
        cascade: cascadeOf(r.options.cascade),
        eager: r.options.eager ?? false,
        hidden: r.options.hidden ?? false,
        orphanRemoval: r.options.orphanRemoval ?? false,
        orderBy: r.options.orderBy,
      });
    } else if (r.kind === '1:1' && !b.properties.some((p) => p.name === r.name)) {
      const target = resolveTarget(ctx, b, r.name, r.target, 'OneToOne');
      const mappedBy = inverseName(r.inverse);
      const owning = mappedBy ? target.properties.find((p) => p.name === mappedBy) : undefined;
      if (r.options.owner === false && !mappedBy) {
        throw new MetadataError('MISSING_INVERSE', `${b.name}.${r.name} is the inverse side of a one-to-one but names no owning property. Pass it: @OneToOne(() => ${target.name}, x => x.${lowerFirst(b.name)}).`, { entity: b.name, property: r.name });
      }
      if (!owning) {
        const rawOther = mappedBy ? target.raw.find((x) => x.name === mappedBy) : undefined;
        if (rawOther && rawOther.kind === '1:1') {
          throw new MetadataError(
            'BOTH_SIDES_OWNER',
            `${b.name}.${r.name} and ${target.name}.${mappedBy} are both inverse sides of a one-to-one. Mark the side whose table holds the foreign key with { owner: true }.`,
            { entity: b.name, property: r.name },
          );
        }
        throw new MetadataError(
          'MISSING_INVERSE',
          `${b.name}.${r.name} names ${target.name}.${mappedBy} as its owning side, but ${target.name} has no such @OneToOne. Add @OneToOne(() => ${b.name}, x => x.${r.name}, { owner: true }) ${mappedBy} to ${target.name}.`,
          { entity: b.name, property: r.name },
        );
      }
      if (owning.kind !== '1:1' || !owning.owner || owning.target !== (b as unknown as EntityMetadata)) {
        throw new MetadataError(
          'INVERSE_MISMATCH',
          `${b.name}.${r.name} names ${target.name}.${mappedBy} as its owning side, but that is not an owning @OneToOne to ${b.name}.`,
          { entity: b.name, property: r.name },
        );
      }
      (owning as Mutable<OneToOneOwnerProperty>).inversedBy = r.name;
      b.properties.push({
        kind: '1:1',
        owner: false,
        name: r.name,
        entity: b.name,
        target: target as unknown as EntityMetadata,
        mappedBy: mappedBy!,
        cascade: cascadeOf(r.options.cascade),
        eager: r.options.eager ?? false,
        hidden: r.options.hidden ?? false,
        orphanRemoval: r.options.orphanRemoval ?? false,
      });
    }
  }
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Columns, uniques, indexes and FKs of the entity's own table, in declaration order. */
function finishTable(b: EntityBuilder): void {
  // Keep declaration order: raw order, with inherited properties first.
  const order = new Map(b.raw.map((r, i) => [r.name, i]));
  b.properties.sort((x, y) => (order.get(x.name) ?? 0) - (order.get(y.name) ?? 0));
  const columns: ColumnMetadata[] = [];
  const fks: ForeignKeyMetadata[] = [];
  for (const p of b.properties) {
    switch (p.kind) {
      case 'scalar':
        columns.push(p.column);
        break;
      case 'm:1':
      case '1:1':
        if (p.kind === '1:1' && !p.owner) break;
        columns.push(...p.joinColumns);
        if (p.constraint) {
          const cols = p.joinColumns.map((c) => c.name);
          fks.push({
            name: constraintName(b.tableName, cols, 'foreign'),
            columns: cols,
            referencedTable: p.target.tableName,
            referencedColumns: p.referencedColumns,
            deleteRule: p.deleteRule,
            updateRule: p.updateRule,
            property: p.name,
            nullable: p.nullable,
          });
        }
        break;
      case '1:m':
      case 'm:n':
        break;
      default:
        assertNever(p);
    }
  }
  b.columns = columns;
  b.foreignKeys = fks;
  b.uniques = [
    ...b.uniques,
    ...columns.filter((c) => c.unique && !c.primary).map((c) => ({ name: constraintName(b.tableName, [c.name], 'unique'), columns: [c.name] })),
    ...b.rawClass.uniques.map((u) => {
      const cols = propertiesToColumns(b, u.properties, 'Unique');
      return { name: u.name ?? constraintName(b.tableName, cols, 'unique'), columns: cols };
    }),
  ];
  b.indexes = [
    ...columns.filter((c) => c.index).map((c) => ({ name: constraintName(b.tableName, [c.name], 'index'), columns: [c.name] })),
    ...b.rawClass.indexes.map((u) => {
      const cols = propertiesToColumns(b, u.properties, 'Index');
      return { name: u.name ?? constraintName(b.tableName, cols, 'index'), columns: cols };
    }),
  ];
  b.propertiesByName = Object.fromEntries(b.properties.map((p) => [p.name, p]));
}

function propertiesToColumns(b: EntityBuilder, properties: readonly string[], decorator: string): string[] {
  return properties.flatMap((name) => {
    const p = b.properties.find((x) => x.name === name);
    if (!p) {
      throw new MetadataError(
        'BAD_OPTION',
        `@${decorator}({ properties }) on ${b.name} names '${name}', which is not a property of ${b.name}. Known: ${b.properties.map((x) => x.name).join(', ')}.`,
        { entity: b.name, property: name },
      );
    }
    if (p.kind === 'scalar') return [p.column.name];
    if (p.kind === 'm:1' || (p.kind === '1:1' && p.owner)) return p.joinColumns.map((c) => c.name);
    throw new MetadataError('BAD_OPTION', `@${decorator}() on ${b.name} names ${name}, a collection or inverse side with no column in ${b.tableName}.`, { entity: b.name, property: name });
  });
}

export function assertNever(x: never): never {
  throw new Error(`unhandled kind: ${JSON.stringify((x as { kind?: unknown }).kind)}`);
}
