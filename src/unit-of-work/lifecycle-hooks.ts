import type { EntityMetadata, HookName, ScalarProperty } from '../metadata/types.js';

/** `default` and `onCreate` fill what a new entity left undefined; `onUpdate` runs on every update. */
export function applyGeneratedValues(props: readonly ScalarProperty[], entity: object, when: 'create' | 'update'): void {
  const record = entity as Record<string, unknown>;
  for (const p of props) {
    if (when === 'create') {
      if (record[p.name] !== undefined) continue;
      if (p.onCreate) record[p.name] = p.onCreate(entity);
      else if (p.column.default !== undefined) record[p.name] = p.column.default;
      else if (p.version) record[p.name] = p.type === 'datetime' ? new Date() : 1;
    } else if (p.onUpdate) {
      record[p.name] = p.onUpdate(entity);
    }
  }
}

export async function runHooks(meta: EntityMetadata, entity: object, hook: HookName): Promise<void> {
  for (const method of meta.hooks[hook]) {
    const fn = (entity as Record<string, unknown>)[method];
    if (typeof fn === 'function') await fn.call(entity);
  }
}
