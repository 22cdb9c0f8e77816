// Assertions for criteria compiler tests: compile a `where` the way the SELECT builder does (root
// alias e0, subqueries e1, e2, ...) and compare the SQL on every dialect.
import type { ExecutionContext } from 'ava';
import { UsageError } from '../../src/index.js';
import type { MetadataSnapshot } from '../../src/metadata/metadata-storage-types.js';
import type { Dialect } from '../../src/metadata/types.js';
import { CriteriaCompiler, type Fragment } from '../../src/query/criteria.js';
import { SqlDialect } from '../../src/query/sql-dialect.js';

export const backticks = (sql: string) => sql.replace(/"/g, '`');

/** `compile`, `same` and `rejects` bound to one test model. */
export function criteriaAsserts(meta: MetadataSnapshot) {
  const compile = (entity: Function, where: unknown, dialect: Dialect = 'sqlite'): Fragment => {
    const compiler = new CriteriaCompiler(new SqlDialect(dialect));
    compiler.nextAlias();
    return compiler.compile(meta.get(entity), where, 'e0');
  };
  /** The same SQL shape on every dialect, with MySQL's quoting. */
  const same = (t: ExecutionContext, entity: Function, where: unknown, sql: string, params: unknown[]): void => {
    t.deepEqual(compile(entity, where, 'sqlite'), { sql, params }, 'sqlite');
    t.deepEqual(compile(entity, where, 'pg'), { sql, params }, 'pg');
    t.deepEqual(compile(entity, where, 'mysql'), { sql: backticks(sql), params }, 'mysql');
  };
  /** A UsageError with `code` on every dialect, whose message mentions each of `mentions`. */
  const rejects = (t: ExecutionContext, entity: Function, where: unknown, code: string, ...mentions: string[]): void => {
    for (const dialect of ['sqlite', 'pg', 'mysql'] as const) {
      const error = t.throws(() => compile(entity, where, dialect), { instanceOf: UsageError });
      t.is(error!.code, code);
      for (const m of mentions) t.true(error!.message.includes(m), `"${error!.message}" should mention ${m}`);
    }
  };
  return { compile, same, rejects };
}
