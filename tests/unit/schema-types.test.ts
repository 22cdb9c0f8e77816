import test from 'ava';
import { SCALAR_TYPES, type Dialect } from '../../src/metadata/types.js';
import { getCastType, getColumnType } from '../../src/schema/column-types.js';
import { shortenIdentifier } from '../../src/schema/identifier-names.js';
import {
  defaultsEqual,
  normalizeLiveType,
  normalizeRule,
  parseMysqlDefault,
  parsePgDefault,
  parseSqliteDefault,
} from '../../src/schema/introspection-values.js';

test('column types per dialect', (t) => {
  const table = (d: Dialect) => Object.fromEntries(SCALAR_TYPES.map((type) => [type, getColumnType({ type }, d)]));
  t.deepEqual(table('pg'), {
    string: 'varchar(255)',
    text: 'text',
    integer: 'integer',
    float: 'double precision',
    decimal: 'numeric(10,2)',
    boolean: 'boolean',
    date: 'date',
    datetime: 'timestamptz',
    json: 'jsonb',
    bigint: 'bigint',
    uuid: 'uuid',
    timestamptz: 'timestamptz',
  });
  t.deepEqual(table('mysql'), {
    string: 'varchar(255)',
    text: 'text',
    integer: 'int',
    float: 'double',
    decimal: 'decimal(10,2)',
    boolean: 'tinyint(1)',
    date: 'date',
    datetime: 'datetime(3)',
    json: 'json',
    bigint: 'bigint',
    uuid: 'char(36)',
    // Refused at init (UNSUPPORTED_TYPE); the name only matters for a getCreateSQL of a bad mapping.
    timestamptz: 'datetime(3)',
  });
  t.deepEqual(table('sqlite'), {
    string: 'varchar(255)',
    text: 'text',
    integer: 'integer',
    float: 'real',
    decimal: 'numeric(10,2)',
    boolean: 'integer',
    date: 'text',
    datetime: 'text',
    json: 'text',
    bigint: 'bigint',
    uuid: 'text',
    timestamptz: 'text',
  });
});

test('length, precision and scale; sqlite autoincrement keys are always integer', (t) => {
  t.is(getColumnType({ type: 'string', length: 20 }, 'mysql'), 'varchar(20)');
  t.is(getColumnType({ type: 'decimal', precision: 6, scale: 3 }, 'pg'), 'numeric(6,3)');
  t.is(getColumnType({ type: 'decimal', precision: 1 }, 'mysql'), 'decimal(1,1)', 'default scale never exceeds the precision');
  t.is(getColumnType({ type: 'bigint', autoincrement: true }, 'sqlite'), 'integer');
  t.is(getColumnType({ type: 'bigint', autoincrement: true }, 'pg'), 'bigint');
});

test('cast types: pg only, and without length or precision (a cast must never truncate)', (t) => {
  t.is(getCastType('integer', 'pg'), 'integer');
  t.is(getCastType('string', 'pg'), 'varchar');
  t.is(getCastType('decimal', 'pg'), 'numeric');
  t.is(getCastType('datetime', 'pg'), 'timestamptz');
  t.is(getCastType('json', 'pg'), 'jsonb');
  for (const type of SCALAR_TYPES) {
    t.truthy(getCastType(type, 'pg'));
    t.is(getCastType(type, 'mysql'), null);
    t.is(getCastType(type, 'sqlite'), null);
  }
});

test('shortenIdentifier keeps short names, and long ones under 63 with a hash and their kind', (t) => {
  t.is(shortenIdentifier('users_email_unique'), 'users_email_unique');
  const long = `${'a'.repeat(80)}_foreign`;
  const short = shortenIdentifier(long);
  t.is(short.length, 63);
  t.regex(short, /^a{46}_[0-9a-f]{8}_foreign$/);
  t.is(shortenIdentifier(long), short);
  t.not(shortenIdentifier(`${'a'.repeat(81)}_foreign`), short);
});

test('live types are normalized to the generator spelling', (t) => {
  t.is(normalizeLiveType('character varying(255)', 'pg'), 'varchar(255)');
  t.is(normalizeLiveType('timestamp with time zone', 'pg'), 'timestamptz');
  t.is(normalizeLiveType('timestamp(3) without time zone', 'pg'), 'timestamp(3)');
  t.is(normalizeLiveType('character(36)', 'pg'), 'char(36)');
  t.is(normalizeLiveType('double precision', 'pg'), 'double precision');
  t.is(normalizeLiveType('int(11)', 'mysql'), 'int');
  t.is(normalizeLiveType('bigint(20) unsigned', 'mysql'), 'bigint unsigned');
  t.is(normalizeLiveType('tinyint(1)', 'mysql'), 'tinyint(1)');
  t.is(normalizeLiveType('tinyint(4)', 'mysql'), 'tinyint');
  t.is(normalizeLiveType('decimal(10, 2)', 'mysql'), 'decimal(10,2)');
  t.is(normalizeLiveType('VARCHAR(20)', 'sqlite'), 'varchar(20)');
});

test('referential actions from every catalog', (t) => {
  t.is(normalizeRule('c'), 'cascade');
  t.is(normalizeRule('n'), 'set null');
  t.is(normalizeRule('a'), 'no action');
  t.is(normalizeRule('RESTRICT'), 'restrict');
  t.is(normalizeRule('NO ACTION'), 'no action');
  t.is(normalizeRule('SET DEFAULT'), 'set default');
});

test('pg defaults as pg_get_expr prints them', (t) => {
  t.deepEqual(parsePgDefault("'abc'::character varying"), { kind: 'literal', value: 'abc' });
  t.deepEqual(parsePgDefault("'it''s'::text"), { kind: 'literal', value: "it's" });
  t.deepEqual(parsePgDefault("'-1'::integer"), { kind: 'literal', value: '-1' });
  t.deepEqual(parsePgDefault('(-5)'), { kind: 'literal', value: '-5' });
  t.deepEqual(parsePgDefault('1.5'), { kind: 'literal', value: '1.5' });
  t.deepEqual(parsePgDefault('true'), { kind: 'literal', value: true });
  t.deepEqual(parsePgDefault('\'{"a": 1}\'::jsonb'), { kind: 'literal', value: '{"a": 1}' });
  t.deepEqual(parsePgDefault('CURRENT_TIMESTAMP'), { kind: 'expression', sql: 'CURRENT_TIMESTAMP' });
  t.deepEqual(parsePgDefault('gen_random_uuid()'), { kind: 'expression', sql: 'gen_random_uuid()' });
  t.is(parsePgDefault("nextval('users_id_seq'::regclass)"), undefined);
  t.is(parsePgDefault('NULL::character varying'), undefined);
  t.is(parsePgDefault(null), undefined);
});

test('MariaDB defaults are SQL; MySQL 8 defaults are bare values or flagged expressions', (t) => {
  t.deepEqual(parseMysqlDefault("'abc'", '', true), { kind: 'literal', value: 'abc' });
  t.deepEqual(parseMysqlDefault("'it''s'", '', true), { kind: 'literal', value: "it's" });
  t.deepEqual(parseMysqlDefault("'it\\'s'", '', true), { kind: 'literal', value: "it's" });
  t.deepEqual(parseMysqlDefault('1', '', true), { kind: 'literal', value: '1' });
  t.deepEqual(parseMysqlDefault('current_timestamp(3)', '', true), { kind: 'expression', sql: 'current_timestamp(3)' });
  t.is(parseMysqlDefault('NULL', '', true), undefined);

  t.deepEqual(parseMysqlDefault('abc', '', false), { kind: 'literal', value: 'abc' });
  t.deepEqual(parseMysqlDefault('CURRENT_TIMESTAMP(3)', 'DEFAULT_GENERATED', false), { kind: 'expression', sql: 'CURRENT_TIMESTAMP(3)' });
  t.deepEqual(parseMysqlDefault("_utf8mb4\\'{\"a\":1}\\'", 'DEFAULT_GENERATED', false), { kind: 'literal', value: '{"a":1}' });
  t.is(parseMysqlDefault(null, '', false), undefined);
});

test('sqlite defaults as declared', (t) => {
  t.deepEqual(parseSqliteDefault("'a''b'"), { kind: 'literal', value: "a'b" });
  t.deepEqual(parseSqliteDefault('1'), { kind: 'literal', value: '1' });
  t.deepEqual(parseSqliteDefault("(strftime('%Y', 'now'))"), { kind: 'expression', sql: "strftime('%Y', 'now')" });
  t.deepEqual(parseSqliteDefault('CURRENT_TIMESTAMP'), { kind: 'expression', sql: 'CURRENT_TIMESTAMP' });
  t.is(parseSqliteDefault('NULL'), undefined);
});

test('defaults compare by value', (t) => {
  const lit = (value: string | number | boolean) => ({ kind: 'literal' as const, value });
  const expr = (sql: string) => ({ kind: 'expression' as const, sql });
  t.true(defaultsEqual(lit(1.5), lit('1.50'), 'decimal(10,2)', 'mysql'));
  t.true(defaultsEqual(lit(true), lit('1'), 'tinyint(1)', 'mysql'));
  t.true(defaultsEqual(lit(true), lit(true), 'boolean', 'pg'));
  t.false(defaultsEqual(lit(true), lit(false), 'boolean', 'pg'));
  t.true(defaultsEqual(lit('{"b":1,"a":[1]}'), lit('{"a": [1], "b": 1}'), 'jsonb', 'pg'));
  t.false(defaultsEqual(lit('x'), lit('X'), 'text', 'pg'));
  t.true(defaultsEqual(expr('CURRENT_TIMESTAMP(3)'), expr('current_timestamp(3)'), 'datetime(3)', 'mysql'));
  t.true(defaultsEqual(expr("strftime('%Y', 'now')"), expr("(strftime('%Y','now'))"), 'text', 'sqlite'));
  t.false(defaultsEqual(lit('x'), undefined, 'text', 'pg'));
  t.true(defaultsEqual(undefined, undefined, 'text', 'pg'));
});
