import type { ValidationFailure } from '../errors/validation-error.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { describeValue, valueProblem, type ValueProblem } from '../entity/value-rules.js';
import type { Dialect, EntityMetadata, ScalarProperty } from '../metadata/types.js';
import { columnProperties, type ChangeSet, type ColumnProperty } from './change-sets.js';
import type { ChildClear, LinkDiff } from './collection-diff.js';

type ToOneColumnProperty = Exclude<ColumnProperty, ScalarProperty>;

/**
 * Checks every insert and update of a flush before any SQL is sent and returns every failure,
 * not just the first (Sequelize's `bulkCreate({ validate: true })`): required values, each value
 * against its column on the connection's dialect (`valueProblem`), the keys to-one relations point
 * by, `enum` and `validate`. Pure.
 *
 * @example
 * const failures = validateChangeSets(changeSets, (connection) => drivers.get(connection)!.dialect);
 * if (failures.length) throw new ValidationError(failures);
 */
export function validateChangeSets(changeSets: readonly ChangeSet[], dialectOf: (connection: string) => Dialect): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  let connection: string | undefined;
  let dialect: Dialect = 'sqlite';
  let planMeta: EntityMetadata | undefined;
  let plan: readonly PlannedProperty[] = [];
  // Nothing in this loop is captured by a closure: V8 would allocate a context for `p` and `value`
  // on every iteration (about 800 bytes per row of a 10,000-row flush), failure or not. Messages and
  // their closures are built by the functions below, for failures only.
  for (const cs of changeSets) {
    if (cs.type === 'delete') continue;
    if (cs.meta !== planMeta) {
      planMeta = cs.meta;
      plan = validationPlan(planMeta);
      if (planMeta.connection !== connection) {
        connection = planMeta.connection;
        dialect = dialectOf(connection);
      }
    }
    const entity = cs.entity as Record<string, unknown>;
    const insert = cs.type === 'insert';
    for (let i = 0; i < plan.length; i++) {
      const step = plan[i]!;
      if (insert) {
        // Never written (the database maintains it), so nothing of it to check.
        if (step.databaseMade) continue;
      } else if (step.primary || !(step.name in cs.payload)) {
        // A key in an update payload is a changed key, reported by keyChangeFailures.
        continue;
      }
      const value = entity[step.name];
      if (value === undefined || value === null) {
        if (!step.nullable && !(insert && value === undefined && step.generated)) failRequired(cs.meta, step.p, value, cs.entity, failures);
        continue;
      }
      checkValue(cs.meta, step.p, value, dialect, cs.entity, failures);
    }
  }
  return failures;
}

/**
 * What validation reads of one column property, flattened into records of one shape: property
 * metadata comes in several shapes (scalars, to-ones), and reading its fields in the per-row loop
 * of a 10,000-row flush made every access polymorphic.
 */
interface PlannedProperty {
  readonly name: string;
  readonly primary: boolean;
  readonly nullable: boolean;
  /** Left undefined on insert, the database (or the flush) supplies it. */
  readonly generated: boolean;
  /** `generated: 'always'`: never written. */
  readonly databaseMade: boolean;
  readonly p: ColumnProperty;
}

const plans = new WeakMap<EntityMetadata, readonly PlannedProperty[]>();

function validationPlan(meta: EntityMetadata): readonly PlannedProperty[] {
  let plan = plans.get(meta);
  if (!plan) {
    plan = columnProperties(meta).map((p) => ({
      name: p.name,
      primary: p.primary === true,
      nullable: p.nullable === true,
      generated: generated(p),
      databaseMade: p.kind === 'scalar' && p.generated === 'always',
      p,
    }));
    plans.set(meta, plan);
  }
  return plan;
}

/**
 * The data of `em.nativeUpdate` (property → value, to-one values already entities or references),
 * checked like an update of a flush: every failure at once. Custom `validate` functions are not
 * run: they are given the entity, which a native update never loads. Pure.
 *
 * @example
 * const failures = validateColumnValues(meta, [[meta.propertiesByName.age as ColumnProperty, 2 ** 40]], 'pg');
 * // [{ entity: 'User', property: 'age', rule: 'range', ... }]
 */
export function validateColumnValues(meta: EntityMetadata, values: readonly (readonly [ColumnProperty, unknown])[], dialect: Dialect): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  for (const [p, value] of values) {
    if (value === undefined || value === null) {
      if (!p.nullable) failRequired(meta, p, value, undefined, failures);
      continue;
    }
    checkValue(meta, p, value, dialect, undefined, failures);
  }
  return failures;
}

/** Left undefined on insert, the database (or the flush) supplies it. */
function generated(p: ColumnProperty): boolean {
  // A key's column default alone does not do: the flush could not learn the key the row got.
  if (p.kind === 'scalar' && p.primary) return p.autoincrement || p.generated !== undefined;
  return p.kind === 'scalar' && (p.autoincrement || p.version || p.generated !== undefined || p.column.default !== undefined || p.column.defaultRaw !== undefined);
}

/** A non-null value of `p`. `instance` (the entity) is given by a flush: then `validate` runs too. */
function checkValue(meta: EntityMetadata, p: ColumnProperty, value: unknown, dialect: Dialect, instance: object | undefined, failures: ValidationFailure[]): void {
  if (p.kind !== 'scalar') {
    if (typeof value !== 'object') failToOneType(meta, p, value, instance, failures);
    else checkToOneKey(meta, p, value as Record<string, unknown>, dialect, instance, failures);
    return;
  }
  const problem = valueProblem(p.column, value, dialect, 'write');
  if (problem) fail(meta, p, value, instance, failures, problem.rule, problem.message);
  else if (p.enum || (p.validate && instance)) checkCustom(meta, p, value, instance, failures);
}

function fail(
  meta: EntityMetadata,
  p: ColumnProperty,
  value: unknown,
  instance: object | undefined,
  failures: ValidationFailure[],
  rule: string,
  message: (where: string) => string,
): void {
  const failure: ValidationFailure = { entity: meta.name, property: p.name, value, rule, message: message(`${meta.name}.${p.name}`) };
  if (instance) failure.instance = instance;
  failures.push(failure);
}

function failRequired(meta: EntityMetadata, p: ColumnProperty, value: null | undefined, instance: object | undefined, failures: ValidationFailure[]): void {
  const fix =
    p.kind === 'scalar' && p.primary
      ? "Set the key (e.g. onCreate: () => randomUUID()), or, when the database makes it (a column default), declare @PrimaryKey({ generated: 'insert' }) (PostgreSQL and SQLite)."
      : p.kind === 'scalar'
      ? 'Set a value, or declare it nullable: true.'
      : `Assign a ${p.target.name} (entity, reference or primary key), or declare the relation nullable: true.`;
  fail(meta, p, value, instance, failures, 'required', (where) => `${where} is required but is ${String(value)}. ${fix}`);
}

function failToOneType(meta: EntityMetadata, p: ToOneColumnProperty, value: unknown, instance: object | undefined, failures: ValidationFailure[]): void {
  fail(
    meta,
    p,
    value,
    instance,
    failures,
    'type',
    (where) => `${where} must be a ${p.target.name} entity or reference, got ${typeof value} ${String(value)}. Use em.getReference(${p.target.name}, ${String(value)}).`,
  );
}

/**
 * The key a to-one points by must fit the foreign key column: a reference made from `''` or
 * `'abc'` for an integer key would be an error on PostgreSQL, 0 on MariaDB and text in SQLite.
 */
function checkToOneKey(meta: EntityMetadata, p: ToOneColumnProperty, value: Record<string, unknown>, dialect: Dialect, instance: object | undefined, failures: ValidationFailure[]): void {
  const keys = p.target.primaryKeys;
  if (keys.length === 1 && keys[0]!.kind === 'scalar') {
    // The common case, read directly: no key array.
    const key = value[keys[0]!.name];
    if (key === undefined || key === null) return;
    const problem = valueProblem(p.joinColumns[0]!, key, dialect, 'key');
    if (problem) failToOneKey(meta, p, value, key, problem, instance, failures);
    return;
  }
  const key = primaryKeyValues(p.target, value);
  if (!key) return;
  for (let i = 0; i < key.length; i++) {
    const problem = valueProblem(p.joinColumns[i]!, key[i], dialect, 'key');
    if (problem) return failToOneKey(meta, p, value, key, problem, instance, failures);
  }
}

function failToOneKey(
  meta: EntityMetadata,
  p: ToOneColumnProperty,
  value: object,
  key: unknown,
  problem: ValueProblem,
  instance: object | undefined,
  failures: ValidationFailure[],
): void {
  const target = p.target.name;
  const keyName = p.target.primaryKeys.map((k) => k.name).join(', ');
  fail(
    meta,
    p,
    value,
    instance,
    failures,
    problem.rule,
    (where) =>
      `${where} points at the ${target} with key ${Array.isArray(key) ? `[${key.map(describeValue).join(', ')}]` : describeValue(key)}, which its column cannot hold: ` +
      `${problem.message(`${target}.${keyName}`)} Pass an existing ${target} (or its key), or null.`,
  );
}

/** `enum` and the property's `validate` function, for a value of the right type. */
function checkCustom(meta: EntityMetadata, p: ScalarProperty, value: unknown, instance: object | undefined, failures: ValidationFailure[]): void {
  if (p.enum && !p.enum.includes(value as string | number)) {
    return fail(meta, p, value, instance, failures, 'enum', (where) => `${where} must be one of ${p.enum!.map((e) => JSON.stringify(e)).join(', ')}, got ${describeValue(value)}.`);
  }
  if (!p.validate || !instance) return;
  let verdict: unknown;
  try {
    verdict = p.validate(value, instance);
  } catch (e) {
    verdict = (e as Error).message;
  }
  if (verdict === false) fail(meta, p, value, instance, failures, 'validate', (where) => `${where} failed its validate function (value ${describeValue(value)}).`);
  else if (typeof verdict === 'string') fail(meta, p, value, instance, failures, 'validate', (where) => `${where}: ${verdict} (value ${describeValue(value)}).`);
}

/** The keys of linked items must fit the join table's columns (new items have none yet: skipped). */
function checkLinkKeys(diff: LinkDiff, items: readonly object[], dialect: Dialect, failures: ValidationFailure[]): void {
  const target = diff.prop.target;
  const columns = diff.prop.pivot.inverseJoinColumns;
  for (const item of items) {
    const key = primaryKeyValues(target, item);
    if (!key) continue;
    for (let i = 0; i < key.length; i++) {
      const problem = valueProblem(columns[i]!, key[i], dialect, 'key');
      if (!problem) continue;
      failures.push({
        entity: diff.ownerMeta.name,
        property: diff.prop.name,
        value: item,
        rule: problem.rule,
        instance: diff.owner,
        message:
          `${diff.ownerMeta.name}.${diff.prop.name} links the ${target.name} with key ${describeValue(key.length === 1 ? key[0] : key)}, which the join table cannot hold: ` +
          `${problem.message(`${target.name}.${target.primaryKeys.map((k) => k.name).join(', ')}`)} Pass an existing ${target.name} or its key.`,
      });
      break;
    }
  }
}

/**
 * New links of a M:N with a `through` entity are rows of that entity: its required extra columns
 * need values (`collection.attach(item, values)`), checked here before any SQL. Pure.
 */
export function validateLinks(links: readonly LinkDiff[], dialectOf: (connection: string) => Dialect): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  for (const diff of links) {
    const pivot = diff.prop.pivot;
    // Items given by a bare key (`tags.add('')`) are references whose key goes into the join table.
    const dialect = dialectOf(pivot.connection);
    if (diff.insert.length) checkLinkKeys(diff, diff.insert, dialect, failures);
    if (diff.delete.length) checkLinkKeys(diff, diff.delete, dialect, failures);
    const through = pivot.through;
    if (!through) continue;
    const required = columnProperties(through).filter(
      (p) =>
        p.name !== pivot.ownerProperty &&
        p.name !== pivot.targetProperty &&
        !p.nullable &&
        !(p.kind === 'scalar' && (p.autoincrement || p.version || p.onCreate || p.generated !== undefined || p.column.default !== undefined || p.column.defaultRaw !== undefined)),
    );
    if (!required.length) continue;
    for (const item of diff.insert) {
      const values = diff.pivot.get(item) ?? {};
      for (const p of required) {
        if (values[p.name] !== undefined && values[p.name] !== null) continue;
        failures.push({
          entity: through.name,
          property: p.name,
          value: values[p.name],
          rule: 'required',
          message:
            `${through.name}.${p.name} is required for a new ${diff.ownerMeta.name}.${diff.prop.name} link. ` +
            `Add the link with its values: ${lowerFirst(diff.ownerMeta.name)}.${diff.prop.name}.attach(item, { ${p.name}: ... }).`,
          instance: item,
        });
      }
    }
  }
  return failures;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * `set()` / `removeAll()` on a OneToMany that was not loaded unlinks the children it does not keep
 * with one UPDATE setting their FK to NULL (or one DELETE with `orphanRemoval`). When that FK is
 * required the UPDATE can only fail, in the database, with an error about a column: refused here
 * instead, before any SQL, with the two mappings that make the call mean something. Pure.
 */
export function validateChildClears(clears: readonly ChildClear[]): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  for (const c of clears) {
    if (c.prop.orphanRemoval) continue;
    const child = c.prop.target;
    const fk = child.propertiesByName[c.prop.mappedBy] as ToOneColumnProperty | undefined;
    if (!fk || fk.nullable) continue;
    const owner = fk.target.name;
    const call = c.keep.length ? 'set([...])' : 'set([]) / removeAll()';
    failures.push({
      entity: owner,
      property: c.prop.name,
      value: c.keep,
      rule: 'required',
      message:
        `${owner}.${c.prop.name}.${call} on a collection that was not loaded would unlink the other ${child.name} rows by setting ` +
        `${child.name}.${fk.name} to NULL, but ${child.name}.${fk.name} is required (NOT NULL). Either delete them: ` +
        `@OneToMany(..., { orphanRemoval: true }) on ${owner}.${c.prop.name}; or allow unlinking: @ManyToOne(..., { nullable: true }) on ` +
        `${child.name}.${fk.name}. To move them to another ${owner}, load the collection (await ${lowerFirst(owner)}.${c.prop.name}.init()) and set ${fk.name} on each.`,
      instance: c.owner,
    });
  }
  return failures;
}
