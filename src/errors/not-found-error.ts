import { JoineryError } from './joinery-error.js';

/** Thrown by `findOneOrFail` (and `wrap(ref).init()`) when no row matches. */
export class NotFoundError extends JoineryError {
  readonly entity: string;
  readonly where: unknown;
  constructor(entity: string, where: unknown, message?: string) {
    super('NOT_FOUND', message ?? `${entity} not found for ${safeStringify(where)}. Use em.findOne() if a missing row is expected.`);
    this.entity = entity;
    this.where = where;
  }
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}
