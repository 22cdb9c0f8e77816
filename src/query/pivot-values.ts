import { setLinkValues } from '../entity/entity-state.js';
import { rowToValues } from '../entity/hydrator.js';
import type { ColumnMetadata, ManyToManyProperty } from '../metadata/types.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import type { Row } from './loader-context.js';

/** The through entity's own columns (everything but the two link FKs), read along with the links. */
export function pivotExtraColumns(prop: ManyToManyProperty): readonly ColumnMetadata[] {
  const through = prop.pivot.through;
  if (!through) return [];
  const links = new Set([prop.pivot.ownerProperty, prop.pivot.targetProperty]);
  return through.columns.filter((c) => !links.has(c.property));
}

/**
 * Values of one link's extra columns, by property name; a to-one of the through entity becomes the
 * managed reference. `row` holds the columns under `alias(i)` for extra column `i`.
 */
export function readPivotValues(
  uow: UnitOfWork,
  prop: ManyToManyProperty,
  columns: readonly ColumnMetadata[],
  row: Row,
  alias: (i: number) => string,
): Record<string, unknown> {
  const through = prop.pivot.through!;
  const raw: Row = {};
  columns.forEach((c, i) => (raw[c.name] = row[alias(i)]));
  const values = rowToValues(through, raw);
  for (const [name, v] of Object.entries(values)) {
    const p = through.propertiesByName[name]!;
    if (p.kind !== 'scalar') values[name] = v === null || v === undefined ? null : uow.getReference(p.target, v);
  }
  return values;
}

/** Stores link values on the owning side: `owner` is whoever holds `prop` (either side of the M:N). */
export function storeLinkValues(prop: ManyToManyProperty, owner: object, item: object, values: Readonly<Record<string, unknown>>): void {
  if (prop.owner) setLinkValues(owner, prop.name, item, values);
  else setLinkValues(item, prop.mappedBy!, owner, values);
}
