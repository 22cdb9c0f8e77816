import { UsageError } from '../errors/usage-error.js';

/**
 * A flush that failed with `CommitOutcomeUnknownError` leaves its unit of work in doubt: memory is
 * as before the flush, but the database may hold its changes. Until the user says which
 * (`em.resolveInDoubt`) or starts over (`em.clear()`), a flush would risk writing them twice.
 */
export type CommitOutcomeChoice = 'committed' | 'rolled-back';

export function flushInDoubt(): UsageError {
  return new UsageError(
    'FLUSH_IN_DOUBT',
    'The last flush of this EntityManager failed with CommitOutcomeUnknownError: its changes may or may not be saved, and flushing ' +
      "them again could write them twice. Look at the database, then call em.resolveInDoubt('committed') (memory takes that flush as done) " +
      "or em.resolveInDoubt('rolled-back') (the next flush writes its changes again), or em.clear() and reload.",
  );
}

/** Checks a call of `em.resolveInDoubt(outcome)`; `pending` is what a flush in doubt left, if any. */
export function checkResolution(pending: unknown, outcome: unknown): asserts outcome is CommitOutcomeChoice {
  if (outcome !== 'committed' && outcome !== 'rolled-back') {
    throw new UsageError('BAD_COMMIT_OUTCOME', `em.resolveInDoubt() takes 'committed' or 'rolled-back', not ${JSON.stringify(outcome)}.`);
  }
  if (!pending) {
    throw new UsageError(
      'NOT_IN_DOUBT',
      'em.resolveInDoubt() was called, but no flush of this EntityManager is in doubt: only a flush that failed with CommitOutcomeUnknownError needs it.',
    );
  }
}
