export { JoineryError } from './joinery-error.js';
export { MetadataError, type MetadataErrorCode } from './metadata-error.js';
export { ValidationError, type ValidationFailure } from './validation-error.js';
export { NotFoundError } from './not-found-error.js';
export {
  DriverError,
  UniqueConstraintViolationError,
  ForeignKeyConstraintViolationError,
  NotNullConstraintViolationError,
  CheckConstraintViolationError,
  OptimisticLockError,
} from './driver-errors.js';
export { UsageError } from './usage-error.js';
export { MigrationError, type MigrationErrorCode } from './migration-error.js';
export { TransactionError, type TransactionErrorCode, type TransactionOutcome } from './transaction-error.js';
export { CommitOutcomeUnknownError } from './commit-outcome-unknown-error.js';
