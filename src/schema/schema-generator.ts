import type { Driver } from '../drivers/driver.js';
import { UsageError } from '../errors/usage-error.js';
import { buildEntityModel } from '../generator/build-entity-model.js';
import type { SkippedTable } from '../generator/entity-model.js';
import { renderEntityFiles, type GeneratedFile } from '../generator/entity-source.js';
import { renderMermaidDiagram } from '../generator/mermaid-diagram.js';
import type { MetadataSnapshot } from '../metadata/metadata-storage-types.js';
import { DefaultNamingStrategy, type NamingStrategy } from '../metadata/naming-strategy.js';
import { buildCreateStatements, buildDropPlan, planStatements, type StatementPlan } from './create-plan.js';
import { DdlBuilder } from './ddl-builder.js';
import { buildDesiredSchema, connectionsOf } from './desired-schema.js';
import { introspectTables } from './introspect.js';
import { listTables } from './list-tables.js';
import { runPlan } from './schema-executor.js';
import type { TableSchema } from './schema-model.js';
import { readConnectionDiff, refuseBlockedColumns } from './update-diff.js';
import { buildUpdatePlan } from './update-plan.js';
import type { RequiredNewColumn, SkippedChange } from './update-safety.js';

/** The statements for one connection, in the order they run. */
export interface ConnectionStatements {
  readonly connection: string;
  readonly statements: string[];
}

interface ConnectionPlan {
  readonly connection: string;
  readonly driver: Driver;
  readonly plan: StatementPlan;
}

interface UpdatePlan extends ConnectionPlan {
  readonly skipped: SkippedChange[];
  /** New NOT NULL columns without a default on tables that have rows. */
  readonly blocked: RequiredNewColumn[];
}

/** Options of `orm.schema.update()` (and of `getUpdateSQL` / `getUpdateStatements`). */
export interface SchemaUpdateOptions extends SchemaOptions {
  /**
   * `true` (default): columns no property maps any more are kept, with their data, and listed in
   * `skipped`. `false`: they are dropped.
   */
  safe?: boolean;
  /** Read and plan only: return what would run, and change nothing. */
  dryRun?: boolean;
}

/** What `orm.schema.update()` did (or, with `dryRun`, would do). */
export interface SchemaUpdateResult {
  /** Statements per connection, in the order they run; connections with nothing to do are left out. */
  readonly statements: ConnectionStatements[];
  /** The same as one script, as `getUpdateSQL()` gives it; `''` when there was nothing to do. */
  readonly sql: string;
  /** What a safe update left in place (columns no property maps), each with a message saying how to drop it. */
  readonly skipped: SkippedChange[];
}

/** Options of `orm.schema.generateEntities()`. */
export interface GenerateEntitiesOptions extends SchemaOptions {
  /** Tables to leave out (joinery's own migration tables always are). */
  exclude?: readonly string[];
  /** Extension of the generated modules' relative imports: `'.js'` (default) or `''`. */
  importExtension?: string;
  /** Called before each batch of tables is read, and once all are (for progress output). */
  onProgress?: (progress: GenerateEntitiesProgress) => void;
}

/** How far `generateEntities()` has read: `done` of `total` tables; `table` is the first of the batch being read (the last table once all are read). */
export interface GenerateEntitiesProgress {
  readonly table: string;
  readonly done: number;
  readonly total: number;
}

/** What `orm.schema.generateEntities()` made of a database. */
export interface GeneratedEntities {
  readonly connection: string;
  /** One module per entity and an `index.ts`, to write into a folder. */
  readonly files: GeneratedFile[];
  /** Each entity's class, table, and the file (of `files`) that declares it. */
  readonly entities: { readonly className: string; readonly table: string; readonly fileName: string }[];
  /** Tables mapped as plain `@ManyToMany` join tables, without an entity. */
  readonly joinTables: readonly string[];
  /** Tables that became no entity, with the reason (a table without a primary key). */
  readonly skipped: readonly SkippedTable[];
}

/** Tables read per batch by `generateEntities()`: progress to show, without a query per table. */
const INTROSPECTION_BATCH = 25;

/**
 * Creates, drops and updates the tables of the mapped entities (and their join tables) on every
 * connection. Tables the metadata does not know are never touched.
 *
 * @example
 * const schema = new SchemaGenerator(metadata, drivers);
 * console.log(schema.getCreateSQL());
 * await schema.create();
 * await schema.update();   // after changing entities: rename, add and alter columns, keys, indexes, FKs
 * await schema.drop();
 */
/** Limits a schema operation to one connection (`orm.schema.create({ connection: 'media' })`). */
export interface SchemaOptions {
  connection?: string;
}

export class SchemaGenerator {
  constructor(
    private readonly metadata: MetadataSnapshot,
    private readonly drivers: ReadonlyMap<string, Driver>,
    private readonly naming: NamingStrategy = new DefaultNamingStrategy(),
    /** Tables joinery keeps for itself on a connection (migrations), never generated as entities. */
    private readonly internalTables: (connection: string) => readonly string[] = () => [],
  ) {}

  /**
   * Reads every table of an existing database (one connection: `options.connection`, or the
   * default) and writes entity classes for them, as text: columns with their types, nullability and
   * defaults; primary, composite and unique keys; indexes; foreign keys as relations with both sides
   * and their rules; join tables as `@ManyToMany` (or a `through` entity when they carry more).
   * Legacy names appear as `tableName` / `columnName` / `joinColumn` only where the naming strategy
   * would not produce them, so `migration:check` finds no difference. Nothing is written to disk.
   *
   * @example
   * const orm = await Joinery.init({ entities: [], client: 'pg', connection: process.env.DATABASE_URL });
   * const { files, skipped } = await orm.schema.generateEntities();
   * for (const f of files) writeFileSync(join('src/entities', f.fileName), f.source);
   * for (const s of skipped) console.warn(`skipped ${s.table}: ${s.reason}`);
   */
  async generateEntities(options: GenerateEntitiesOptions = {}): Promise<GeneratedEntities> {
    const connection = options.connection ?? (this.drivers.has('default') ? 'default' : [...this.drivers.keys()][0]!);
    const driver = this.drivers.get(connection);
    if (!driver) {
      throw new UsageError(
        'UNKNOWN_CONNECTION',
        `orm.schema.generateEntities got connection '${connection}', which is not configured (known: ${[...this.drivers.keys()].join(', ')}).`,
      );
    }
    const internal = this.internalTables(connection);
    const excluded = new Set([...internal, ...internal.map((t) => `${t}_lock`), ...(options.exclude ?? [])]);
    const names = (await listTables(driver)).filter((t) => !excluded.has(t));
    const tables = [];
    for (let i = 0; i < names.length; i += INTROSPECTION_BATCH) {
      const batch = names.slice(i, i + INTROSPECTION_BATCH);
      options.onProgress?.({ table: batch[0]!, done: i, total: names.length });
      const read = await introspectTables(driver, batch);
      for (const name of batch) {
        const t = read.get(name);
        if (t) tables.push(t);
      }
    }
    if (names.length > 0) options.onProgress?.({ table: names[names.length - 1]!, done: names.length, total: names.length });
    const model = buildEntityModel(tables, driver.dialect, this.naming);
    return {
      connection,
      files: renderEntityFiles(model, { importExtension: options.importExtension }),
      entities: model.entities.map((e) => ({ className: e.className, table: e.table, fileName: `${e.fileName}.ts` })),
      joinTables: model.joinTables,
      skipped: model.skipped,
    };
  }

  /**
   * A Mermaid `erDiagram` of the mapped entities (of `options.connection` only, if given): their
   * columns and keys, and every relation with its cardinality, owner side and join table. Paste it
   * into Markdown that renders Mermaid, or render it with mermaid-cli.
   *
   * @example
   * console.log(orm.schema.getDiagram());
   */
  getDiagram(options: SchemaOptions = {}): string {
    if (options.connection !== undefined && !this.drivers.has(options.connection)) {
      throw new UsageError(
        'UNKNOWN_CONNECTION',
        `orm.schema.getDiagram got connection '${options.connection}', which is not configured (known: ${[...this.drivers.keys()].join(', ')}).`,
      );
    }
    return renderMermaidDiagram(this.metadata, options);
  }

  /** CREATE TABLE / INDEX / FK statements per connection, without touching any database. */
  getCreateStatements(options: SchemaOptions = {}): ConnectionStatements[] {
    return this.createPlans(options).map((p) => ({ connection: p.connection, statements: planStatements(p.plan) }));
  }

  /** The create statements as one script (a `-- connection: name` line heads each connection's part when there are several). */
  getCreateSQL(options: SchemaOptions = {}): string {
    return this.format(this.getCreateStatements(options));
  }

  /** Creates every table, with keys, uniques, indexes and FKs; in one transaction on pg and sqlite. */
  async create(options: SchemaOptions = {}): Promise<void> {
    await this.run(this.createPlans(options));
  }

  /** DROP statements per connection (IF EXISTS, so missing tables are fine). */
  getDropStatements(options: SchemaOptions = {}): ConnectionStatements[] {
    return this.dropPlans(options).map((p) => ({ connection: p.connection, statements: planStatements(p.plan) }));
  }

  getDropSQL(options: SchemaOptions = {}): string {
    return this.format(this.getDropStatements(options));
  }

  /** Drops every table the metadata knows, whatever FKs point at them. */
  async drop(options: SchemaOptions = {}): Promise<void> {
    await this.run(this.dropPlans(options));
  }

  /**
   * What `update()` would run: reads the live schema and diffs it with the metadata. Connections with
   * nothing to change are left out. Throws what `update()` would throw before running anything.
   */
  async getUpdateStatements(options: SchemaUpdateOptions = {}): Promise<ConnectionStatements[]> {
    return (await this.update({ ...options, dryRun: true })).statements;
  }

  async getUpdateSQL(options: SchemaUpdateOptions = {}): Promise<string> {
    return (await this.update({ ...options, dryRun: true })).sql;
  }

  /**
   * Brings the databases to the metadata: renames what `renamedFrom` names, creates missing tables,
   * adds and alters columns, and adds or drops keys, uniques, indexes and FKs. Every connection is
   * read and planned before anything runs.
   *
   * Safe by default: a column no property maps any more is kept with its data and listed in
   * `skipped`; `{ safe: false }` drops it. Tables the metadata does not map are never touched. A new
   * NOT NULL column without a default on a table that has rows is a `UsageError`
   * (`SCHEMA_NOT_NULL_WITHOUT_DEFAULT`) before any statement runs, on any connection.
   *
   * @returns the statements run (or, with `dryRun`, that would run) and what was left out
   * @example
   * const { sql, skipped } = await orm.schema.update();
   * for (const s of skipped) console.warn(s.message);   // kept column posts.body: no property maps it ...
   * await orm.schema.update({ safe: false });          // also drop those columns
   */
  async update(options: SchemaUpdateOptions = {}): Promise<SchemaUpdateResult> {
    const plans = await this.updatePlans(options);
    const withStatements = plans.filter((p) => p.plan.statements.length > 0);
    if (!options.dryRun) await this.run(withStatements);
    const statements = withStatements.map((p) => ({ connection: p.connection, statements: planStatements(p.plan) }));
    return { statements, sql: this.format(statements), skipped: plans.flatMap((p) => p.skipped) };
  }

  private createPlans(options: SchemaOptions): ConnectionPlan[] {
    return this.eachConnection(options, (connection, driver, tables, ddl) => ({
      connection,
      driver,
      plan: { before: [], statements: buildCreateStatements(tables, ddl), after: [] },
    }));
  }

  private dropPlans(options: SchemaOptions): ConnectionPlan[] {
    return this.eachConnection(options, (connection, driver, tables, ddl) => ({ connection, driver, plan: buildDropPlan(tables, ddl) }));
  }

  private async updatePlans(options: SchemaUpdateOptions): Promise<UpdatePlan[]> {
    const pending = this.eachConnection(options, async (connection, driver, tables, ddl) => {
      const read = await readConnectionDiff(driver, ddl, tables, options.safe !== false);
      return { connection, driver, plan: buildUpdatePlan(read.diff, ddl), ...read };
    });
    const plans = await Promise.all(pending);
    refuseBlockedColumns(plans);
    return plans;
  }

  private eachConnection<T>(options: SchemaOptions, fn: (connection: string, driver: Driver, tables: TableSchema[], ddl: DdlBuilder) => T): T[] {
    const all = connectionsOf(this.metadata);
    if (options.connection !== undefined && !this.drivers.has(options.connection)) {
      throw new UsageError(
        'UNKNOWN_CONNECTION',
        `orm.schema got connection '${options.connection}', which is not configured (known: ${[...this.drivers.keys()].join(', ')}).`,
      );
    }
    const chosen = options.connection === undefined ? all : all.filter((c) => c === options.connection);
    return chosen.map((connection) => {
      const driver = this.drivers.get(connection);
      if (!driver) {
        throw new UsageError(
          'UNKNOWN_CONNECTION',
          `Entities are mapped to connection '${connection}', but no such connection is configured ` +
            `(known: ${[...this.drivers.keys()].join(', ') || 'none'}). Add it to Joinery.init({ connections }) or fix @Entity({ connection }).`,
        );
      }
      const tables = buildDesiredSchema(this.metadata, connection, driver.dialect);
      return fn(connection, driver, tables, new DdlBuilder(driver.knex, driver.dialect));
    });
  }

  private async run(plans: readonly ConnectionPlan[]): Promise<void> {
    for (const p of plans) await runPlan(p.driver, p.plan);
  }

  private format(groups: readonly ConnectionStatements[]): string {
    const labelled = connectionsOf(this.metadata).length > 1;
    return groups
      .filter((g) => g.statements.length > 0)
      .map((g) => {
        const notes = crossConnectionNotes(this.metadata, g.connection);
        const body = [...notes, ...g.statements.map((s) => `${s};`)].join('\n');
        return labelled ? `-- connection: ${g.connection}\n${body}` : body;
      })
      .join('\n\n');
  }
}

/**
 * One comment per reference to a table on another database: its column exists but no FK constraint
 * can, so the script says why one is missing (`-- no foreign key: photos.owner_id -> users, which
 * lives on connection default`).
 */
function crossConnectionNotes(metadata: MetadataSnapshot, connection: string): string[] {
  const notes: string[] = [];
  for (const e of metadata.entities) {
    for (const p of e.properties) {
      if ((p.kind === 'm:1' || (p.kind === '1:1' && p.owner)) && e.connection === connection && p.target.connection !== connection) {
        notes.push(`-- no foreign key: ${e.tableName}.${p.joinColumns.map((c) => c.name).join(', ')} -> ${p.target.tableName}, which lives on connection ${p.target.connection}`);
      }
      if (p.kind === 'm:n' && p.owner && !p.pivot.through && p.pivot.connection === connection) {
        for (const [side, cols] of [[e, p.pivot.joinColumns], [p.target, p.pivot.inverseJoinColumns]] as const) {
          if (side.connection !== connection) {
            notes.push(`-- no foreign key: ${p.pivot.tableName}.${cols.map((c) => c.name).join(', ')} -> ${side.tableName}, which lives on connection ${side.connection}`);
          }
        }
      }
    }
  }
  return [...new Set(notes)];
}
