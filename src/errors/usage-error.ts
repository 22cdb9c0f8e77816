import { JoineryError } from './joinery-error.js';

/**
 * Wrong use of the API at run time: an unknown property in a `where`, a collection read before it
 * was loaded, an entity from another EntityManager. The message says how to fix it.
 */
export class UsageError extends JoineryError {}
