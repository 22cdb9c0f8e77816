import { createHash } from 'node:crypto';

/** PostgreSQL cuts identifiers at 63 bytes, MySQL rejects names over 64: stay under both. */
export const MAX_IDENTIFIER_LENGTH = 63;

const KIND_SUFFIX = /_(pkey|foreign|unique|index)$/;

/**
 * `name`, or when it is too long a readable prefix plus a hash of the whole name (so two long names
 * sharing a prefix still differ, and the result is the same on every run), keeping a kind suffix
 * such as `_foreign` so the name still says what it is.
 */
export function shortenIdentifier(name: string, max = MAX_IDENTIFIER_LENGTH): string {
  if (name.length <= max) return name;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  const suffix = KIND_SUFFIX.exec(name)?.[0] ?? '';
  return `${name.slice(0, max - hash.length - 1 - suffix.length)}_${hash}${suffix}`;
}

/**
 * Name of a table's primary key constraint (`users_pkey`, PostgreSQL's own default spelling). Only
 * PostgreSQL keeps it; MySQL calls every primary key PRIMARY and SQLite does not name it.
 */
export function primaryKeyName(table: string): string {
  return shortenIdentifier(`${table}_pkey`);
}

/** Name for the temporary copy of a table while SQLite rebuilds it. */
export function rebuildTableName(table: string): string {
  return shortenIdentifier(`${table}__joinery_new`);
}
