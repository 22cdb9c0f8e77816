import test from 'ava';
import { jsStringLiteral, migrationFileName, migrationFileText, slug } from '../../src/migrations/migration-writer.js';

/** Runs the up/down of a written `.mjs` file against a recording context; the statements it sends. */
async function runWritten(text: string, direction: 'up' | 'down'): Promise<string[]> {
  const body = text.replace(/^export /gm, '');
  const fns = new Function(`${body}\nreturn { up, down };`)() as Record<'up' | 'down', (ctx: unknown) => Promise<void>>;
  const sent: string[] = [];
  await fns[direction]({ sql: async (s: string) => void sent.push(s) });
  return sent;
}

test('string literals read back as the same SQL, whatever quotes and escapes it holds', (t) => {
  const samples = [
    'create table "a" ("x" int)',
    "alter table `t` add column `s` varchar(10) not null default 'it''s'",
    'default \'a"b\' and "q"',
    'a `tick` with \'single\' and "double"',
    "${not} a 'template' \"here\" `x`",
    'back\\slash\\n and \\? and a real\nnewline\r\n and \u2028',
    "mixed 'quotes' \"and\" a\r\ncarriage return",
  ];
  for (const s of samples) {
    const literal = jsStringLiteral(s);
    t.is(new Function(`return ${literal};`)(), s, literal);
  }
  t.is(jsStringLiteral('alter table "t" rename to "u"'), `'alter table "t" rename to "u"'`, 'single quotes when possible');
  t.is(jsStringLiteral("x default 'a'"), `"x default 'a'"`);
});

test('a TypeScript migration: the header, typed up and down, the notes of down', (t) => {
  const text = migrationFileText({
    format: 'ts',
    connection: 'default',
    dialect: 'pg',
    up: ['alter table "m" add column "s" text'],
    down: ['alter table "m" drop column "s"'],
    downNotes: ['column m.x was dropped by up(): down() adds it back, but not its data'],
    notes: ['kept column m.y: no property maps it'],
  });
  t.is(
    text,
    [
      "// Migration of connection 'default' (pg), written by joinery.",
      '// kept column m.y: no property maps it',
      '',
      "import type { MigrationContext } from 'joinery';",
      '',
      'export async function up(ctx: MigrationContext): Promise<void> {',
      `  await ctx.sql('alter table "m" add column "s" text');`,
      '}',
      '',
      'export async function down(ctx: MigrationContext): Promise<void> {',
      '  // column m.x was dropped by up(): down() adds it back, but not its data',
      `  await ctx.sql('alter table "m" drop column "s"');`,
      '}',
      '',
    ].join('\n'),
  );
});

test('a JavaScript migration runs as written: up and down send their statements in order', async (t) => {
  const up = ["create table `a` (`x` varchar(5) default 'y')", 'create index `i` on `a` (`x`)'];
  const down = ['drop table if exists `a`'];
  const text = migrationFileText({ format: 'js', connection: 'archive', dialect: 'mysql', up, down });
  t.notRegex(text, /: MigrationContext|import /, 'no TypeScript in a .mjs file');
  t.deepEqual(await runWritten(text, 'up'), up);
  t.deepEqual(await runWritten(text, 'down'), down);
});

test('a blank migration has empty up and down, with a hint where statements go', async (t) => {
  const text = migrationFileText({ format: 'js', connection: 'default', dialect: 'sqlite', up: [], down: [] });
  t.regex(text, /export async function up\(ctx\) \{\n {2}\/\/ await ctx\.sql\('\.\.\.'\);\n\}/);
  t.deepEqual(await runWritten(text, 'up'), []);
});

test('file names: UTC timestamp, slug, extension; always after the newest existing migration', (t) => {
  const now = new Date(Date.UTC(2026, 11, 7, 19, 45, 1));
  t.is(migrationFileName(now, 'Add status', [], 'ts'), '20261207194501_add_status.ts');
  t.is(migrationFileName(now, undefined, [], 'js'), '20261207194501_migration.mjs');
  t.is(migrationFileName(now, 'x', ['20261207194501_init'], 'ts'), '20261207194502_x.ts', 'same second');
  t.is(migrationFileName(now, 'x', ['20261231235959_future', '20200101000000_old'], 'ts'), '20270101000000_x.ts', 'a clock behind the newest');
  t.is(migrationFileName(now, 'x', ['20200101000000_old', 'hand_written'], 'ts'), '20261207194501_x.ts');
});

test('slugs: lowercase ASCII words joined by _, never empty', (t) => {
  t.is(slug('Rename Colour → Color!'), 'rename_colour_color');
  t.is(slug('Crème brûlée'), 'creme_brulee');
  t.is(slug('../../etc/passwd'), 'etc_passwd', 'no path separators reach the file name');
  t.is(slug('!!!'), 'migration');
  t.is(slug(''), 'migration');
  t.is(slug('a'.repeat(100)).length, 60);
});
