import type { Joinery } from 'joinery';

/** What the route modules need: the ORM (its `orm.em` is the request's fork) and the token settings. */
export interface RouteDeps {
  readonly orm: Joinery;
  readonly jwtSecret: Uint8Array;
  readonly tokenLifetime: string;
  /** scrypt cost for new password hashes (log2 of N). */
  readonly passwordCost?: number;
}

/** JSON schema of a non-empty string, for fastify's request validation. */
export const text = { type: 'string', minLength: 1 } as const;
/** A string that may be empty or null (bio, image). */
export const optionalText = { type: ['string', 'null'] } as const;

/** `{ <key>: { ...properties } }` with the listed properties required. */
export function wrapped(key: string, properties: Record<string, unknown>, required: readonly string[] = []) {
  return {
    type: 'object',
    required: [key],
    properties: { [key]: { type: 'object', required, properties } },
  } as const;
}
