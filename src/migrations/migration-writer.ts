import type { Dialect } from '../metadata/types.js';

/** `ts` writes `<name>.ts` (types from 'joinery'); `js` writes `<name>.mjs`, an ES module any project can import. */
export type MigrationFormat = 'ts' | 'js';

/** What goes into a migration file. */
export interface MigrationFileSpec {
  readonly format: MigrationFormat;
  readonly connection: string;
  readonly dialect: Dialect;
  /** Statements of `up`, in order; none for a blank migration. */
  readonly up: readonly string[];
  readonly down: readonly string[];
  /** Comment lines at the top of `down`: what it cannot restore. */
  readonly downNotes?: readonly string[];
  /** Comment lines at the top of the file. */
  readonly notes?: readonly string[];
}

/**
 * The text of a migration file: `up` and `down` as lists of `await ctx.sql('...')`; a blank one has
 * a comment where the statements go.
 */
export function migrationFileText(spec: MigrationFileSpec): string {
  const ts = spec.format === 'ts';
  const header = [
    `// Migration of connection '${spec.connection}' (${spec.dialect}), written by joinery.`,
    ...(spec.notes ?? []).map((n) => `// ${n}`),
  ];
  const body = (statements: readonly string[], notes: readonly string[] = []) => {
    const lines = notes.map((n) => `  // ${n}`);
    if (statements.length === 0) lines.push('  // await ctx.sql(\'...\');');
    for (const s of statements) lines.push(`  await ctx.sql(${jsStringLiteral(s)});`);
    return lines.join('\n');
  };
  const fn = (name: 'up' | 'down', statements: readonly string[], notes?: readonly string[]) =>
    ts
      ? `export async function ${name}(ctx: MigrationContext): Promise<void> {\n${body(statements, notes)}\n}`
      : `/** @param {import('joinery').MigrationContext} ctx */\nexport async function ${name}(ctx) {\n${body(statements, notes)}\n}`;
  return [
    header.join('\n'),
    ...(ts ? ["import type { MigrationContext } from 'joinery';"] : []),
    fn('up', spec.up),
    fn('down', spec.down, spec.downNotes),
  ].join('\n\n') + '\n';
}

/** `20261207194501` (UTC), the prefix that orders migrations. */
export function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

/**
 * The file name of a new migration: `<timestamp>_<name>` plus the extension. The timestamp is now,
 * or one second after the newest existing migration when that is later (clocks differ between
 * machines, and two migrations may be created within a second): a new migration always sorts last.
 */
export function migrationFileName(now: Date, name: string | undefined, existing: readonly string[], format: MigrationFormat): string {
  let stamp = migrationTimestamp(now);
  const newest = existing.map((n) => /^(\d{14})/.exec(n)?.[1]).filter((s): s is string => s !== undefined).sort().pop();
  if (newest !== undefined && newest >= stamp) stamp = migrationTimestamp(new Date(parseTimestamp(newest).getTime() + 1000));
  return `${stamp}_${slug(name)}.${format === 'ts' ? 'ts' : 'mjs'}`;
}

function parseTimestamp(s: string): Date {
  const [y, mo, d, h, mi, se] = [s.slice(0, 4), s.slice(4, 6), s.slice(6, 8), s.slice(8, 10), s.slice(10, 12), s.slice(12, 14)].map(Number);
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, se!));
}

/** Lowercase letters, digits and `_`; `migration` when nothing is left. */
export function slug(name: string | undefined): string {
  const s = (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60)
    .replace(/_+$/, '');
  return s || 'migration';
}

/**
 * A JavaScript string literal whose value is `s`: single quotes unless `s` has some, then double
 * quotes, then a template literal; `JSON.stringify` as the last resort. SQL reads best unescaped.
 */
export function jsStringLiteral(s: string): string {
  const escape = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  if (!s.includes("'")) return `'${escape(s)}'`;
  if (!s.includes('"')) return `"${escape(s)}"`;
  // Line breaks stay as they are in a template literal, except CR, which it would read as LF.
  if (!s.includes('`') && !s.includes('${')) return `\`${s.replace(/\\/g, '\\\\').replace(/\r/g, '\\r')}\``;
  return JSON.stringify(s);
}
