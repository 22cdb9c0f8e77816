/**
 * Helpers for the RealWorld (Conduit) example's tests: start the app on a database, run the Postman
 * collection with newman's Node API, find the collection next to the repository.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ConnectionConfig, Joinery, QueryLogEntry } from 'joinery';
import { buildApp } from '../../examples/realworld/app.js';
import { openDatabase } from '../../examples/realworld/database.js';

/** `../shared/datasets/realworld` from the repository root. */
export function realworldDataset(testFile: string): string {
  const root = resolve(dirname(fileURLToPath(testFile)), '../../../..');
  return resolve(root, '../shared/datasets/realworld');
}

/**
 * Whether the Postman collection is there. A missing file is skipped with a loud line locally and
 * fails the run under CI=true.
 */
export function collectionAvailable(file: string): boolean {
  if (existsSync(file)) return true;
  if (process.env.CI === 'true') throw new Error(`The RealWorld Postman collection is missing: ${file}`);
  console.error(`\n  !! ${file} not found: the RealWorld suite is skipped.\n`);
  return false;
}

export interface RunningApp {
  readonly app: FastifyInstance;
  readonly orm: Joinery;
  /** Every statement the app sent since the last `log.length = 0`. */
  readonly log: QueryLogEntry[];
  readonly secret: Uint8Array;
}

/** Opens the database (running the app's migrations) and builds the app; closed by `teardown`. */
export async function startApp(config: ConnectionConfig, teardown: (fn: () => unknown) => void): Promise<RunningApp> {
  const log: QueryLogEntry[] = [];
  const orm = await openDatabase(config, (q) => log.push(q));
  // scrypt at 2^12 rather than the app's 2^17: the suite hashes a handful of passwords per dialect.
  const secret = new TextEncoder().encode('test secret, not for production');
  const app = buildApp({ orm, jwtSecret: secret, tokenLifetime: '1h', passwordCost: 12 });
  teardown(async () => {
    await app.close();
    await orm.close();
  });
  return { app, orm, log, secret };
}

/** The part of newman's run summary the tests read. */
export interface NewmanSummary {
  run: {
    stats: { assertions: { total: number; failed: number }; requests: { total: number; failed: number } };
    failures: { error: { name: string; message: string; test?: string }; source?: { name?: string } }[];
  };
}

interface Newman {
  run(options: Record<string, unknown>, callback: (err: Error | null, summary: NewmanSummary) => void): unknown;
}

/** Runs the collection against `apiUrl` with the variables it expects, through newman's Node API. */
export function runCollection(collectionFile: string, apiUrl: string, who: string): Promise<NewmanSummary> {
  const newman = require('newman') as Newman;
  const values = Object.entries({ APIURL: apiUrl, USERNAME: who, EMAIL: `${who}@example.com`, PASSWORD: 'correct horse battery' }).map(
    ([key, value]) => ({ key, value, type: 'string', enabled: true }),
  );
  return new Promise((resolvePromise, reject) => {
    newman.run({ collection: collectionFile, globals: { values }, reporters: [] }, (err, summary) => (err ? reject(err) : resolvePromise(summary)));
  });
}
