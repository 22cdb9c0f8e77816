import type { Command } from 'commander';
import * as api from '../index.js';
import { Joinery, type SchemaOptions } from '../index.js';
import { CliError, EXIT_USAGE } from './cli-error.js';
import { StatusLine } from './progress.js';
import { configuredConnections, findConfigFile, loadConfig, type LoadedConfig } from './load-config.js';

/** Where the command writes: results to `out` (stdout), notes and errors to `err` (stderr). */
export interface CliIo {
  readonly cwd: string;
  /** stderr is a terminal: long commands then draw a status line there (see StatusLine). */
  readonly tty?: boolean;
  out(text: string): void;
  err(text: string): void;
}

/** The options every command accepts (declared on the program, usable before or after the command name). */
export interface GlobalOptions {
  config?: string;
  connection?: string;
  verbose?: boolean;
}

/** What a command's action gets besides the ORM: the scope to pass to `orm.schema` and friends, and the loaded config. */
export interface CommandScope {
  /** `{ connection }` under `--connection`, `{}` otherwise. */
  readonly scope: SchemaOptions;
  readonly config: LoadedConfig;
}

/**
 * Shared by the command modules (schema, and later migrations, generators, diagrams): config loading
 * and an ORM opened for one action and always closed after it.
 */
export class CliContext {
  /** The one status line of the command (see StatusLine); runCli erases it before printing an error. */
  readonly status: StatusLine;

  constructor(readonly io: CliIo) {
    this.status = new StatusLine(io);
  }

  /** Loads the config named by the global options and checks `--connection` against it. */
  async loadConfig(command: Command): Promise<{ config: LoadedConfig; scope: SchemaOptions }> {
    const opts = command.optsWithGlobals<GlobalOptions>();
    const file = findConfigFile(this.io.cwd, opts.config);
    if (opts.verbose) this.io.err(`joinery: config ${file}\n`);
    const config = await loadConfig(file, api);
    if (opts.connection === undefined) return { config, scope: {} };
    const known = configuredConnections(config.options);
    if (!known.includes(opts.connection)) {
      throw new CliError('UNKNOWN_CONNECTION', `--connection ${opts.connection}: the config has no such connection (known: ${known.join(', ')}).`, EXIT_USAGE);
    }
    return { config, scope: { connection: opts.connection } };
  }

  /**
   * Runs `action` with an initialised ORM, closing its pools whatever happens. `connect: false` is for
   * commands that only read the entities (schema:sql, diagram): they work with no database reachable.
   */
  async withOrm<T>(command: Command, action: (orm: Joinery, scope: CommandScope) => Promise<T>, options: { connect?: boolean } = {}): Promise<T> {
    const { config, scope } = await this.loadConfig(command);
    const orm = await Joinery.init(options.connect === false ? { ...config.options, connect: false } : config.options);
    try {
      return await action(orm, { scope, config });
    } finally {
      await orm.close();
    }
  }
}
