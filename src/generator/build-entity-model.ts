import { pluralize, singularize } from 'inflection';
import { snakeCase, type NamingStrategy } from '../metadata/naming-strategy.js';
import type { Dialect, ReferentialAction, ScalarType } from '../metadata/types.js';
import type { ColumnSchema, ForeignKeySchema, IndexSchema, TableSchema } from '../schema/schema-model.js';
import type {
  EntityModel, GeneratedEntity, GeneratedKey, GeneratedProperty, GeneratedScalar, GeneratedToOne, OptionValue, SkippedTable,
} from './entity-model.js';
import { mapLiveType } from './live-type-mapping.js';

/** Class names that would shadow what a generated file imports or the globals it relies on. */
const RESERVED_CLASS_NAMES = new Set([
  'Entity', 'Property', 'PrimaryKey', 'ManyToOne', 'OneToMany', 'OneToOne', 'ManyToMany', 'Collection', 'Rel', 'Index', 'Unique',
  'Object', 'Array', 'String', 'Number', 'Boolean', 'Date', 'Map', 'Set', 'Error', 'Function', 'Promise', 'Symbol', 'JSON', 'Math', 'BigInt',
]);
const RESERVED_PROPERTY_NAMES = new Set(['constructor', '__proto__']);

/** A foreign key mapped as a relation: it points at the whole primary key of a table that becomes an entity. */
interface RelationFk {
  readonly fk: ForeignKeySchema;
  readonly table: TableSchema;
  readonly target: TableSchema;
}

interface JoinTable {
  readonly table: TableSchema;
  /** The FK on the first primary-key column: its side owns the collection. */
  readonly owner: RelationFk;
  readonly inverse: RelationFk;
}

interface Draft {
  readonly table: TableSchema;
  readonly className: string;
  readonly used: Set<string>;
  readonly properties: GeneratedProperty[];
  readonly notes: string[];
  /** Property of each column (a scalar, or the relation whose FK holds it). */
  readonly propertyOfColumn: Map<string, string>;
  /** Through entities: the FK on the first key column (owner side), then the other. */
  readonly through?: readonly [RelationFk, RelationFk];
}

/**
 * Reads entities out of introspected tables: one class per table with a primary key; a table whose
 * columns are exactly two FKs forming its key, with joinery's own join-table rules (FKs `on delete
 * cascade`, no other index than on the second key column), becomes a plain `@ManyToMany`; any other
 * table keyed by two FKs becomes a `through` entity, so its extra columns, rules and indexes are kept.
 * Tables without a primary key are skipped, with the reason. Pure: no database, no files.
 *
 * @example
 * const model = buildEntityModel([...tables.values()], 'pg', new DefaultNamingStrategy());
 * model.entities.map((e) => e.className);   // ['Album', 'Artist', ...]
 */
export function buildEntityModel(tables: readonly TableSchema[], dialect: Dialect, naming: NamingStrategy): EntityModel {
  const skipped: SkippedTable[] = [];
  const keyed: TableSchema[] = [];
  for (const t of [...tables].sort((a, b) => compare(a.name, b.name))) {
    if (t.primaryKey && t.primaryKey.columns.length > 0) keyed.push(t);
    else {
      skipped.push({
        table: t.name,
        reason: 'it has no primary key, which joinery needs to identify its rows: add one (then generate again), or read it with em.execute()',
      });
    }
  }
  const byName = new Map(keyed.map((t) => [t.name, t]));
  const relationFks = new Map<string, RelationFk[]>();
  for (const t of keyed) {
    relationFks.set(
      t.name,
      t.foreignKeys.flatMap((fk) => {
        const target = byName.get(fk.referencedTable);
        return target && sameList(fk.referencedColumns, target.primaryKey!.columns) ? [{ fk, table: t, target }] : [];
      }),
    );
  }

  const joinTables: JoinTable[] = [];
  for (const t of keyed) {
    const join = asJoinTable(t, relationFks.get(t.name)!, dialect);
    if (join) joinTables.push(join);
  }
  const joinNames = new Set(joinTables.map((j) => j.table.name));

  const drafts = new Map<string, Draft>();
  const classNames = new Set<string>();
  for (const t of keyed) {
    if (joinNames.has(t.name)) continue;
    const className = unique(classNameOf(t.name), classNames);
    classNames.add(className);
    drafts.set(t.name, { table: t, className, used: new Set(), properties: [], notes: [], propertyOfColumn: new Map(), through: throughKey(t, relationFks.get(t.name)!) });
  }

  for (const d of drafts.values()) addOwnProperties(d, relationFks.get(d.table.name)!, drafts, dialect, naming);
  for (const d of drafts.values()) {
    for (const p of [...d.properties]) if (p.kind === 'm:1' || p.kind === '1:1') addInverse(d, p, drafts);
  }
  for (const j of joinTables) addManyToMany(drafts.get(j.owner.target.name)!, drafts.get(j.inverse.target.name)!, j, naming);
  for (const d of drafts.values()) if (d.through) addThroughCollections(d, drafts);

  const entities = [...drafts.values()].map((d) => finish(d, relationFks.get(d.table.name)!, naming));
  return { dialect, entities, joinTables: joinTables.map((j) => j.table.name), skipped };
}

/** A pure join table that joinery's own `@ManyToMany` mapping reproduces exactly, or undefined. */
function asJoinTable(t: TableSchema, fks: readonly RelationFk[], dialect: Dialect): JoinTable | undefined {
  const key = t.primaryKey!.columns;
  if (key.length !== 2 || fks.length !== 2 || t.foreignKeys.length !== 2 || t.uniques.length > 0) return undefined;
  const owner = fks.find((f) => sameList(f.fk.columns, [key[0]!]));
  const inverse = fks.find((f) => sameList(f.fk.columns, [key[1]!]));
  // A self-referencing join table needs names for both directions that no schema gives: a through entity says more.
  if (!owner || !inverse || owner.target === inverse.target) return undefined;
  const others = t.columns.filter((c) => !key.includes(c.name));
  // An extra timestamp the database fills itself (or leaves NULL) is allowed: joinery never writes it.
  if (others.length > 1 || others.some((c) => !isTimestamp(c, dialect) || (!c.nullable && c.default === undefined))) return undefined;
  if (!t.indexes.every((i) => sameList(i.columns, [key[1]!]))) return undefined;
  const cascades = (f: ForeignKeySchema) => f.deleteRule === 'cascade' && f.updateRule === 'cascade';
  return cascades(owner.fk) && cascades(inverse.fk) ? { table: t, owner, inverse } : undefined;
}

/** The two FKs that make up the key of a link table with extra columns (or other rules), or undefined. */
function throughKey(t: TableSchema, fks: readonly RelationFk[]): readonly [RelationFk, RelationFk] | undefined {
  const key = t.primaryKey!.columns;
  if (key.length !== 2) return undefined;
  const first = fks.find((f) => sameList(f.fk.columns, [key[0]!]));
  const second = fks.find((f) => sameList(f.fk.columns, [key[1]!]));
  return first && second && first.target !== second.target ? [first, second] : undefined;
}

function addOwnProperties(d: Draft, fks: readonly RelationFk[], drafts: ReadonlyMap<string, Draft>, dialect: Dialect, naming: NamingStrategy): void {
  const fkOfColumn = new Map<string, RelationFk>();
  for (const f of fks) if (drafts.has(f.target.name)) for (const c of f.fk.columns) if (!fkOfColumn.has(c)) fkOfColumn.set(c, f);
  for (const f of d.table.foreignKeys) {
    if (!fks.some((r) => r.fk === f && drafts.has(r.target.name))) {
      d.notes.push(`FK ${f.columns.join(', ')} -> ${f.referencedTable}(${f.referencedColumns.join(', ')}) is kept as plain columns: it does not reference the primary key of a table that became an entity.`);
    }
  }
  const pk = d.table.primaryKey!.columns;
  // Scalars first, so a relation never takes the name a column has.
  const scalarNames = new Map<string, string>();
  for (const c of d.table.columns) {
    if (fkOfColumn.has(c.name)) continue;
    const name = unique(propertyNameOf(c.name), d.used);
    d.used.add(name);
    scalarNames.set(c.name, name);
  }
  const relationNames = new Map<RelationFk, string>();
  for (const f of fks) {
    if (!fkOfColumn.has(f.fk.columns[0]!) || fkOfColumn.get(f.fk.columns[0]!) !== f) continue;
    const name = unique(relationNameOf(f, drafts.get(f.target.name)!.className), d.used);
    d.used.add(name);
    relationNames.set(f, name);
  }
  for (const c of d.table.columns) {
    const f = fkOfColumn.get(c.name);
    if (!f) {
      const name = scalarNames.get(c.name)!;
      d.propertyOfColumn.set(c.name, name);
      d.properties.push(scalarProperty(d, c, name, pk, dialect, naming));
    } else if (relationNames.has(f) && f.fk.columns[0] === c.name) {
      const name = relationNames.get(f)!;
      for (const col of f.fk.columns) d.propertyOfColumn.set(col, name);
      d.properties.push(toOneProperty(d, f, name, drafts, dialect, naming));
    }
  }
}

function scalarProperty(d: Draft, c: ColumnSchema, name: string, pk: readonly string[], dialect: Dialect, naming: NamingStrategy): GeneratedScalar {
  const mapped = mapLiveType(c.type, dialect);
  const primary = pk.includes(c.name);
  const options: [string, OptionValue][] = [['type', mapped.type]];
  if (mapped.columnType !== undefined) options.push(['columnType', mapped.columnType]);
  if (mapped.length !== undefined) options.push(['length', mapped.length]);
  if (mapped.precision !== undefined) options.push(['precision', mapped.precision]);
  if (mapped.scale !== undefined) options.push(['scale', mapped.scale]);
  if (naming.propertyToColumnName(name) !== c.name) options.push(['columnName', c.name]);
  const integerKey = mapped.type === 'integer' || mapped.type === 'bigint';
  if (primary) {
    // joinery generates a lone integer key unless told otherwise; a composite key never.
    if (pk.length === 1 && integerKey && !c.autoincrement) options.push(['autoincrement', false]);
    if (pk.length > 1 && c.autoincrement) d.notes.push(`${name}: the database generates it, but joinery does not generate part of a composite key: set it yourself.`);
  } else {
    if (c.nullable) options.push(['nullable', true]);
    if (d.table.uniques.some((u) => sameList(u.columns, [c.name]))) options.push(['unique', true]);
  }
  if (c.default && !c.autoincrement) {
    if (c.default.kind === 'expression') options.push(['defaultRaw', c.default.sql]);
    else options.push(['default', literalDefault(c.default.value, mapped.type)]);
    // A lone key the database fills (a uuid default): joinery reads it back on pg and SQLite; MySQL cannot.
    if (primary && pk.length === 1 && dialect !== 'mysql') options.push(['generated', 'insert']);
  }
  const note = mapped.unknown ? `column type ${c.type} has no joinery type: read and written as text (columnType keeps the DDL as it is)` : undefined;
  return { kind: 'scalar', name, primary, column: c.name, type: mapped.type, nullable: c.nullable && !primary, options, ...(note ? { note } : {}) };
}

function toOneProperty(d: Draft, f: RelationFk, name: string, drafts: ReadonlyMap<string, Draft>, dialect: Dialect, naming: NamingStrategy): GeneratedToOne {
  const pk = d.table.primaryKey!.columns;
  const cols = f.fk.columns;
  const nullable = cols.some((c) => d.table.columns.find((x) => x.name === c)?.nullable);
  const primary = cols.every((c) => pk.includes(c));
  const isUnique = (cols.length === 1 && d.table.uniques.some((u) => sameList(u.columns, cols))) || sameList(pk, cols);
  const kind = isUnique ? '1:1' : 'm:1';
  const options: [string, OptionValue][] = [];
  if (kind === '1:1') options.push(['owner', true]);
  const expected = f.target.primaryKey!.columns.map((r) => naming.joinColumnName(name, r));
  if (!sameList(expected, cols)) {
    if (cols.length === 1) options.push(['joinColumn', cols[0]!]);
    else options.push(['joinColumns', [...cols]]);
  }
  if (nullable) options.push(['nullable', true]);
  if (primary) options.push(['primary', true]);
  // A through entity's links default to `on delete cascade`, like a join table's rows.
  const defaultDelete: ReferentialAction = d.through?.some((t) => t === f) ? 'cascade' : nullable ? 'set null' : 'no action';
  let note: string | undefined;
  // InnoDB checks RESTRICT and NO ACTION alike and reports RESTRICT for a rule never stated.
  const liveRule = (r: ForeignKeySchema['deleteRule']) => (dialect === 'mysql' && r === 'restrict' ? 'no action' : r);
  for (const [option, rule, fallback] of [['deleteRule', liveRule(f.fk.deleteRule), defaultDelete], ['updateRule', liveRule(f.fk.updateRule), 'cascade']] as const) {
    if (rule === 'set default') note = `the FK's ${option} 'set default' has no joinery equivalent: '${fallback}' is used; keep or change the constraint in a migration`;
    else if (rule !== fallback) options.push([option, rule]);
  }
  if (f.fk.deferrable && dialect !== 'mysql') options.push(['deferrable', true]);
  return { kind, name, target: drafts.get(f.target.name)!.className, nullable, inverse: '', options, ...(note ? { note } : {}) };
}

function addInverse(d: Draft, p: GeneratedToOne, drafts: ReadonlyMap<string, Draft>): void {
  const target = [...drafts.values()].find((x) => x.className === p.target)!;
  const siblings = d.properties.filter((x) => (x.kind === 'm:1' || x.kind === '1:1') && x.target === p.target);
  const base = p.kind === '1:1' ? lowerFirst(d.className) : lowerFirst(pluralize(d.className));
  // Two relations from one table to another: name each inverse after its relation so they differ.
  const wanted = siblings.length > 1 || target.used.has(base) ? `${base}By${upperFirst(p.name)}` : base;
  const name = unique(wanted, target.used);
  target.used.add(name);
  (p as { inverse: string }).inverse = name;
  target.properties.push({ kind: p.kind === '1:1' ? '1:1-inverse' : '1:m', name, target: d.className, mappedBy: p.name });
}

function addManyToMany(owner: Draft, inverse: Draft, j: JoinTable, naming: NamingStrategy): void {
  const ownerName = unique(lowerFirst(pluralize(inverse.className)), owner.used);
  owner.used.add(ownerName);
  const inverseName = unique(lowerFirst(pluralize(owner.className)), inverse.used);
  inverse.used.add(inverseName);
  const options: [string, OptionValue][] = [['owner', true]];
  if (naming.joinTableName(owner.table.name, inverse.table.name, ownerName) !== j.table.name) options.push(['pivotTable', j.table.name]);
  const ownerColumn = j.owner.fk.columns[0]!;
  const inverseColumn = j.inverse.fk.columns[0]!;
  if (naming.joinTableColumnName(owner.table.name, owner.table.primaryKey!.columns[0]!) !== ownerColumn) options.push(['joinColumn', ownerColumn]);
  if (naming.joinTableColumnName(inverse.table.name, inverse.table.primaryKey!.columns[0]!) !== inverseColumn) options.push(['inverseJoinColumn', inverseColumn]);
  const extra = j.table.columns.find((c) => c.name !== ownerColumn && c.name !== inverseColumn);
  const note = extra ? `join table ${j.table.name} also has ${extra.name}, which the database fills: joinery leaves it alone` : undefined;
  owner.properties.push({ kind: 'm:n', name: ownerName, target: inverse.className, owner: true, other: inverseName, options, ...(note ? { note } : {}) });
  inverse.properties.push({ kind: 'm:n', name: inverseName, target: owner.className, owner: false, other: ownerName, options: [] });
}

/** The collections a through entity links: owner side (first key column) to the other side. */
function addThroughCollections(d: Draft, drafts: ReadonlyMap<string, Draft>): void {
  const [first, second] = d.through!;
  const owner = drafts.get(first.target.name)!;
  const inverse = drafts.get(second.target.name)!;
  const ownerName = unique(lowerFirst(pluralize(inverse.className)), owner.used);
  owner.used.add(ownerName);
  const inverseName = unique(lowerFirst(pluralize(owner.className)), inverse.used);
  inverse.used.add(inverseName);
  owner.properties.push({
    kind: 'm:n', name: ownerName, target: inverse.className, owner: true, other: inverseName, options: [['owner', true], ['through', { code: `() => ${d.className}` }]],
  });
  inverse.properties.push({ kind: 'm:n', name: inverseName, target: owner.className, owner: false, other: ownerName, options: [] });
}

function finish(d: Draft, fks: readonly RelationFk[], naming: NamingStrategy): GeneratedEntity {
  const t = d.table;
  const pk = t.primaryKey!.columns;
  const toProperties = (cols: readonly string[]): string[] | undefined => {
    const props = [...new Set(cols.map((c) => d.propertyOfColumn.get(c)))];
    if (props.some((p) => p === undefined)) return undefined;
    // A relation stands for all its FK columns: it can only name the key if they come together.
    const back = props.flatMap((p) => t.columns.filter((c) => d.propertyOfColumn.get(c.name) === p).map((c) => c.name));
    return sameList(back, cols) ? (props as string[]) : undefined;
  };
  const uniques: GeneratedKey[] = [];
  for (const u of t.uniques) {
    if (sameList(u.columns, pk)) continue;
    // Single scalar columns carry `unique: true`; a one-to-one's FK is unique by itself.
    if (u.columns.length === 1 && (isScalarColumn(d, u.columns[0]!) || isOneToOneColumn(d, u.columns[0]!))) continue;
    const properties = toProperties(u.columns);
    if (properties) uniques.push({ properties, name: u.name });
    else d.notes.push(`unique ${u.name} (${u.columns.join(', ')}) is left out: it splits a composite foreign key.`);
  }
  const indexes: GeneratedKey[] = [];
  for (const i of indexesToDeclare(t, fks.filter((f) => d.propertyOfColumn.get(f.fk.columns[0]!) !== undefined && !isScalarColumn(d, f.fk.columns[0]!)), t.uniques)) {
    const properties = toProperties(i.columns);
    if (properties) indexes.push({ properties, name: i.name });
    else d.notes.push(`index ${i.name} (${i.columns.join(', ')}) is left out: it splits a composite foreign key.`);
  }
  const options: [string, OptionValue][] = naming.classToTableName(d.className) === t.name ? [] : [['tableName', t.name]];
  return {
    className: d.className,
    fileName: kebabCase(d.className),
    table: t.name,
    options,
    properties: d.properties,
    uniques,
    indexes,
    notes: d.notes,
  };
}

/**
 * The live indexes to declare: all but those joinery creates by itself, which is one per FK whose
 * columns no key, unique or other index starts with. Names do not matter to the schema diff.
 */
function indexesToDeclare(t: TableSchema, fks: readonly RelationFk[], uniques: readonly IndexSchema[]): IndexSchema[] {
  const pk = t.primaryKey!.columns;
  const declared = t.indexes.filter((i) => !sameList(i.columns, pk));
  for (const f of fks) {
    const i = declared.findIndex((x) => sameList(x.columns, f.fk.columns));
    if (i < 0) continue;
    const others = [pk, ...uniques.map((u) => u.columns), ...declared.filter((_, k) => k !== i).map((x) => x.columns)];
    if (!others.some((cols) => isPrefix(f.fk.columns, cols))) declared.splice(i, 1);
  }
  return declared;
}

function isScalarColumn(d: Draft, column: string): boolean {
  const name = d.propertyOfColumn.get(column);
  return d.properties.some((p) => p.kind === 'scalar' && p.name === name);
}

function isOneToOneColumn(d: Draft, column: string): boolean {
  const name = d.propertyOfColumn.get(column);
  return d.properties.some((p) => p.kind === '1:1' && p.name === name);
}

function isTimestamp(c: ColumnSchema, dialect: Dialect): boolean {
  const t = mapLiveType(c.type, dialect).type;
  return t === 'datetime' || t === 'date';
}

function literalDefault(value: string | number | boolean, type: ScalarType): OptionValue {
  if (type === 'boolean') return value === true || value === 1 || value === '1' || String(value).toLowerCase() === 'true';
  if ((type === 'integer' || type === 'float') && typeof value === 'string' && Number.isFinite(Number(value))) return Number(value);
  return typeof value === 'boolean' ? value : String(value);
}

/** `AlbumId` / `album_id` → `album`; `ReportsTo` → `reportsTo`; a composite FK takes the target's name. */
function relationNameOf(f: RelationFk, targetClass: string): string {
  if (f.fk.columns.length > 1) return lowerFirst(targetClass);
  const snake = snakeCase(identifierWords(f.fk.columns[0]!));
  const stripped = snake.endsWith('_id') && snake.length > 3 ? snake.slice(0, -3) : snake === 'id' ? '' : snake;
  return stripped ? propertyNameOf(stripped) : lowerFirst(targetClass);
}

/** `PlaylistTrack` / `playlist_tracks` → `PlaylistTrack`. */
export function classNameOf(table: string): string {
  const words = snakeCase(identifierWords(table)).split('_').filter(Boolean);
  if (words.length === 0) return 'Table';
  words[words.length - 1] = singularize(words[words.length - 1]!);
  let name = words.map(upperFirst).join('');
  if (/^\d/.test(name)) name = `T${name}`;
  return RESERVED_CLASS_NAMES.has(name) ? `${name}Entity` : name;
}

/** `first_name` / `FirstName` → `firstName`. */
export function propertyNameOf(column: string): string {
  const words = snakeCase(identifierWords(column)).split('_').filter(Boolean);
  let name = words.map((w, i) => (i === 0 ? w : upperFirst(w))).join('') || 'column';
  if (/^\d/.test(name)) name = `_${name}`;
  return RESERVED_PROPERTY_NAMES.has(name) ? `${name}Value` : name;
}

/** Anything that cannot be in an identifier becomes a word break. */
function identifierWords(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '_');
}

export function kebabCase(className: string): string {
  return snakeCase(className).replace(/_/g, '-');
}

function unique(name: string, used: ReadonlySet<string>): string {
  if (!used.has(name)) return name;
  for (let i = 2; ; i++) if (!used.has(`${name}${i}`)) return `${name}${i}`;
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function isPrefix(prefix: readonly string[], cols: readonly string[]): boolean {
  return prefix.length > 0 && prefix.length <= cols.length && prefix.every((c, i) => c === cols[i]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

