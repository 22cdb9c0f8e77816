import type { Driver, DriverTransaction, Statement } from '../drivers/driver.js';
import { Collection } from '../entity/collection.js';
import { getState } from '../entity/entity-state.js';
import { rowToValues } from '../entity/hydrator.js';
import { primaryKeyValues } from '../entity/primary-key.js';
import { toDatabaseValue } from '../entity/value-conversion.js';
import type { EntityMetadata, OrderBy, RelationProperty, ScalarType } from '../metadata/types.js';
import { keyOf } from '../unit-of-work/identity-map.js';
import type { UnitOfWork } from '../unit-of-work/unit-of-work.js';
import { chunk, rowsPerStatement } from './dml.js';
import type { Fragment } from './criteria.js';
import { SelectBuilder } from './select-builder.js';
import { SqlDialect } from './sql-dialect.js';

export type Row = Record<string, unknown>;

/**
 * What every loading strategy needs from the EntityManager: drivers (inside the open transaction),
 * the unit of work, and hydration that tells freshly loaded entities apart (they get `onLoad`).
 */
export class LoaderContext {
  readonly #builders = new Map<string, SelectBuilder>();

  constructor(
    private readonly drivers: ReadonlyMap<string, Driver>,
    readonly uow: () => UnitOfWork,
    private readonly transaction: (connection: string) => DriverTransaction | undefined,
  ) {}

  driver(connection: string): Driver {
    const d = this.drivers.get(connection);
    if (!d) throw new Error(`joinery: no driver for connection '${connection}'`);
    return d;
  }

  dialect(connection: string): SqlDialect {
    return new SqlDialect(this.driver(connection).dialect);
  }

  builder(connection: string): SelectBuilder {
    let b = this.#builders.get(connection);
    if (!b) this.#builders.set(connection, (b = new SelectBuilder(this.driver(connection))));
    return b;
  }

  run(connection: string, stmt: Statement): Promise<Row[]> {
    return this.driver(connection)
      .execute(stmt, this.transaction(connection))
      .then((r) => r.rows);
  }

  /**
   * The managed entity for a row's values; adds it to `fresh` when this call initialised it (an
   * entity already loaded keeps its in-memory state and gets no second `onLoad`).
   */
  hydrate(meta: EntityMetadata, values: Row, fresh: Set<object>, refresh = false): object {
    const uow = this.uow();
    const known = uow.identityMap.get(meta, keyOf(keyFromValues(meta, values)));
    if (known && !refresh && getState(known)?.initialized) return known;
    const entity = uow.hydrate(meta, values, refresh);
    fresh.add(entity);
    return entity;
  }

  /** `onLoad` hooks of freshly loaded entities, skipping (without an await each) those that have none. */
  async afterLoad(entities: Iterable<object>): Promise<void> {
    const withHooks: object[] = [];
    for (const e of entities) if (getState(e)?.meta.hooks.onLoad.length) withHooks.push(e);
    if (withHooks.length) await this.uow().afterLoad(withHooks);
  }

  hydrateRow(meta: EntityMetadata, row: Row, fresh: Set<object>, refresh = false): object {
    return this.hydrate(meta, rowToValues(meta, row), fresh, refresh);
  }

  /** `keys` (each `width` values) in chunks that keep `reserved` other parameters under the database's limit. */
  chunks(connection: string, keys: readonly unknown[][], width: number, reserved = 0): unknown[][][] {
    return chunk(keys, rowsPerStatement(width, this.driver(connection).maxParams - reserved - 10));
  }

  /** `(cols) IN (...)` over `alias`, the keys bound as the columns' types. */
  inList(connection: string, alias: string, columns: readonly string[], types: readonly ScalarType[], keys: readonly unknown[][]): Fragment {
    const dialect = this.driver(connection).dialect;
    return {
      sql: new SqlDialect(dialect).inList(columns, keys.length, alias),
      params: keys.flatMap((k) => k.map((v, i) => toDatabaseValue(types[i]!, v, dialect))),
    };
  }
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

export function keyTypes(meta: EntityMetadata): ScalarType[] {
  return meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.type] : k.joinColumns.map((c) => c.type)));
}

/** Owners with a primary key, by identity-map key (new owners have nothing to load). */
export function keyedOwners(meta: EntityMetadata, owners: readonly object[]): Map<string, { owner: object; key: unknown[] }> {
  const out = new Map<string, { owner: object; key: unknown[] }>();
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
  for (const k of target.primaryKeys) if (!orderBy || !(k.name in orderBy)) out.push({ [k.name]: 'asc' });
  return out;
}
