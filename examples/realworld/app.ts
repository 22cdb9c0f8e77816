import Fastify, { type FastifyInstance } from 'fastify';
import { RequestContext, type Joinery } from 'joinery';
import { authenticate } from './auth/authenticate.js';
import { errorHandler, HttpError, notFound } from './http/errors.js';
import { articleRoutes } from './routes/articles.js';
import { commentRoutes } from './routes/comments.js';
import type { RouteDeps } from './routes/deps.js';
import { profileRoutes } from './routes/profiles.js';
import { userRoutes } from './routes/users.js';

export interface AppOptions extends RouteDeps {
  /** fastify's logger (pino): `true` logs each request. Default off. */
  readonly log?: boolean;
}

/**
 * The Conduit API under `/api`. Every request runs in its own joinery request context, so the
 * routes use `orm.em` and each request gets a fresh identity map.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({ logger: options.log ?? false });
  app.addHook('onRequest', RequestContext.middleware(options.orm));
  app.setErrorHandler(errorHandler);
  // Conduit clients send `Content-Type: application/json` with no body on POST .../favorite and
  // DELETE; fastify's own parser refuses that with a 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new HttpError(400, ['the body is not valid JSON']), undefined);
    }
  });
  app.setNotFoundHandler((request, reply) => errorHandler(notFound('route'), request, reply));
  void app.register(
    async (api) => {
      api.addHook('preHandler', authenticate(options.jwtSecret));
      for (const routes of [userRoutes, profileRoutes, articleRoutes, commentRoutes]) routes(api, options);
    },
    { prefix: '/api' },
  );
  return app;
}
