import { MetadataError } from '../errors/metadata-error.js';
import { getRawMetadata } from '../decorators/registry.js';
import type { RawClassMetadata } from '../decorators/raw-metadata.js';
import { DefaultNamingStrategy, type NamingStrategy } from './naming-strategy.js';
import { bindType, resolveScalarType } from './scalar-types.js';
import { unsupportedType } from '../schema/column-types.js';
import { DatetimeType, EnumType } from './builtin-types.js';
import { constraintName } from './constraint-names.js';
import { buildSnapshot } from './metadata-storage.js';
import { checkNameCollisions, checkRelationOptions, checkRenames } from './mapping-checks.js';
import { assertNever, column, type Ctx, type EntityBuilder } from './discovery-context.js';
import { resolvePrimaryKey, resolveToOnes } from './to-one.js';
import { checkOwningSides, resolveInverseSides } from './inverse-sides.js';
import { resolveManyToMany } from './many-to-many.js';
import { resolveManyThrough } from './many-through.js';
import type { MetadataSnapshot } from './metadata-storage-types.js';
import type { ColumnMetadata, Dialect, EntityMetadata, ForeignKeyMetadata, HookName, PropertyMetadata, ScalarProperty } from './types.js';

export interface DiscoveryOptions {
  namingStrategy?: NamingStrategy;
  /** Names of the configured connections; the first is where entities without `connection` go. */
  connections?: readonly string[];
  /** Dialect of each connection; `sqlite` for one not listed. */
  dialects?: Readonly<Record<string, Dialect>>;
  /** `timezone` of each connection in minutes east of UTC; 0 (UTC) for one not listed. */
  timezones?: Readonly<Record<string, number>>;
}

/**
 * Builds frozen metadata from the decorators' raw records. Every mapping mistake is a
 * `MetadataError` naming `Entity.property` and the option that fixes it.
 */
export function discoverMetadata(classes: readonly Function[], options: DiscoveryOptions = {}): MetadataSnapshot {
  const naming = options.namingStrategy ?? new DefaultNamingStrategy();
  const connections = options.connections ?? ['default'];
  const builders = new Map<Function, EntityBuilder>();
  const byName = new Map<string, EntityBuilder>();
  for (const cls of classes) {
    if (typeof cls !== 'function') {
      throw new MetadataError('NOT_AN_ENTITY', `Joinery.init got ${String(cls)} in \`entities\`; pass entity classes.`);
    }
    if (builders.has(cls)) continue;
    const b = createBuilder(cls, naming, connections);
    // Entities are also found by name (snapshot.get('User'), messages), so a name must mean one class.
    const twin = byName.get(b.name);
    if (twin) {
      throw new MetadataError(
        'DUPLICATE_ENTITY',
        `Two entity classes are named ${b.name} (tables ${twin.tableName} and ${b.tableName}). joinery finds entities by name too: rename one of them.`,
        { entity: b.name },
      );
    }
    byName.set(b.name, b);
    builders.set(cls, b);
  }
  // Passes in dependency order: FKs need their target's key, inverse sides need the owning sides,
  // pivots need both keys, and the table is assembled from everything.
  const ctx: Ctx = { builders, naming, dialects: options.dialects ?? {}, timezones: options.timezones ?? {} };
  const all = [...builders.values()];
  for (const b of all) resolveScalars(ctx, b);
  for (const b of all) resolvePrimaryKey(ctx, b);
  for (const b of all) resolveToOnes(ctx, b);
  for (const b of all) resolveInverseSides(ctx, b);
  for (const b of all) checkOwningSides(b);
  for (const b of all) resolveManyToMany(ctx, b);
  for (const b of all) resolveManyThrough(ctx, b);
  for (const b of all) finishTable(b);
  const entities = all as unknown as EntityMetadata[];
  checkNameCollisions(entities);
  checkRelationOptions(entities);
  checkRenames(entities);
  return buildSnapshot(entities);
}

/** The class's own record merged over its parents' (nearest wins), or undefined without @Entity. */
function mergedRaw(cls: Function): RawClassMetadata | undefined {
  const own = getRawMetadata(cls);
  if (!own?.entity) return undefined;
  const chain: RawClassMetadata[] = [];
  for (let c: Function | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const raw = getRawMetadata(c);
    if (raw) chain.unshift(raw);
  }
  const merged: RawClassMetadata = {
    properties: new Map(),
    hooks: new Map(),
    uniques: [],
    indexes: [],
    conflicts: new Map(),
    entity: own.entity,
    standard: false,
  };
  for (const raw of chain) {
    for (const [k, v] of raw.properties) merged.properties.set(k, v);
    for (const [k, v] of raw.hooks) merged.hooks.set(k, v);
    for (const [k, v] of raw.conflicts) merged.conflicts.set(k, v);
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
  const [conflict] = raw.conflicts;
  if (conflict) {
    const [property, decorators] = conflict;
    throw new MetadataError(
      'BAD_OPTION',
      `${name}.${property} has ${decorators.map((d) => `@${d}()`).join(' and ')}; a property maps to one thing. Keep one of them ` +
        `(@PrimaryKey() takes the options of @Property()).`,
      { entity: name, property },
    );
  }
  const entity = raw.entity!;
  const connection = entity.connection ?? connections[0] ?? 'default';
  if (!connections.includes(connection)) {
    throw new MetadataError(
      'UNKNOWN_CONNECTION',
      `${name} is mapped to connection '${connection}', which Joinery.init does not configure (known: ${connections.join(', ')}). ` +
        `Add it to \`connections\` or fix @Entity({ connection }).`,
      { entity: name },
    );
  }
  const hooks: Record<HookName, string[]> = { beforeCreate: [], afterCreate: [], beforeUpdate: [], afterUpdate: [], beforeDelete: [], afterDelete: [], onLoad: [] };
  for (const [method, names] of raw.hooks) for (const h of names) hooks[h].push(method);
  return {
    name,
    class: cls,
    tableName: entity.tableName ?? naming.classToTableName(name),
    ...(entity.renamedFrom !== undefined ? { renamedFrom: entity.renamedFrom } : {}),
    ...(entity.returning === false ? { returning: false as const } : {}),
    ...(entity.sequence !== undefined ? { sequence: entity.sequence } : {}),
    connection,
    properties: [],
    propertiesByName: Object.create(null),
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

function resolveScalars(ctx: Ctx, b: EntityBuilder): void {
  for (const raw of b.raw) {
    if (raw.kind !== 'scalar' && raw.kind !== 'primary') continue;
    const o = raw.options;
    const primary = raw.kind === 'primary';
    // Standard decorators see no types, so a key without `type` is the default autoincrement integer.
    const columnName = o.columnName ?? ctx.naming.propertyToColumnName(raw.name);
    const dialect = Object.hasOwn(ctx.dialects, b.connection) ? ctx.dialects[b.connection]! : 'sqlite';
    let resolved = resolveScalarType(b.name, raw.name, o.type, raw.designType?.(), b.rawClass.standard, primary ? 'integer' : undefined);
    const offset = Object.hasOwn(ctx.timezones, b.connection) ? ctx.timezones[b.connection]! : 0;
    // Off UTC, zone-less datetimes need the offset on the way in and out: a bound Type carries it.
    // A version datetime stays plain: it is only compared with itself.
    if (offset !== 0 && (resolved === 'datetime' || resolved === 'timestamptz') && !(raw.kind === 'scalar' && raw.options.version)) {
      resolved = new DatetimeType(resolved, offset);
    }
    const type = bindType(resolved, {
      dialect,
      label: `${b.name}.${raw.name}`,
      table: b.tableName,
      column: columnName,
      ...(o.length !== undefined ? { length: o.length } : {}),
      ...(o.precision !== undefined ? { precision: o.precision } : {}),
      ...(o.scale !== undefined ? { scale: o.scale } : {}),
      ...(o.enum !== undefined ? { items: [...o.enum] } : {}),
      ...(o.nativeEnumName !== undefined ? { nativeEnumName: o.nativeEnumName } : {}),
    });
    checkType(b.name, raw.name, type, dialect, o.enum);
    // A key the database fills some other way (a default such as gen_random_uuid()) is no autoincrement.
    const keyGenerated = primary && o.generated !== undefined;
    const autoincrement = raw.kind === 'primary' ? (raw.options.autoincrement ?? (!keyGenerated && (type === 'integer' || type === 'bigint'))) : false;
    if (autoincrement && type !== 'integer' && type !== 'bigint') {
      throw new MetadataError(
        'BAD_OPTION',
        `${b.name}.${raw.name} is a ${type} primary key with autoincrement; only integer and bigint keys can be generated. Remove \`autoincrement\` or use type 'integer'.`,
        { entity: b.name, property: raw.name },
      );
    }
    const scalar = raw.kind === 'scalar' ? raw.options : undefined;
    const nullable = scalar?.nullable ?? false;
    const version = scalar?.version ?? false;
    if (version && type !== 'integer' && type !== 'bigint' && type !== 'datetime') {
      throw new MetadataError('BAD_OPTION', `${b.name}.${raw.name} is a version property of type ${type}; use 'integer' (or 'datetime').`, { entity: b.name, property: raw.name });
    }
    const col = column({
      name: columnName,
      type,
      property: raw.name,
      nullable,
      length: o.length,
      precision: o.precision,
      scale: o.scale,
      ...(o.columnType !== undefined ? { columnType: o.columnType } : {}),
      default: scalar?.default,
      defaultRaw: o.defaultRaw,
      ...(o.renamedFrom !== undefined ? { renamedFrom: o.renamedFrom } : {}),
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
      ...(o.generated !== undefined ? { generated: generatedOption(b.name, raw.name, o.generated, primary, version, autoincrement) } : {}),
    };
    if (keyGenerated) checkGeneratedKey(b, raw.name, dialect);
    b.properties.push(prop);
    if (version) {
      if (b.versionProperty) {
        throw new MetadataError('BAD_OPTION', `${b.name} has two version properties (${b.versionProperty.name}, ${raw.name}); keep one.`, { entity: b.name, property: raw.name });
      }
      b.versionProperty = prop;
    }
  }
}

/**
 * `@Property({ generated })`, checked: one of its two values, not on a version property, and on a
 * key only `'insert'` without autoincrement.
 */
function generatedOption(entity: string, property: string, value: unknown, primary: boolean, version: boolean, autoincrement: boolean): 'insert' | 'always' {
  if (value !== 'insert' && value !== 'always') {
    throw new MetadataError('BAD_OPTION', `${entity}.${property} has generated: ${JSON.stringify(value)}; use 'insert' (filled by the database on insert) or 'always' (maintained by the database on every write).`, { entity, property });
  }
  if (version) {
    throw new MetadataError('BAD_OPTION', `${entity}.${property} is a version property with generated: '${value}'; joinery sets version values itself. Remove \`generated\`.`, { entity, property });
  }
  if (primary && (value !== 'insert' || autoincrement)) {
    throw new MetadataError(
      'BAD_OPTION',
      value !== 'insert'
        ? `${entity}.${property} is a primary key with generated: '${value}'; a key is never rewritten by the database. Use generated: 'insert' for a key the database fills on insert.`
        : `${entity}.${property} is an autoincrement primary key with generated: 'insert'; an autoincrement key is read back already. Remove one of the two.`,
      { entity, property },
    );
  }
  return value;
}

/**
 * A key the database fills on insert (not autoincrement) comes back only by RETURNING: MySQL and
 * MariaDB (no RETURNING) and `returning: false` tables could never learn it.
 */
function checkGeneratedKey(b: EntityBuilder, property: string, dialect: Dialect): void {
  const why = dialect === 'mysql' ? `MySQL/MariaDB (connection '${b.connection}') cannot return it` : b.returning === false ? `${b.name} has returning: false, so it cannot be returned` : undefined;
  if (!why) return;
  throw new MetadataError(
    'BAD_OPTION',
    `${b.name}.${property} is a primary key with generated: 'insert', but ${why}: the new row's key could not be read back. ` +
      `Set the key in the application instead: @PrimaryKey({ type: 'uuid', onCreate: () => randomUUID() }) (randomUUID from node:crypto), and remove \`generated\`.`,
    { entity: b.name, property },
  );
}

/** A type the connection's database lacks, or an enum without its values, is a mapping mistake. */
function checkType(entity: string, property: string, type: ColumnMetadata['type'], dialect: Dialect, items: readonly (string | number)[] | undefined): void {
  const reason = unsupportedType(type, dialect);
  if (reason) throw new MetadataError('UNSUPPORTED_TYPE', `${entity}.${property}: ${reason}.`, { entity, property });
  if (type instanceof EnumType && (!items?.length || items.some((i) => typeof i !== 'string'))) {
    throw new MetadataError(
      'BAD_OPTION',
      `${entity}.${property} has type 'enum' but no list of string values. Add them: @Property({ type: 'enum', enum: ['draft', 'published'] }) (for a TypeScript enum: enum: Object.values(Status)).`,
      { entity, property },
    );
  }
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
            ...(p.deferrable ? { deferrable: true } : {}),
          });
        }
        break;
      case '1:m':
      case 'm:n':
      case 'through':
        break;
      default:
        assertNever(p);
    }
  }
  b.columns = columns;
  b.foreignKeys = fks;
  b.uniques = distinctByColumns([
    ...columns.filter((c) => c.unique && !c.primary).map((c) => ({ name: constraintName(b.tableName, [c.name], 'unique'), columns: [c.name] })),
    ...b.rawClass.uniques.map((u) => {
      const cols = propertiesToColumns(b, u.properties, 'Unique');
      return { name: u.name ?? constraintName(b.tableName, cols, 'unique'), columns: cols };
    }),
  ]);
  b.indexes = distinctByColumns([
    ...columns.filter((c) => c.index).map((c) => ({ name: constraintName(b.tableName, [c.name], 'index'), columns: [c.name] })),
    ...b.rawClass.indexes.map((u) => {
      const cols = propertiesToColumns(b, u.properties, 'Index');
      return { name: u.name ?? constraintName(b.tableName, cols, 'index'), columns: cols };
    }),
  ]);
  // Without a prototype: names come from users (criteria, orderBy, populate, create/assign data), and
  // `constructor` or `toString` must find nothing rather than Object.prototype's members.
  const byName: Record<string, PropertyMetadata> = Object.create(null);
  for (const p of b.properties) byName[p.name] = p;
  b.propertiesByName = byName;
}

/** The same columns declared twice (`unique: true` and `@Unique`, or a through entity's own pair) make one constraint. */
function distinctByColumns<T extends { columns: readonly string[] }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const key = x.columns.join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function propertiesToColumns(b: EntityBuilder, properties: readonly string[], decorator: string): string[] {
  return properties.flatMap((name) => {
    const p = b.properties.find((x) => x.name === name);
    if (!p) {
      throw new MetadataError(
        'BAD_OPTION',
        `@${decorator}({ properties }) on ${b.name} names ${b.name}.${name}, which does not exist. Use one of: ${b.properties.map((x) => x.name).join(', ')}.`,
        { entity: b.name, property: name },
      );
    }
    if (p.kind === 'scalar') return [p.column.name];
    if (p.kind === 'm:1' || (p.kind === '1:1' && p.owner)) return p.joinColumns.map((c) => c.name);
    throw new MetadataError(
      'BAD_OPTION',
      `@${decorator}({ properties }) on ${b.name} names ${b.name}.${name}, a collection or inverse side, which has no column in ${b.tableName}. ` +
        `Name scalar properties or the relations that hold the foreign key.`,
      { entity: b.name, property: name },
    );
  });
}
