import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The few parts of the `typescript` package the transform uses (it is the project's, not a dependency of joinery). */
interface TypeScriptApi {
  version: string;
  transpileModule(
    input: string,
    options: { compilerOptions: Record<string, unknown>; fileName?: string; reportDiagnostics?: boolean },
  ): { outputText: string; diagnostics?: Diagnostic[] };
  flattenDiagnosticMessageText(message: unknown, newLine: string): string;
  findConfigFile(searchPath: string, fileExists: (file: string) => boolean): string | undefined;
  readConfigFile(file: string, readFile: (file: string) => string | undefined): { config?: unknown; error?: { messageText: unknown } };
  parseJsonConfigFileContent(json: unknown, host: unknown, basePath: string): { options: Record<string, unknown> };
  sys: { fileExists(file: string): boolean; readFile(file: string): string | undefined };
  ModuleKind: { CommonJS: number };
  ScriptTarget: { ES2022: number };
}

interface Diagnostic {
  file?: { getLineAndCharacterOfPosition(pos: number): { line: number; character: number } };
  start?: number;
  messageText: unknown;
}

/** What jiti hands a custom transform, and wants back. */
export interface TransformRequest {
  source: string;
  filename?: string;
  ts?: boolean;
}

/** Options that make no sense for one module compiled in memory, or that would keep it from being CommonJS. */
const DROPPED_OPTIONS = [
  'noEmit', 'declaration', 'declarationMap', 'emitDeclarationOnly', 'composite', 'incremental', 'tsBuildInfoFile',
  'sourceMap', 'outDir', 'outFile', 'verbatimModuleSyntax', 'isolatedDeclarations', 'moduleResolution', 'moduleDetection',
  'rewriteRelativeImportExtensions', 'allowImportingTsExtensions',
];

/**
 * A transform for jiti that compiles TypeScript with the project's own `typescript` package and its
 * tsconfig.json, so decorators behave exactly as in the project's build: legacy ones (with
 * `emitDecoratorMetadata`, types inferred) under `experimentalDecorators`, TC39 ones otherwise.
 * jiti's built-in Babel transform applies legacy decorators in a way that fails on `id!: number`
 * fields, the usual shape of an entity. Without a tsconfig.json, legacy decorators with metadata are
 * used: they accept entities written for either standard.
 *
 * Returns undefined when the project has no `typescript` package (jiti's own transform is used then).
 */
export function typescriptTransform(projectDir: string): ((request: TransformRequest) => string | undefined) | undefined {
  const ts = loadTypeScript(projectDir);
  if (!ts) return undefined;
  const compilerOptions = projectCompilerOptions(ts, projectDir);
  return (request) => {
    if (!request.ts) return undefined;
    // jiti runs what it gets as CommonJS, but TypeScript writes a `.mts` file as an ES module whatever
    // `module` says: compile it under a `.ts` name.
    const fileName = request.filename?.replace(/\.[cm]ts$/, '.ts');
    const out = ts.transpileModule(request.source, { compilerOptions, fileName, reportDiagnostics: true });
    // transpileModule still emits something for broken syntax; running that would hide the mistake.
    // Diagnostics without a file are about compiler options, which the build checks, not this.
    const syntax = (out.diagnostics ?? []).filter((d) => d.file !== undefined);
    if (syntax.length > 0) throw new SyntaxError(syntax.map((d) => describeDiagnostic(ts, d, request.filename)).join('\n'));
    return out.outputText;
  };
}

function describeDiagnostic(ts: TypeScriptApi, d: Diagnostic, filename = 'input'): string {
  const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
  const where = at ? `${filename}:${at.line + 1}:${at.character + 1}` : filename;
  return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}

function loadTypeScript(projectDir: string): TypeScriptApi | undefined {
  try {
    const require = createRequire(join(projectDir, 'package.json'));
    return require(require.resolve('typescript')) as TypeScriptApi;
  } catch {
    return undefined;
  }
}

function projectCompilerOptions(ts: TypeScriptApi, projectDir: string): Record<string, unknown> {
  const file = ts.findConfigFile(projectDir, (f) => ts.sys.fileExists(f));
  let options: Record<string, unknown> = {
    target: ts.ScriptTarget.ES2022,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    useDefineForClassFields: false,
  };
  if (file) {
    const read = ts.readConfigFile(file, (f) => ts.sys.readFile(f));
    if (read.config !== undefined) options = { ...ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(file)).options };
  }
  for (const key of DROPPED_OPTIONS) delete options[key];
  return { ...options, module: ts.ModuleKind.CommonJS, esModuleInterop: true };
}
