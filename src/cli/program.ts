import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { JoineryError } from '../index.js';
import { CliContext, type CliIo } from './cli-context.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error.js';
import { CONFIG_FILE_NAMES } from './load-config.js';
import { registerMigrationCommands } from './migration-commands.js';
import { registerGenerateCommands } from './generate-commands.js';
import { registerSchemaCommands } from './schema-commands.js';

/** The `joinery` program: global options, then one module per group of commands. */
export function buildProgram(io: CliIo, ctx: CliContext = new CliContext(io)): Command {
  const program = new Command('joinery')
    .description('joinery: schema, migration, entity generation and diagram commands for a joinery config file')
    .version(packageVersion(), '-V, --version', 'print the joinery version')
    .option('-c, --config <file>', `config file (default: the first of ${CONFIG_FILE_NAMES.join(', ')} in the working directory)`)
    .option('--connection <name>', 'operate on this connection only (its entities and tables), in a config with several')
    .option('-v, --verbose', 'print the config file used, and stack traces with errors')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    // Parse errors must not end the process inside commander: runCli turns them into exit code 2.
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      '\nExit codes: 0 done, 1 failed (the error is printed with its code), 2 wrong usage.\n' +
        'Run joinery <command> --help for the options of a command.\n',
    );
  registerSchemaCommands(program, ctx);
  registerMigrationCommands(program, ctx);
  registerGenerateCommands(program, ctx);
  return program;
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit code: 0 done, 1
 * failed, 2 wrong usage. Errors are printed as one line with their code; `--verbose` adds the stack.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io);
  const program = buildProgram(io, ctx);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    ctx.status.clear();
    // Commander has already printed its own message (or the help, or the version).
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const verbose = argv.includes('--verbose') || argv.includes('-v') || program.opts().verbose === true;
    io.err(formatError(e, verbose));
    return e instanceof CliError ? e.exitCode : EXIT_FAILURE;
  } finally {
    ctx.status.clear();
  }
}

/** `error [CODE]: message` for joinery's errors, `error: message` for others; the stack only when verbose. */
export function formatError(e: unknown, verbose: boolean): string {
  const message = e instanceof Error ? e.message : String(e);
  const head = e instanceof JoineryError ? `error [${e.code}]: ${message}` : `error: ${message}`;
  if (verbose) {
    const stacks = [];
    for (let cur: unknown = e; cur instanceof Error; cur = cur.cause) stacks.push(cur.stack ?? String(cur));
    return `${head}\n\n${stacks.join('\n\ncaused by: ')}\n`;
  }
  return e instanceof JoineryError ? `${head}\n` : `${head}\n(run with --verbose for the stack trace)\n`;
}

function packageVersion(): string {
  // dist/cli/program.js -> the package's package.json
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
