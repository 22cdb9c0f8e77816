import { JoineryError } from './joinery-error.js';

/** One failed check on one entity's property. */
export interface ValidationFailure {
  entity: string;
  property: string;
  /** The offending value as given. */
  value: unknown;
  /**
   * Short machine-readable reason: 'required', 'type', 'range', 'not_finite', 'precision',
   * 'invalid_date', 'max_length', 'nul_byte', 'json', 'enum', 'validate', 'unknown_property'.
   */
  rule: string;
  message: string;
  /** The entity instance, when the failure comes from a flush. */
  instance?: object;
}

/**
 * Raised before any SQL is sent when one or more entities fail validation. `failures` lists every
 * failing entity and property at once, not only the first.
 */
export class ValidationError extends JoineryError {
  readonly failures: readonly ValidationFailure[];
  constructor(failures: ValidationFailure[], code = 'VALIDATION_FAILED') {
    const head = failures.length === 1 ? '1 validation failure' : `${failures.length} validation failures`;
    super(code, `${head}:\n${failures.map((f) => `  - ${f.message}`).join('\n')}`);
    this.failures = failures;
  }
}
