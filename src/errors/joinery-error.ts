/**
 * Base class of every error joinery throws on purpose. `code` is stable across releases: match on it,
 * not on the message.
 *
 * @example
 * try { await em.flush(); } catch (e) { if (e instanceof JoineryError && e.code === 'UNIQUE_VIOLATION') { ... } }
 */
export class JoineryError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
