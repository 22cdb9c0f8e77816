import type { HookName } from '../metadata/types.js';
import { memberSite } from './decorator-context.js';
import { addHook } from './registry.js';

type MethodDecorator = (...args: any[]) => any;

function hook(name: HookName, decorator: string): () => MethodDecorator {
  return () =>
    (...args: unknown[]) => {
      const site = memberSite(decorator, args);
      addHook(site.raw, site.name, name);
    };
}

/**
 * Lifecycle hooks: methods called by the unit of work. `Before*` hooks run before validation and
 * SQL (they may change the entity); `After*` hooks after the transaction commits. Hooks may be async.
 *
 * @example
 * @BeforeCreate() stamp() { this.createdAt = new Date(); }
 */
export const BeforeCreate = hook('beforeCreate', 'BeforeCreate');
/** Called after a new entity's INSERT has been committed. */
export const AfterCreate = hook('afterCreate', 'AfterCreate');
/** Called before a changed entity is updated (its changes are recomputed after the hook). */
export const BeforeUpdate = hook('beforeUpdate', 'BeforeUpdate');
/** Called after an entity's UPDATE has been committed. */
export const AfterUpdate = hook('afterUpdate', 'AfterUpdate');
/** Called before an entity is deleted. */
export const BeforeDelete = hook('beforeDelete', 'BeforeDelete');
/** Called after an entity's DELETE has been committed. */
export const AfterDelete = hook('afterDelete', 'AfterDelete');
/** Called after an entity is hydrated from the database. */
export const OnLoad = hook('onLoad', 'OnLoad');
