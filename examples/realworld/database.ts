import { join } from 'node:path';
import { Joinery, type ConnectionConfig, type QueryLogger } from 'joinery';
import { ENTITIES } from './entities/index.js';

/** Where the connection comes from: a `DATABASE_URL`, or a ready connection config (tests). */
export type DatabaseSource = string | ConnectionConfig;

/**
 * `postgres://` / `postgresql://` → pg, `mysql://` / `mariadb://` → mysql, `sqlite:<file>` (or
 * `sqlite::memory:`) → SQLite.
 */
export function connectionFromUrl(url: string): ConnectionConfig {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return { client: 'pg', connection: url };
    case 'mysql':
    case 'mariadb':
      return { client: 'mysql', connection: url.replace(/^mariadb:/i, 'mysql:') };
    case 'sqlite':
      return { client: 'sqlite', connection: { filename: url.slice('sqlite:'.length).replace(/^\/\//, '') || 'conduit.sqlite' } };
    default:
      throw new Error(`DATABASE_URL must start with postgres://, mysql://, mariadb:// or sqlite:, got ${JSON.stringify(url)}.`);
  }
}

/**
 * Opens the database and brings its schema up to date by running the app's migrations (the files
 * next to this one, in `migrations/`), so a new database needs no set-up.
 */
export async function openDatabase(source: DatabaseSource, logger?: QueryLogger): Promise<Joinery> {
  const connection = typeof source === 'string' ? connectionFromUrl(source) : source;
  const orm = await Joinery.init({
    entities: ENTITIES,
    ...connection,
    migrations: { path: join(__dirname, 'migrations'), tableName: 'conduit_migrations' },
    ...(logger ? { logger } : {}),
  });
  try {
    await orm.migrator.up();
  } catch (e) {
    await orm.close();
    throw e;
  }
  return orm;
}
