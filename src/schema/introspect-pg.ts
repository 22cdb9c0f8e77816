import type { Driver } from '../drivers/driver.js';
import { emptyDraft, groupBy, placeholders, queryRows, str, type TableDraft } from './introspect.js';
import { normalizeLiveType, normalizeRule, parsePgDefault } from './introspection-values.js';
import type { TableSchema } from './schema-model.js';

// pg_catalog rather than information_schema: it has identity, exact types via format_type, and index
// definitions, and it is not filtered by privileges.

const COLUMNS = `select c.relname as table_name, a.attname as column_name,
  format_type(a.atttypid, a.atttypmod) as data_type, a.attnotnull as not_null,
  pg_get_expr(d.adbin, d.adrelid) as column_default, a.attidentity as identity
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where n.nspname = current_schema() and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
  and c.relname in (%s)
order by c.relname, a.attnum`;

const CONSTRAINTS = `select c.relname as table_name, con.conname as name, con.contype as type,
  (select json_agg(a.attname order by k.ord) from unnest(con.conkey) with ordinality k(attnum, ord)
    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as columns,
  rc.relname as referenced_table,
  (select json_agg(a.attname order by k.ord) from unnest(con.confkey) with ordinality k(attnum, ord)
    join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as referenced_columns,
  con.confdeltype as delete_rule, con.confupdtype as update_rule,
  con.condeferrable as is_deferrable, con.condeferred as is_deferred
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_class rc on rc.oid = con.confrelid
where n.nspname = current_schema() and con.contype in ('p', 'u', 'f') and c.relname in (%s)
order by c.relname, con.conname`;

// Indexes that back no constraint; expression and partial indexes are left out (the metadata cannot
// describe them, so update() leaves them alone).
const INDEXES = `select t.relname as table_name, i.relname as name, ix.indisunique as is_unique,
  (select json_agg(a.attname order by k.ord) from unnest(ix.indkey::int2[]) with ordinality k(attnum, ord)
    join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum) as columns
from pg_index ix
join pg_class i on i.oid = ix.indexrelid
join pg_class t on t.oid = ix.indrelid
join pg_namespace n on n.oid = t.relnamespace
where n.nspname = current_schema() and t.relname in (%s) and not ix.indisprimary
  and ix.indexprs is null and ix.indpred is null
  and not exists (select 1 from pg_constraint con where con.conindid = ix.indexrelid and con.conrelid = t.oid)
order by t.relname, i.relname`;

// The enum types of the columns, with their values in order (to add the values the metadata has more).
const ENUMS = `select c.relname as table_name, a.attname as column_name, t.typname as type_name,
  (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) as labels
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
where n.nspname = current_schema() and t.typtype = 'e' and a.attnum > 0 and not a.attisdropped and c.relname in (%s)`;

/** The live definition of `tables` in the current schema of a PostgreSQL database. */
export async function introspectPg(driver: Driver, tables: readonly string[]): Promise<Map<string, TableSchema>> {
  const inList = placeholders(tables);
  const drafts = new Map<string, TableDraft>();
  const columns = await queryRows(driver, COLUMNS.replace('%s', inList), tables);
  for (const [table, rows] of groupBy(columns, (r) => str(r.table_name))) {
    const draft = emptyDraft(table);
    for (const r of rows) {
      const rawDefault = r.column_default === null ? null : str(r.column_default);
      const identity = str(r.identity);
      const serial = rawDefault !== null && /^nextval\(/i.test(rawDefault);
      const def = parsePgDefault(rawDefault);
      draft.columns.push({
        name: str(r.column_name),
        type: normalizeLiveType(str(r.data_type), 'pg'),
        nullable: !isTrue(r.not_null),
        autoincrement: identity === 'a' || identity === 'd' || serial,
        ...(def ? { default: def } : {}),
      });
    }
    drafts.set(table, draft);
  }

  for (const r of await queryRows(driver, ENUMS.replace('%s', inList), tables)) {
    const draft = drafts.get(str(r.table_name));
    const i = draft?.columns.findIndex((c) => c.name === str(r.column_name)) ?? -1;
    if (draft && i >= 0) draft.columns[i] = { ...draft.columns[i]!, nativeEnum: { name: str(r.type_name), values: jsonList(r.labels) } };
  }

  for (const r of await queryRows(driver, CONSTRAINTS.replace('%s', inList), tables)) {
    const draft = drafts.get(str(r.table_name));
    if (!draft) continue;
    const name = str(r.name);
    const cols = jsonList(r.columns);
    switch (str(r.type)) {
      case 'p':
        draft.primaryKey = { name, columns: cols };
        break;
      case 'u':
        draft.uniques.push({ name, columns: cols, backing: 'constraint' });
        break;
      case 'f':
        draft.foreignKeys.push({
          name,
          columns: cols,
          referencedTable: str(r.referenced_table),
          referencedColumns: jsonList(r.referenced_columns),
          deleteRule: normalizeRule(str(r.delete_rule)),
          updateRule: normalizeRule(str(r.update_rule)),
          // Only INITIALLY DEFERRED is what `deferrable: true` means: checked at COMMIT without SET CONSTRAINTS.
          ...(isTrue(r.is_deferrable) && isTrue(r.is_deferred) ? { deferrable: true } : {}),
        });
        break;
    }
  }

  for (const r of await queryRows(driver, INDEXES.replace('%s', inList), tables)) {
    const draft = drafts.get(str(r.table_name));
    if (!draft) continue;
    const index = { name: str(r.name), columns: jsonList(r.columns) };
    if (isTrue(r.is_unique)) draft.uniques.push({ ...index, backing: 'index' });
    else draft.indexes.push(index);
  }
  return drafts as Map<string, TableSchema>;
}

function isTrue(v: unknown): boolean {
  return v === true || v === 't' || v === 'true' || v === 1;
}

/** json_agg comes back parsed from node-postgres, but a custom type parser may leave it as text. */
function jsonList(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  const list = typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
  return Array.isArray(list) ? list.map((x) => String(x)) : [];
}
