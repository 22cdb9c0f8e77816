import { JoineryError } from './joinery-error.js';

interface ConstraintInfo {
  table?: string;
  constraint?: string;
  connection: string;
  sql?: string;
}

/** Base of errors that come from the database; `cause` is the driver's original error. */
export class DriverError extends JoineryError {
  readonly table?: string;
  readonly constraint?: string;
  readonly connection: string;
  readonly sql?: string;
  constructor(code: string, message: string, info: ConstraintInfo, cause: unknown) {
    super(code, message, { cause });
    this.table = info.table;
    this.constraint = info.constraint;
    this.connection = info.connection;
    this.sql = info.sql;
  }
}

/** A unique or primary key constraint rejected a row. */
export class UniqueConstraintViolationError extends DriverError {
  constructor(message: string, info: ConstraintInfo, cause: unknown) {
    super('UNIQUE_VIOLATION', message, info, cause);
  }
}

/** A foreign key constraint rejected an insert, update or delete. */
export class ForeignKeyConstraintViolationError extends DriverError {
  constructor(message: string, info: ConstraintInfo, cause: unknown) {
    super('FOREIGN_KEY_VIOLATION', message, info, cause);
  }
}

/** A NOT NULL constraint rejected a row (validation normally catches this before SQL). */
export class NotNullConstraintViolationError extends DriverError {
  constructor(message: string, info: ConstraintInfo, cause: unknown) {
    super('NOT_NULL_VIOLATION', message, info, cause);
  }
}

/**
 * A CHECK constraint rejected a row, or a PostgreSQL domain's check rejected a value. `table` and
 * `constraint` name it where the database does (`domain` too, for a domain's check on PostgreSQL).
 *
 * @example
 * try { await em.flush(); } catch (e) { if (e instanceof CheckConstraintViolationError) console.log(e.table, e.constraint); }
 */
export class CheckConstraintViolationError extends DriverError {
  /** The PostgreSQL domain whose check failed, when it was a domain's. */
  readonly domain?: string;
  constructor(message: string, info: ConstraintInfo & { domain?: string }, cause: unknown) {
    super('CHECK_VIOLATION', message, info, cause);
    if (info.domain !== undefined) this.domain = info.domain;
  }
}

/** An optimistic lock check failed: the row changed (or vanished) since it was loaded. */
export class OptimisticLockError extends JoineryError {
  readonly entity: string;
  readonly instance: object;
  constructor(entity: string, instance: object, message: string) {
    super('OPTIMISTIC_LOCK', message);
    this.entity = entity;
    this.instance = instance;
  }
}
