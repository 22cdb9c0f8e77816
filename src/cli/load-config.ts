import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { JoineryError, type JoineryOptions } from '../index.js';
import { defaultExport, hasProjectTypeScript, isTypeScriptFile, loadModule } from '../loader/load-module.js';
import { CliError, EXIT_USAGE } from './cli-error.js';

/** Looked for in the working directory, in this order; the first one found is used. */
export const CONFIG_FILE_NAMES = ['joinery.config.ts', 'joinery.config.mts', 'joinery.config.js', 'joinery.config.mjs', 'joinery.config.cjs'] as const;

/** A loaded config file: the options for `Joinery.init`, and where they came from. */
export interface LoadedConfig {
  readonly file: string;
  readonly options: JoineryOptions;
}

/** The config file to use: `--config` when given (it must exist), otherwise the first of {@link CONFIG_FILE_NAMES} in `cwd`. */
export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new CliError('CONFIG_NOT_FOUND', `--config ${explicit}: no such file (looked at ${file}).`, EXIT_USAGE);
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = resolve(cwd, name);
    if (existsSync(file)) return file;
  }
  throw new CliError(
    'CONFIG_NOT_FOUND',
    `No joinery config in ${cwd} (looked for ${CONFIG_FILE_NAMES.join(', ')}). Create one that default-exports the options of ` +
      "Joinery.init, e.g. export default { entities: [User], client: 'sqlite', connection: { filename: 'app.db' } }, or pass --config <file>.",
  );
}

/**
 * Loads a config file, TypeScript included, without a build step (jiti, with the project's own
 * TypeScript when it has one: see loader/typescript-transform.ts). Every `import 'joinery'` in the config and
 * the entity files it loads gets `api`, the very module the command uses, so the entities register
 * their decorators where `Joinery.init` looks for them. The default export is the options object, or
 * a function (sync or async) returning it.
 */
export async function loadConfig(file: string, api: object): Promise<LoadedConfig> {
  let exported: unknown;
  try {
    exported = defaultExport(await loadModule(file, { virtualModules: { joinery: api } }));
    if (typeof exported === 'function') exported = await (exported as () => unknown)();
    else exported = await exported;
  } catch (e) {
    if (e instanceof JoineryError) throw e;
    const hint = !isTypeScriptFile(file) || hasProjectTypeScript(file) ? '' : ' (TypeScript files are compiled with your project\'s `typescript` package: install it to get decorators compiled as in your build.)';
    throw new CliError('CONFIG_LOAD_FAILED', `Loading ${basename(file)} failed: ${(e as Error)?.message ?? String(e)}${hint}`, undefined, { cause: e });
  }
  if (typeof exported !== 'object' || exported === null || Array.isArray(exported)) {
    throw new CliError(
      'CONFIG_INVALID',
      `${basename(file)} must default-export the options of Joinery.init (an object, or a function returning one); it exported ${describe(exported)}.`,
    );
  }
  return { file, options: exported as JoineryOptions };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return value === undefined ? 'nothing (no default export?)' : `a ${typeof value}`;
}

/** Connection names a config declares: the keys of `connections`, or `default` for an inline one. */
export function configuredConnections(options: JoineryOptions): string[] {
  return options.connections ? Object.keys(options.connections) : ['default'];
}
