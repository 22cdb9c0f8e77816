import { createHash } from 'node:crypto';

// PostgreSQL cuts identifiers at 63 bytes and MySQL rejects names over 64, so long names keep a
// readable prefix and get a short hash of the full name to stay unique.
const MAX = 60;

/** Deterministic constraint or index name: `posts_author_id_foreign`, `users_email_unique`. */
export function constraintName(table: string, columns: readonly string[], suffix: 'foreign' | 'unique' | 'index' | 'pkey'): string {
  const full = `${table}_${columns.join('_')}_${suffix}`;
  if (full.length <= MAX) return full;
  const hash = createHash('sha1').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX - suffix.length - 10)}_${hash}_${suffix}`;
}
