// The `joinery` command, run as a user runs it: a child process (node dist/cli/main.js) in a project
// directory holding a joinery.config.ts and TypeScript entity files, loaded without a build step.
// The legacy build of this file gives the project a tsconfig with experimentalDecorators (types
// inferred from emitted metadata); the standard build gives it TC39 decorators.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Joinery, type JoineryOptions } from 'joinery';
import { forEachDialect } from '../support/databases.js';
import { cliDatabaseConfig, cliHarness } from '../support/cli-project.js';

const { root: ROOT, legacy: LEGACY, run, runAsync, project } = cliHarness(test.meta.file, 40_000);
// Tests whose projects have no decorated TypeScript would run the very same processes in both
// builds: the legacy build runs them, the standard one registers them not at all.
const onceForBothBuilds = LEGACY ? test : undefined;

// A command is a new node process that loads joinery, jiti and the project's TypeScript: on a busy
// machine a test of ten of them takes a while.
const SLOW = 150_000;

const databaseConfig = cliDatabaseConfig;

const tsConfigFile = (config: JoineryOptions | Record<string, unknown>) => `
import type { JoineryOptions } from 'joinery';
import { Member, Note } from './entities.js';
const options = ${JSON.stringify(config)};
export default async (): Promise<JoineryOptions> => ({ ...options, entities: [Member, Note] });
`;

// Version 1 of the entities; later versions replace entities.ts. Legacy decorators get no `type`
// where it can be inferred, to show that emitted metadata reaches joinery through the loader.
const scalar = (type: string) => (LEGACY ? '' : `type: '${type}'`);
const entitiesV1 = `
import { Entity, ManyToOne, PrimaryKey, Property, type Rel } from 'joinery';
@Entity({ tableName: 'members' })
export class Member {
  @PrimaryKey() id!: number;
  @Property({ ${scalar('string')} }) name!: string;
  @Property({ type: 'string', nullable: true }) colour?: string;
  @Property({ type: 'string', nullable: true }) bio?: string;
}
@Entity({ tableName: 'notes' })
export class Note {
  @PrimaryKey() id!: number;
  @Property({ ${scalar('string')} }) text!: string;
  @ManyToOne(() => Member) member!: Rel<Member>;
}
`;

const entitiesV2 = (extra: string) => `
import { Entity, ManyToOne, PrimaryKey, Property, type Rel } from 'joinery';
@Entity({ tableName: 'members' })
export class Member {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) name!: string;
  @Property({ type: 'string', nullable: true, renamedFrom: 'colour' }) color?: string;
  ${extra}
}
@Entity({ tableName: 'notes' })
export class Note {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) text!: string;
  @ManyToOne(() => Member) member!: Rel<Member>;
}
`;

async function query(config: JoineryOptions, sql: string): Promise<Record<string, unknown>[]> {
  const orm = await Joinery.init({ ...config, entities: [] });
  try {
    return (await orm.getDriver().execute({ sql, params: [] })).rows;
  } finally {
    await orm.close();
  }
}

async function columns(config: JoineryOptions, dialect: string, table: string): Promise<string[]> {
  const sql =
    dialect === 'sqlite'
      ? `select name from pragma_table_info('${table}') order by cid`
      : `select column_name as name from information_schema.columns where table_name = '${table}' and table_schema = ${dialect === 'pg' ? 'current_schema()' : 'database()'} order by ordinal_position`;
  return (await query(config, sql)).map((r) => String(r.name ?? r.NAME ?? r.COLUMN_NAME));
}

const STACK_LINE = /^\s+at /m;

forEachDialect(test, 'schema:sql, schema:create, a safe schema:update with a rename, --drop, and schema:drop, from a TS config', async (t, db) => {
  t.timeout(SLOW);
  const dir = project(t, { 'entities.ts': entitiesV1 });
  const config = databaseConfig(db, dir);
  writeFileSync(join(dir, 'joinery.config.ts'), tsConfigFile(config));

  const sql = run(dir, 'schema:sql');
  t.is(sql.code, 0, sql.stderr);
  t.regex(sql.stdout, /create table ["`]members["`][\s\S]*create table ["`]notes["`]/);
  t.is((await columns(config, db.dialect, 'members')).length, 0, 'schema:sql only prints');

  const dry = run(dir, 'schema:create', '--dry-run');
  t.is(dry.code, 0, dry.stderr);
  t.is(dry.stdout, sql.stdout);
  t.is((await columns(config, db.dialect, 'members')).length, 0, '--dry-run only prints');

  const created = run(dir, 'schema:create');
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout, /^created the schema on connection 'default': \d+ statements\n$/);
  t.deepEqual(await columns(config, db.dialect, 'members'), ['id', 'name', 'colour', 'bio']);
  await query(config, "insert into members (id, name, colour, bio) values (1, 'Ann', 'red', 'likes SQL')");
  await query(config, "insert into notes (text, member_id) values ('hi', 1)");

  // v2: colour renamed to color, bio no longer mapped, a NOT NULL status with a default.
  writeFileSync(join(dir, 'entities.ts'), entitiesV2(`@Property({ type: 'string', default: 'active' }) status!: string;`));
  const plan = run(dir, 'schema:update', '--dry-run');
  t.is(plan.code, 0, plan.stderr);
  t.regex(plan.stdout, /alter table ["`]members["`] rename column ["`]colour["`] to ["`]color["`];/);
  t.regex(plan.stdout, /^-- kept column members\.bio: no property maps it/m);
  t.deepEqual(await columns(config, db.dialect, 'members'), ['id', 'name', 'colour', 'bio'], '--dry-run changes nothing');

  const updated = run(dir, 'schema:update');
  t.is(updated.code, 0, updated.stderr);
  t.regex(updated.stdout, /^updated the schema on connection 'default': \d+ statements?$/m);
  t.regex(updated.stdout, /^kept column members\.bio: no property maps it .*--drop/m);
  t.deepEqual(await query(config, 'select name, color, bio, status from members'), [{ name: 'Ann', color: 'red', bio: 'likes SQL', status: 'active' }]);

  const again = run(dir, 'schema:update');
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /^schema:update: nothing to update\nkept column members\.bio/);

  const dropped = run(dir, 'schema:update', '--drop');
  t.is(dropped.code, 0, dropped.stderr);
  t.notRegex(dropped.stdout, /kept column/);
  t.deepEqual(await columns(config, db.dialect, 'members'), ['id', 'name', 'color', 'status']);
  t.deepEqual(await query(config, 'select name, color from members'), [{ name: 'Ann', color: 'red' }]);

  const refused = run(dir, 'schema:drop');
  t.is(refused.code, 2);
  t.regex(refused.stderr, /^error \[FORCE_REQUIRED\]: .*--force/);
  t.deepEqual(await columns(config, db.dialect, 'notes'), ['id', 'text', 'member_id']);
  const gone = run(dir, 'schema:drop', '--force');
  t.is(gone.code, 0, gone.stderr);
  t.deepEqual(await columns(config, db.dialect, 'members'), []);
  t.deepEqual(await columns(config, db.dialect, 'notes'), []);
});

forEachDialect(test, 'a new NOT NULL column without a default: exit 1, one line naming Entity.property, nothing changed', async (t, db) => {
  t.timeout(SLOW);
  const dir = project(t, { 'entities.ts': entitiesV1 });
  const config = databaseConfig(db, dir);
  writeFileSync(join(dir, 'joinery.config.ts'), tsConfigFile(config));
  t.is(run(dir, 'schema:create').code, 0);
  await query(config, "insert into members (id, name) values (1, 'Ann')");

  writeFileSync(join(dir, 'entities.ts'), entitiesV2(`@Property({ type: 'string' }) slug!: string;`));
  const failed = run(dir, 'schema:update');
  t.is(failed.code, 1);
  t.is(failed.stdout, '');
  t.regex(failed.stderr, /^error \[SCHEMA_NOT_NULL_WITHOUT_DEFAULT\]: .*Member\.slug \(column members\.slug\).*default.*nullable/);
  t.notRegex(failed.stderr, STACK_LINE, 'no stack trace without --verbose');
  t.deepEqual(await columns(config, db.dialect, 'members'), ['id', 'name', 'colour', 'bio'], 'not even the rename ran');

  const verbose = run(dir, 'schema:update', '--verbose');
  t.is(verbose.code, 1);
  t.regex(verbose.stderr, STACK_LINE);
});

forEachDialect(test, '--connection limits a command to one database of the config; an unknown one is a usage error', async (t, db) => {
  t.timeout(SLOW);
  const dir = project(t, {
    'entities.ts': `
import { Entity, PrimaryKey, Property } from 'joinery';
@Entity() export class Account { @PrimaryKey() id!: number; @Property({ type: 'string' }) name!: string; }
@Entity({ connection: 'archive' }) export class Entry { @PrimaryKey() id!: number; @Property({ type: 'string' }) text!: string; }
`,
  });
  const archive = db.dialect === 'sqlite' ? { client: 'sqlite', connection: { filename: join(dir, 'archive.db') } } : (await db.another('archive')).config;
  const main = databaseConfig(db, dir);
  const connections = { default: main, archive };
  writeFileSync(
    join(dir, 'joinery.config.mts'),
    `import { Account, Entry } from './entities.js';\nexport default { connections: ${JSON.stringify(connections)}, entities: [Account, Entry] };\n`,
  );
  const sql = run(dir, 'schema:sql', '--connection', 'archive');
  t.is(sql.code, 0, sql.stderr);
  t.regex(sql.stdout, /create table ["`]entries["`]/);
  t.notRegex(sql.stdout, /accounts/);

  // The global option also works before the command name.
  const created = run(dir, '--connection', 'archive', 'schema:create');
  t.is(created.code, 0, created.stderr);
  t.is(created.stdout, "created the schema on connection 'archive': 1 statement\n");
  t.deepEqual(await columns(archive as JoineryOptions, db.dialect, 'entries'), ['id', 'text']);
  t.deepEqual(await columns(main, db.dialect, 'accounts'), [], 'the default connection is untouched');

  const unknown = run(dir, 'schema:create', '--connection', 'nope');
  t.is(unknown.code, 2);
  t.is(unknown.stderr, 'error [UNKNOWN_CONNECTION]: --connection nope: the config has no such connection (known: default, archive).\n');
});

// Migrations as a deployment runs them. The legacy build only: the entities load as in the tests above,
// and every command is a process.
(LEGACY ? forEachDialect : () => {})(test, 'migrations: create, two migration:up at once, check, down, up; --json lists', async (t, db) => {
  t.timeout(SLOW);
  const dir = project(t, { 'entities.ts': entitiesV1 });
  const config = databaseConfig(db, dir);
  writeFileSync(join(dir, 'joinery.config.ts'), tsConfigFile(config));

  const first = run(dir, 'migration:create', 'init');
  t.is(first.code, 0, first.stderr);
  const [, initFile] = /^wrote (migrations\/\d{14}_init\.ts) \(connection 'default': \d+ statements up, \d+ down\)$/m.exec(first.stdout) ?? [];
  t.truthy(initFile, first.stdout);
  const up1 = run(dir, 'migration:up');
  t.is(up1.code, 0, up1.stderr);
  await query(config, "insert into members (id, name, colour) values (1, 'Ann', 'red')");

  writeFileSync(join(dir, 'entities.ts'), entitiesV2(`@Property({ type: 'string', default: 'active' }) status!: string;`));
  const stale = run(dir, 'migration:check');
  t.is(stale.code, 1, 'the entities changed');
  t.regex(stale.stdout, /^differs \(connection 'default'\): alter table ["`]members["`] rename column/m);
  t.regex(stale.stderr, /^error \[MIGRATION_CHECK_FAILED\]: the database is not up to date: 0 pending migrations, \d+ schema statements?/);

  const second = run(dir, 'migration:create', 'v2', '--js');
  t.is(second.code, 0, second.stderr);
  const [, name2] = /^wrote migrations\/(\d{14}_v2)\.mjs /m.exec(second.stdout) ?? [];
  t.truthy(name2, second.stdout);
  t.regex(second.stdout, /^kept column members\.bio: no property maps it/m);
  const pending = run(dir, 'migration:pending', '--json');
  t.like(JSON.parse(pending.stdout), [{ connection: 'default', name: name2, executed: false, executedAt: null }]);

  // Two deploys at once: one runs the migration, the other waits for the lock and finds nothing left.
  const both = await Promise.all([runAsync(dir, 'migration:up'), runAsync(dir, 'migration:up')]);
  for (const r of both) t.is(r.code, 0, r.stderr);
  t.deepEqual(both.map((r) => /ran 1 migration/.test(r.stdout)).sort(), [false, true], both.map((r) => r.stdout).join('\n'));
  t.regex(both.find((r) => /ran 1/.test(r.stdout))!.stdout, new RegExp(`^up ${name2} \\(connection 'default'\\) \\.\\.\\.\\nup ${name2} done in \\d+ ms\\n`));
  t.deepEqual(await query(config, 'select name, color, bio, status from members'), [{ name: 'Ann', color: 'red', bio: null, status: 'active' }]);
  const ok = run(dir, 'migration:check', '--json');
  t.is(ok.code, 0, ok.stderr);
  t.deepEqual(JSON.parse(ok.stdout), { upToDate: true, pending: [], schema: [] });

  const down = run(dir, 'migration:down');
  t.is(down.code, 0, down.stderr);
  t.regex(down.stdout, /migration:down: reverted 1 migration\n$/);
  t.deepEqual(await query(config, 'select name, colour from members'), [{ name: 'Ann', colour: 'red' }], 'the rename went back with the data');
  const listed = JSON.parse(run(dir, 'migration:list', '--json').stdout) as { name: string; executed: boolean }[];
  t.deepEqual(listed.map((m) => [m.name, m.executed]), [[initFile!.slice('migrations/'.length, -'.ts'.length), true], [name2, false]]);
  const again = run(dir, 'migration:up');
  t.is(again.code, 0, again.stderr);
  t.deepEqual(await query(config, 'select name, color from members'), [{ name: 'Ann', color: 'red' }]);
  t.is(run(dir, 'migration:create').stdout, 'migration:create: nothing to write, the database matches the entities\n');
});

onceForBothBuilds?.('--help for the program and every command exits 0; usage errors exit 2', async (t) => {
  t.timeout(SLOW);
  const dir = project(t, {});
  const commands = ['schema:create', 'schema:update', 'schema:drop', 'schema:sql', 'migration:create', 'migration:up', 'migration:down', 'migration:list', 'migration:pending', 'migration:check', 'migration:unlock'];
  const [help, version, unknownCommand, badOption, noCommand, noValue, missing, ...own] = await Promise.all([
    runAsync(dir, '--help'),
    runAsync(dir, '--version'),
    runAsync(dir, 'schema:nope'),
    runAsync(dir, 'schema:update', '--bogus'),
    runAsync(dir),
    runAsync(dir, 'schema:sql', '--config'),
    runAsync(dir, 'schema:sql', '--config', 'missing.ts'),
    ...commands.map((c) => runAsync(dir, c, '--help')),
  ]);
  t.is(help!.code, 0);
  commands.forEach((command, i) => {
    t.regex(help!.stdout, new RegExp(`^  ${command}\\b`, 'm'), `${command} is listed`);
    t.is(own[i]!.code, 0, command);
    t.regex(own[i]!.stdout, new RegExp(`^Usage: joinery ${command}`), command);
  });
  t.regex(own[1]!.stdout, /--dry-run[\s\S]*--drop/);
  t.is(version!.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);

  t.is(unknownCommand!.code, 2);
  t.regex(unknownCommand!.stderr, /unknown command 'schema:nope'/);
  t.is(badOption!.code, 2);
  t.regex(badOption!.stderr, /unknown option '--bogus'/);
  t.is(noCommand!.code, 2, 'no command: the help, as a usage error');
  t.regex(noCommand!.stderr, /^Usage: joinery/);
  t.is(noValue!.code, 2, 'an option without its value');
  t.is(missing!.code, 2);
  t.regex(missing!.stderr, /^error \[CONFIG_NOT_FOUND\]: --config missing\.ts: no such file/);
});

onceForBothBuilds?.('config discovery: the first of joinery.config.{ts,mts,js,mjs,cjs} wins; none is exit 1 with the fix', async (t) => {
  t.timeout(SLOW);
  const entity = (table: string) =>
    `const { Entity, PrimaryKey } = require('joinery');\nclass E {}\nPrimaryKey({ type: 'integer' })(E.prototype, 'id');\nEntity({ tableName: '${table}' })(E);\n`;
  const config = (table: string, esm: boolean) =>
    `${entity(table)}${esm ? 'export default' : 'module.exports ='} { client: 'sqlite', connection: { filename: ':memory:' }, entities: [E] };\n`;
  const dir = project(t, {});
  const none = run(dir, 'schema:sql');
  t.is(none.code, 1);
  t.regex(none.stderr, /^error \[CONFIG_NOT_FOUND\]: No joinery config in .*joinery\.config\.ts, joinery\.config\.mts, .*--config/);

  writeFileSync(join(dir, 'joinery.config.cjs'), config('from_cjs', false));
  t.regex(run(dir, 'schema:sql').stdout, /from_cjs/);
  writeFileSync(join(dir, 'joinery.config.mjs'), config('from_mjs', true));
  t.regex(run(dir, 'schema:sql').stdout, /from_mjs/);
  writeFileSync(join(dir, 'joinery.config.ts'), config('from_ts', true));
  t.regex(run(dir, 'schema:sql').stdout, /from_ts/);
  t.regex(run(dir, 'schema:sql', '--config', 'joinery.config.cjs').stdout, /from_cjs/, '--config overrides discovery');

  writeFileSync(join(dir, 'named.mjs'), 'export const options = {};\n');
  writeFileSync(join(dir, 'broken.ts'), 'export default {{\n');
  const [invalid, broken] = await Promise.all([runAsync(dir, 'schema:sql', '-c', 'named.mjs'), runAsync(dir, 'schema:sql', '-c', 'broken.ts')]);
  t.is(invalid.code, 1);
  t.regex(invalid.stderr, /^error \[CONFIG_INVALID\]: named\.mjs must default-export the options of Joinery\.init/);
  t.is(broken.code, 1);
  t.regex(broken.stderr, /^error \[CONFIG_LOAD_FAILED\]: Loading broken\.ts failed: .*broken\.ts:1:\d+: /);
});

onceForBothBuilds?.('npm pack ships dist, the joinery bin and the LICENSE; the packed CLI runs from the unpacked package', (t) => {
  t.timeout(SLOW);
  const dest = mkdtempSync(join(tmpdir(), 'joinery-pack-'));
  t.teardown(() => rmSync(dest, { recursive: true, force: true }));
  // --ignore-scripts: prepack would rebuild dist/ under the feet of the other test files.
  const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  t.is(pack.status, 0, pack.stderr);
  const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  const paths = info.files.map((f) => f.path);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
  t.is(pkg.bin.joinery, './dist/cli/main.js');
  t.truthy(pkg.scripts.prepack, 'a fresh clone builds dist/ when packed');
  for (const file of ['dist/cli/main.js', 'dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'LICENSE', 'package.json']) t.true(paths.includes(file), file);
  t.false(paths.some((p) => p.startsWith('src/') || p.startsWith('tests/')), 'sources and tests stay out');

  const untar = spawnSync('tar', ['-xzf', join(dest, info.filename), '-C', dest], { encoding: 'utf8' });
  t.is(untar.status, 0, untar.stderr);
  // The unpacked package with its dependencies beside it, as npm would install it.
  const app = join(dest, 'app');
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(join(dest, 'package'), join(app, 'node_modules', 'joinery'), 'dir');
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'package', 'node_modules'), 'dir');
  writeFileSync(
    join(app, 'joinery.config.mjs'),
    "import { Entity, PrimaryKey } from 'joinery';\nclass Tag {}\nPrimaryKey({ type: 'integer' })(Tag.prototype, 'id');\nEntity()(Tag);\nexport default { client: 'sqlite', connection: { filename: ':memory:' }, entities: [Tag] };\n",
  );
  const bin = join(app, 'node_modules', 'joinery', pkg.bin.joinery);
  const help = spawnSync(process.execPath, [bin, '--help'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
  t.is(help.status, 0, help.stderr);
  t.regex(help.stdout, /^Usage: joinery/);
  t.is(readFileSync(bin, 'utf8').split('\n')[0], '#!/usr/bin/env node');
  const sql = spawnSync(process.execPath, [bin, 'schema:sql'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
  t.is(sql.status, 0, sql.stderr);
  t.regex(sql.stdout, /create table `tags`/);
});

onceForBothBuilds?.('schema:sql and diagram need no reachable database; a command that does fails naming the connection', (t) => {
  t.timeout(SLOW);
  const dir = project(t, { 'entities.ts': entitiesV1 });
  // Port 1 on the loopback refuses at once: nothing listens there.
  writeFileSync(join(dir, 'joinery.config.ts'), tsConfigFile({ client: 'pg', connection: 'postgres://postgres@127.0.0.1:1/none' }));

  const sql = run(dir, 'schema:sql');
  t.is(sql.code, 0, sql.stderr);
  t.regex(sql.stdout, /create table "members"/);
  const diagram = run(dir, 'diagram');
  t.is(diagram.code, 0, diagram.stderr);
  t.regex(diagram.stdout, /erDiagram/);

  const create = run(dir, 'schema:create');
  t.not(create.code, 0);
  t.regex(create.stderr, /\[CONNECTION_FAILED\].*connection 'default' \(pg\).*ECONNREFUSED/);
  t.notRegex(create.stderr, STACK_LINE);
});
