import type { Driver, DriverTransaction, Statement, StatementResult } from '../drivers/driver.js';
import { OptimisticLockError } from '../errors/driver-errors.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { boundUnchanged, fromDatabaseValue, toDatabaseValue } from '../entity/value-conversion.js';
import type { ColumnMetadata, Dialect, EntityMetadata, PivotMetadata, ScalarProperty, ColumnType } from '../metadata/types.js';
import {
  chunk, deleteKeysStatement, deleteStatement, insertStatement, insertValuesStatement, MAX_CASE_UPDATE_ROWS, rowsPerStatement, selectByKeysStatement,
  UNNEST_ROWS, unnestable, updateStatement, type TypedColumn, type UpdateRow,
} from '../query/dml.js';
import { UsageError } from '../errors/usage-error.js';
import { readBackProperties, readBackValues, rowKey } from './read-back.js';
import { keyColumnsOf, pushKey, rowOf, singleKeyOf } from './row-keys.js';
import { SqlDialect } from '../query/sql-dialect.js';
import { columnProperties, type ChangeSet, type ColumnProperty } from './change-sets.js';
import type { CommitStep } from './commit-plan.js';
import { runInTransactions, type TransactionSettings } from './connection-transactions.js';
import type { LinkDiff } from './collection-diff.js';
import type { LinkPurge } from './owned-links.js';

/** What a flush produced that memory must learn once every transaction has committed. */
export interface CommitResult {
  /** Keys the database generated, per new entity (column order). */
  readonly generatedKeys: Map<object, unknown[]>;
  /** New version values of versioned entities that were updated. */
  readonly versions: Map<object, unknown>;
  /** Values the database made (`@Property({ generated })`), read back per written entity: property → value. */
  readonly generatedValues: Map<object, Record<string, unknown>>;
}

export interface CommitExecutor {
  /**
   * Runs the steps and fills `result` (given by the caller, so that what the database generated is
   * at hand even when the flush's COMMIT ends in doubt).
   */
  execute(steps: readonly CommitStep[], result: CommitResult): Promise<CommitResult>;
}

/** Transactions already open around this unit of work (`em.transactional`), per connection. */
export type AmbientTransactions = () => ReadonlyMap<string, DriverTransaction> | undefined;

/**
 * Runs a commit plan. The only part of the unit of work that talks to a database: it opens one
 * transaction per connection the plan touches, turns each step into chunked statements, and leaves
 * the entities untouched (generated keys go to the result, applied by the caller after COMMIT).
 */
export class Executor implements CommitExecutor {
  readonly #dialects = new Map<string, SqlDialect>();

  constructor(
    private readonly drivers: ReadonlyMap<string, Driver>,
    private readonly ambient: AmbientTransactions = () => undefined,
    private readonly settings: TransactionSettings = { twoPhaseCommit: false },
  ) {}

  async execute(steps: readonly CommitStep[], result: CommitResult = { generatedKeys: new Map(), versions: new Map(), generatedValues: new Map() }): Promise<CommitResult> {
    const connections = [...new Set(steps.flatMap(connectionsOf))];
    const open = new Map<string, DriverTransaction>(this.ambient() ?? []);
    const toOpen = connections.filter((c) => !open.has(c));
    // Every transaction stays open until all steps have run; how they end (in declaration order,
    // or by two-phase commit) is runInTransactions' business. Any failure rolls back all of them.
    await runInTransactions(this.drivers, toOpen, this.settings, async (opened) => {
      for (const [name, trx] of opened) open.set(name, trx);
      for (const step of steps) await this.#step(step, open, result);
    });
    return result;
  }

  #driver(connection: string): Driver {
    const d = this.drivers.get(connection);
    if (!d) throw new Error(`joinery: no driver for connection '${connection}'`);
    return d;
  }

  #dialect(connection: string): SqlDialect {
    let d = this.#dialects.get(connection);
    if (!d) this.#dialects.set(connection, (d = new SqlDialect(this.#driver(connection).dialect)));
    return d;
  }

  #run(connection: string, stmt: Statement, open: Map<string, DriverTransaction>): Promise<StatementResult> {
    return this.#driver(connection).execute(stmt, open.get(connection));
  }

  async #step(step: CommitStep, open: Map<string, DriverTransaction>, result: CommitResult): Promise<void> {
    switch (step.kind) {
      case 'insert':
        return this.#insert(step.meta, step.changeSets, step.deferred, open, result);
      case 'fixup':
        return this.#setForeignKeys(step.meta, step.changeSets, step.props, open, result, false);
      case 'unlink-before-delete':
        return this.#setForeignKeys(step.meta, step.changeSets, step.props, open, result, true);
      case 'update':
        return this.#update(step.meta, step.changeSets, open, result);
      case 'child-clear':
        return this.#childClear(step, open, result);
      case 'link-delete':
        return this.#linkDelete(step.diffs, open, result);
      case 'link-insert':
        return this.#linkInsert(step.diffs, open, result);
      case 'link-update':
        return this.#linkUpdate(step.diffs, open, result);
      case 'link-purge':
        return this.#linkPurge(step.purges, open, result);
      case 'delete':
        return this.#delete(step.meta, step.changeSets, open, result);
      default:
        return assertNever(step);
    }
  }

  /** Column values of one property for `entity` (a to-one expands to its FK columns). */
  #columnValues(p: ColumnProperty, value: unknown, connection: string, result: CommitResult, nullIt = false): unknown[] {
    const dialect = this.#driver(connection).dialect;
    if (p.kind === 'scalar') return [toDatabaseValue(p.type, value, dialect)];
    if (nullIt || value === null || value === undefined) return p.joinColumns.map(() => null);
    const key = primaryKeyValues(p.target, value as object, result.generatedKeys);
    if (!key) return p.joinColumns.map(() => null);
    return key.map((v, i) => toDatabaseValue(p.joinColumns[i]!.type, v, dialect));
  }

  #keyOf(meta: EntityMetadata, entity: object, result: CommitResult, known?: Dialect): unknown[] {
    const single = singleKeyOf(meta);
    if (single) {
      // One scalar key (the common case): no key array to build and convert in two steps.
      const generated = result.generatedKeys.size ? result.generatedKeys.get(entity) : undefined;
      const v = generated ? generated[0] : (entity as Record<string, unknown>)[single.name];
      if (v !== undefined && v !== null) return [toDatabaseValue(single.type, v, known ?? this.#driver(meta.connection).dialect)];
    }
    const key = primaryKeyValues(meta, entity, result.generatedKeys);
    if (!key) throw new Error(`joinery: ${meta.name} has no primary key value at flush`);
    const dialect = this.#driver(meta.connection).dialect;
    const cols = keyColumnsOf(meta);
    for (let i = 0; i < key.length; i++) key[i] = toDatabaseValue(cols[i]!.type, key[i], dialect);
    return key;
  }

  async #insert(meta: EntityMetadata, given: readonly ChangeSet[], deferred: ReadonlySet<string>, open: Map<string, DriverTransaction>, result: CommitResult): Promise<void> {
    const driver = this.#driver(meta.connection);
    const d = this.#dialect(meta.connection);
    const props = columnProperties(meta);
    const dialect = driver.dialect;
    const generated = result.generatedKeys;
    const pk = meta.autoincrementPk ? (meta.primaryKeys[0] as { name: string; column: ColumnMetadata; type: ColumnType }) : undefined;
    // A table that cannot return (rules, triggers) gets its PostgreSQL keys from the sequence first,
    // and then takes them like keys given in memory.
    const sets = pk && meta.returning === false && dialect === 'pg' ? await this.#drawKeys(meta, pk, given, open, result) : given;
    const canReturn = driver.supportsReturning && meta.returning !== false;
    const readBack = readBackProperties(meta, 'insert');
    const readBackColumns = returnsMadeValues(canReturn, dialect) ? readBack.map((p) => p.column.name) : [];
    const readLater: object[] = [];
    // Rows that leave different columns undefined (so the database default applies) cannot share
    // one VALUES list; group them by the columns they set. The values of a group go end to end
    // into one array.
    const groups = new Map<string, InsertGroup>();
    if (props.length <= 30) {
      // A row's group is the bit set of the properties it sets: no column list per row.
      const byMask = new Map<number, InsertGroup>();
      const scalarsOnly = scalarColumnsOf(meta) !== undefined;
      const nullFks = deferred.size > 0;
      const targetKeys = props.map((p) => (p.kind === 'scalar' ? undefined : singleKeyOf(p.target)));
      let last: InsertGroup | undefined;
      let lastMask = -1;
      // A required FK deferred to break a cycle (a deferrable constraint, checked at COMMIT) cannot
      // be NULL: it gets a negative key no generated key has, distinct per row (the column may be
      // unique), and its fixup UPDATE sets the real one before COMMIT.
      let placeholder = 0;
      for (const cs of sets) {
        const payload = cs.payload;
        // First which properties the row sets (its group), then its values straight into the
        // group's array: no row array to fill and copy (emptying one frees its storage in V8, so
        // a reused one was allocated again for every row).
        let mask = 0;
        for (let i = 0; i < props.length; i++) {
          const name = props[i]!.name;
          if (payload[name] === undefined && (scalarsOnly || !(name in payload))) continue;
          mask |= 1 << i;
        }
        let g = mask === lastMask ? last : byMask.get(mask);
        if (!g) {
          const set = props.filter((_, i) => mask & (1 << i));
          const columns = set.flatMap((p) => (p.kind === 'scalar' ? [p.column.name] : p.joinColumns.map((c) => c.name)));
          const types = set.flatMap((p) => (p.kind === 'scalar' ? [p.type] : p.joinColumns.map((c) => c.type)));
          groups.set(String(mask), (g = { columns, types, values: [], entities: [] }));
          byMask.set(mask, g);
        }
        last = g;
        lastMask = mask;
        const out = g.values;
        for (let i = 0; i < props.length; i++) {
          if (!(mask & (1 << i))) continue;
          const p = props[i]!;
          const v = payload[p.name];
          if (p.kind === 'scalar') out.push(toDatabaseValue(p.type, v, dialect));
          else if (nullFks && deferred.has(p.name) && !p.nullable && v != null) {
            placeholder++;
            for (const c of p.joinColumns) out.push(toDatabaseValue(c.type, -placeholder, dialect));
          } else if (v === null || v === undefined || (nullFks && deferred.has(p.name)) || !pushKey(p.target, targetKeys[i], v as object, p.joinColumns, generated, dialect, out)) {
            for (let c = 0; c < p.joinColumns.length; c++) out.push(null);
          }
        }
        g.entities.push(cs.entity);
      }
    } else {
      let placeholder = 0;
      for (const cs of sets) {
        const columns: string[] = [];
        const types: ColumnType[] = [];
        const row: unknown[] = [];
        for (const p of props) {
          if (!(p.name in cs.payload)) continue;
          const names = p.kind === 'scalar' ? [p.column.name] : p.joinColumns.map((c) => c.name);
          columns.push(...names);
          types.push(...(p.kind === 'scalar' ? [p.type] : p.joinColumns.map((c) => c.type)));
          if (p.kind !== 'scalar' && deferred.has(p.name) && !p.nullable && cs.payload[p.name] != null) {
            placeholder++;
            row.push(...p.joinColumns.map((c) => toDatabaseValue(c.type, -placeholder, dialect)));
          } else row.push(...this.#columnValues(p, cs.payload[p.name], meta.connection, result, deferred.has(p.name)));
        }
        const sig = columns.join('\u0000');
        let g = groups.get(sig);
        if (!g) groups.set(sig, (g = { columns, types, values: [], entities: [] }));
        g.values.push(...row);
        g.entities.push(cs.entity);
      }
    }
    for (const g of groups.values()) {
      // Rows given their own key (an explicit id, even -1 or 0) keep it: the database generated
      // nothing to read back, and MySQL's insert id would not be it.
      const generates = pk !== undefined && !g.columns.includes(pk.column.name);
      const returnsKey = generates && canReturn;
      const returning = returnsKey || readBackColumns.length ? [...(returnsKey ? [pk.column.name] : []), ...readBackColumns] : undefined;
      const width = g.columns.length;
      if (!width && returnsKey && dialect === 'sqlite' && !pk.column.autoincrement) {
        // Only the key, made by its column default: SQLite's VALUES has no DEFAULT (a NULL would be
        // stored as the key), so each row is its own `DEFAULT VALUES`.
        const sql = `INSERT INTO ${d.quote(meta.tableName)} DEFAULT VALUES RETURNING ${d.quote(pk.column.name)}`;
        for (const e of g.entities) {
          const res = await this.#run(meta.connection, { sql, params: [] }, open);
          generated.set(e, [fromDatabaseValue(pk.type, res.rows[0]![pk.column.name])]);
          if (readBack.length) readLater.push(e);
        }
        continue;
      }
      const unnest = width > 0 && unnestable(d, g.types);
      const size = unnest ? UNNEST_ROWS : Math.min(rowsPerStatement(width, driver.maxParams), MAX_INSERT_ROWS[driver.dialect]);
      const rowCount = g.entities.length;
      for (let from = 0; from < rowCount; from += size) {
        const to = Math.min(rowCount, from + size);
        const whole = from === 0 && to === rowCount;
        const entities = whole ? g.entities : g.entities.slice(from, to);
        const stmt = width
          ? insertValuesStatement(d, meta.tableName, g.columns, whole ? g.values : g.values.slice(from * width, to * width), { returning, types: g.types })
          : insertStatement(d, meta.tableName, g.columns, entities.map(() => []), { returning, keyColumn: pk?.column.name });
        const res = await this.#run(meta.connection, stmt, open);
        if (readBack.length && !readBackColumns.length) for (const e of entities) readLater.push(e);
        if (returning) {
          if (res.rows.length !== entities.length) throw new Error(`joinery: INSERT into ${meta.tableName} returned ${res.rows.length} rows for ${entities.length} rows`);
          if (readBackColumns.length) {
            const values = result.generatedValues;
            for (let j = 0; j < entities.length; j++) values.set(entities[j]!, readBackValues(readBack, res.rows[j]!));
          }
          if (!returnsKey) continue;
          const column = pk.column.name;
          for (let j = 0; j < entities.length; j++) generated.set(entities[j]!, [fromDatabaseValue(pk.type, res.rows[j]![column])]);
        } else if (!generates) {
          continue;
        } else if (dialect === 'sqlite') {
          // No RETURNING asked for: the rowids of one INSERT are consecutive, ending at the last one.
          const last = await this.#run(meta.connection, { sql: 'SELECT last_insert_rowid() AS k', params: [] }, open);
          const first = Number(last.rows[0]!.k) - entities.length + 1;
          for (let j = 0; j < entities.length; j++) generated.set(entities[j]!, [fromDatabaseValue(pk.type, first + j)]);
        } else {
          // MySQL reports the first generated id of a multi-row INSERT; InnoDB allocates the
          // rest consecutively for a single statement with a known row count.
          const first = Number(res.insertId);
          for (let j = 0; j < entities.length; j++) generated.set(entities[j]!, [fromDatabaseValue(pk.type, first + j)]);
        }
      }
    }
    if (readLater.length) await this.#readBack(meta, readLater, readBack, open, result);
  }

  /**
   * PostgreSQL keys for the rows of `sets` that have none, drawn from the key's sequence in one
   * statement (for tables that cannot return them): the change sets again, each with its key.
   */
  async #drawKeys(meta: EntityMetadata, pk: { name: string; column: ColumnMetadata; type: ColumnType }, sets: readonly ChangeSet[], open: Map<string, DriverTransaction>, result: CommitResult): Promise<readonly ChangeSet[]> {
    const keyless = sets.filter((cs) => cs.payload[pk.name] === undefined);
    if (!keyless.length) return sets;
    const d = this.#dialect(meta.connection);
    const sequence = meta.sequence !== undefined ? 'CAST(? AS regclass)' : 'pg_get_serial_sequence(?, ?)';
    const params: unknown[] = meta.sequence !== undefined ? [meta.sequence] : [d.quote(meta.tableName), pk.column.name];
    params.push(keyless.length);
    const res = await this.#run(meta.connection, { sql: `SELECT nextval(${sequence}) AS k FROM generate_series(1, CAST(? AS integer))`, params }, open);
    if (res.rows.length !== keyless.length || res.rows.some((r) => r.k === null || r.k === undefined)) {
      throw new UsageError(
        'NO_KEY_SEQUENCE',
        `${meta.name}.${pk.name}: table ${meta.tableName} has returning: false, and no sequence generates ${pk.column.name} (pg_get_serial_sequence finds none). ` +
          `Name it: @Entity({ returning: false, sequence: '<sequence name>' }).`,
      );
    }
    const withKeys = new Map<object, ChangeSet>();
    keyless.forEach((cs, i) => {
      const key = fromDatabaseValue(pk.type, res.rows[i]!.k);
      result.generatedKeys.set(cs.entity, [key]);
      withKeys.set(cs, { ...cs, payload: { ...cs.payload, [pk.name]: key } });
    });
    return sets.map((cs) => withKeys.get(cs) ?? cs);
  }

  /**
   * Reads `props` of `entities` back by key, one SELECT per chunk of keys: for writes that cannot
   * return them (MySQL, tables with `returning: false`).
   */
  async #readBack(
    meta: EntityMetadata,
    entities: readonly object[],
    props: readonly ScalarProperty[],
    open: Map<string, DriverTransaction>,
    result: CommitResult,
    keySources: readonly object[] = entities,
  ): Promise<void> {
    const driver = this.#driver(meta.connection);
    const d = this.#dialect(meta.connection);
    const cols = keyColumnsOf(meta);
    const single = singleKeyOf(meta);
    const byKey = new Map<string, object>();
    const keys: unknown[] = [];
    const one: unknown[] = [];
    for (let i = 0; i < entities.length; i++) {
      one.length = 0;
      if (!pushKey(meta, single, keySources[i]!, cols, result.generatedKeys, driver.dialect, one)) throw new Error(`joinery: ${meta.name} has no primary key value at flush`);
      byKey.set(rowKey(one), entities[i]!);
      keys.push(...one);
    }
    const values = result.generatedValues;
    const names = cols.map((c) => c.name);
    const size = rowsPerStatement(cols.length, driver.maxParams) * cols.length;
    for (let i = 0; i < keys.length; i += size) {
      const stmt = selectByKeysStatement(d, meta.tableName, names, props.map((p) => p.column.name), keys.slice(i, i + size));
      const res = await this.#run(meta.connection, stmt, open);
      for (const row of res.rows) {
        const e = byKey.get(rowKey(names.map((n) => row[n])));
        if (e) values.set(e, readBackValues(props, row));
      }
    }
  }

  async #update(meta: EntityMetadata, sets: readonly ChangeSet[], open: Map<string, DriverTransaction>, result: CommitResult): Promise<void> {
    const driver = this.#driver(meta.connection);
    const d = this.#dialect(meta.connection);
    const version = meta.versionProperty;
    // Rows that change the same columns share a statement; payload keys come in declaration order,
    // so they make the signature as they are.
    const groups = new Map<string, { columns: TypedColumn[]; props: ColumnProperty[]; sets: ChangeSet[] }>();
    for (const cs of sets) {
      let sig = '';
      for (const name in cs.payload) if (name !== version?.name) sig += name + '\u0000';
      let g = groups.get(sig);
      if (!g) {
        const changed = columnProperties(meta).filter((p) => p.name in cs.payload && p !== version);
        if (!changed.length && !version) continue;
        const columns = changed.flatMap((p) => (p.kind === 'scalar' ? [{ name: p.column.name, type: p.type }] : p.joinColumns.map((c) => ({ name: c.name, type: c.type }))));
        groups.set(sig, (g = { columns, props: changed, sets: [] }));
      }
      g.sets.push(cs);
    }
    const keyCols = keyColumnsOf(meta);
    const keyNames = keyCols.map((c) => c.name);
    const readBack = readBackProperties(meta, 'update');
    const canReturn = driver.supportsReturning && meta.returning !== false;
    const readLater: object[] = [];
    const readLaterEntities: object[] = [];
    for (const g of groups.values()) {
      const perRow = keyCols.length * (g.columns.length + 1) + g.columns.length + (version ? 1 : 0);
      const unnest = unnestable(d, [...keyCols, ...g.columns, ...(version ? [version] : [])].map((c) => c.type));
      const size = unnest ? UNNEST_ROWS : Math.min(rowsPerStatement(perRow, driver.maxParams), MAX_UPDATE_ROWS[driver.dialect]);
      for (const part of chunk(g.sets, size)) {
        const dialect = driver.dialect;
        const props = g.props;
        const scalarsOnly = props.every((p) => p.kind === 'scalar');
        const rows: UpdateRow[] = new Array(part.length);
        for (let r = 0; r < part.length; r++) {
          const cs = part[r]!;
          let values: unknown[];
          if (scalarsOnly) {
            values = new Array(props.length);
            for (let i = 0; i < props.length; i++) {
              const p = props[i] as Extract<ColumnProperty, { kind: 'scalar' }>;
              values[i] = toDatabaseValue(p.type, cs.payload[p.name], dialect);
            }
          } else {
            values = props.flatMap((p) => this.#columnValues(p, cs.payload[p.name], meta.connection, result));
          }
          rows[r] = {
            key: this.#keyOf(meta, rowOf(meta, cs), result, dialect),
            values,
            version: version ? toDatabaseValue(version.type, (cs.entity as Record<string, unknown>)[version.name], dialect) : undefined,
          };
        }
        // One timestamp per statement, written and remembered alike, so the next check matches.
        const now = new Date();
        const nextVersion = version?.type === 'datetime' ? toDatabaseValue('datetime', now, driver.dialect) : undefined;
        const returning = readBack.length && returnsMadeValues(canReturn, driver.dialect) ? [...keyNames, ...readBack.map((p) => p.column.name)] : undefined;
        const stmt = updateStatement(d, meta.tableName, keyCols, g.columns, rows, version ? { name: version.column.name, type: version.type, next: nextVersion } : undefined, returning);
        const res = await this.#run(meta.connection, stmt, open);
        if (returning) {
          // UPDATE ... RETURNING gives rows in no particular order: matched to entities by key.
          const byKey = new Map<string, object>();
          for (let r = 0; r < rows.length; r++) byKey.set(rowKey(rows[r]!.key), part[r]!.entity);
          const values = result.generatedValues;
          for (const row of res.rows) {
            const e = byKey.get(rowKey(keyNames.map((n) => row[n])));
            if (e) values.set(e, readBackValues(readBack, row));
          }
        } else if (readBack.length) {
          readLater.push(...part.map((cs) => rowOf(meta, cs)));
          for (const cs of part) readLaterEntities.push(cs.entity);
        }
        if (version) {
          if (res.affectedRows !== rows.length) {
            const which = part.map((cs) => primaryKeyValues(meta, cs.entity)?.join('/')).join(', ');
            throw new OptimisticLockError(
              meta.name,
              part[0]!.entity,
              `${meta.name} (${which}) changed since it was loaded: ${res.affectedRows} of ${rows.length} rows still had the version this EntityManager read. ` +
                `Reload with em.refresh() and apply the change again.`,
            );
          }
          for (const cs of part) {
            const current = (cs.entity as Record<string, unknown>)[version.name];
            result.versions.set(cs.entity, version.type === 'datetime' ? now : Number(current) + 1);
          }
        }
      }
    }
    if (readLater.length) await this.#readBack(meta, readLaterEntities, readBack, open, result, readLater);
  }

  async #setForeignKeys(
    meta: EntityMetadata,
    sets: readonly ChangeSet[],
    props: readonly Exclude<ColumnProperty, { kind: 'scalar' }>[],
    open: Map<string, DriverTransaction>,
    result: CommitResult,
    toNull: boolean,
  ): Promise<void> {
    const driver = this.#driver(meta.connection);
    const d = this.#dialect(meta.connection);
    const columns = props.flatMap((p) => p.joinColumns.map((c) => ({ name: c.name, type: c.type })));
    const keyCols = keyColumnsOf(meta);
    const perRow = keyCols.length * (columns.length + 1) + columns.length;
    for (const part of chunk(sets, Math.min(rowsPerStatement(perRow, driver.maxParams), MAX_UPDATE_ROWS[driver.dialect]))) {
      const rows: UpdateRow[] = part.map((cs) => ({
        key: this.#keyOf(meta, rowOf(meta, cs), result),
        values: props.flatMap((p) => this.#columnValues(p, (cs.entity as Record<string, unknown>)[p.name], meta.connection, result, toNull)),
      }));
      await this.#run(meta.connection, updateStatement(d, meta.tableName, keyCols, columns, rows), open);
    }
  }

  async #childClear(step: Extract<CommitStep, { kind: 'child-clear' }>, open: Map<string, DriverTransaction>, result: CommitResult): Promise<void> {
    for (const c of step.clears) {
      const child = c.prop.target;
      const fk = child.propertiesByName[c.prop.mappedBy] as Exclude<ColumnProperty, { kind: 'scalar' }>;
      const d = this.#dialect(child.connection);
      const ownerMeta = fk.target;
      const ownerKey = this.#keyOf(ownerMeta, c.owner, result);
      const fkCols = fk.joinColumns.map((col) => col.name);
      const params: unknown[] = [...ownerKey];
      let where = fkCols.map((col) => `${d.quote(col)} = ?`).join(' AND ');
      const keep = c.keep.map((e) => primaryKeyValues(child, e, result.generatedKeys)).filter((k): k is unknown[] => !!k);
      if (keep.length) {
        where += ` AND NOT ${d.inList(child.primaryKeyColumns, keep.length)}`;
        for (const k of keep) params.push(...k);
      }
      const sql = c.prop.orphanRemoval
        ? `DELETE FROM ${d.quote(child.tableName)} WHERE ${where}`
        : `UPDATE ${d.quote(child.tableName)} SET ${fkCols.map((col) => `${d.quote(col)} = NULL`).join(', ')} WHERE ${where}`;
      await this.#run(child.connection, { sql, params }, open);
    }
  }

  #linkKey(pivot: PivotMetadata, side: 'owner' | 'target', entity: object, meta: EntityMetadata, result: CommitResult): unknown[] {
    const key = primaryKeyValues(meta, entity, result.generatedKeys);
    if (!key) throw new Error(`joinery: ${meta.name} has no key for join table ${pivot.tableName}`);
    const cols = side === 'owner' ? pivot.joinColumns : pivot.inverseJoinColumns;
    const dialect = this.#driver(pivot.connection).dialect;
    return key.map((v, i) => toDatabaseValue(cols[i]!.type, v, dialect));
  }

  async #linkDelete(diffs: readonly LinkDiff[], open: Map<string, DriverTransaction>, result: CommitResult): Promise<void> {
    for (const [pivot, group] of byPivot(diffs)) {
      const driver = this.#driver(pivot.connection);
      const d = this.#dialect(pivot.connection);
      const ownerCols = pivot.joinColumns.map((c) => c.name);
      const pairCols = [...ownerCols, ...pivot.inverseJoinColumns.map((c) => c.name)];
      const clears = group.filter((g) => g.clear).map((g) => this.#linkKey(pivot, 'owner', g.owner, g.ownerMeta, result));
      for (const part of chunk(clears, rowsPerStatement(ownerCols.length, driver.maxParams))) {
        await this.#run(pivot.connection, deleteStatement(d, pivot.tableName, ownerCols, part), open);
      }
      const pairs: unknown[][] = [];
      for (const g of group) {
        const owner = this.#linkKey(pivot, 'owner', g.owner, g.ownerMeta, result);
        for (const item of g.delete) pairs.push([...owner, ...this.#linkKey(pivot, 'target', item, g.prop.target, result)]);
      }
      for (const part of chunk(pairs, rowsPerStatement(pairCols.length, driver.maxParams))) {
        await this.#run(pivot.connection, deleteStatement(d, pivot.tableName, pairCols, part), open);
      }
    }
  }

  /** Every join-table row of the given entities, one chunked DELETE per join table and side. */
  async #linkPurge(purges: readonly LinkPurge[], open: Map<string, DriverTransaction>, result: CommitResult): Promise<void> {
    for (const purge of purges) {
      const { pivot, side } = purge;
      const driver = this.#driver(pivot.connection);
      const d = this.#dialect(pivot.connection);
      const cols = (side === 'owner' ? pivot.joinColumns : pivot.inverseJoinColumns).map((c) => c.name);
      const keys = purge.entities.map((e) => this.#linkKey(pivot, side, e, purge.meta, result));
      for (const part of chunk(keys, rowsPerStatement(cols.length, driver.maxParams))) {
        await this.#run(pivot.connection, deleteStatement(d, pivot.tableName, cols, part), open);
      }
    }
  }

  async #linkInsert(diffs: readonly LinkDiff[], open: Map<string, DriverTransaction>, result: CommitResult): Promise<void> {
    const generated = result.generatedKeys;
    for (const [pivot, group] of byPivot(diffs)) {
      const driver = this.#driver(pivot.connection);
      const d = this.#dialect(pivot.connection);
      const dialect = driver.dialect;
      const linkCols = [...pivot.joinColumns, ...pivot.inverseJoinColumns].map((c) => c.name);
      const linkTypes = [...pivot.joinColumns, ...pivot.inverseJoinColumns].map((c) => c.type);
      // Links with through-entity values carry extra columns; rows are grouped by which ones, and
      // a group's values go end to end into one array.
      const groups = new Map<string, { extras: PivotColumn[]; values: unknown[] }>();
      let plain: { extras: PivotColumn[]; values: unknown[] } | undefined;
      const owner: unknown[] = [];
      for (const g of group) {
        owner.length = 0;
        if (!pushKey(g.ownerMeta, singleKeyOf(g.ownerMeta), g.owner, pivot.joinColumns, generated, dialect, owner)) throw noLinkKey(g.ownerMeta, pivot);
        const target = g.prop.target;
        const targetKey = singleKeyOf(target);
        const valued = pivot.through !== undefined && g.pivot.size > 0;
        for (const item of g.insert) {
          const values = valued ? g.pivot.get(item) : undefined;
          const extras = values ? pivotColumns(pivot, Object.keys(values)) : undefined;
          let entry: { extras: PivotColumn[]; values: unknown[] } | undefined;
          if (!extras?.length) {
            if (!plain) groups.set('', (plain = { extras: [], values: [] }));
            entry = plain;
          } else {
            const sig = extras.map((c) => c.column).join('\u0000');
            entry = groups.get(sig);
            if (!entry) groups.set(sig, (entry = { extras, values: [] }));
          }
          const out = entry.values;
          for (let i = 0; i < owner.length; i++) out.push(owner[i]);
          if (!pushKey(target, targetKey, item, pivot.inverseJoinColumns, generated, dialect, out)) throw noLinkKey(target, pivot);
          if (extras) for (const c of extras) out.push(c.value(values![c.property], dialect, result));
        }
      }
      for (const { extras, values } of groups.values()) {
        const cols = extras.length ? [...linkCols, ...extras.map((c) => c.column)] : linkCols;
        const types = extras.length ? [...linkTypes, ...extras.map((c) => c.type)] : linkTypes;
        // Adding an existing plain link is a no-op; attaching with values sets them on it.
        const conflict = extras.length ? { upsert: { conflict: linkCols, update: extras.map((c) => c.column) }, types } : { ignoreDuplicates: linkCols, types };
        const size = (unnestable(d, types) ? UNNEST_ROWS : rowsPerStatement(cols.length, driver.maxParams)) * cols.length;
        for (let from = 0; from < values.length; from += size) {
          const part = from === 0 && values.length <= size ? values : values.slice(from, from + size);
          await this.#run(pivot.connection, insertValuesStatement(d, pivot.tableName, cols, part, conflict), open);
        }
      }
    }
  }

  async #linkUpdate(diffs: readonly LinkDiff[], open: Map<string, DriverTransaction>, result: CommitResult): Promise<void> {
    for (const [pivot, group] of byPivot(diffs)) {
      const driver = this.#driver(pivot.connection);
      const d = this.#dialect(pivot.connection);
      const keyCols = [...pivot.joinColumns, ...pivot.inverseJoinColumns].map((c) => ({ name: c.name, type: c.type }));
      const groups = new Map<string, { extras: PivotColumn[]; rows: UpdateRow[] }>();
      for (const g of group) {
        const owner = this.#linkKey(pivot, 'owner', g.owner, g.ownerMeta, result);
        for (const [item, values] of g.pivotUpdates) {
          const extras = pivotColumns(pivot, Object.keys(values));
          if (!extras.length) continue;
          const sig = extras.map((c) => c.column).join('\u0000');
          let entry = groups.get(sig);
          if (!entry) groups.set(sig, (entry = { extras, rows: [] }));
          entry.rows.push({
            key: [...owner, ...this.#linkKey(pivot, 'target', item, g.prop.target, result)],
            values: extras.map((c) => c.value(values[c.property], driver.dialect, result)),
          });
        }
      }
      for (const { extras, rows } of groups.values()) {
        const set = extras.map((c) => ({ name: c.column, type: c.type }));
        const perRow = keyCols.length * (set.length + 1) + set.length;
        for (const part of chunk(rows, Math.min(rowsPerStatement(perRow, driver.maxParams), MAX_UPDATE_ROWS[driver.dialect]))) {
          await this.#run(pivot.connection, updateStatement(d, pivot.tableName, keyCols, set, part), open);
        }
      }
    }
  }

  async #delete(meta: EntityMetadata, sets: readonly ChangeSet[], open: Map<string, DriverTransaction>, result: CommitResult): Promise<void> {
    const driver = this.#driver(meta.connection);
    const d = this.#dialect(meta.connection);
    const dialect = driver.dialect;
    const single = singleKeyOf(meta);
    const cols = keyColumnsOf(meta);
    const generated = result.generatedKeys;
    // Keys end to end, converted once: one array for the whole type, not one per entity.
    const keys: unknown[] = [];
    if (single && !generated.size && boundUnchanged(single.type)) {
      // The usual case (loaded rows with an integer or string key): the values as they are.
      const name = single.name;
      for (let i = 0; i < sets.length; i++) {
        const v = (rowOf(meta, sets[i]!) as Record<string, unknown>)[name];
        if (v === undefined || v === null) throw new Error(`joinery: ${meta.name} has no primary key value at flush`);
        keys.push(v);
      }
    } else {
      for (const cs of sets) {
        if (!pushKey(meta, single, rowOf(meta, cs), cols, generated, dialect, keys)) throw new Error(`joinery: ${meta.name} has no primary key value at flush`);
      }
    }
    const width = cols.length;
    const size = rowsPerStatement(width, driver.maxParams) * width;
    for (let i = 0; i < keys.length; i += size) {
      const part = i === 0 && keys.length <= size ? keys : keys.slice(i, i + size);
      await this.#run(meta.connection, deleteKeysStatement(d, meta.tableName, meta.primaryKeyColumns, part), open);
    }
  }
}

/** Rows of one INSERT shape: their columns, their values end to end, and their entities in row order. */
interface InsertGroup {
  readonly columns: string[];
  /** The type of each column (PostgreSQL may send each column as one array, see `unnestable`). */
  readonly types: ColumnType[];
  readonly values: unknown[];
  readonly entities: object[];
}

function noLinkKey(meta: EntityMetadata, pivot: PivotMetadata): Error {
  return new Error(`joinery: ${meta.name} has no key for join table ${pivot.tableName}`);
}

/** One extra column of a through entity, with how to bind a value for it. */
interface PivotColumn {
  readonly property: string;
  readonly column: string;
  readonly type: ColumnType;
  value(value: unknown, dialect: Dialect, result: CommitResult): unknown;
}

/** Columns of the through entity for the given property names (scalars, or to-ones as FK columns). */
function pivotColumns(pivot: PivotMetadata, names: readonly string[]): PivotColumn[] {
  const through = pivot.through;
  if (!through) return [];
  const out: PivotColumn[] = [];
  for (const name of [...names].sort()) {
    const p = through.propertiesByName[name];
    if (!p) continue;
    if (p.kind === 'scalar') {
      out.push({ property: name, column: p.column.name, type: p.type, value: (v, dialect) => toDatabaseValue(p.type, v, dialect) });
    } else if (p.kind === 'm:1' || (p.kind === '1:1' && p.owner)) {
      // A to-one of the through entity: each FK column takes its part of the related key.
      p.joinColumns.forEach((c, i) =>
        out.push({
          property: name,
          column: c.name,
          type: c.type,
          value: (v, dialect, result) => {
            const key = v && typeof v === 'object' ? primaryKeyValues(p.target, v, result.generatedKeys) : v == null ? undefined : [v];
            return toDatabaseValue(c.type, key?.[i] ?? null, dialect);
          },
        }),
      );
    }
  }
  return out;
}

function byPivot(diffs: readonly LinkDiff[]): Map<PivotMetadata, LinkDiff[]> {
  const m = new Map<PivotMetadata, LinkDiff[]>();
  for (const diff of diffs) {
    let list = m.get(diff.prop.pivot);
    if (!list) m.set(diff.prop.pivot, (list = []));
    list.push(diff);
  }
  return m;
}

// Statement sizes beyond the parameter limit: past these, one huge statement costs the database
// more than a few smaller ones (measured with benchmarks/: W1 insert, W3 update).
const MAX_INSERT_ROWS: Record<Dialect, number> = { pg: 1000, sqlite: 1000, mysql: 5000 };
const MAX_UPDATE_ROWS: Record<Dialect, number> = { pg: 5000, sqlite: 5000, mysql: MAX_CASE_UPDATE_ROWS };

const scalarColumnsCache = new WeakMap<EntityMetadata, readonly Extract<ColumnProperty, { kind: 'scalar' }>[] | null>();

/** The column properties of `meta` when all are scalars (at most 30, one bit each), else undefined. */
function scalarColumnsOf(meta: EntityMetadata): readonly Extract<ColumnProperty, { kind: 'scalar' }>[] | undefined {
  let cols = scalarColumnsCache.get(meta);
  if (cols === undefined) {
    const props = columnProperties(meta);
    cols = props.length <= 30 && props.every((p) => p.kind === 'scalar') ? (props as readonly Extract<ColumnProperty, { kind: 'scalar' }>[]) : null;
    scalarColumnsCache.set(meta, cols);
  }
  return cols ?? undefined;
}

/**
 * Whether a write returns the values the database made with RETURNING. Not on SQLite, whose
 * RETURNING shows none of the changes its (AFTER) triggers make, and triggers are how a SQLite
 * schema maintains a `last_update`: read back by key there, as where there is no RETURNING.
 */
function returnsMadeValues(canReturn: boolean, dialect: Dialect): boolean {
  return canReturn && dialect !== 'sqlite';
}

/** Connections a commit step writes to. */
export function connectionsOf(step: CommitStep): string[] {
  switch (step.kind) {
    case 'link-delete':
    case 'link-insert':
    case 'link-update': {
      // One diff per owner: thousands of them name a handful of connections.
      const out = new Set<string>();
      for (const d of step.diffs) out.add(d.prop.pivot.connection);
      return [...out];
    }
    case 'child-clear':
      return step.clears.map((c) => c.prop.target.connection);
    case 'link-purge':
      return [...new Set(step.purges.map((p) => p.pivot.connection))];
    default:
      return [step.meta.connection];
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled commit step ${JSON.stringify(x)}`);
}
