/**
 * The Conduit (RealWorld) backend on joinery and fastify: `npm run realworld`.
 *
 * SQLite (`conduit.sqlite` in the working directory) unless `DATABASE_URL` names PostgreSQL or
 * MySQL/MariaDB; the schema comes from the migrations in `migrations/`, run at start.
 */
import { buildApp } from './app.js';
import { configFromEnv } from './config.js';
import { openDatabase } from './database.js';

async function main(): Promise<void> {
  const config = configFromEnv();
  const orm = await openDatabase(config.databaseUrl);
  const app = buildApp({ orm, jwtSecret: config.jwtSecret, tokenLifetime: config.tokenLifetime, passwordCost: config.passwordCost, log: true });
  app.addHook('onClose', () => orm.close());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close());
  await app.listen({ port: config.port, host: config.host });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
