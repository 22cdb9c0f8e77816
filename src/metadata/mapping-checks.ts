import { MetadataError } from '../errors/metadata-error.js';
import { snakeCase } from './naming-strategy.js';
import type { EntityMetadata } from './types.js';

/** Two entities on one table, or two properties on one column: say which option separates them. */
export function checkNameCollisions(entities: readonly EntityMetadata[]): void {
  const tables = new Map<string, string>();
  // `who` is reported as the culprit: the later claimant, which is the one the fix names.
  const claim = (connection: string, table: string, label: string, who: { entity: string; property?: string }, fix: string) => {
    const key = `${connection}\u0000${table.toLowerCase()}`;
    const prev = tables.get(key);
    if (prev) throw new MetadataError('NAME_COLLISION', `${label} and ${prev} both map to table '${table}'. ${fix}`, who);
    tables.set(key, label);
  };
  for (const e of entities) claim(e.connection, e.tableName, e.name, { entity: e.name }, `Set @Entity({ tableName }) on one of them.`);
  for (const e of entities) {
    for (const p of e.properties) {
      if (p.kind !== 'm:n' || !p.owner || p.pivot.through) continue;
      claim(
        p.pivot.connection,
        p.pivot.tableName,
        `${e.name}.${p.name}`,
        { entity: e.name, property: p.name },
        `Set pivotTable on ${e.name}.${p.name} (e.g. pivotTable: '${p.pivot.tableName}_${snakeCase(p.name)}').`,
      );
      const cols = new Set<string>();
      for (const c of [...p.pivot.joinColumns, ...p.pivot.inverseJoinColumns]) {
        if (cols.has(c.name)) {
          throw new MetadataError(
            'NAME_COLLISION',
            `${e.name}.${p.name}: both columns of join table '${p.pivot.tableName}' would be named '${c.name}' (a self-referencing many-to-many). ` +
              `Set joinColumn and inverseJoinColumn, e.g. { joinColumn: '${c.name.replace(/_[^_]+$/, '')}_a_id', inverseJoinColumn: '${c.name.replace(/_[^_]+$/, '')}_b_id' }.`,
            { entity: e.name, property: p.name },
          );
        }
        cols.add(c.name);
      }
    }
    const columns = new Map<string, string>();
    for (const c of e.columns) {
      const prev = columns.get(c.name.toLowerCase());
      if (prev && prev !== c.property) {
        throw new MetadataError(
          'NAME_COLLISION',
          `${e.name}.${c.property} and ${e.name}.${prev} both map to column '${c.name}' of ${e.tableName}. ` +
            `Set columnName (scalars) or joinColumn (relations) on one of them.`,
          { entity: e.name, property: c.property },
        );
      }
      columns.set(c.name.toLowerCase(), c.property);
    }
  }
}

/** Option values that only have meaning as one of a few names: a typo must not silently mean the default. */
export function checkRelationOptions(entities: readonly EntityMetadata[]): void {
  for (const e of entities) {
    for (const p of e.properties) {
      if (p.kind === 'scalar' || p.strategy === undefined) continue;
      if (p.strategy !== 'select-in' && p.strategy !== 'joined') {
        throw new MetadataError(
          'BAD_OPTION',
          `${e.name}.${p.name} has strategy '${String(p.strategy)}'. Use 'select-in' (one query per relation level) or 'joined' (one statement).`,
          { entity: e.name, property: p.name },
        );
      }
    }
  }
}

/**
 * `renamedFrom` must name something the metadata no longer maps: an old name that is still in use
 * would make the schema update rename a column (or table) another property (or entity) needs.
 */
export function checkRenames(entities: readonly EntityMetadata[]): void {
  const tables = new Map<string, string>();
  for (const e of entities) tables.set(`${e.connection}\u0000${e.tableName.toLowerCase()}`, e.name);
  for (const e of entities) {
    if (e.renamedFrom !== undefined) {
      checkRenameValue(e.renamedFrom, `${e.name}: @Entity({ renamedFrom })`, { entity: e.name });
      const holder = tables.get(`${e.connection}\u0000${e.renamedFrom.toLowerCase()}`);
      if (holder && holder !== e.name) {
        throw new MetadataError(
          'BAD_OPTION',
          `${e.name} has renamedFrom '${e.renamedFrom}', but ${holder} still maps that table. Remove renamedFrom, or give ${holder} another tableName.`,
          { entity: e.name },
        );
      }
    }
    const columns = new Map(e.columns.map((c) => [c.name.toLowerCase(), c.property]));
    for (const c of e.columns) {
      if (c.renamedFrom === undefined) continue;
      checkRenameValue(c.renamedFrom, `${e.name}.${c.property}: @Property({ renamedFrom })`, { entity: e.name, property: c.property });
      const holder = columns.get(c.renamedFrom.toLowerCase());
      if (holder !== undefined && holder !== c.property) {
        throw new MetadataError(
          'BAD_OPTION',
          `${e.name}.${c.property} has renamedFrom '${c.renamedFrom}', but ${e.name}.${holder} still maps column '${c.renamedFrom}' of ${e.tableName}. ` +
            `Remove renamedFrom, or set another columnName on ${e.name}.${holder}.`,
          { entity: e.name, property: c.property },
        );
      }
    }
  }
}

function checkRenameValue(value: unknown, where: string, who: { entity: string; property?: string }): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new MetadataError('BAD_OPTION', `${where} must be the previous name as a non-empty string, got ${JSON.stringify(value)}.`, who);
  }
}
