import { JoineryError } from './joinery-error.js';

/** Codes of {@link MetadataError}; one per kind of mapping mistake. */
export type MetadataErrorCode =
  | 'UNKNOWN_TARGET'
  | 'NOT_AN_ENTITY'
  | 'MISSING_INVERSE'
  | 'INVERSE_MISMATCH'
  | 'BOTH_SIDES_OWNER'
  | 'NO_OWNER'
  | 'NAME_COLLISION'
  | 'MISSING_TYPE'
  | 'UNKNOWN_TYPE'
  | 'UNSUPPORTED_TYPE'
  | 'NO_PRIMARY_KEY'
  | 'BAD_COMPOSITE_KEY'
  | 'FK_CYCLE'
  | 'BAD_OPTION'
  | 'UNKNOWN_CONNECTION'
  | 'BAD_THROUGH'
  | 'DUPLICATE_ENTITY';

/**
 * A mapping mistake found when `Joinery.init` discovers the entities. The message names
 * `Entity.property` and the option that fixes it.
 */
export class MetadataError extends JoineryError {
  declare readonly code: MetadataErrorCode;
  readonly entity?: string;
  readonly property?: string;
  constructor(code: MetadataErrorCode, message: string, where: { entity?: string; property?: string } = {}) {
    super(code, message);
    this.entity = where.entity;
    this.property = where.property;
  }
}
