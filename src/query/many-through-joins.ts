import type { EntityMetadata, ManyThroughProperty, ToOneOwning } from '../metadata/types.js';

// The joins of a has-many-through's path, walked backwards from the target to the owner. Shared by
// the loader (which selects the items), relation counts and `$count` criteria (which group them
// by owner), so that every reader agrees on which items a path reaches.

/** One `JOIN <table> <alias> ON <on>` (an inner join: an item counts only if the whole path exists). */
export interface ThroughJoin {
  readonly table: string;
  readonly alias: string;
  readonly on: string;
}

/** How the tables of the path are named in the statement. */
export interface ThroughAliases {
  /** The entity reached after `i` hops: 0 is the owner, `hops.length` the target. */
  entity(i: number): string;
  /** The join-table row of hop `i`, when it is a many-to-many. */
  pivot(i: number): string;
}

/**
 * The joins from the target (the statement's FROM table, aliased `aliases.entity(hops.length)`)
 * back to the owner's table (aliased `aliases.entity(0)`), in order.
 *
 * @example
 * // Country.posts along 'users.posts', aliases h0 (country), h1 (user), e0 (post):
 * // [{ table: 'users', alias: 'h1', on: '"h1"."id" = "e0"."author_id"' },
 * //  { table: 'countries', alias: 'h0', on: '"h1"."country_id" = "h0"."id"' }]
 * throughJoins((s) => `"${s}"`, countryMeta, countryMeta.propertiesByName.posts, aliases);
 */
export function throughJoins(quote: (s: string) => string, owner: EntityMetadata, prop: ManyThroughProperty, aliases: ThroughAliases): ThroughJoin[] {
  const col = (alias: string, c: string) => `${quote(alias)}.${quote(c)}`;
  const hops = prop.hops;
  const joins: ThroughJoin[] = [];
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    const from = aliases.entity(i);
    const to = aliases.entity(i + 1);
    const fromMeta = i === 0 ? owner : hops[i - 1]!.target;
    const on: string[] = [];
    switch (hop.kind) {
      case 'm:1':
      case '1:1':
        if (hop.kind === 'm:1' || hop.owner) {
          hop.joinColumns.forEach((c, k) => on.push(`${col(from, c.name)} = ${col(to, hop.referencedColumns[k]!)}`));
        } else {
          const fk = hop.target.propertiesByName[hop.mappedBy] as unknown as ToOneOwning;
          fk.joinColumns.forEach((c, k) => on.push(`${col(to, c.name)} = ${col(from, fk.referencedColumns[k]!)}`));
        }
        break;
      case '1:m': {
        const fk = hop.target.propertiesByName[hop.mappedBy] as unknown as ToOneOwning;
        fk.joinColumns.forEach((c, k) => on.push(`${col(to, c.name)} = ${col(from, fk.referencedColumns[k]!)}`));
        break;
      }
      case 'm:n': {
        const pivot = hop.pivot;
        const mine = hop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
        const theirs = hop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
        const p = aliases.pivot(i);
        joins.push({ table: pivot.tableName, alias: p, on: theirs.map((c, k) => `${col(p, c.name)} = ${col(to, hop.target.primaryKeyColumns[k]!)}`).join(' AND ') });
        mine.forEach((c, k) => on.push(`${col(from, fromMeta.primaryKeyColumns[k]!)} = ${col(p, c.name)}`));
        break;
      }
    }
    joins.push({ table: fromMeta.tableName, alias: from, on: on.join(' AND ') });
  }
  return joins;
}
