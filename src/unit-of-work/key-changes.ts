import type { ValidationFailure } from '../errors/validation-error.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { describeValue, valueProblem } from '../entity/value-rules.js';
import type { Dialect, EntityMetadata } from '../metadata/types.js';
import { EMPTY, type ChangeSet } from './change-sets.js';

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * One failure per primary key property changed on a loaded entity (an update or a delete whose
 * payload names a key: see `ChangeSet.payload`). Pure.
 *
 * A row is addressed by the key it was loaded with; writing the new key would either move the
 * entity onto another row (overwriting it) or leave the identity map pointing at the wrong
 * object, so the flush refuses before any SQL.
 */
export function keyChangeFailures(changeSets: readonly ChangeSet[], dialectOf: (connection: string) => Dialect): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  for (const cs of changeSets) {
    if (cs.type === 'insert') continue;
    // A reference never loaded has the key it was given (em.getReference, a collection item by key):
    // the row is addressed by it, so it must be a key the column can hold.
    if (!cs.snapshot) referenceKeyFailure(cs.meta, cs.entity, dialectOf(cs.meta.connection), failures);
    // A delete names properties only when its key changed: the shared empty payload is the rule.
    if (cs.payload === EMPTY) continue;
    const keys = cs.meta.primaryKeys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (!hasOwn.call(cs.payload, k.name)) continue;
      const value = cs.payload[k.name];
      const was = cs.snapshot?.[k.name];
      failures.push({
        entity: cs.meta.name,
        property: k.name,
        value,
        rule: 'primary_key',
        instance: cs.entity,
        message:
          `${cs.meta.name}.${k.name} was changed to ${describe(value)}${was === undefined ? '' : ` after ${cs.meta.name} ${describe(was)} was loaded`}; ` +
          `the primary key of a loaded entity cannot change. Set it back${was === undefined ? '' : ` to ${describe(was)}`}; ` +
          `to write another row, load that one (em.findOne(${cs.meta.name}, …)) or create a new ${cs.meta.name}.`,
      });
    }
  }
  return failures;
}

function referenceKeyFailure(meta: EntityMetadata, entity: object, dialect: Dialect, failures: ValidationFailure[]): void {
  const key = primaryKeyValues(meta, entity);
  if (!key) return;
  const columns = meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.column] : k.joinColumns));
  for (let i = 0; i < key.length; i++) {
    const problem = valueProblem(columns[i]!, key[i], dialect, 'key');
    if (!problem) continue;
    const property = meta.primaryKeys.length === 1 ? meta.primaryKeys[0]!.name : meta.primaryKeys.map((k) => k.name).join(', ');
    failures.push({
      entity: meta.name,
      property,
      value: key[i],
      rule: problem.rule,
      instance: entity,
      message: `${problem.message(`${meta.name}.${property}`)} This ${meta.name} is a reference made from the key ${describeValue(key[i])} (em.getReference or a relation given by key); use a key its column can hold.`,
    });
    return;
  }
}

function describe(v: unknown): string {
  if (v !== null && typeof v === 'object') {
    const key = (v as { constructor?: { name?: string } }).constructor?.name;
    return key ? `a ${key}` : 'an object';
  }
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
