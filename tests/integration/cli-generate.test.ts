// `joinery generate:entities` and `joinery diagram` run as a user runs them: a child process in a
// project folder whose config has no entities yet, against a small legacy schema on every dialect
// (two FKs to one table, a pure join table, a unique, a table without a primary key). The generated
// entities are then loaded by the config (TypeScript, no build step) and `migration:check` must find
// nothing to change. The legacy build of this file gives the project experimentalDecorators, the
// standard build TC39 decorators.
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Joinery } from 'joinery';
import { forEachDialect } from '../support/databases.js';
import { cliDatabaseConfig, cliHarness } from '../support/cli-project.js';

const { legacy: LEGACY, run, project: projectWith } = cliHarness(test.meta.file, 60_000);
const SLOW = 150_000;

const project = (t: { teardown(fn: () => void): void }): string => projectWith(t, {}, 'joinery-cli-generate-');
const databaseConfig = cliDatabaseConfig;

/** A schema no joinery entity made: names, rules and keys as a hand-written database has them. */
function legacySchema(dialect: string): string[] {
  const fk = (col: string, table: string, rules = '') => `foreign key (${col}) references ${table} (id)${rules}`;
  const cascade = ' on delete cascade on update cascade';
  return [
    'create table users (id integer not null primary key, name varchar(80) not null)',
    'create table tags (id integer not null primary key, label varchar(40) not null unique)',
    `create table messages (id integer not null primary key, sender_id integer not null, recipient_id integer, body text, ${fk('sender_id', 'users')}, ${fk('recipient_id', 'users')})`,
    `create table tag_user (user_id integer not null, tag_id integer not null, primary key (user_id, tag_id), ${fk('user_id', 'users', cascade)}, ${fk('tag_id', 'tags', cascade)})`,
    // MySQL indexes FK columns by itself; the others get what joinery would create.
    ...(dialect === 'mysql'
      ? []
      : ['create index messages_sender_id_index on messages (sender_id)', 'create index messages_recipient_id_index on messages (recipient_id)', 'create index tag_user_tag_id_index on tag_user (tag_id)']),
    'create table audit_log (at varchar(30), what text)',
  ];
}

forEachDialect(test, 'generate:entities writes entities that migration:check finds equal to the database; diagram prints them', async (t, db) => {
  t.timeout(SLOW);
  const dir = project(t);
  const config = databaseConfig(db, dir);
  const orm = await Joinery.init({ ...config, entities: [] });
  try {
    for (const sql of legacySchema(db.dialect)) await orm.getDriver().execute({ sql, params: [] });
  } finally {
    await orm.close();
  }
  writeFileSync(join(dir, 'joinery.config.ts'), `export default ${JSON.stringify({ ...config, entities: [] })};\n`);

  const generated = run(dir, 'generate:entities', '--out', 'src/entities');
  t.is(generated.code, 0, generated.stderr);
  t.regex(generated.stdout, /^wrote src\/entities\/user\.ts \(User, table users\)$/m);
  t.regex(generated.stdout, /^join table tag_user: mapped as @ManyToMany, no entity of its own$/m);
  t.regex(generated.stdout, /^skipped table audit_log: it has no primary key/m);
  t.regex(generated.stdout, /^generate:entities: 3 entities from connection 'default', 1 table\(s\) skipped in \d+ ms$/m);
  t.false(existsSync(join(dir, 'src', 'entities', 'audit-log.ts')));
  const user = readFileSync(join(dir, 'src', 'entities', 'user.ts'), 'utf8');
  // Two relations from messages to users: each inverse is named after its relation.
  t.regex(user, /@OneToMany\(\(\) => Message, \(x\) => x\.sender\) messagesBySender = new Collection<Message>\(this\);/);
  t.regex(user, /@OneToMany\(\(\) => Message, \(x\) => x\.recipient\) messagesByRecipient = new Collection<Message>\(this\);/);
  t.regex(user, /@ManyToMany\(\(\) => Tag, \(x\) => x\.users, \{ owner: true \}\) tags = new Collection<Tag>\(this\);/);
  const message = readFileSync(join(dir, 'src', 'entities', 'message.ts'), 'utf8');
  t.regex(message, /@ManyToOne\(\(\) => User, \{ updateRule: 'no action' \}\) sender!: Rel<User>;/);
  t.regex(message, /@ManyToOne\(\(\) => User, \{ nullable: true, deleteRule: 'no action', updateRule: 'no action' \}\) recipient\?: Rel<User> \| null;/);

  const again = run(dir, 'generate:entities', '--out', 'src/entities');
  t.is(again.code, 2, 'existing files are not overwritten without --force');
  t.regex(again.stderr, /^error \[FILES_EXIST\]: generate:entities would overwrite src\/entities\/message\.ts, .*add --force/m);
  t.is(run(dir, 'generate:entities', '--out', 'src/entities', '--force').code, 0);

  writeFileSync(
    join(dir, 'joinery.config.ts'),
    `import { entities } from './src/entities/index.js';\nexport default { ...${JSON.stringify(config)}, entities };\n`,
  );
  const check = run(dir, 'migration:check', '--json');
  t.is(check.code, 0, check.stdout + check.stderr);
  t.like(JSON.parse(check.stdout), { upToDate: true, pending: [], schema: [] });

  const diagram = run(dir, 'diagram');
  t.is(diagram.code, 0, diagram.stderr);
  t.true(diagram.stdout.startsWith('erDiagram\n'));
  t.regex(diagram.stdout, /^ {2}User \{\n {4}integer id PK\n {4}string name\n {2}\}$/m);
  t.regex(diagram.stdout, /^ {2}User \|\|--o\{ Message : "Message\.sender \(owner\) \/ User\.messagesBySender"$/m);
  t.regex(diagram.stdout, /^ {2}User \|o--o\{ Message : "Message\.recipient \(owner\) \/ User\.messagesByRecipient"$/m);
  t.regex(diagram.stdout, /^ {2}User \}o--o\{ Tag : "User\.tags \(owner\) \/ Tag\.users, join table tag_user"$/m);
});

// No decorated TypeScript here: the standard build would run the very same processes, so only the legacy one registers it.
if (LEGACY) test('diagram --format svg is a usage error that says how to render the Mermaid text; other formats are refused', (t) => {
  const dir = project(t);
  const svg = run(dir, 'diagram', '--format', 'svg');
  t.is(svg.code, 2);
  t.is(svg.stdout, '');
  t.regex(svg.stderr, /^error \[DIAGRAM_FORMAT_UNSUPPORTED\]: .*mermaid-cli: joinery diagram > schema\.mmd && npx -p @mermaid-js\/mermaid-cli mmdc/);
  const png = run(dir, 'diagram', '--format', 'png');
  t.is(png.code, 2);
  t.regex(png.stderr, /^error \[BAD_OPTION\]: --format png: use mermaid or svg\.$/m);
  const badExtension = run(dir, 'generate:entities', '--out', 'x', '--import-extension', 'js');
  t.is(badExtension.code, 2);
  t.regex(badExtension.stderr, /^error \[BAD_OPTION\]: --import-extension js: use '\.js' \(or another extension such as '\.ts'\) or 'none'\.$/m);
  const noOut = run(dir, 'generate:entities');
  t.is(noOut.code, 2);
  t.regex(noOut.stderr, /required option '-o, --out <dir>' not specified/);
});
