// joinery is consumed both as an ES module and as CommonJS. dist/index.mjs re-exports the CommonJS
// build (scripts/write-esm-entry.mjs), so `import` and `require` must see the same names and the
// very same objects: two copies would keep two metadata registries, and `instanceof` on errors
// would fail across them. Each check runs in a fresh node process, as a consumer would.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `build/<flavour>/tests/integration/package-exports.test.js` → the repository root. */
const ROOT = resolve(dirname(fileURLToPath(test.meta.file)), '../../../..');

/** The names DESIGN.md fixes for the public API (types excluded: they do not exist at run time). */
const PUBLIC_NAMES = [
  'Joinery', 'Entity', 'Unique', 'Index', 'PrimaryKey', 'Property', 'ManyToOne', 'OneToMany', 'OneToOne', 'ManyToMany',
  'BeforeCreate', 'AfterCreate', 'BeforeUpdate', 'AfterUpdate', 'BeforeDelete', 'AfterDelete', 'OnLoad',
  'Collection', 'wrap', 'EntityManager', 'JoineryError', 'MetadataError', 'ValidationError', 'NotFoundError',
  'UniqueConstraintViolationError', 'ForeignKeyConstraintViolationError', 'OptimisticLockError', 'UsageError',
];

interface Report {
  names: string[];
  /** `require('joinery').X === (await import('joinery')).X` for a few exports. */
  sameObjects: boolean;
  /** An error made from the CommonJS side is an instance of the ESM side's base class. */
  sharedErrorClasses: boolean;
  deepImport: string;
}

// Both scripts print a Report as JSON. The ESM one uses static named imports, so a missing export
// fails at link time, as it would for a user.
const ESM_SCRIPT = `
import { Joinery, Entity, Collection, wrap, NotFoundError } from 'joinery';
import * as api from 'joinery';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const cjs = require('joinery');
let deepImport = 'allowed';
try { await import('joinery/dist/index.js'); } catch (e) { deepImport = e.code; }
console.log(JSON.stringify({
  names: Object.keys(api).filter((n) => n !== 'default').sort(),
  sameObjects: cjs.Collection === Collection && cjs.Joinery === Joinery && cjs.Entity === Entity && cjs.wrap === wrap && api.default === cjs,
  sharedErrorClasses: new cjs.NotFoundError('User', 1) instanceof api.JoineryError && new NotFoundError('User', 1) instanceof cjs.JoineryError,
  deepImport,
}));
`;

const CJS_SCRIPT = `
const j = require('joinery');
let deepImport = 'allowed';
try { require('joinery/dist/index.js'); } catch (e) { deepImport = e.code; }
import('joinery').then((esm) => {
  console.log(JSON.stringify({
    names: Object.keys(j).sort(),
    sameObjects: esm.Collection === j.Collection && esm.Joinery === j.Joinery && esm.Entity === j.Entity && esm.wrap === j.wrap,
    sharedErrorClasses: new esm.NotFoundError('User', 1) instanceof j.JoineryError,
    deepImport,
  }));
});
`;

function runNode(args: string[], cwd: string): Report {
  const run = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`node ${args.slice(0, -1).join(' ')} failed in ${cwd}:\n${run.stderr}${run.error ? String(run.error) : ''}`);
  return JSON.parse(run.stdout) as Report;
}

const esm = (cwd: string) => runNode(['--input-type=module', '-e', ESM_SCRIPT], cwd);
const cjs = (cwd: string) => runNode(['-e', CJS_SCRIPT], cwd);

test('the build has both entry points and the type declarations', (t) => {
  for (const file of ['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts']) t.true(existsSync(join(ROOT, file)), `${file} is missing (npm run build)`);
});

test('import and require of joinery see the same exports, and every public name', (t) => {
  const fromEsm = esm(ROOT);
  const fromCjs = cjs(ROOT);
  t.deepEqual(fromEsm.names, fromCjs.names);
  const missing = PUBLIC_NAMES.filter((n) => !fromCjs.names.includes(n));
  t.deepEqual(missing, [], `missing from the public API: ${missing.join(', ')}`);
});

test('import and require share one module instance', (t) => {
  for (const [how, report] of [['ESM', esm(ROOT)], ['CommonJS', cjs(ROOT)]] as const) {
    t.true(report.sameObjects, `${how}: require('joinery') and import('joinery') gave different objects`);
    t.true(report.sharedErrorClasses, `${how}: error classes differ between require and import`);
  }
});

test('only the package root is exported', (t) => {
  t.is(esm(ROOT).deepImport, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  t.is(cjs(ROOT).deepImport, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
});

test('a project that depends on joinery can import and require it', (t) => {
  // node_modules/joinery -> this repository, the way npm links a local dependency.
  const project = mkdtempSync(join(tmpdir(), 'joinery-consumer-'));
  t.teardown(() => rmSync(project, { recursive: true, force: true }));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', 'joinery'), 'junction');
  const fromEsm = esm(project);
  const fromCjs = cjs(project);
  t.deepEqual(fromEsm.names, fromCjs.names);
  t.true(fromEsm.sameObjects && fromCjs.sameObjects);
});
