import { JoineryError } from '../index.js';

/** Exit codes of the `joinery` command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * A failure of the command itself (no config file, a bad `--connection`), with a stable `code` like
 * every joinery error, and the exit code it ends the process with: 2 for a wrong invocation, 1 otherwise.
 */
export class CliError extends JoineryError {
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number = EXIT_FAILURE, options?: { cause?: unknown }) {
    super(code, message, options);
    this.exitCode = exitCode;
  }
}
