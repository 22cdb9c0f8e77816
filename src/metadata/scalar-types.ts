import { MetadataError } from '../errors/metadata-error.js';
import type { TypeOption } from '../decorators/options.js';
import { SCALAR_TYPES, type ScalarType } from './types.js';

const BY_CONSTRUCTOR = new Map<unknown, ScalarType>([
  [String, 'string'],
  [Number, 'integer'],
  [Boolean, 'boolean'],
  [Date, 'datetime'],
  [BigInt, 'bigint'],
  [Array, 'json'],
]);

/**
 * The scalar type of a property: the explicit `type` option, else what TypeScript emitted as
 * `design:type` (legacy decorators with emitDecoratorMetadata). Anything ambiguous is an error that
 * says which `type` to write, because guessing wrong corrupts data silently.
 */
export function resolveScalarType(
  entity: string,
  property: string,
  explicit: TypeOption | undefined,
  designType: unknown,
  standard: boolean,
  fallback?: ScalarType,
): ScalarType {
  if (explicit !== undefined) {
    if (typeof explicit === 'string') {
      const lower = explicit.toLowerCase() as ScalarType;
      if (SCALAR_TYPES.includes(lower)) return lower;
      throw new MetadataError(
        'UNKNOWN_TYPE',
        `${entity}.${property} has type '${explicit}', which joinery does not know. Use one of: ${SCALAR_TYPES.join(', ')}.`,
        { entity, property },
      );
    }
    const byCtor = BY_CONSTRUCTOR.get(explicit);
    if (byCtor) return byCtor;
    throw new MetadataError(
      'UNKNOWN_TYPE',
      `${entity}.${property} has type ${String((explicit as Function).name ?? explicit)}; use String, Number, Boolean, Date or one of: ${SCALAR_TYPES.join(', ')}.`,
      { entity, property },
    );
  }
  const inferred = BY_CONSTRUCTOR.get(designType);
  if (inferred) return inferred;
  if (fallback) return fallback;
  if (standard) {
    throw new MetadataError(
      'MISSING_TYPE',
      `${entity}.${property} has no type. TC39 standard decorators carry no type information, so scalar properties ` +
        `must name it: @Property({ type: 'string' }) (or 'integer', 'float', 'boolean', 'datetime', 'json', ...).`,
      { entity, property },
    );
  }
  const seen = designType === undefined ? 'no type metadata' : `design type ${(designType as Function)?.name ?? String(designType)}`;
  throw new MetadataError(
    'MISSING_TYPE',
    `${entity}.${property} has ${seen}, so joinery cannot tell its column type. Add it explicitly, e.g. ` +
      `@Property({ type: 'json' }) or @Property({ type: 'string' }) (unions and object types emit Object; ` +
      `without "emitDecoratorMetadata" nothing is emitted).`,
    { entity, property },
  );
}
