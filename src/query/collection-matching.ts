import type { Collection, MatchingOptions } from '../entity/collection.js';
import { getState } from '../entity/entity-state.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import type { ToOneOwning } from '../metadata/types.js';
import { keyOf } from '../unit-of-work/identity-map.js';
import { resolveItemCriteria } from './cross-connection.js';
import { matchThrough } from './many-through.js';
import { itemOrder, keyTypes, type LoaderContext, type Row } from './loader-context.js';
import type { SelectInLoader } from './select-in-loader.js';
import { checkPaging, type OrderByInput } from './select-builder.js';

/**
 * One query for a filtered page of a collection's items, read from the database. The collection
 * itself is left as it was (not initialised, no queued change seen); the items are managed entities.
 */
export async function matchCollection(ctx: LoaderContext, selectIn: SelectInLoader, collection: Collection<object>, options: MatchingOptions): Promise<object[]> {
  const prop = collection._property!;
  const owner = collection.owner;
  const meta = getState(owner)!.meta;
  const key = primaryKeyValues(meta, owner);
  // Before anything runs (criteria reaching another connection run step queries first).
  checkPaging(options, `${meta.name}.${prop.name}.matching()`);
  if (prop.kind === 'through') {
    return matchThrough(ctx, meta, prop, key, options);
  }
  const target = prop.target;
  const orderBy = (options.orderBy as OrderByInput | undefined) ?? itemOrder(target, prop.orderBy);
  // A new owner has no rows yet; the statement is still built so mistakes in the options surface.
  const fresh = ctx.freshSet();
  let rows: Row[];
  let entities: object[];
  const linkConnection = prop.kind === 'm:n' ? prop.pivot.connection : target.connection;
  // Criteria reaching another connection become keys first (step queries there).
  if (options.where !== undefined) options = { ...options, where: (await resolveItemCriteria(ctx, meta, prop, options.where, linkConnection)) as MatchingOptions['where'] };
  if (prop.kind === 'm:n' && linkConnection !== target.connection) {
    // Two steps: the owner's link rows on the join table's connection, then the items by key on theirs.
    const links = key ? await selectIn.crossLinks(meta, prop, [key], options.where) : { rows: [], targetKeys: [], itemKey: () => [] };
    const byKey = ctx.inList(target.connection, 'e0', target.primaryKeyColumns, keyTypes(target), links.targetKeys);
    const stmt = ctx.builder(target.connection).select(target, undefined, { orderBy, limit: options.limit, offset: options.offset }, byKey);
    rows = links.targetKeys.length ? await ctx.run(target.connection, stmt) : [];
    entities = rows.map((row) => ctx.hydrateRow(target, row, fresh));
    const ownerKey = key ? keyOf(key) : '';
    selectIn.groupCrossLinks(prop, links, entities, (k) => (k === ownerKey ? owner : undefined));
  } else if (prop.kind === '1:m') {
    const fk = target.propertiesByName[prop.mappedBy] as unknown as ToOneOwning;
    const byOwner = ctx.inList(target.connection, 'e0', fk.joinColumns.map((c) => c.name), fk.joinColumns.map((c) => c.type), [key ?? fk.joinColumns.map(() => null)]);
    const stmt = ctx.builder(target.connection).select(target, options.where, { orderBy, limit: options.limit, offset: options.offset }, byOwner);
    rows = key ? await ctx.run(target.connection, stmt) : [];
    entities = rows.map((row) => ctx.hydrateRow(target, row, fresh));
  } else {
    const mine = prop.owner ? prop.pivot.joinColumns : prop.pivot.inverseJoinColumns;
    const stmt = selectIn.manyToManyStatement(meta, prop, [key ?? mine.map(() => null)], { ...options, orderBy });
    rows = key ? await ctx.run(target.connection, stmt) : [];
    entities = rows.map((row) => ctx.hydrateRow(target, row, fresh));
    const ownerKey = key ? keyOf(key) : '';
    selectIn.readLinks(prop, { entities, rows }, (k) => (k === ownerKey ? owner : undefined));
  }
  await ctx.afterLoad(fresh);
  return entities;
}

