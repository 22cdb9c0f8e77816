import {
  CheckConstraintViolationError,
  DriverError,
  ForeignKeyConstraintViolationError,
  JoineryError,
  NotNullConstraintViolationError,
  UniqueConstraintViolationError,
} from '../errors/index.js';
import type { Dialect } from '../metadata/types.js';

/** A constraint violation as the database described it, before it becomes an error message. */
interface Violation {
  kind: 'unique' | 'primary' | 'fk-child' | 'fk-parent' | 'fk' | 'not-null' | 'check';
  /** For FK violations: the table holding the foreign key. Otherwise the table written to. */
  table?: string;
  constraint?: string;
  columns?: string[];
  /** FK: the table the foreign key points at (the parent). */
  referencedTable?: string;
  /** Check: the PostgreSQL domain whose check failed. */
  domain?: string;
}

/** The fields the three drivers put on their errors (each sets a different subset). */
interface RawDriverError {
  message?: string;
  code?: string;
  errno?: number;
  table?: string;
  constraint?: string;
  column?: string;
  detail?: string;
  /** pg: the data type (a domain) whose constraint failed. */
  dataType?: string;
}

/**
 * Maps an error thrown by better-sqlite3, pg or mysql2 to joinery's typed errors: unique / primary key
 * violations to {@link UniqueConstraintViolationError}, foreign keys to
 * {@link ForeignKeyConstraintViolationError}, NOT NULL to {@link NotNullConstraintViolationError},
 * CHECK constraints (and PostgreSQL domain checks) to {@link CheckConstraintViolationError}, anything else to a {@link DriverError} with code `DRIVER_ERROR` whose message includes the
 * driver's. The original error is always kept as `cause`. Errors that already are joinery errors
 * are returned as they are.
 *
 * @param sql the statement that failed, when known: names the table where the driver does not.
 */
export function mapDriverError(err: unknown, dialect: Dialect, connection: string, sql?: string): Error {
  if (err instanceof JoineryError) return err;
  const raw: RawDriverError = typeof err === 'object' && err !== null ? (err as RawDriverError) : { message: String(err) };
  const violation = describeViolation(raw, dialect, sql);
  if (violation) {
    const info = { table: violation.table, constraint: violation.constraint, connection, sql };
    const message = violationMessage(violation);
    switch (violation.kind) {
      case 'unique':
      case 'primary':
        return new UniqueConstraintViolationError(message, info, err);
      case 'fk-child':
      case 'fk-parent':
      case 'fk':
        return new ForeignKeyConstraintViolationError(message, info, err);
      case 'not-null':
        return new NotNullConstraintViolationError(message, info, err);
      case 'check':
        return new CheckConstraintViolationError(message, { ...info, ...(violation.domain !== undefined ? { domain: violation.domain } : {}) }, err);
    }
  }
  const driverMessage = raw.message ?? String(err);
  const hint = connectionHint(raw);
  const where = sql ? ` -- SQL: ${truncate(sql.replace(/\s+/g, ' ').trim(), 300)}` : '';
  return new DriverError(
    'DRIVER_ERROR',
    `Database error on connection '${connection}' (${dialect}): ${driverMessage}${hint}${where}`,
    { connection, sql },
    err,
  );
}

function describeViolation(e: RawDriverError, dialect: Dialect, sql?: string): Violation | undefined {
  switch (dialect) {
    case 'pg':
      return pgViolation(e, sql);
    case 'mysql':
      return mysqlViolation(e, sql);
    case 'sqlite':
      return sqliteViolation(e, sql);
    default: {
      const never: never = dialect;
      return never;
    }
  }
}

function pgViolation(e: RawDriverError, sql?: string): Violation | undefined {
  const message = e.message ?? '';
  const keyColumns = /^Key \(([^)]*)\)=/.exec(e.detail ?? '')?.[1]?.split(/,\s*/);
  switch (e.code) {
    case '23505':
      return {
        kind: e.constraint?.endsWith('_pkey') ? 'primary' : 'unique',
        table: e.table,
        constraint: e.constraint,
        columns: keyColumns,
      };
    case '23503': {
      // "update or delete on table "users" violates foreign key constraint "x" on table "posts""
      const parent = /^update or delete on table "([^"]+)"/.exec(message);
      if (parent) return { kind: 'fk-parent', table: e.table, constraint: e.constraint, referencedTable: parent[1] };
      // detail: 'Key (author_id)=(99) is not present in table "users".'
      const referenced = /is not present in table "([^"]+)"/.exec(e.detail ?? '')?.[1];
      return { kind: 'fk-child', table: e.table, constraint: e.constraint, columns: keyColumns, referencedTable: referenced };
    }
    case '23502':
      return { kind: 'not-null', table: e.table, columns: e.column ? [e.column] : undefined };
    case '23514': {
      // A table's check names its table; a domain's ("value for domain rating violates check
      // constraint ...") names the domain only, and the statement tells the table.
      const domain = /^value for domain (\S+) violates/.exec(message)?.[1] ?? (e.table ? undefined : e.dataType);
      return { kind: 'check', table: e.table ?? (sql ? statementTarget(sql).table : undefined), constraint: e.constraint, domain };
    }
    default:
      return undefined;
  }
}

/** `Cannot ... a foreign key constraint fails (`db`.`posts`, CONSTRAINT `fk` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`))` */
const MYSQL_FK_DETAIL =
  /\(`?(?:[^`]*`\.`)?([^`]+)`?, CONSTRAINT `([^`]+)` FOREIGN KEY \(([^)]*)\) REFERENCES `([^`]+)`/;

function mysqlViolation(e: RawDriverError, sql?: string): Violation | undefined {
  const message = e.message ?? '';
  const statementTable = sql ? statementTarget(sql).table : undefined;
  switch (e.errno) {
    case 1062: {
      // MariaDB: "for key 'users_email_unique'"; MySQL 8 qualifies it: "for key 'users.users_email_unique'".
      const key = /for key '([^']+)'$/.exec(message)?.[1];
      let table = statementTable;
      let constraint = key;
      const dot = key?.lastIndexOf('.') ?? -1;
      if (key && dot > 0) {
        table = key.slice(0, dot);
        constraint = key.slice(dot + 1);
      }
      const primary = constraint === 'PRIMARY';
      return { kind: primary ? 'primary' : 'unique', table, constraint: primary ? undefined : constraint };
    }
    case 1451:
    case 1217:
    case 1452:
    case 1216: {
      const parentSide = e.errno === 1451 || e.errno === 1217;
      const detail = MYSQL_FK_DETAIL.exec(message);
      const columns = detail?.[3]?.split(',').map((c) => c.trim().replace(/`/g, ''));
      return {
        kind: parentSide ? 'fk-parent' : 'fk-child',
        table: detail?.[1] ?? (parentSide ? undefined : statementTable),
        constraint: detail?.[2],
        columns,
        referencedTable: detail?.[4] ?? (parentSide ? statementTable : undefined),
      };
    }
    case 1048: // "Column 'email' cannot be null"
    case 1364: {
      // "Field 'email' doesn't have a default value": an INSERT left a NOT NULL column out.
      const column = /^(?:Column|Field) '([^']+)'/.exec(message)?.[1];
      return { kind: 'not-null', table: statementTable, columns: column ? [column] : undefined };
    }
    case 3819: // MySQL 8: "Check constraint 'c' is violated."
      return { kind: 'check', table: statementTable, constraint: /^Check constraint '([^']+)'/.exec(message)?.[1] };
    case 4025: {
      // MariaDB: "CONSTRAINT `c` failed for `db`.`t`" (a column's inline check is named after the column)
      const m = /^CONSTRAINT `([^`]+)` failed for (?:`[^`]*`\.)?`([^`]+)`/.exec(message);
      return { kind: 'check', table: m?.[2] ?? statementTable, constraint: m?.[1] };
    }
    default:
      return undefined;
  }
}

function sqliteViolation(e: RawDriverError, sql?: string): Violation | undefined {
  const message = e.message ?? '';
  const target = sql ? statementTarget(sql) : {};
  // "UNIQUE constraint failed: users.email" / "NOT NULL constraint failed: users.email" / "...: t.a, t.b"
  const qualified = /constraint failed: (.+)$/.exec(message)?.[1]?.split(/,\s*/);
  const table = qualified?.[0]?.includes('.') ? qualified[0].slice(0, qualified[0].lastIndexOf('.')) : target.table;
  const columns = qualified?.map((c) => c.slice(c.lastIndexOf('.') + 1));
  const code = e.code ?? '';
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return { kind: 'primary', table, columns };
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || (code === 'SQLITE_CONSTRAINT' && message.startsWith('UNIQUE'))) {
    return { kind: 'unique', table, columns };
  }
  if (code === 'SQLITE_CONSTRAINT_NOTNULL' || (code === 'SQLITE_CONSTRAINT' && message.startsWith('NOT NULL'))) {
    return { kind: 'not-null', table, columns };
  }
  if (code === 'SQLITE_CONSTRAINT_CHECK' || (code === 'SQLITE_CONSTRAINT' && message.startsWith('CHECK'))) {
    // "CHECK constraint failed: positive_price" names the constraint (an unnamed one by its expression).
    return { kind: 'check', table: target.table, constraint: /constraint failed: (.+)$/.exec(message)?.[1] };
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || (code === 'SQLITE_CONSTRAINT' && message.startsWith('FOREIGN KEY'))) {
    // SQLite names neither the constraint nor the tables; the statement tells the direction.
    switch (target.verb) {
      case 'insert':
        return { kind: 'fk-child', table: target.table };
      case 'delete':
        return { kind: 'fk-parent', referencedTable: target.table };
      default:
        return { kind: 'fk', table: target.table };
    }
  }
  return undefined;
}

function violationMessage(v: Violation): string {
  const cols = v.columns?.length ? ` (${v.columns.join(', ')})` : '';
  const onTable = v.table ? ` on table ${v.table}` : '';
  switch (v.kind) {
    case 'unique': {
      const subject = v.constraint ? `Unique constraint ${v.constraint}${onTable}` : `A unique constraint${onTable}`;
      const what = v.columns?.length ? `the same ${v.columns.join(', ')}` : 'the same value';
      return `${subject}${cols} was violated: a row with ${what} already exists. Load the existing row or change the value.`;
    }
    case 'primary':
      return (
        `The primary key${v.table ? ` of table ${v.table}` : ''}${cols} was violated: a row with the same key already exists. ` +
        'Load the existing row (em.findOne or em.getReference) instead of creating it again, or let the database generate the key.'
      );
    case 'fk-child':
      return (
        `${fkSubject(v)} was violated: the row refers to ${v.referencedTable ? `a row of ${v.referencedTable}` : 'a row'} that does not exist. ` +
        'Persist the referenced entity first (or in the same flush), or fix the reference.'
      );
    case 'fk-parent':
      return (
        `${fkSubject(v)} was violated: a row${v.referencedTable ? ` of ${v.referencedTable}` : ''} being deleted or updated is still referenced` +
        `${v.table ? ` from ${v.table}` : ' from another table'}. ` +
        "Remove or re-point the referencing rows first, or set deleteRule: 'cascade' or 'set null' on the relation."
      );
    case 'fk':
      return (
        `${fkSubject(v)} was violated: either the row refers to a row that does not exist, or a row still referenced ` +
        'from another table was changed. Persist referenced entities first and remove or re-point referencing rows first ' +
        "(or set deleteRule: 'cascade' or 'set null' on the relation)."
      );
    case 'check':
      return checkMessage(v);
    case 'not-null': {
      const column = v.columns?.length ? `Column ${v.columns.join(', ')}` : 'A NOT NULL column';
      return (
        `${column}${v.table ? ` of table ${v.table}` : ''} cannot be NULL: the row has no value for it. ` +
        'Set a value for the property, give the column a default, or declare the property nullable: true.'
      );
    }
  }
}

function checkMessage(v: Violation): string {
  const subject = v.domain
    ? `The check${v.constraint ? ` ${v.constraint}` : ''} of domain ${v.domain}${v.table ? ` (a column of table ${v.table})` : ''}`
    : `${v.constraint ? `Check constraint ${v.constraint}` : 'A check constraint'}${v.table ? ` on table ${v.table}` : ''}`;
  return `${subject} was violated: the database refused a value it does not allow. Fix the value; a validate function or enum on the property catches it before any SQL.`;
}

function fkSubject(v: Violation): string {
  const cols = v.columns?.length ? ` (${v.columns.join(', ')})` : '';
  const onTable = v.table ? ` on table ${v.table}` : '';
  return v.constraint ? `Foreign key constraint ${v.constraint}${onTable}${cols}` : `A foreign key constraint${onTable}${cols}`;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH',
  '28P01', '28000', '3D000', // pg: bad password, no such role, no such database
  'ER_ACCESS_DENIED_ERROR', 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR',
]);

function connectionHint(e: RawDriverError): string {
  const timeout = (e.message ?? '').startsWith('Knex: Timeout acquiring a connection');
  if (!timeout && !(e.code && CONNECTION_CODES.has(e.code))) return '';
  return '. Check that the database server is running and that host, port, user, password and database in the connection config are right';
}

/** The verb and target table of an INSERT / UPDATE / DELETE (quotes and schema stripped). */
function statementTarget(sql: string): { verb?: 'insert' | 'update' | 'delete'; table?: string } {
  const name = '([^\\s(]+)';
  const patterns: [RegExp, 'insert' | 'update' | 'delete'][] = [
    [new RegExp(`^\\s*(?:insert|replace)(?:\\s+or\\s+\\w+)?(?:\\s+ignore)?\\s+into\\s+${name}`, 'i'), 'insert'],
    [new RegExp(`^\\s*update(?:\\s+or\\s+\\w+)?\\s+${name}`, 'i'), 'update'],
    [new RegExp(`^\\s*delete\\s+from\\s+${name}`, 'i'), 'delete'],
  ];
  for (const [re, verb] of patterns) {
    const m = re.exec(sql);
    // `"public"."users"` / `db`.`users` / [users]: the last part, unquoted
    if (m) return { verb, table: m[1].split('.').pop()!.replace(/[`"[\]]/g, '') };
  }
  return {};
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
