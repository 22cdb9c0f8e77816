import { MetadataError } from '../errors/metadata-error.js';
import type { TypeOption } from '../decorators/options.js';
import { BUILTIN_TYPES } from './builtin-types.js';
import { isType, Type, type TypeContext } from './type.js';
import { SCALAR_TYPES, type ColumnType, type ScalarType } from './types.js';

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
): ColumnType {
  if (explicit !== undefined) {
    if (typeof explicit === 'string') {
      const lower = explicit.toLowerCase();
      if ((SCALAR_TYPES as readonly string[]).includes(lower)) return lower as ScalarType;
      if (Object.hasOwn(BUILTIN_TYPES, lower)) return BUILTIN_TYPES[lower]!();
      throw new MetadataError(
        'UNKNOWN_TYPE',
        `${entity}.${property} has type '${explicit}', which joinery does not know. Use one of: ${TYPE_NAMES.join(', ')}, or a Type class.`,
        { entity, property },
      );
    }
    if (isType(explicit)) return explicit;
    if (typeof explicit === 'function' && explicit.prototype instanceof Type) return new (explicit as new () => Type)();
    const byCtor = BY_CONSTRUCTOR.get(explicit);
    if (byCtor) return byCtor;
    throw new MetadataError(
      'UNKNOWN_TYPE',
      `${entity}.${property} has type ${String((explicit as Function).name ?? explicit)}; use String, Number, Boolean, Date, a Type class or one of: ${TYPE_NAMES.join(', ')}.`,
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

/** Every type name `@Property({ type })` takes. */
export const TYPE_NAMES: readonly string[] = [...SCALAR_TYPES, ...Object.keys(BUILTIN_TYPES)];

/**
 * The property's own bound instance of a `Type` (its `context` set); plain type names are returned
 * as they are. An instance shared by several properties is bound once per property through a
 * derived object, so each sees its own column.
 */
export function bindType(type: ColumnType, context: TypeContext): ColumnType {
  if (!isType(type)) return type;
  const bound = type.context === undefined && !Object.isFrozen(type) ? type : (Object.create(type) as Type);
  // defineProperty: the shared instance's own `context` may be frozen (metadata is frozen).
  Object.defineProperty(bound, 'context', { value: Object.freeze({ ...context }), enumerable: true, writable: false, configurable: false });
  return bound;
}
