import { UsageError } from '../errors/usage-error.js';
import type { EntityMetadata } from '../metadata/types.js';

/** What `fields` asks of one find. */
export interface FieldsPlan {
  /** The root's columns to select: its primary key, then those of the listed properties. */
  readonly columns: readonly string[];
  /** The root's column properties left out (remembered by the entities, never written back). */
  readonly unloaded: ReadonlySet<string>;
  /** Relation paths to populate for the dotted entries and the listed relations without a column. */
  readonly populate: readonly string[];
  /**
   * For each populated path, the names listed below it (`'author.name'` → `author: ['name']`;
   * `'author.profile.bio'` → `author: ['profile']`, `author.profile: ['bio']`): what a partial
   * load of that relation's target reads.
   */
  readonly nested: ReadonlyMap<string, readonly string[]>;
}

/**
 * Resolves `fields` (`['title', 'author', 'author.name', 'posts']`) against the metadata. The
 * root's primary key is always read; a to-one relation listed (or a field through it) reads its FK
 * column; a dotted entry, and a listed relation with no column here (a collection, the inverse side
 * of a 1:1), is populated. Names are own properties only; a mistake is a `UsageError` before any SQL.
 * Pure.
 *
 * @example
 * planFields(postMeta, ['title', 'author.name']);
 * // { columns: ['id', 'title', 'author_id'], unloaded: Set { 'body' }, populate: ['author'], nested: Map { 'author' => ['name'] } }
 */
export function planFields(meta: EntityMetadata, fields: unknown): FieldsPlan {
  if (!Array.isArray(fields) || !fields.length || fields.some((f) => typeof f !== 'string' || !f)) {
    throw new UsageError('BAD_OPTION', `fields for a ${meta.name} query must be a non-empty array of property names or paths, e.g. ['id', 'title', 'author.name'].`);
  }
  const listed = new Set<string>();
  const populate = new Set<string>();
  const nested = new Map<string, Set<string>>();
  const below = (path: string, name: string) => {
    let names = nested.get(path);
    if (!names) nested.set(path, (names = new Set()));
    names.add(name);
  };
  for (const field of fields as string[]) {
    const [head, ...rest] = field.split('.');
    const prop = meta.propertiesByName[head!];
    if (!prop) throw unknownField(meta, field, head!, meta);
    switch (prop.kind) {
      case 'scalar':
        if (rest.length) throw new UsageError('BAD_OPTION', `fields of a ${meta.name} query: '${field}' goes through ${meta.name}.${head}, which is not a relation.`);
        listed.add(prop.name);
        break;
      case 'm:1':
      case '1:1':
      case '1:m':
      case 'm:n':
      case 'through': {
        if ((prop.kind === 'm:1' || (prop.kind === '1:1' && prop.owner))) listed.add(prop.name);
        // The populated part is the path up to its last relation; a trailing scalar only picks it.
        let target = prop.target;
        const path = [head!];
        rest.forEach((name, i) => {
          const next = target.propertiesByName[name];
          if (!next) throw unknownField(meta, field, name, target);
          below(path.join('.'), name);
          if (next.kind === 'scalar') {
            if (i !== rest.length - 1) throw new UsageError('BAD_OPTION', `fields of a ${meta.name} query: '${field}' goes through ${target.name}.${name}, which is not a relation.`);
            return;
          }
          path.push(name);
          target = next.target;
        });
        if (rest.length || !(prop.kind === 'm:1' || (prop.kind === '1:1' && prop.owner))) populate.add(path.join('.'));
        break;
      }
    }
  }
  const columns: string[] = [...meta.primaryKeyColumns];
  const unloaded = new Set<string>();
  for (const p of meta.properties) {
    const own = p.kind === 'scalar' ? [p.column.name] : p.kind === 'm:1' || (p.kind === '1:1' && p.owner) ? p.joinColumns.map((c) => c.name) : [];
    if (!own.length || meta.primaryKeys.some((k) => k.name === p.name)) continue;
    if (listed.has(p.name)) columns.push(...own.filter((c) => !columns.includes(c)));
    else unloaded.add(p.name);
  }
  return { columns, unloaded, populate: [...populate], nested: new Map([...nested].map(([k, v]) => [k, [...v]])) };
}

function unknownField(root: EntityMetadata, field: string, name: string, on: EntityMetadata): UsageError {
  return new UsageError(
    'UNKNOWN_PROPERTY',
    `fields of a ${root.name} query: '${field}' names ${on.name}.${name}, which does not exist. Properties of ${on.name}: ${on.properties.map((p) => p.name).join(', ')}.`,
  );
}
