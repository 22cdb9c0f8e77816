import type { Driver, DriverTransaction } from '../drivers/driver.js';
import { UsageError } from '../errors/usage-error.js';
import { ValidationError, type ValidationFailure } from '../errors/validation-error.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import type { EntityMetadata } from '../metadata/types.js';
import { selectBuilderFor } from '../query/select-builder.js';
import { upsertStatement } from '../query/upsert-sql.js';
import { columnProperties, type ColumnProperty } from './change-sets.js';

const hasOwn = Object.prototype.hasOwnProperty;

/** Options of `em.upsert` / `em.upsertMany`. */
export interface UpsertOptions<T> {
  /**
   * The properties whose values decide "same row": the primary key (default) or the properties of
   * one unique constraint (`@Property({ unique: true })` or `@Unique({ properties })`).
   *
   * @example
   * await em.upsert(User, { email: 'ann@x.io', name: 'Ann' }, { onConflictFields: ['email'] });
   */
  onConflictFields?: readonly (keyof T & string)[];
}

/** What an upsert needs from its EntityManager. */
export interface UpsertContext {
  readonly meta: EntityMetadata;
  readonly driver: Driver;
  readonly transaction: DriverTransaction | undefined;
  /** `data`'s column values, validated and converted for the database (as `nativeUpdate` takes them). */
  columnSet(data: Record<string, unknown>, caller: string): { column: string; value: unknown }[];
  /** A to-one relation value (entity, reference or key) as the entity it stands for. */
  resolve(prop: Exclude<ColumnProperty, { kind: 'scalar' }>, value: unknown): object;
  /** The managed entity for a row, its loaded values replaced by the row's. */
  hydrate(row: Record<string, unknown>): object;
}

/**
 * INSERT ... ON CONFLICT / ON DUPLICATE KEY UPDATE of `rows` (one statement per set of given
 * columns, chunked to the parameter limit), then the managed entities of the rows as they are
 * afterwards, in the order given: from RETURNING, or (MySQL/MariaDB) one SELECT by the conflict
 * values per chunk.
 */
export async function upsertRows(ctx: UpsertContext, rows: readonly unknown[], options: UpsertOptions<object>, caller: string): Promise<object[]> {
  const { meta, driver } = ctx;
  const target = conflictTarget(meta, options, caller);
  const targetColumns = target.flatMap((p) => (p.kind === 'scalar' ? [p.column.name] : p.joinColumns.map((c) => c.name)));
  const groups = new Map<string, { columns: string[]; values: unknown[][] }>();
  const keys: string[] = [];
  const seen = new Map<string, number>();
  const failures: ValidationFailure[] = [];
  rows.forEach((data, i) => {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new UsageError('BAD_ASSIGN', `${caller}: ${rows.length > 1 ? `data[${i}]` : 'data'} must be an object of ${meta.name} properties, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}.`);
    }
    const record = data as Record<string, unknown>;
    const missing = target.filter((p) => !hasOwn.call(record, p.name) || record[p.name] === undefined || record[p.name] === null);
    if (missing.length) throw missingTarget(meta, target, missing, options, caller);
    const key = keyOf(ctx, target, (p) => record[p.name]);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new UsageError(
        'UPSERT_DUPLICATE',
        `${caller}: data[${earlier}] and data[${i}] have the same ${target.map((p) => `${meta.name}.${p.name}`).join(' + ')} (${key}); one statement cannot write a row twice. Merge them first.`,
      );
    }
    seen.set(key, i);
    keys.push(key);
    const set = ctx.columnSet(record, caller);
    failures.push(...requiredForInsert(meta, record, caller));
    const columns = set.map((s) => s.column);
    const signature = columns.join('\0');
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = { columns, values: [] }));
    group.values.push(set.map((s) => s.value));
  });
  if (failures.length) throw new ValidationError(failures);

  const byKey = new Map<string, object>();
  const returning = meta.columns.map((c) => c.name);
  const builder = selectBuilderFor(driver);
  for (const { columns, values } of groups.values()) {
    const perStatement = Math.max(1, Math.floor(driver.maxParams / columns.length));
    for (let at = 0; at < values.length; at += perStatement) {
      const chunk = values.slice(at, at + perStatement);
      const stmt = upsertStatement(driver.dialect, { table: meta.tableName, columns, rows: chunk, conflict: targetColumns, returning });
      const result = await driver.execute(stmt, ctx.transaction);
      let found = result.rows;
      if (driver.dialect === 'mysql') {
        // No RETURNING for ON DUPLICATE KEY UPDATE: read the rows back by their conflict values.
        const positions = targetColumns.map((c) => columns.indexOf(c));
        const lookup = chunk.map((row) => positions.map((p) => row[p]));
        const perSelect = Math.max(1, Math.floor(driver.maxParams / targetColumns.length));
        found = [];
        for (let s = 0; s < lookup.length; s += perSelect) {
          const part = lookup.slice(s, s + perSelect);
          const where = { sql: builder.d.inList(targetColumns, part.length, 'e0'), params: part.flat() };
          found.push(...(await driver.execute(builder.select(meta, undefined, {}, where), ctx.transaction)).rows);
        }
      }
      for (const row of found) {
        const entity = ctx.hydrate(row);
        byKey.set(keyOf(ctx, target, (p) => (entity as Record<string, unknown>)[p.name]), entity);
      }
    }
  }
  return keys.map((key, i) => {
    const entity = byKey.get(key);
    if (!entity) {
      // A collation that compares case-insensitively (MySQL's default) can match a row whose
      // value is spelled differently: the rows come back, but not under the key as given.
      throw new UsageError(
        'UPSERT_ROW_NOT_FOUND',
        `${caller}: the row written for data[${i}] (${key}) could not be matched back to it; the database may compare ` +
          `${target.map((p) => `${meta.name}.${p.name}`).join(' + ')} differently (e.g. case-insensitively). Pass the value as stored.`,
      );
    }
    return entity;
  });
}

/** The conflict target's properties: the primary key, or `onConflictFields` when they are unique together. */
function conflictTarget(meta: EntityMetadata, options: UpsertOptions<object>, caller: string): ColumnProperty[] {
  const byName = new Map(columnProperties(meta).map((p) => [p.name, p]));
  if (options.onConflictFields === undefined) return meta.primaryKeys as ColumnProperty[];
  const names = options.onConflictFields as readonly string[];
  if (!Array.isArray(names) || !names.length) {
    throw new UsageError('BAD_OPTION', `${caller}: onConflictFields must be a non-empty array of ${meta.name} properties, e.g. ['email'].`);
  }
  const props = names.map((n) => {
    const p = byName.get(n);
    if (!p) {
      throw new UsageError('UNKNOWN_PROPERTY', `${caller}: onConflictFields names ${meta.name}.${n}, which is not a column property of ${meta.name}. Columns: ${[...byName.keys()].join(', ')}.`);
    }
    return p;
  });
  const columns = new Set(props.flatMap((p) => (p.kind === 'scalar' ? [p.column.name] : p.joinColumns.map((c) => c.name))));
  const same = (cols: readonly string[]) => cols.length === columns.size && cols.every((c) => columns.has(c));
  const unique =
    same(meta.primaryKeyColumns) ||
    meta.uniques.some((u) => same(u.columns)) ||
    (columns.size === 1 && meta.columns.some((c) => c.unique && columns.has(c.name)));
  if (!unique) {
    const options = [meta.primaryKeys.map((p) => p.name), ...meta.uniques.map((u) => u.columns.map((c) => meta.columns.find((x) => x.name === c)?.property ?? c))]
      .concat(meta.columns.filter((c) => c.unique).map((c) => [c.property]))
      .map((set) => `[${set.map((n) => `'${n}'`).join(', ')}]`);
    throw new UsageError(
      'UPSERT_NOT_UNIQUE',
      `${caller}: onConflictFields [${names.map((n) => `'${n}'`).join(', ')}] of ${meta.name} is neither its primary key nor a unique constraint, so the database ` +
        `cannot tell which row conflicts. Use one of ${[...new Set(options)].join(', ')}, or declare it: @Unique({ properties: [...] }) or @Property({ unique: true }).`,
    );
  }
  return props;
}

function missingTarget(meta: EntityMetadata, target: readonly ColumnProperty[], missing: readonly ColumnProperty[], options: UpsertOptions<object>, caller: string): UsageError {
  const names = missing.map((p) => `${meta.name}.${p.name}`).join(', ');
  const uniques = meta.columns.filter((c) => c.unique).map((c) => `'${c.property}'`);
  const hint =
    options.onConflictFields === undefined
      ? `Without onConflictFields the primary key decides which row is the same; give it, or name a unique property set: { onConflictFields: [${uniques[0] ?? "'...'"}] }.`
      : `Every property of onConflictFields needs a value.`;
  return new UsageError('UPSERT_CONFLICT_VALUE', `${caller}: the data has no value for ${names} (the conflict target: ${target.map((p) => p.name).join(', ')}). ${hint}`);
}

/**
 * The insert half needs every required column a row gets no value for otherwise (a default, a
 * generated key): reported for every row at once, before any SQL, as a flush reports them.
 */
function requiredForInsert(meta: EntityMetadata, data: Record<string, unknown>, caller: string): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  for (const p of columnProperties(meta)) {
    if (p.nullable || (hasOwn.call(data, p.name) && data[p.name] !== undefined)) continue;
    if (p.kind === 'scalar' && (p.autoincrement || p.version || p.column.default !== undefined || p.column.defaultRaw !== undefined)) continue;
    failures.push({
      entity: meta.name,
      property: p.name,
      value: data[p.name],
      rule: 'required',
      message: `${meta.name}.${p.name} is required: ${caller} inserts the row when none matches, so the data needs a value for it.`,
    });
  }
  return failures;
}

/** The conflict target values of a row as one string, the same for the data given and the entity that comes back. */
function keyOf(ctx: UpsertContext, target: readonly ColumnProperty[], valueOf: (p: ColumnProperty) => unknown): string {
  return target
    .map((p) => {
      const v = valueOf(p);
      if (p.kind !== 'scalar') return (primaryKeyValues(p.target, ctx.resolve(p, v)) ?? []).map(String).join('/');
      return v instanceof Date ? v.toISOString() : String(v);
    })
    .join(' + ');
}
