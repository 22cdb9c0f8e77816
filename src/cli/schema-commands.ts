import type { Command } from 'commander';
import type { ConnectionStatements } from '../index.js';
import type { CliContext } from './cli-context.js';
import { CliError, EXIT_USAGE } from './cli-error.js';

interface DryRunOption {
  dryRun?: boolean;
}

/**
 * `schema:create | schema:update | schema:drop | schema:sql`: the `orm.schema` API from the command
 * line. SQL goes to stdout (so `--dry-run` and `schema:sql` can be piped into a file or `psql`),
 * one summary line per connection after a run.
 */
export function registerSchemaCommands(program: Command, ctx: CliContext): void {
  program
    .command('schema:create')
    .description('create the tables, keys, indexes and FKs of every entity (of --connection only, if given)')
    .option('--dry-run', 'print the SQL instead of running it')
    .action(async (opts: DryRunOption, command: Command) => {
      await ctx.withOrm(command, async (orm, { scope }) => {
        if (opts.dryRun) return printSql(ctx, orm.schema.getCreateSQL(scope));
        const statements = orm.schema.getCreateStatements(scope);
        await orm.schema.create(scope);
        summarize(ctx, 'created the schema', statements);
      });
    });

  program
    .command('schema:update')
    .description(
      'bring the tables in line with the entities: renames (renamedFrom), new tables and columns, changed columns, keys, ' +
        'indexes and FKs; columns no property maps are kept (and listed) unless --drop',
    )
    .option('--dry-run', 'print the SQL instead of running it (and what would be kept)')
    .option('--drop', 'also drop columns no property maps (their data is lost)')
    .action(async (opts: DryRunOption & { drop?: boolean }, command: Command) => {
      await ctx.withOrm(command, async (orm, { scope }) => {
        const result = await orm.schema.update({ ...scope, safe: !opts.drop, dryRun: opts.dryRun });
        if (opts.dryRun) {
          // Comments, so the output stays a script that runs as it is.
          printSql(ctx, [result.sql || '-- nothing to update', ...result.skipped.map((s) => `-- ${s.message}`)].join('\n'));
          return;
        }
        if (result.statements.length === 0) ctx.io.out('schema:update: nothing to update\n');
        else summarize(ctx, 'updated the schema', result.statements);
        for (const s of result.skipped) ctx.io.out(`${s.message}\n`);
      });
    });

  program
    .command('schema:drop')
    .description('drop every table the entities map (never other tables), with their data')
    .option('--dry-run', 'print the SQL instead of running it')
    .option('-f, --force', 'run it: required, because the data goes with the tables')
    .action(async (opts: DryRunOption & { force?: boolean }, command: Command) => {
      if (!opts.dryRun && !opts.force) {
        throw new CliError('FORCE_REQUIRED', 'schema:drop drops the mapped tables and their data: add --force to run it, or --dry-run to see the SQL.', EXIT_USAGE);
      }
      await ctx.withOrm(command, async (orm, { scope }) => {
        if (opts.dryRun) return printSql(ctx, orm.schema.getDropSQL(scope));
        const statements = orm.schema.getDropStatements(scope);
        await orm.schema.drop(scope);
        summarize(ctx, 'dropped the schema', statements);
      });
    });

  program
    .command('schema:sql')
    .description('print the CREATE statements of the whole schema (of --connection only, if given), without connecting')
    .action(async (_opts: unknown, command: Command) => {
      await ctx.withOrm(command, async (orm, { scope }) => printSql(ctx, orm.schema.getCreateSQL(scope)), { connect: false });
    });
}

function printSql(ctx: CliContext, sql: string): void {
  if (sql) ctx.io.out(`${sql}\n`);
}

function summarize(ctx: CliContext, what: string, groups: readonly ConnectionStatements[]): void {
  for (const g of groups) {
    const n = g.statements.length;
    ctx.io.out(`${what} on connection '${g.connection}': ${n} statement${n === 1 ? '' : 's'}\n`);
  }
}
