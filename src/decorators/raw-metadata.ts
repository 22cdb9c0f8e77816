import type { HookName } from '../metadata/types.js';
import type {
  EntityOptions, EntityTarget, IndexOptions, InverseSide, ManyThroughOptions, ManyToManyOptions, ManyToOneOptions,
  OneToManyOptions, OneToOneOptions, PrimaryKeyOptions, PropertyOptions, UniqueOptions,
} from './options.js';

/** What a property decorator saw, unresolved. Discovery turns these into metadata. */
export type RawProperty =
  | { kind: 'primary'; name: string; options: PrimaryKeyOptions; designType?: () => unknown }
  | { kind: 'scalar'; name: string; options: PropertyOptions; designType?: () => unknown }
  | { kind: 'm:1'; name: string; target: EntityTarget; options: ManyToOneOptions }
  | { kind: '1:1'; name: string; target: EntityTarget; inverse?: InverseSide; options: OneToOneOptions }
  | { kind: '1:m'; name: string; target: EntityTarget; inverse: InverseSide; options: OneToManyOptions }
  | { kind: 'm:n'; name: string; target: EntityTarget; inverse?: InverseSide; options: ManyToManyOptions }
  | { kind: 'through'; name: string; target: EntityTarget; path: string; options: ManyThroughOptions };

/** The decorator that records each kind, for messages. */
export const DECORATOR_OF: Readonly<Record<RawProperty['kind'], string>> = {
  primary: 'PrimaryKey',
  scalar: 'Property',
  'm:1': 'ManyToOne',
  '1:1': 'OneToOne',
  '1:m': 'OneToMany',
  'm:n': 'ManyToMany',
  through: 'ManyThrough',
};

/** Everything the decorators recorded about one class (its own members only; parents are merged at discovery). */
export interface RawClassMetadata {
  properties: Map<string, RawProperty>;
  hooks: Map<string, HookName[]>;
  uniques: UniqueOptions[];
  indexes: IndexOptions[];
  /**
   * Properties that got more than one property decorator, with the decorators in source order.
   * Decorators must not throw (that would fail at import, far from `Joinery.init`), so discovery reports them.
   */
  conflicts: Map<string, string[]>;
  /** Set by `@Entity`; a class without it can still be a base class of entities. */
  entity?: EntityOptions;
  /** Which decorator standard recorded it; decides whether a missing scalar type is inferable. */
  standard: boolean;
}
