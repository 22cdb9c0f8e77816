import { randomBytes } from 'node:crypto';
import { DEFAULT_LOG2N } from './auth/passwords.js';

/** What the server needs from its environment. */
export interface Config {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  readonly host: string;
  /** `postgres://...`, `mysql://...` or `sqlite:<file>`; SQLite `conduit.sqlite` in the working directory by default. */
  readonly databaseUrl: string;
  /** HMAC key for the JWTs (HS256). */
  readonly jwtSecret: Uint8Array;
  /** How long a token is valid, in jose's notation (`'30d'`). */
  readonly tokenLifetime: string;
  /** scrypt's cost, log2 of N (see auth/passwords.ts). */
  readonly passwordCost: number;
}

/**
 * Reads the configuration from the environment: `PORT` (3000), `HOST` (127.0.0.1),
 * `DATABASE_URL` (SQLite file `conduit.sqlite`), `JWT_SECRET`, `TOKEN_LIFETIME` (30d),
 * `SCRYPT_LOG2N` (17).
 *
 * Without `JWT_SECRET` a random key is made at start: fine for trying the app out, but tokens then
 * stop working when the process restarts, so set it in production.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${JSON.stringify(env.PORT)}.`);
  const cost = env.SCRYPT_LOG2N ? Number(env.SCRYPT_LOG2N) : DEFAULT_LOG2N;
  if (!Number.isInteger(cost) || cost < 10 || cost > 20) throw new Error(`SCRYPT_LOG2N must be an integer from 10 to 20, got ${JSON.stringify(env.SCRYPT_LOG2N)}.`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || 'sqlite:conduit.sqlite',
    jwtSecret: env.JWT_SECRET ? new TextEncoder().encode(env.JWT_SECRET) : randomBytes(32),
    tokenLifetime: env.TOKEN_LIFETIME || '30d',
    passwordCost: cost,
  };
}
