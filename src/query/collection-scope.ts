import { toDatabaseValue } from '../entity/value-conversion.js';
import { UsageError } from '../errors/usage-error.js';
import type { EntityMetadata, ManyToManyProperty, ManyToOneProperty, OneToManyProperty } from '../metadata/types.js';
import type { Fragment } from './criteria-sql.js';
import type { SqlDialect } from './sql-dialect.js';

// The rows of a collection's items, for an UPDATE or DELETE of the item table that must not touch
// anyone else's (`user.posts.nativeUpdate(...)`): the owner is bound as a key, never spliced in.

/**
 * The condition, on the item table (referenced by its own name, as UPDATE and DELETE do), that a
 * row is an item of the collection `prop` of the owner whose key is `ownerKey`:
 *
 * - 1:N: the child's foreign key is the owner's key (`"posts"."author_id" = ?`);
 * - M:N: a link row joins the item to the owner
 *   (`"tags"."id" IN (SELECT "links"."tag_id" FROM "post_tags" "links" WHERE "links"."post_id" = ?)`).
 *
 * A many-to-many whose join table lives on another connection than its items cannot be one
 * statement: that is a `CROSS_CONNECTION` UsageError.
 *
 * @example
 * collectionScope(new SqlDialect('pg'), owner, userMeta.propertiesByName.posts as OneToManyProperty, [7]);
 * // { sql: '"posts"."author_id" = ?', params: [7] }
 */
export function collectionScope(d: SqlDialect, owner: EntityMetadata, prop: OneToManyProperty | ManyToManyProperty, ownerKey: readonly unknown[]): Fragment {
  const target = prop.target;
  const q = (s: string) => d.quote(s);
  const col = (table: string, c: string) => `${q(table)}.${q(c)}`;
  if (prop.kind === '1:m') {
    const fk = target.propertiesByName[prop.mappedBy] as ManyToOneProperty;
    return {
      sql: fk.joinColumns.map((c) => `${col(target.tableName, c.name)} = ?`).join(' AND '),
      params: fk.joinColumns.map((c, i) => toDatabaseValue(c.type, ownerKey[i], d.dialect)),
    };
  }
  const pivot = prop.pivot;
  if (pivot.connection !== target.connection) {
    throw new UsageError(
      'CROSS_CONNECTION',
      `${owner.name}.${prop.name}: its links (table ${pivot.tableName}) are on connection '${pivot.connection}' and ${target.name} rows on '${target.connection}', ` +
        `so one statement cannot select the items to change. Read their keys first (await ${lowerFirst(owner.name)}.${prop.name}.load()) and pass them to em.nativeUpdate / em.nativeDelete(${target.name}, { ${target.primaryKeys[0]?.name ?? 'id'}: keys }).`,
    );
  }
  const mine = prop.owner ? pivot.joinColumns : pivot.inverseJoinColumns;
  const theirs = prop.owner ? pivot.inverseJoinColumns : pivot.joinColumns;
  const theirRefs = prop.owner ? pivot.targetReferencedColumns : pivot.ownerReferencedColumns;
  const items = theirRefs.map((c) => col(target.tableName, c));
  const links = theirs.map((c) => col('links', c.name));
  const sql =
    `${items.length === 1 ? items[0] : `(${items.join(', ')})`} IN (SELECT ${links.join(', ')} FROM ${q(pivot.tableName)} ${q('links')} ` +
    `WHERE ${mine.map((c) => `${col('links', c.name)} = ?`).join(' AND ')})`;
  return { sql, params: mine.map((c, i) => toDatabaseValue(c.type, ownerKey[i], d.dialect)) };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
