import type { ValidationFailure } from '../errors/validation-error.js';
import type { ScalarProperty } from '../metadata/types.js';
import { columnProperties, type ChangeSet, type ColumnProperty } from './change-sets.js';
import type { LinkDiff } from './collection-diff.js';

/**
 * Checks every insert and update of a flush before any SQL is sent and returns every failure,
 * not just the first (Sequelize's `bulkCreate({ validate: true })`). Pure.
 */
export function validateChangeSets(changeSets: readonly ChangeSet[]): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  // Nothing in this loop is captured by a closure: V8 would allocate a context for `p` and `value`
  // on every iteration (about 800 bytes per row of a 10,000-row flush), failure or not. Messages and
  // their closures are built by the functions below, for failures only.
  for (const cs of changeSets) {
    if (cs.type === 'delete') continue;
    const entity = cs.entity as Record<string, unknown>;
    const props = columnProperties(cs.meta);
    for (let i = 0; i < props.length; i++) {
      const p = props[i]!;
      // A key in an update payload is a changed key, reported by keyChangeFailures.
      if (cs.type !== 'insert' && (p.primary || !(p.name in cs.payload))) continue;
      const value = entity[p.name];
      if (value === undefined || value === null) {
        checkMissing(cs, p, value, failures);
        continue;
      }
      if (p.kind !== 'scalar') {
        if (typeof value !== 'object') failToOneType(cs, p, value, failures);
        continue;
      }
      if (!scalarOk(p, value) || p.enum || p.validate) checkScalar(p, value, entity, failureOf(cs, p, value, failures));
    }
  }
  return failures;
}

type Fail = (rule: string, message: (where: string) => string) => void;

/** Records a failure of `cs`'s `p` (the message is built from `Entity.property`). */
function failureOf(cs: ChangeSet, p: ColumnProperty, value: unknown, failures: ValidationFailure[]): Fail {
  return (rule, message) =>
    void failures.push({ entity: cs.meta.name, property: p.name, value, rule, message: message(`${cs.meta.name}.${p.name}`), instance: cs.entity });
}

function failToOneType(cs: ChangeSet, p: Exclude<ColumnProperty, ScalarProperty>, value: unknown, failures: ValidationFailure[]): void {
  failureOf(cs, p, value, failures)(
    'type',
    (where) => `${where} must be a ${p.target.name} entity or reference, got ${typeof value} ${String(value)}. Use em.getReference(${p.target.name}, ${String(value)}).`,
  );
}

/** A null or undefined value: fine when nullable, or (on insert) left undefined for the database to generate. */
function checkMissing(cs: ChangeSet, p: ColumnProperty, value: null | undefined, failures: ValidationFailure[]): void {
  if (p.nullable) return;
  if (p.kind === 'scalar') {
    const generated = p.autoincrement || p.version || p.column.default !== undefined || p.column.defaultRaw !== undefined;
    if (cs.type === 'insert' && generated && value === undefined) return;
    failureOf(cs, p, value, failures)('required', (where) => `${where} is required but is ${String(value)}. Set a value, or declare it nullable: true.`);
    return;
  }
  failureOf(cs, p, value, failures)(
    'required',
    (where) => `${where} is required but is ${String(value)}. Assign a ${p.target.name} (entity, reference or primary key), or declare the relation nullable: true.`,
  );
}

/** The common case, checked without building anything: a value of the right type and size. */
function scalarOk(p: ScalarProperty, value: unknown): boolean {
  switch (p.type) {
    case 'string':
      return typeof value === 'string' && value.length <= (p.length ?? 255);
    case 'text':
    case 'uuid':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number' && !Number.isNaN(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'datetime':
      return value instanceof Date && !Number.isNaN(value.getTime());
    case 'json':
      return true;
    default:
      return false;
  }
}

function checkScalar(p: ScalarProperty, value: unknown, entity: object, fail: Fail): void {
  switch (p.type) {
    case 'string':
    case 'text':
    case 'uuid':
      if (typeof value !== 'string') return fail('type', (where) => `${where} must be a string, got ${describe(value)}.`);
      if (p.type === 'string' && value.length > (p.length ?? 255)) {
        return fail('max_length', (where) => `${where} is ${value.length} characters long; at most ${p.length ?? 255} fit. Shorten it or raise length (or use type: 'text').`);
      }
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return fail('type', (where) => `${where} must be an integer, got ${describe(value)}.${typeof value === 'number' ? " Use type: 'float' or 'decimal' for fractions." : ''}`);
      }
      break;
    case 'float':
      if (typeof value !== 'number' || Number.isNaN(value)) return fail('type', (where) => `${where} must be a number, got ${describe(value)}.`);
      break;
    case 'decimal':
      if (!(typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)))) {
        return fail('type', (where) => `${where} must be a decimal number (number or numeric string), got ${describe(value)}.`);
      }
      break;
    case 'bigint':
      if (!(typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^-?\d+$/.test(value)))) {
        return fail('type', (where) => `${where} must be a bigint, got ${describe(value)}.`);
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return fail('type', (where) => `${where} must be a boolean, got ${describe(value)}.`);
      break;
    case 'datetime':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) return fail('type', (where) => `${where} must be a valid Date, got ${describe(value)}.`);
      break;
    case 'date':
      if (!((typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) || (value instanceof Date && !Number.isNaN(value.getTime())))) {
        return fail('type', (where) => `${where} must be a 'YYYY-MM-DD' string (or a Date), got ${describe(value)}.`);
      }
      break;
    case 'json':
      break;
  }
  if (p.enum && !p.enum.includes(value as string | number)) {
    return fail('enum', (where) => `${where} must be one of ${p.enum!.map((e) => JSON.stringify(e)).join(', ')}, got ${describe(value)}.`);
  }
  if (p.validate) {
    let verdict: unknown;
    try {
      verdict = p.validate(value, entity);
    } catch (e) {
      verdict = (e as Error).message;
    }
    if (verdict === false) fail('validate', (where) => `${where} failed its validate function (value ${describe(value)}).`);
    else if (typeof verdict === 'string') fail('validate', (where) => `${where}: ${verdict} (value ${describe(value)}).`);
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'Invalid' : v.toISOString()})`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object') return Array.isArray(v) ? 'an array' : 'an object';
  return `${typeof v} ${String(v)}`;
}

/**
 * New links of a M:N with a `through` entity are rows of that entity: its required extra columns
 * need values (`collection.attach(item, values)`), checked here before any SQL. Pure.
 */
export function validateLinks(links: readonly LinkDiff[]): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  for (const diff of links) {
    const pivot = diff.prop.pivot;
    const through = pivot.through;
    if (!through) continue;
    const required = columnProperties(through).filter(
      (p) =>
        p.name !== pivot.ownerProperty &&
        p.name !== pivot.targetProperty &&
        !p.nullable &&
        !(p.kind === 'scalar' && (p.autoincrement || p.version || p.onCreate || p.column.default !== undefined || p.column.defaultRaw !== undefined)),
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
