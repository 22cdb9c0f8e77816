import type { MetadataSnapshot } from '../metadata/metadata-storage-types.js';
import type { EntityMetadata, PropertyMetadata } from '../metadata/types.js';

/** Which entities a diagram shows. */
export interface DiagramOptions {
  /** Only the entities of this connection (default: all). */
  readonly connection?: string;
}

/**
 * A Mermaid `erDiagram` of the mapped entities: each entity with its columns (type, property,
 * `PK`/`FK`/`UK`, the column name when it differs), and each relation once, drawn from its owning
 * side with both cardinalities. The label names the owner side first (`Album.artist (owner) /
 * Artist.albums`), and many-to-many labels name the join table or the through entity.
 *
 * @example
 * console.log(renderMermaidDiagram(orm.metadata));
 * // erDiagram
 * //   Artist ||--o{ Album : "Album.artist (owner) / Artist.albums"
 */
export function renderMermaidDiagram(metadata: MetadataSnapshot, options: DiagramOptions = {}): string {
  const entities = metadata.entities
    .filter((e) => options.connection === undefined || e.connection === options.connection)
    .slice()
    .sort((a, b) => compare(a.name, b.name));
  const shown = new Set(entities.map((e) => e.name));
  const lines = ['erDiagram'];
  for (const e of entities) lines.push(...entityBlock(e));
  for (const e of entities) {
    for (const p of e.properties) {
      const line = relationLine(e, p);
      if (line && shown.has(targetOf(p))) lines.push(`  ${line}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function entityBlock(e: EntityMetadata): string[] {
  const fkColumns = new Set(e.foreignKeys.flatMap((f) => f.columns));
  const uniqueColumns = new Set(e.uniques.filter((u) => u.columns.length === 1).map((u) => u.columns[0]!));
  const out = [`  ${e.name} {`];
  const seen = new Set<string>();
  for (const c of e.columns) {
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    const keys = [
      ...(e.primaryKeyColumns.includes(c.name) ? ['PK'] : []),
      ...(fkColumns.has(c.name) ? ['FK'] : []),
      ...(uniqueColumns.has(c.name) ? ['UK'] : []),
    ];
    const notes = [...(c.property !== c.name ? [`column ${c.name}`] : []), ...(c.nullable ? ['nullable'] : [])];
    const attribute = c.property === c.name || !isOwnColumn(e, c.property) ? c.name : c.property;
    out.push(`    ${c.type} ${safeName(attribute)}${keys.length ? ` ${keys.join(', ')}` : ''}${notes.length ? ` "${notes.join(', ')}"` : ''}`);
  }
  out.push('  }');
  return out;
}

/** A relation property maps several columns: the attribute is then named after the column. */
function isOwnColumn(e: EntityMetadata, property: string): boolean {
  return e.columns.filter((c) => c.property === property).length === 1;
}

function relationLine(e: EntityMetadata, p: PropertyMetadata): string | undefined {
  switch (p.kind) {
    case 'm:1': {
      const one = p.nullable ? '|o' : '||';
      return `${p.target.name} ${one}--o{ ${e.name} : "${e.name}.${p.name} (owner)${inverse(p.target, p.inversedBy)}"`;
    }
    case '1:1': {
      if (!p.owner) return undefined;
      const one = p.nullable ? '|o' : '||';
      return `${p.target.name} ${one}--o| ${e.name} : "${e.name}.${p.name} (owner)${inverse(p.target, p.inversedBy)}"`;
    }
    case 'm:n': {
      if (!p.owner) return undefined;
      const via = p.pivot.through ? `through ${p.pivot.through.name}` : `join table ${p.pivot.tableName}`;
      return `${e.name} }o--o{ ${p.target.name} : "${e.name}.${p.name} (owner)${inverse(p.target, p.inversedBy)}, ${via}"`;
    }
    case 'through':
      return `${e.name} }o..o{ ${p.target.name} : "${e.name}.${p.name}, read-only via ${p.hops.map((h) => `${h.entity}.${h.name}`).join(' > ')}"`;
    case '1:m':
    case 'scalar':
      return undefined;
    default:
      return assertNever(p);
  }
}

function inverse(target: EntityMetadata, name: string | undefined): string {
  return name ? ` / ${target.name}.${name}` : '';
}

function targetOf(p: PropertyMetadata): string {
  return p.kind === 'scalar' ? '' : p.target.name;
}

/** Mermaid attribute names are words: anything else becomes `_`. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertNever(x: never): never {
  throw new Error(`unhandled kind: ${JSON.stringify((x as { kind?: unknown }).kind)}`);
}
