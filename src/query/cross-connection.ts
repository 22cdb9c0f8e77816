import type { Statement } from '../drivers/driver.js';
import { fromDatabaseValue } from '../entity/value-conversion.js';
import type {
  EntityMetadata, ManyToManyProperty, ManyToOneProperty, OneToManyProperty, OneToOneInverseProperty, OneToOneOwnerProperty, PropertyMetadata, ColumnType,
} from '../metadata/types.js';
import { collectionKeyQueries, COLLECTION_OPERATORS, type CollectionScope } from './criteria-collections.js';
import { definedEntries, isOperatorObject, isPlainCriteria } from './criteria-sql.js';
import { CriteriaCompiler } from './criteria.js';
import { KeyList, ROW_KEYS } from './key-list.js';
import { ALL_KEYS, distinctKeys, keySetAnd, keySetNot, keySetOr, NO_KEYS, type KeySet } from './key-sets.js';
import type { SqlDialect } from './sql-dialect.js';

// Criteria through a relation whose rows live on another connection cannot be one statement. This
// pre-pass resolves them in steps before the statement is compiled: it runs the other side's key
// query on that side's connection (deepest first) and puts the keys it found in place of the
// criteria (a KeyList), which the synchronous compiler binds into the one statement, whatever their
// number (key-list-sql.ts). Nothing changes for criteria that stay on one connection: the same
// object comes back, and no query runs.

type CollectionProperty = OneToManyProperty | ManyToManyProperty;
type Row = Record<string, unknown>;
type ToOne = ManyToOneProperty | OneToOneOwnerProperty;

/** What the steps need: a dialect per connection, and a way to run a statement there. */
export interface StepRunner {
  dialect(connection: string): SqlDialect;
  run(connection: string, stmt: Statement): Promise<Row[]>;
}

const crossing = new WeakMap<EntityMetadata, boolean>();

/** Whether some relation path from `meta` ends on another connection than `meta`'s (a join table counts). */
function reachesOtherConnection(meta: EntityMetadata): boolean {
  let known = crossing.get(meta);
  if (known === undefined) {
    known = false;
    const seen = new Set<EntityMetadata>([meta]);
    const todo = [meta];
    while (!known && todo.length) {
      for (const p of todo.pop()!.properties) {
        if (p.kind === 'scalar') continue;
        if (p.target.connection !== meta.connection || (p.kind === 'm:n' && p.pivot.connection !== meta.connection)) {
          known = true;
          break;
        }
        if (!seen.has(p.target)) {
          seen.add(p.target);
          todo.push(p.target);
        }
      }
    }
    crossing.set(meta, known);
  }
  return known;
}

/**
 * Whether `where` on `meta` may need step queries ({@link resolveCrossConnection}): plain criteria
 * on an entity from which some relation reaches another connection. A key, an entity or `{}` never
 * does; callers skip the pass (and its await) for them.
 */
export function needsSteps(meta: EntityMetadata, where: unknown): boolean {
  return isPlainCriteria(where) && reachesOtherConnection(meta) && Object.keys(where as object).length > 0;
}

/**
 * `where` for a statement on `meta`'s connection, with every cross-connection part resolved to keys.
 * Mistakes in `where` are reported before the first step query, as for any query.
 *
 * @example
 * // Photo on 'media', User on 'default': one SELECT on default, then the photos query on media
 * // with `owner_id IN (?, ?)`.
 * const where = await resolveCrossConnection(runner, photoMeta, { owner: { name: 'Ann' } });
 */
export function resolveCrossConnection(runner: StepRunner, meta: EntityMetadata, where: unknown, connection = meta.connection): Promise<unknown> {
  return new Steps(runner, () => void new CriteriaCompiler(runner.dialect(connection), { anyConnection: true }).compile(meta, where, 'e0')).object(meta, where, connection);
}

/**
 * Criteria on the items of `prop` of `owner`, for a statement on `connection` that reads the items
 * (1:N) or the link rows (M:N; `$pivot` allowed). Where the items of a many-to-many live on another
 * connection than its join table, criteria on them become keys of the items, matched against the
 * join table's columns.
 */
export function resolveItemCriteria(runner: StepRunner, owner: EntityMetadata, prop: CollectionProperty, where: unknown, connection: string): Promise<unknown> {
  const validate = () => void new CriteriaCompiler(runner.dialect(connection), { anyConnection: true }).compileItems(owner, prop, where, 'e0', 'p');
  return new Steps(runner, validate).object(prop.target, where, connection, { owner, collection: prop, pivotAlias: prop.kind === 'm:n' ? 'p' : undefined });
}

class Steps {
  #validated = false;

  constructor(
    private readonly runner: StepRunner,
    private readonly validate: () => void,
  ) {}

  /**
   * `where` on `meta` rows for a statement on `connection`. When `meta`'s own table is elsewhere (the
   * items of a many-to-many whose join table is on `connection`), its criteria are resolved to item
   * keys, and only `$pivot` and the logical operators stay.
   */
  async object(meta: EntityMetadata, where: unknown, connection: string, scope?: CollectionScope): Promise<unknown> {
    if (!isPlainCriteria(where)) return where;
    const entries = definedEntries(where as object);
    // Keyed by the user's keys: without a prototype, an own `__proto__` key stays a key (and is then
    // reported as unknown) instead of replacing the object's prototype.
    const out: Record<string, unknown> = Object.create(null);
    const rows: KeyList[] = [...((where as { [ROW_KEYS]?: KeyList[] })[ROW_KEYS] ?? [])];
    let changed = false;
    const elsewhere: Record<string, unknown> = Object.create(null);
    const set = (key: string, before: unknown, after: unknown) => {
      out[key] = after;
      if (after !== before) changed = true;
    };
    for (const [key, value] of entries) {
      if (key === '$and' || key === '$or') {
        set(key, value, Array.isArray(value) ? await Promise.all(value.map((v) => this.object(meta, v, connection, scope))) : value);
      } else if (key === '$not') {
        set(key, value, await this.object(meta, value, connection, scope));
      } else if (key === '$pivot') {
        const through = scope?.collection.kind === 'm:n' ? scope.collection.pivot.through : undefined;
        set(key, value, through ? await this.object(through, value, connection) : value);
      } else if (meta.connection !== connection && meta.propertiesByName[key]) {
        elsewhere[key] = value;
        changed = true;
      } else {
        const prop = meta.propertiesByName[key];
        if (!prop) set(key, value, value);
        else {
          const r = await this.#property(meta, prop, value, connection);
          if (r instanceof RowKeys) {
            rows.push(...r.lists);
            changed = true;
          } else set(key, value, r);
        }
      }
    }
    if (Object.keys(elsewhere).length) rows.push(await this.#keysOf(meta, elsewhere));
    if (!changed) return where;
    if (rows.length) (out as { [ROW_KEYS]?: KeyList[] })[ROW_KEYS] = rows;
    return out;
  }

  /** The resolved value of a property entry, or row keys that replace the entry. */
  async #property(meta: EntityMetadata, prop: PropertyMetadata, value: unknown, connection: string): Promise<unknown> {
    switch (prop.kind) {
      case 'scalar':
        return value;
      case 'm:1':
        return this.#toOne(prop, value, connection);
      case '1:1':
        return prop.owner ? this.#toOne(prop, value, connection) : this.#inverseOne(prop, value, connection);
      case '1:m':
      case 'm:n':
        return this.#collection(meta, prop, value, connection);
      case 'through':
        // Its whole path is on the owner's connection (checked at discovery): one statement reads it.
        return value;
    }
  }

  async #toOne(prop: ToOne, value: unknown, connection: string): Promise<unknown> {
    if (value instanceof KeyList || !isPlainCriteria(value)) return value;
    const target = prop.target;
    if (Object.keys(value as object).every((k) => k.startsWith('$'))) {
      // Operators compare the foreign key; only $not may hold nested criteria on the target.
      const not = (value as Record<string, unknown>).$not;
      if (not === undefined) return value;
      const r = await this.#toOne(prop, not, connection);
      return r === not ? value : { ...(value as object), $not: r };
    }
    const inner = await this.object(target, value, target.connection);
    if (target.connection === connection) return inner;
    const cols = prop.joinColumns;
    return new KeyList(await this.#select(target, inner, prop.referencedColumns, cols.map((c) => c.type)));
  }

  async #inverseOne(prop: OneToOneInverseProperty, value: unknown, connection: string): Promise<unknown> {
    const target = prop.target;
    if (target.connection === connection) return isPlainCriteria(value) ? this.object(target, value, connection) : value;
    this.#check();
    const set = await this.#inverseKeys(prop, value);
    return new RowKeys([new KeyList(set.keys, set.negate)]);
  }

  /**
   * The keys of the rows whose inverse one-to-one matches `value`: the foreign keys of the owner
   * rows that match, one query per value or criteria, combined in memory for the operators (the
   * same ones, with the same meaning, as on one connection).
   */
  async #inverseKeys(prop: OneToOneInverseProperty, value: unknown): Promise<KeySet> {
    const target = prop.target;
    if (isOperatorObject(value)) {
      let set = ALL_KEYS;
      const each = async (items: unknown, combine: (a: KeySet, b: KeySet) => KeySet, start: KeySet) => {
        let acc = start;
        for (const x of items as readonly unknown[]) acc = combine(acc, await this.#inverseKeys(prop, x));
        return acc;
      };
      for (const [op, v] of definedEntries(value as object)) {
        let part: KeySet;
        switch (op) {
          case '$eq':
            part = await this.#inverseKeys(prop, v);
            break;
          case '$ne':
            part = v === null ? await this.#inverseKeys(prop, {}) : keySetNot(await this.#inverseKeys(prop, v));
            break;
          case '$in':
          case '$nin':
            part = await each(v, keySetOr, NO_KEYS);
            if (op === '$nin') part = keySetNot(part);
            break;
          case '$not':
            part = keySetNot(await this.#inverseKeys(prop, v));
            break;
          case '$and':
            part = await each(v, keySetAnd, ALL_KEYS);
            break;
          case '$or':
            part = await each(v, keySetOr, NO_KEYS);
            break;
          default:
            // The whole where was validated before the first step: nothing else gets here.
            throw new Error(`joinery: operator ${op} on ${prop.entity}.${prop.name} passed validation`);
        }
        set = keySetAnd(set, part);
      }
      return set;
    }
    const owning = target.propertiesByName[prop.mappedBy] as OneToOneOwnerProperty;
    if (value === null) return keySetNot(await this.#inverseKeys(prop, {}));
    let inner: unknown = isPlainCriteria(value) ? await this.object(target, value, target.connection) : this.#compiler(target.connection).pkCriteria(target, value, `${prop.entity}.${prop.name}`);
    inner = { $and: [inner, { [owning.name]: { $ne: null } }] };
    const keys = await this.#select(target, inner, owning.joinColumns.map((c) => c.name), owning.joinColumns.map((c) => c.type));
    return { keys, negate: false };
  }

  async #collection(meta: EntityMetadata, prop: CollectionProperty, value: unknown, connection: string): Promise<unknown> {
    const linkConnection = prop.kind === '1:m' ? prop.target.connection : prop.pivot.connection;
    const scope: CollectionScope = { owner: meta, collection: prop, pivotAlias: prop.kind === 'm:n' ? 'p' : undefined };
    let resolved = value;
    if (isPlainCriteria(value)) {
      const entries = definedEntries(value as object);
      const isOp = (k: string) => (COLLECTION_OPERATORS as readonly string[]).includes(k);
      if (entries.some(([k]) => isOp(k))) {
        const out: Record<string, unknown> = Object.create(null);
        let changed = false;
        for (const [k, v] of entries) {
          out[k] = k === '$count' || !isPlainCriteria(v) ? v : await this.object(prop.target, v, linkConnection, scope);
          if (out[k] !== v) changed = true;
        }
        if (changed) resolved = out;
      } else {
        resolved = await this.object(prop.target, value, linkConnection, scope);
      }
    }
    if (linkConnection === connection) return resolved;
    // The owners' keys come from the child table or the join table, on their connection.
    this.#check();
    const c = this.#compiler(linkConnection);
    const lists: KeyList[] = [];
    for (const q of collectionKeyQueries(c, meta, prop, resolved)) {
      const rows = await this.runner.run(linkConnection, { sql: q.query.sql.slice(1, -1), params: q.query.params });
      const types = meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.type] : k.joinColumns.map((col) => col.type)));
      lists.push(new KeyList(distinctKeys(rows.map((r) => Object.values(r).map((v, i) => fromDatabaseValue(types[i]!, v)))), q.negate));
    }
    return new RowKeys(lists);
  }

  /** Keys (the primary key) of the `meta` rows matching `where`, read on `meta`'s connection. */
  async #keysOf(meta: EntityMetadata, where: Record<string, unknown>): Promise<KeyList> {
    const inner = await this.object(meta, where, meta.connection);
    const types = meta.primaryKeys.flatMap((k) => (k.kind === 'scalar' ? [k.type] : k.joinColumns.map((c) => c.type)));
    return new KeyList(await this.#select(meta, inner, meta.primaryKeyColumns, types));
  }

  /** `SELECT DISTINCT <columns> FROM <meta> WHERE <where>` on `meta`'s connection. */
  async #select(meta: EntityMetadata, where: unknown, columns: readonly string[], types: readonly ColumnType[]): Promise<unknown[][]> {
    this.#check();
    const c = this.#compiler(meta.connection);
    const alias = c.nextAlias();
    const cond = c.compile(meta, where, alias);
    const d = c.d;
    const select = columns.map((col, i) => `${d.quote(alias)}.${d.quote(col)} AS ${d.quote(`k${i}`)}`).join(', ');
    const sql = `SELECT DISTINCT ${select} FROM ${d.quote(meta.tableName)} ${d.quote(alias)}${cond.sql === '1 = 1' ? '' : ` WHERE ${cond.sql}`}`;
    const rows = await this.runner.run(meta.connection, { sql, params: cond.params });
    return rows.map((r) => columns.map((_, i) => fromDatabaseValue(types[i]!, r[`k${i}`])));
  }

  #compiler(connection: string): CriteriaCompiler {
    return new CriteriaCompiler(this.runner.dialect(connection), { connection });
  }

  /** Every mistake in the whole `where` is reported before the first step query runs. */
  #check(): void {
    if (this.#validated) return;
    this.validate();
    this.#validated = true;
  }
}

/** Keys of the row itself that replace a property's entry (an inverse one-to-one, a collection). */
class RowKeys {
  constructor(readonly lists: readonly KeyList[]) {}
}

