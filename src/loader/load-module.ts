import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createJiti } from 'jiti';
import { typescriptTransform } from './typescript-transform.js';

/**
 * Loads the user's own files (the CLI's config, migrations) without a build step. Shared by cli/ and
 * migrations/; it knows nothing of joinery itself.
 */

/** Extensions of TypeScript files, compiled on load; `.d.ts` files are declarations, never loaded. */
const TYPESCRIPT = /\.[cm]?ts$/;

export function isTypeScriptFile(file: string): boolean {
  return TYPESCRIPT.test(file) && !/\.d\.[cm]?ts$/.test(file);
}

export interface LoadModuleOptions {
  /**
   * Modules every `import`/`require` of the loaded file (and the files it loads) resolves to, by
   * name. Forces jiti even for JavaScript, since a native import cannot be redirected.
   */
  readonly virtualModules?: Readonly<Record<string, unknown>>;
  /**
   * Read the file again if it changed since an earlier load in this process (a migration fixed after
   * it failed), instead of the module cache's copy. Only for files nothing else imports.
   */
  readonly fresh?: boolean;
}

/**
 * The module namespace of `file`. TypeScript goes through jiti with the project's own `typescript`
 * package and tsconfig.json when it has them (see typescript-transform.ts), so decorators behave as in
 * the project's build; JavaScript is imported natively (`.mjs` and ESM `.js` as ES modules, the rest
 * as CommonJS) unless `virtualModules` are given.
 *
 * @throws whatever loading or evaluating the file throws (a syntax error names `file:line:column`)
 */
export async function loadModule(file: string, options: LoadModuleOptions = {}): Promise<unknown> {
  if (!isTypeScriptFile(file) && !options.virtualModules) {
    const url = pathToFileURL(file);
    // ES modules are cached by URL: a query naming the version makes a changed file a new module.
    if (options.fresh) url.search = `v=${statSync(file).mtimeMs}`;
    return import(url.href);
  }
  const tsTransform = typescriptTransform(dirname(file));
  const fallback = createJiti(file);
  const jiti = createJiti(file, {
    fsCache: false,
    moduleCache: !options.fresh,
    virtualModules: options.virtualModules ? { ...options.virtualModules } : undefined,
    transform: (request) => ({ code: tsTransform?.(request) ?? fallback.transform(request) }),
  });
  return jiti.import(file);
}

/** Whether loading TypeScript fell back to jiti's own transform, for hints in error messages. */
export function hasProjectTypeScript(file: string): boolean {
  return typescriptTransform(dirname(file)) !== undefined;
}

/** `export default x` gives x; a CommonJS `module.exports = x` gives x too; named exports alone give nothing. */
export function defaultExport(mod: unknown): unknown {
  if (typeof mod !== 'object' || mod === null) return mod;
  if ('default' in mod) return (mod as { default: unknown }).default;
  return (mod as { __esModule?: boolean }).__esModule ? undefined : mod;
}
