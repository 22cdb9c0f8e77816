/**
 * What every pg and MySQL/MariaDB transaction sends so that a COMMIT whose reply is lost can be
 * settled (src/drivers/commit-outcome.ts): pg takes the transaction id in its BEGIN message, MySQL
 * writes a marker row after BEGIN (creating the table on a connection's first transaction). Tests
 * about the statements of a flush compare without them; tests/issues/lost-commit-reply-duplicates-rows.test.ts
 * asserts them exactly.
 *
 * @example
 * t.deepEqual(withoutCommitRecords(log.map((q) => q.sql)), ['BEGIN;', 'INSERT INTO ...', 'COMMIT;']);
 */
export function withoutCommitRecords(sqls: readonly string[]): string[] {
  return sqls.filter((s) => !isCommitRecord(s)).map((s) => (s.startsWith('BEGIN; SELECT txid_current()') ? 'BEGIN;' : s));
}

/** A statement that is only there for commit settling (pg's BEGIN is one, but it is also the BEGIN). */
export function isCommitRecord(sql: string): boolean {
  return /joinery_commit_markers/.test(sql) || /^select count\(\*\) as found from information_schema\.tables .*table_name = \?$/.test(sql);
}
