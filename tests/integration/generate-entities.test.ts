// generate:entities on the real Chinook schema, on every dialect: load the dialect's script into the
// test database, generate entities from it, compile them with the project's TypeScript (the legacy
// build of this file with experimentalDecorators + emitDecoratorMetadata, the standard build with
// TC39 decorators), and check that Joinery.init accepts them, that a populate returns what raw SQL
// returns, and that the schema diff finds nothing to change.
import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Joinery, type GeneratedEntities } from 'joinery';
import { chinookAvailable, loadChinook } from '../support/chinook.js';
import { forEachDialect, type TestDialect } from '../support/databases.js';

const ROOT = resolve(dirname(fileURLToPath(test.meta.file)), '../../../..');
const LEGACY = test.meta.file.includes('/build/legacy/');

/** Compiles the generated files as a user's project would, and loads the entities. */
function compileAndLoad(t: { teardown(fn: () => void): void; deepEqual(a: unknown, b: unknown, m?: string): void }, generated: GeneratedEntities) {
  const dir = mkdtempSync(join(tmpdir(), 'joinery-generated-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'joinery'), 'dir');
  mkdirSync(join(dir, 'src'));
  for (const f of generated.files) writeFileSync(join(dir, 'src', f.fileName), f.source);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    skipLibCheck: true,
    outDir: join(dir, 'out'),
    rootDir: join(dir, 'src'),
    types: [],
    ...(LEGACY ? { experimentalDecorators: true, emitDecoratorMetadata: true } : {}),
  };
  const program = ts.createProgram(generated.files.map((f) => join(dir, 'src', f.fileName)), options);
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].map((d) =>
    ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => '\n' }),
  );
  t.deepEqual(diagnostics, [], 'the generated entities compile without errors');
  const required = createRequire(join(dir, 'out', 'index.js'))('./index.js') as { entities: Function[] } & Record<string, Function>;
  return required;
}

/** Chinook's names on a dialect: PascalCase on SQLite and MySQL, snake_case on PostgreSQL. */
function names(dialect: TestDialect) {
  const snake = (s: string) => s.replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase();
  return (s: string) => (dialect === 'pg' ? snake(s) : s);
}

if (chinookAvailable(ROOT)) {
  forEachDialect(test, 'Chinook round trip: generate, compile, init, populate as raw SQL, no schema difference', async (t, db) => {
    t.timeout(90_000);
    const started = Date.now();
    const n = names(db.dialect);
    // Two ORMs open the database one after the other: SQLite needs a file for that, not :memory:.
    const sqliteDir = mkdtempSync(join(tmpdir(), 'joinery-chinook-'));
    t.teardown(() => rmSync(sqliteDir, { recursive: true, force: true }));
    const config = db.dialect === 'sqlite' ? { client: 'sqlite' as const, connection: { filename: join(sqliteDir, 'chinook.db') } } : db.config;
    const plain = await Joinery.init({ entities: [], ...config });
    let generated: GeneratedEntities;
    try {
      await loadChinook(plain, ROOT, db.dialect);
      generated = await plain.schema.generateEntities();
    } finally {
      await plain.close();
    }
    t.deepEqual(generated.skipped, []);
    t.deepEqual(
      generated.entities.map((e) => e.className),
      ['Album', 'Artist', 'Customer', 'Employee', 'Genre', 'Invoice', 'InvoiceLine', 'MediaType', 'Playlist', 'PlaylistTrack', 'Track'],
    );
    const source = (file: string) => generated.files.find((f) => f.fileName === file)!.source;
    // PlaylistTrack's FKs are NO ACTION and it has an index of its own: a through entity keeps both.
    t.regex(source('playlist.ts'), /@ManyToMany\(\(\) => Track, \(x\) => x\.playlists, \{ owner: true, through: \(\) => PlaylistTrack \}\) tracks/);
    t.regex(source('employee.ts'), /@ManyToOne\(\(\) => Employee, \{ joinColumn: '(ReportsTo|reports_to)', nullable: true/);
    t.regex(source('customer.ts'), /supportRep\?: Rel<Employee> \| null;/);

    const loaded = compileAndLoad(t, generated);
    const orm = await Joinery.init({ entities: loaded.entities, ...config, migrations: { path: join(tmpdir(), 'joinery-no-migrations') } });
    t.teardown(() => orm.close());

    const check = await orm.migrator.check();
    t.deepEqual(check.schema, [], 'the schema diff finds nothing to change');
    t.true(check.upToDate);
    t.deepEqual(await orm.schema.getUpdateStatements({ safe: false }), [], 'not even a column to drop');

    // Tracks 1-12 with album, artist, genre and playlists, populated, against the same read in SQL.
    const em = orm.em.fork();
    const tracks = (await em.find(loaded.Track as never, { trackId: { $lte: 12 } } as never, {
      populate: ['album.artist', 'genre', 'playlists'] as never,
      orderBy: { trackId: 'asc' } as never,
    })) as unknown as {
      trackId: number;
      name: string;
      unitPrice: string;
      album: { title: string; artist: { name: string } } | null;
      genre: { name: string } | null;
      playlists: { getItems(): { playlistId: number }[] };
    }[];
    const fromEntities = tracks.map((tr) => ({
      id: tr.trackId,
      name: tr.name,
      price: Number(tr.unitPrice),
      album: tr.album?.title ?? null,
      artist: tr.album?.artist.name ?? null,
      genre: tr.genre?.name ?? null,
      playlists: tr.playlists.getItems().map((p) => p.playlistId).sort((a, b) => a - b),
    }));
    const rows = await em.execute<Record<string, unknown>>(
      `select t.${n('TrackId')} as id, t.${n('Name')} as name, t.${n('UnitPrice')} as price, al.${n('Title')} as album, ` +
        `ar.${n('Name')} as artist, g.${n('Name')} as genre from ${n('Track')} t ` +
        `left join ${n('Album')} al on al.${n('AlbumId')} = t.${n('AlbumId')} left join ${n('Artist')} ar on ar.${n('ArtistId')} = al.${n('ArtistId')} ` +
        `left join ${n('Genre')} g on g.${n('GenreId')} = t.${n('GenreId')} where t.${n('TrackId')} <= ? order by t.${n('TrackId')}`,
      [12],
    );
    const links = await em.execute<Record<string, unknown>>(
      `select ${n('TrackId')} as track, ${n('PlaylistId')} as playlist from ${n('PlaylistTrack')} where ${n('TrackId')} <= ? order by ${n('PlaylistId')}`,
      [12],
    );
    const fromSql = rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      price: Number(r.price),
      album: r.album,
      artist: r.artist,
      genre: r.genre,
      playlists: links.filter((l) => Number(l.track) === Number(r.id)).map((l) => Number(l.playlist)),
    }));
    t.is(fromSql.length, 12);
    t.deepEqual(fromEntities, fromSql);
    t.true(fromSql.some((r) => r.playlists.length > 0), 'the fixture reaches the many-to-many');
    t.log(`${db.dialect}: ${Date.now() - started} ms`);
  });
}

// The options and the errors of the API; only SQLite, since nothing here depends on the dialect.
forEachDialect(
  test,
  'generateEntities: exclude, importExtension, and an unknown connection (also for getDiagram) is a UsageError naming the known ones',
  async (t, db) => {
    const orm = await Joinery.init({ entities: [], ...db.config });
    t.teardown(() => orm.close());
    const em = orm.em.fork();
    await em.execute('create table authors (id integer not null primary key, name varchar(50) not null)');
    await em.execute('create table books (id integer not null primary key, author_id integer not null references authors (id))');
    await em.execute('create table joinery_migrations (id integer not null primary key, name varchar(255))');
    const all = await orm.schema.generateEntities({ importExtension: '' });
    t.deepEqual(all.entities.map((e) => e.table), ['authors', 'books'], "joinery's migration tables are never generated");
    t.regex(all.files.find((f) => f.fileName === 'book.ts')!.source, /^import \{ Author \} from '\.\/author';$/m);
    const some = await orm.schema.generateEntities({ exclude: ['books'] });
    t.deepEqual(some.entities.map((e) => e.table), ['authors']);
    t.regex(some.files.find((f) => f.fileName === 'index.ts')!.source, /^import \{ Author \} from '\.\/author\.js';$/m);

    const error = await t.throwsAsync(orm.schema.generateEntities({ connection: 'archive' }));
    t.is((error as { code?: string }).code, 'UNKNOWN_CONNECTION');
    t.regex(error!.message, /orm\.schema\.generateEntities got connection 'archive', which is not configured \(known: default\)/);
    const diagramError = t.throws(() => orm.schema.getDiagram({ connection: 'archive' }));
    t.regex(diagramError!.message, /orm\.schema\.getDiagram got connection 'archive', which is not configured \(known: default\)/);
  },
  { dialects: ['sqlite'] },
);
