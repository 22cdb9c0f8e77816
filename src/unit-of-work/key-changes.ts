import type { ValidationFailure } from '../errors/validation-error.js';
import type { ChangeSet } from './change-sets.js';

/**
 * One failure per primary key property changed on a loaded entity (an update or a delete whose
 * payload names a key: see `ChangeSet.payload`). Pure.
 *
 * A row is addressed by the key it was loaded with; writing the new key would either move the
 * entity onto another row (overwriting it) or leave the identity map pointing at the wrong
 * object, so the flush refuses before any SQL.
 */
export function keyChangeFailures(changeSets: readonly ChangeSet[]): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  for (const cs of changeSets) {
    if (cs.type === 'insert') continue;
    for (const k of cs.meta.primaryKeys) {
      if (!Object.prototype.hasOwnProperty.call(cs.payload, k.name)) continue;
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

function describe(v: unknown): string {
  if (v !== null && typeof v === 'object') {
    const key = (v as { constructor?: { name?: string } }).constructor?.name;
    return key ? `a ${key}` : 'an object';
  }
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}
