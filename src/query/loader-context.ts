import type { Driver, DriverTransaction, Statement, StatementResult } from '../drivers/driver.js';
import { Collection } from '../entity/collection.js';
import { getState } from '../entity/entity-state.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { boundUnchanged, toDatabaseValue } from '../entity/value-conversion.js';
import type { EntityMetadata, OrderBy, RelationProperty, ColumnType, Dialect } from '../metadata/types.js';
import { keyOf } from '../unit-of-work/identity-map.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { chunk, rowsPerStatement } from './dml.js';
import type { Fragment } from './criteria.js';
import { selectBuilderFor, type SelectBuilder } from './select-builder.js';
import { sqlDialect, type SqlDialect } from './sql-dialect.js';

export type Row = Record<string, unknown>;

const onLoadHooks = new WeakMap<object, boolean>();

/**
 * What every loading strategy needs from the EntityManager: drivers (inside the open transaction),
 * the unit of work, and hydration that tells freshly loaded entities apart (they get `onLoad`).
 */
export class LoaderContext {
  constructor(
    private readonly drivers: ReadonlyMap<string, Driver>,
    readonly uow: () => UnitOfWork,
    private readonly transaction: (connection: string) => DriverTransaction | undefined,
    /** Read routing: a replica's driver for a read outside a transaction, `undefined` for the primary. */
    private readonly replica: (connection: string) => Driver | undefined = () => undefined,
  ) {}

  driver(connection: string): Driver {
    const d = this.drivers.get(connection);
    if (!d) throw new Error(`joinery: no driver for connection '${connection}'`);
    return d;
  }

  dialect(connection: string): SqlDialect {
    return sqlDialect(this.driver(connection).dialect);
  }

  builder(connection: string): SelectBuilder {
    return selectBuilderFor(this.driver(connection));
  }

  /** Runs a read: in the open transaction if there is one (the primary), else where routing says. */
  run(connection: string, stmt: Statement): Promise<Row[]> {
    return this.execute(connection, stmt).then(rowsOf);
  }

  /** `run`, answering the driver's whole result (one promise less for a caller that awaits it anyway). */
  execute(connection: string, stmt: Statement): Promise<StatementResult> {
    const trx = this.transaction(connection);
    const driver = (trx ? undefined : this.replica(connection)) ?? this.driver(connection);
    return driver.execute(stmt, trx);
  }

  /**
   * The managed entity for a row's values; adds it to `fresh` when this call initialised it (an
   * entity already loaded keeps its in-memory state and gets no second `onLoad`).
   */
  hydrate(meta: EntityMetadata, values: Row, fresh: Set<object> | undefined, refresh = false): object {
    const uow = this.uow();
    const known = uow.identityMap.getState(meta, keyOf(keyFromValues(meta, values)));
    if (known && !refresh && known.initialized) return known.entity;
    const entity = uow.hydrate(meta, values, refresh);
    fresh?.add(entity);
    return entity;
  }

  /**
   * The set a load collects freshly loaded entities in, for their `onLoad` hooks; undefined when no
   * entity type has one, which spares a set entry per loaded entity.
   */
  freshSet(): Set<object> | undefined {
    const metadata = this.uow().metadata;
    let any = onLoadHooks.get(metadata);
    if (any === undefined) onLoadHooks.set(metadata, (any = metadata.entities.some((m) => m.hooks.onLoad.length > 0)));
    return any ? new Set<object>() : undefined;
  }

  /** `onLoad` hooks of freshly loaded entities, skipping (without an await each) those that have none. */
  async afterLoad(entities: Iterable<object> | undefined): Promise<void> {
    if (!entities) return;
    const withHooks: object[] = [];
    for (const e of entities) if (getState(e)?.meta.hooks.onLoad.length) withHooks.push(e);
    if (withHooks.length) await this.uow().afterLoad(withHooks);
  }

  /** `hydrate` for a row keyed by column name, through the entity type's compiled hydrator. */
  hydrateRow(meta: EntityMetadata, row: Row, fresh: Set<object> | undefined, refresh = false): object {
    return this.uow().hydrateRow(meta, row, fresh, refresh);
  }

  /** `hydrateRow` for the rows of one statement, with the per-type lookups done once. */
  rowReader(meta: EntityMetadata, unloaded?: ReadonlySet<string>): (row: Row, fresh: Set<object> | undefined) => object {
    return this.uow().rowReader(meta, unloaded);
  }

  /** `keys` (each `width` values) in chunks that keep `reserved` other parameters under the database's limit. */
  chunks(connection: string, keys: readonly unknown[][], width: number, reserved = 0): unknown[][][] {
    const driver = this.driver(connection);
    let budget = driver.maxParams - reserved - 10;
    // mysql2 writes the values into the statement text (see key-list-sql.ts), so a MySQL statement
    // may bind more: a long key list from another connection in the where must not shrink the
    // chunks to one key, and one statement, per owner.
    if (driver.dialect === 'mysql') budget = Math.max(budget, Math.floor(driver.maxParams / 2));
    return chunk(keys, rowsPerStatement(width, budget));
  }

  /**
   * `(cols) IN (...)` over `alias`, the keys bound as the columns' types. On PostgreSQL a single
   * column is `col = ANY(?)` with one array parameter: no placeholder list to build, bind and parse.
   */
  inList(connection: string, alias: string, columns: readonly string[], types: readonly ColumnType[], keys: readonly unknown[][]): Fragment {
    const dialect = this.driver(connection).dialect;
    if (dialect === 'pg' && columns.length === 1) {
      const d = sqlDialect(dialect);
      const type = types[0]!;
      return { sql: `${d.quote(alias)}.${d.quote(columns[0]!)} = ANY(?)`, params: [keys.map((k) => toDatabaseValue(type, k[0], dialect))] };
    }
    return { sql: sqlDialect(dialect).inList(columns, keys.length, alias), params: keyParams(keys, types, dialect) };
  }
}

/**
 * The keys' values bound as their columns' types, flat. A select-in level binds one key per owner
 * (thousands per statement): a single column bound as it is (an integer key) is copied, without a
 * conversion call or an array per key.
 */
function keyParams(keys: readonly unknown[][], types: readonly ColumnType[], dialect: Dialect): unknown[] {
  if (types.length !== 1) return keys.flatMap((k) => k.map((v, i) => toDatabaseValue(types[i]!, v, dialect)));
  const type = types[0]!;
  const out = new Array<unknown>(keys.length);
  if (boundUnchanged(type)) {
    // toDatabaseValue turns undefined into null, and keeps everything else of these types.
    for (let i = 0; i < keys.length; i++) out[i] = keys[i]![0] ?? null;
  } else {
    for (let i = 0; i < keys.length; i++) out[i] = toDatabaseValue(type, keys[i]![0], dialect);
  }
  return out;
}

function rowsOf(result: StatementResult): Row[] {
  return result.rows;
}

/** Primary key values out of hydration values (to-one parts are key arrays), in column order. */
export function keyFromValues(meta: EntityMetadata, values: Row): unknown[] {
  const pk: unknown[] = [];
  for (const k of meta.primaryKeys) {
    const v = values[k.name];
    if (k.kind === 'scalar') pk.push(v);
    else pk.push(...(v as unknown[]));
  }
  return pk;
}

export function keyTypes(meta: EntityMetadata): ColumnType[] {
  return meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.type] : k.joinColumns.map((c) => c.type)));
}

/** Owners with a primary key, by identity-map key (new owners have nothing to load). */
export function keyedOwners(meta: EntityMetadata, owners: readonly object[]): Map<string, { owner: object; key: unknown[] }> {
  const out = new Map<string, { owner: object; key: unknown[] }>();
  const only = meta.primaryKeys.length === 1 ? meta.primaryKeys[0]! : undefined;
  if (only?.kind === 'scalar') {
    // One scalar key: its value is the key, and its string the identity-map key (as keyOf gives it).
    const name = only.name;
    for (const owner of owners) {
      const v = (owner as Record<string, unknown>)[name];
      if (v !== undefined && v !== null) out.set(String(v), { owner, key: [v] });
    }
    return out;
  }
  for (const owner of owners) {
    const key = primaryKeyValues(meta, owner);
    if (key) out.set(keyOf(key), { owner, key });
  }
  return out;
}

export function collectionOf(owner: object, prop: RelationProperty): Collection<object> {
  const coll = (owner as Record<string, unknown>)[prop.name];
  if (!(coll instanceof Collection)) throw new Error(`joinery: ${prop.entity}.${prop.name} is not a Collection`);
  return coll;
}

/** `orderBy` of a collection's items: the requested (or mapped) order, then the primary key, so both strategies agree. */
export function itemOrder(target: EntityMetadata, orderBy: OrderBy | undefined): OrderBy[] {
  const out: OrderBy[] = [];
  if (orderBy && Object.keys(orderBy).length) out.push(orderBy);
  for (const k of target.primaryKeys) if (!orderBy || !Object.hasOwn(orderBy, k.name)) out.push({ [k.name]: 'asc' });
  return out;
}
