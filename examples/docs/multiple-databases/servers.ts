// Connection setup of the examples that need PostgreSQL or MySQL/MariaDB servers: each example gets
// databases of its own, emptied on every run, so it can create its schema from scratch.
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';

const PG_URL = process.env.PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.MYSQL_URL || 'mysql://root@127.0.0.1:3306/test';
// Two checkouts running the examples against the same servers must not drop each other's databases.
const PREFIX = (process.env.JOINERY_TEST_DB_PREFIX || 'joinery_').toLowerCase().replace(/[^a-z0-9_]/g, '_');

/** `<prefix>docs_<name>`, with `name` made of lower-case letters, digits and underscores. */
function databaseName(name: string): string {
  return `${PREFIX}docs_${name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The URL of an empty PostgreSQL database for this example (dropped and created again). */
export async function freshPgDatabase(name: string): Promise<string> {
  const database = databaseName(name);
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`drop database if exists "${database}" with (force)`);
    await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
  return withDatabase(PG_URL, database);
}

/** The URL of an empty MySQL/MariaDB database for this example (dropped and created again). */
export async function freshMysqlDatabase(name: string): Promise<string> {
  const database = databaseName(name);
  const connection = await createConnection(MYSQL_URL);
  try {
    await connection.query(`drop database if exists \`${database}\``);
    await connection.query(`create database \`${database}\``);
  } finally {
    await connection.end();
  }
  return withDatabase(MYSQL_URL, database);
}
