import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { JoineryError, NotFoundError, UniqueConstraintViolationError, ValidationError } from 'joinery';

/**
 * An error the app throws on purpose, answered with its status and Conduit's error body
 * `{ "errors": { "body": [...] } }` (GenericErrorModel in the spec).
 */
export class HttpError extends Error {
  constructor(readonly status: number, readonly messages: readonly string[]) {
    super(messages.join('; '));
  }
}

export const unauthorized = (why = 'missing or invalid token'): HttpError => new HttpError(401, [why]);
export const forbidden = (why: string): HttpError => new HttpError(403, [why]);
export const notFound = (what: string): HttpError => new HttpError(404, [`${what} not found`]);
export const unprocessable = (...messages: string[]): HttpError => new HttpError(422, messages);

/** Joinery's validation rules, in words for API clients (its own messages are for developers). */
const RULE_WORDS: Record<string, string> = {
  required: "can't be blank",
  max_length: 'is too long',
  type: 'is of the wrong type',
};

/**
 * The one place errors become HTTP responses: the app's own HttpErrors, fastify's request
 * validation, and joinery's typed errors (see docs-site/web-apps.md for the table this follows).
 */
export function errorToResponse(error: unknown): { status: number; messages: readonly string[] } {
  if (error instanceof HttpError) return { status: error.status, messages: error.messages };
  if (isFastifyValidation(error)) {
    return { status: 422, messages: error.validation!.map(validationMessage) };
  }
  if (error instanceof NotFoundError) return { status: 404, messages: [`${error.entity.toLowerCase()} not found`] };
  if (error instanceof ValidationError) {
    return { status: 422, messages: error.failures.map((f) => `${f.property} ${RULE_WORDS[f.rule] ?? 'is invalid'}`) };
  }
  if (error instanceof UniqueConstraintViolationError) {
    // A concurrent request won the race the route's own check lost; name the column when we can.
    const field = /email|username|slug|name/.exec(`${error.constraint ?? ''} ${error.message}`)?.[0] ?? 'value';
    return { status: 422, messages: [`${field} has already been taken`] };
  }
  if (error instanceof JoineryError && error.code === 'POOL_EXHAUSTED') return { status: 503, messages: ['the database is busy, try again'] };
  if (isFastifyClientError(error)) return { status: error.statusCode!, messages: [error.message] };
  return { status: 500, messages: ['internal error'] };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, messages } = errorToResponse(error);
  if (status >= 500) request.log.error(error);
  void reply.status(status).send({ errors: { body: messages } });
}

type SchemaFailure = NonNullable<FastifyError['validation']>[number];

/**
 * ajv's failure in Conduit's words: `{ "user": { "email": "" } }` → `email can't be blank`. The
 * field is the last segment of the path, without the `user` / `article` / `comment` wrapper.
 */
function validationMessage(v: SchemaFailure): string {
  const path = v.instancePath.split('/').filter(Boolean);
  const missing = (v.params as { missingProperty?: string }).missingProperty;
  if (v.keyword === 'required' && missing) return `${missing} can't be blank`;
  const field = path.length > 1 ? path.slice(1).join('.') : (path[0] ?? 'body');
  if (v.keyword === 'minLength') return `${field} can't be blank`;
  return `${field} ${v.message ?? 'is invalid'}`;
}

function isFastifyValidation(error: unknown): error is FastifyError {
  return typeof error === 'object' && error !== null && Array.isArray((error as FastifyError).validation);
}

/** Malformed JSON, a body too large, a wrong content type: fastify's own 4xx errors. */
function isFastifyClientError(error: unknown): error is FastifyError {
  const status = (error as FastifyError | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
