import { randomBytes } from 'node:crypto';

/**
 * `How to train your dragon` → `how-to-train-your-dragon-3f9a1c`: readable, and unique without a
 * query first (the suffix has 2^24 values; the unique index catches the rare clash, a 422).
 */
export function slugFor(title: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'article'}-${randomBytes(3).toString('hex')}`;
}
