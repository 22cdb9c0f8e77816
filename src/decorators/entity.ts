import type { EntityOptions, IndexOptions, UniqueOptions } from './options.js';
import { classSite } from './decorator-context.js';
import { decoratedEntities } from './registry.js';

type ClassDecorator = (...args: any[]) => any;

/**
 * Marks a class as an entity mapped to a table.
 *
 * @example
 * @Entity({ tableName: 'pb_profiles' })
 * class Profile { @PrimaryKey() id!: number; }
 */
export function Entity(options: EntityOptions = {}): ClassDecorator {
  return (...args: unknown[]) => {
    const { ctor, raw } = classSite(args);
    raw.entity = { ...options };
    if (!decoratedEntities.includes(ctor)) decoratedEntities.push(ctor);
  };
}

/**
 * A unique constraint over several properties.
 *
 * @example
 * @Entity() @Unique({ properties: ['owner', 'name'] })
 * class Repo { ... }
 */
export function Unique(options: UniqueOptions): ClassDecorator {
  return (...args: unknown[]) => {
    classSite(args).raw.uniques.push({ ...options, properties: [...options.properties] });
  };
}

/**
 * An index over one or more properties.
 *
 * @example
 * @Entity() @Index({ properties: ['lastName', 'firstName'] })
 * class Person { ... }
 */
export function Index(options: IndexOptions): ClassDecorator {
  return (...args: unknown[]) => {
    classSite(args).raw.indexes.push({ ...options, properties: [...options.properties] });
  };
}
