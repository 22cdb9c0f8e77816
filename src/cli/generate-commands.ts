import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { CliError, EXIT_USAGE } from './cli-error.js';

interface GenerateOptions {
  out: string;
  force?: boolean;
  exclude?: string[];
  importExtension?: string;
}

const DIAGRAM_FORMATS = ['mermaid', 'svg'] as const;

/**
 * `generate:entities` (entity classes from an existing database, through `orm.schema.generateEntities()`)
 * and `diagram` (a Mermaid ER diagram of the config's entities, through `orm.schema.getDiagram()`).
 */
export function registerGenerateCommands(program: Command, ctx: CliContext): void {
  program
    .command('generate:entities')
    .description(
      'read every table of the database (of --connection, or the default one) and write one entity class per table, ' +
        'with its relations on both sides, and an index.ts listing them',
    )
    .requiredOption('-o, --out <dir>', 'folder to write the .ts files into (created if missing)')
    .option('-f, --force', 'overwrite files that already exist there')
    .option('--exclude <tables...>', 'tables to leave out')
    .option('--import-extension <ext>', "extension of the generated relative imports: '.js' (default) or 'none'")
    .action(async (opts: GenerateOptions, command: Command) => {
      const ext = importExtension(opts.importExtension);
      await ctx.withOrm(command, async (orm, { scope }) => {
        const started = Date.now();
        const generated = await orm.schema.generateEntities({
          ...scope,
          exclude: opts.exclude,
          importExtension: ext,
          onProgress: (p) => ctx.status.show(`reading tables ${p.done}/${p.total} (${p.table})`),
        });
        ctx.status.clear();
        const dir = resolve(ctx.io.cwd, opts.out);
        const existing = generated.files.filter((f) => existsSync(join(dir, f.fileName)));
        if (existing.length > 0 && !opts.force) {
          throw new CliError(
            'FILES_EXIST',
            `generate:entities would overwrite ${existing.map((f) => relative(ctx.io.cwd, join(dir, f.fileName))).join(', ')}: ` +
              'add --force to replace them, or choose another --out folder.',
            EXIT_USAGE,
          );
        }
        mkdirSync(dir, { recursive: true });
        for (const f of generated.files) {
          writeFileSync(join(dir, f.fileName), f.source);
          const entity = generated.entities.find((e) => e.fileName === f.fileName);
          ctx.io.out(`wrote ${relative(ctx.io.cwd, join(dir, f.fileName))}${entity ? ` (${entity.className}, table ${entity.table})` : ''}\n`);
        }
        for (const j of generated.joinTables) ctx.io.out(`join table ${j}: mapped as @ManyToMany, no entity of its own\n`);
        for (const s of generated.skipped) ctx.io.out(`skipped table ${s.table}: ${s.reason}\n`);
        const n = generated.entities.length;
        ctx.io.out(
          `generate:entities: ${n} entit${n === 1 ? 'y' : 'ies'} from connection '${generated.connection}'` +
            `${generated.skipped.length ? `, ${generated.skipped.length} table(s) skipped` : ''} in ${Date.now() - started} ms\n`,
        );
      });
    });

  program
    .command('diagram')
    .description('print a Mermaid erDiagram of the entities: columns, keys, and every relation with its cardinality, owner side and join table')
    .option('--format <format>', `output format: ${DIAGRAM_FORMATS.join(' or ')}`, 'mermaid')
    .action(async (opts: { format: string }, command: Command) => {
      if (opts.format === 'svg') {
        throw new CliError(
          'DIAGRAM_FORMAT_UNSUPPORTED',
          'joinery does not render SVG itself (that takes a headless browser). Pipe the Mermaid text into mermaid-cli: ' +
            'joinery diagram > schema.mmd && npx -p @mermaid-js/mermaid-cli mmdc -i schema.mmd -o schema.svg',
          EXIT_USAGE,
        );
      }
      if (opts.format !== 'mermaid') {
        throw new CliError('BAD_OPTION', `--format ${opts.format}: use ${DIAGRAM_FORMATS.join(' or ')}.`, EXIT_USAGE);
      }
      await ctx.withOrm(
        command,
        async (orm, { scope }) => {
          ctx.io.out(orm.schema.getDiagram(scope));
        },
        { connect: false },
      );
    });
}

function importExtension(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === 'none' || value === '') return '';
  if (/^\.[a-z]+$/.test(value)) return value;
  throw new CliError('BAD_OPTION', `--import-extension ${value}: use '.js' (or another extension such as '.ts') or 'none'.`, EXIT_USAGE);
}
