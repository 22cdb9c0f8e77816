import { relative } from 'node:path';
import type { Command } from 'commander';
import type { MigrationProgress, MigrationStatus } from '../index.js';
import type { CliContext } from './cli-context.js';
import { CliError, EXIT_USAGE } from './cli-error.js';

interface JsonOption {
  json?: boolean;
}

/**
 * `migration:create | up | down | list | pending | check | unlock`: `orm.migrator` from the command
 * line. Results go to stdout (JSON with `--json`), one line per migration as it runs.
 */
export function registerMigrationCommands(program: Command, ctx: CliContext): void {
  program
    .command('migration:create')
    .argument('[name]', 'words for the file name, e.g. "add status"')
    .description('write a migration from the difference between the entities and the database (up, and a down that reverses it)')
    .option('--js', 'write JavaScript (an .mjs file) instead of TypeScript')
    .option('--blank', 'write an empty migration to fill in by hand (the database is not read)')
    .option('--drop', 'also drop columns no property maps (down adds them back, without their data)')
    .action(async (name: string | undefined, opts: { js?: boolean; blank?: boolean; drop?: boolean }, command: Command) => {
      await ctx.withOrm(command, async (orm, { scope }) => {
        const created = await orm.migrator.create({ ...scope, name, blank: opts.blank, format: opts.js ? 'js' : 'ts', safe: !opts.drop });
        if (created.length === 0) {
          ctx.io.out('migration:create: nothing to write, the database matches the entities\n');
          return;
        }
        for (const c of created) {
          const what = opts.blank ? 'blank' : `${count(c.up.length, 'statement')} up, ${c.down.length} down`;
          ctx.io.out(`wrote ${relative(ctx.io.cwd, c.file)} (connection '${c.connection}': ${what})\n`);
          for (const s of c.skipped) ctx.io.out(`${s.message}\n`);
        }
      });
    });

  program
    .command('migration:up')
    .description('run the pending migrations, each in its own transaction (pg, SQLite), oldest first')
    .option('--to <name>', 'stop after this migration (its file name without the extension)')
    .action(async (opts: { to?: string }, command: Command) => {
      await ctx.withOrm(command, async (orm, { scope }) => {
        const runs = await orm.migrator.up({ ...scope, to: opts.to, onProgress: progress(ctx) });
        ctx.io.out(runs.length === 0 ? 'migration:up: nothing to run\n' : `migration:up: ran ${count(runs.length, 'migration')}\n`);
      });
    });

  program
    .command('migration:down')
    .description('revert executed migrations, the most recent first (one by default)')
    .option('--to <name>', 'revert every migration executed after this one')
    .option('--step <n>', 'revert this many migrations', (v) => wholeNumber(v))
    .action(async (opts: { to?: string; step?: number }, command: Command) => {
      if (opts.to !== undefined && opts.step !== undefined) {
        throw new CliError('BAD_OPTION', 'migration:down takes --to or --step, not both.', EXIT_USAGE);
      }
      await ctx.withOrm(command, async (orm, { scope }) => {
        const runs = await orm.migrator.down({ ...scope, to: opts.to, step: opts.step, onProgress: progress(ctx) });
        ctx.io.out(runs.length === 0 ? 'migration:down: nothing to revert\n' : `migration:down: reverted ${count(runs.length, 'migration')}\n`);
      });
    });

  program
    .command('migration:list')
    .description('every migration, executed or pending, with when it ran')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption, command: Command) => {
      await ctx.withOrm(command, async (orm, { scope }) => printStatuses(ctx, await orm.migrator.list(scope), opts, 'no migrations'));
    });

  program
    .command('migration:pending')
    .description('the migrations not executed yet')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption, command: Command) => {
      await ctx.withOrm(command, async (orm, { scope }) => printStatuses(ctx, await orm.migrator.pending(scope), opts, 'no pending migrations'));
    });

  program
    .command('migration:check')
    .description('exit 1 when migrations are pending or the database differs from the entities (for CI), 0 when up to date')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption, command: Command) => {
      await ctx.withOrm(command, async (orm, { scope }) => {
        const check = await orm.migrator.check(scope);
        const statements = check.schema.reduce((n, s) => n + s.statements.length, 0);
        if (opts.json) ctx.io.out(`${JSON.stringify({ upToDate: check.upToDate, pending: check.pending.map(statusJson), schema: check.schema }, null, 2)}\n`);
        else if (check.upToDate) ctx.io.out('migration:check: up to date\n');
        else {
          for (const p of check.pending) ctx.io.out(`pending: ${p.name} (connection '${p.connection}')\n`);
          for (const s of check.schema) for (const sql of s.statements) ctx.io.out(`differs (connection '${s.connection}'): ${sql};\n`);
        }
        if (!check.upToDate) {
          throw new CliError(
            'MIGRATION_CHECK_FAILED',
            `the database is not up to date: ${count(check.pending.length, 'pending migration')}, ${count(statements, 'schema statement')} to write a migration for ` +
              '(joinery migration:up, then joinery migration:create).',
          );
        }
      });
    });

  program
    .command('migration:unlock')
    .description("release the migration lock a process left behind when it died mid-migration (only when none is running)")
    .action(async (_opts: unknown, command: Command) => {
      await ctx.withOrm(command, async (orm, { scope }) => {
        await orm.migrator.unlock(scope);
        ctx.io.out('migration:unlock: released\n');
      });
    });
}

/** One plain line per migration as it starts and ends; on a terminal, a status line with its running time in between. */
function progress(ctx: CliContext): (e: MigrationProgress) => void {
  const status = ctx.status;
  return (e) => {
    const what = `${e.direction} ${e.name} (connection '${e.connection}')`;
    status.clear();
    if (e.ms === undefined) {
      ctx.io.out(`${what} ...\n`);
      status.show(what);
    } else ctx.io.out(`${e.direction} ${e.name} done in ${e.ms} ms\n`);
  };
}

function printStatuses(ctx: CliContext, statuses: readonly MigrationStatus[], opts: JsonOption, none: string): void {
  if (opts.json) {
    ctx.io.out(`${JSON.stringify(statuses.map(statusJson), null, 2)}\n`);
    return;
  }
  if (statuses.length === 0) ctx.io.out(`${none}\n`);
  for (const s of statuses) {
    const state = s.executed ? `executed ${s.executedAt?.toISOString() ?? ''}`.trim() : 'pending';
    ctx.io.out(`${s.name}  ${state}${s.file ? '' : '  (file missing)'}  [${s.connection}]\n`);
  }
}

function statusJson(s: MigrationStatus): Record<string, unknown> {
  return { connection: s.connection, name: s.name, file: s.file ?? null, executed: s.executed, executedAt: s.executedAt?.toISOString() ?? null };
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new CliError('BAD_OPTION', `--step takes a whole number above 0, not '${value}'.`, EXIT_USAGE);
  }
  return n;
}
