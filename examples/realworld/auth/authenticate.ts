import type { FastifyReply, FastifyRequest } from 'fastify';
import { unauthorized } from '../http/errors.js';
import { verifyToken } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's id, when the request carries a valid token. */
    viewerId?: number;
    /** The token as sent, to echo back in `GET /user`. */
    token?: string;
  }
}

/**
 * A `preHandler` that reads `Authorization: Token <jwt>` (Conduit's scheme; `Bearer` is accepted
 * too). A missing header leaves the request anonymous; a header with a bad or expired token is a
 * 401 even on endpoints where signing in is optional, so a client learns its token is stale.
 */
export function authenticate(secret: Uint8Array) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    if (header === undefined || header === '') return;
    const match = /^(?:Token|Bearer) +(\S+)$/i.exec(header);
    if (!match) throw unauthorized('the Authorization header must be "Token <jwt>"');
    const id = await verifyToken(match[1]!, secret);
    if (id === undefined) throw unauthorized('invalid or expired token');
    request.viewerId = id;
    request.token = match[1]!;
  };
}

/** The viewer's id on an endpoint that needs a signed-in user. */
export function requireViewer(request: FastifyRequest): number {
  if (request.viewerId === undefined) throw unauthorized();
  return request.viewerId;
}
