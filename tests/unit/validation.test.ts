import test from 'ava';
import { Entity, ManyToOne, PrimaryKey, Property, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import type { Dialect, EntityMetadata } from '../../src/metadata/types.js';
import type { ChangeSet, ColumnProperty } from '../../src/unit-of-work/change-sets.js';
import { validateChangeSets, validateColumnValues } from '../../src/unit-of-work/validation.js';

const seen: { value: unknown; entity: unknown }[] = [];

@Entity()
class Account {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'string', length: 10 }) handle!: string;
  @Property({ type: 'string', nullable: true }) bio?: string | null;
  @Property({ type: 'text', nullable: true }) about?: string | null;
  @Property({ type: 'integer', default: 0 }) karma?: number;
  @Property({ type: 'float', nullable: true }) score?: number | null;
  @Property({ type: 'decimal', nullable: true }) balance?: string | number | null;
  @Property({ type: 'bigint', nullable: true }) big?: bigint | null;
  @Property({ type: 'boolean', nullable: true }) active?: boolean | null;
  @Property({ type: 'datetime', nullable: true }) seenAt?: Date | null;
  @Property({ type: 'date', nullable: true }) birthday?: string | null;
  @Property({ type: 'json', nullable: true }) prefs?: unknown;
  @Property({ type: 'string', nullable: true, enum: ['free', 'pro'] }) plan?: string | null;
  @Property({ type: 'integer', version: true }) version?: number;
  @Property({
    type: 'string',
    nullable: true,
    validate: (value: string, entity: Account) => {
      seen.push({ value, entity });
      if (value === 'admin') return false;
      if (value === entity.handle) return 'must differ from the handle';
      if (value === 'boom') throw new Error('exploded');
      return true;
    },
  })
  displayName?: string | null;
}

@Entity()
class Membership {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @ManyToOne(() => Account) account!: Rel<Account>;
  @ManyToOne(() => Account, { nullable: true }) invitedBy?: Rel<Account> | null;
}

const UUID = '0b6f5a64-3d44-4c0e-9d5b-1f0f4f7c2a11';
const meta = discoverMetadata([Account, Membership]);
const accountMeta = meta.get(Account);
const membershipMeta = meta.get(Membership);

const insert = (entity: object, m: EntityMetadata = accountMeta): ChangeSet => ({ type: 'insert', meta: m, entity, payload: { ...entity } });
const update = (entity: object, payload: Record<string, unknown>, m: EntityMetadata = accountMeta): ChangeSet => ({ type: 'update', meta: m, entity, payload });
const account = (data: Partial<Record<keyof Account, unknown>>) => Object.assign(new Account(), { handle: 'ann', ...data });
const validate = (sets: ChangeSet[], dialect: Dialect = 'sqlite') => validateChangeSets(sets, () => dialect);
const rules = (sets: ChangeSet[], dialect: Dialect = 'sqlite') => validate(sets, dialect).map((f) => `${f.entity}.${f.property}:${f.rule}`);

test('a valid insert passes (generated key, defaulted and nullable columns left out)', (t) => {
  t.deepEqual(validate([insert(account({}))]), []);
});

test('a required property left undefined or null fails as required, naming Entity.property', (t) => {
  const failures = validate([insert(account({ handle: undefined }))]);
  t.is(failures.length, 1);
  t.like(failures[0], { entity: 'Account', property: 'handle', rule: 'required', value: undefined });
  t.regex(failures[0]!.message, /Account\.handle/);
  t.regex(failures[0]!.message, /nullable/);
  t.deepEqual(rules([insert(account({ handle: null }))]), ['Account.handle:required']);
});

test('a column with a default may be left undefined on insert, but not set to null', (t) => {
  t.deepEqual(rules([insert(account({ karma: undefined }))]), []);
  t.deepEqual(rules([insert(account({ karma: null }))]), ['Account.karma:required']);
});

test('a primary key the application must assign is required', (t) => {
  const a = account({ id: 1 });
  t.deepEqual(rules([insert(Object.assign(new Membership(), { account: a }), membershipMeta)]), ['Membership.id:required']);
});

test('a required relation must be set; a nullable one may be null', (t) => {
  const m = Object.assign(new Membership(), { id: UUID, invitedBy: null });
  const failures = validate([insert(m, membershipMeta)]);
  t.deepEqual(failures.map((f) => `${f.entity}.${f.property}:${f.rule}`), ['Membership.account:required']);
  t.regex(failures[0]!.message, /Membership\.account/);
  t.regex(failures[0]!.message, /Account/);
});

test('a relation given a bare value instead of an entity fails as a type error that suggests getReference', (t) => {
  const m = Object.assign(new Membership(), { id: UUID, account: 5 });
  const failures = validate([insert(m, membershipMeta)]);
  t.deepEqual(failures.map((f) => f.rule), ['type']);
  t.regex(failures[0]!.message, /getReference\(Account, 5\)/);
});

test('type checks per scalar type', (t) => {
  const bad: [keyof Account, unknown][] = [
    ['handle', 42],
    ['about', true],
    ['karma', 1.5],
    ['karma', '3'],
    ['score', 'high'],
    ['balance', '12,50'],
    ['big', 1.5],
    ['big', 'x'],
    ['active', 'yes'],
    ['active', 1],
    ['seenAt', '2020-01-01'],
    ['birthday', '01/02/2020'],
  ];
  for (const [prop, value] of bad) {
    const failures = validate([insert(account({ [prop]: value }))]);
    t.deepEqual(failures.map((f) => `${f.property}:${f.rule}`), [`${prop}:type`], `${prop} = ${String(value)}`);
    t.true(failures[0]!.message.startsWith(`Account.${prop} `), failures[0]!.message);
  }
});

test('values of the right type pass', (t) => {
  const good: [keyof Account, unknown][] = [
    ['handle', 'x'],
    ['about', 'x'.repeat(10_000)],
    ['karma', -3],
    ['score', 1.5],
    ['balance', '-12.50'],
    ['balance', 12.5],
    ['big', 12n],
    ['big', '9007199254740993'],
    ['big', 7],
    ['active', false],
    ['seenAt', new Date()],
    ['birthday', '2020-02-29'],
    ['birthday', new Date('2020-02-29')],
    ['prefs', { any: ['thing'] }],
  ];
  for (const [prop, value] of good) {
    t.deepEqual(rules([insert(account({ [prop]: value }))]), [], `${prop} = ${String(value)}`);
  }
});

test('max_length: strings longer than length fail, text has no limit, default length is 255', (t) => {
  t.deepEqual(rules([insert(account({ handle: 'x'.repeat(10) }))]), []);
  const failures = validate([insert(account({ handle: 'x'.repeat(11) }))]);
  t.deepEqual(failures.map((f) => f.rule), ['max_length']);
  t.regex(failures[0]!.message, /Account\.handle is 11 characters long; at most 10/);
  t.deepEqual(rules([insert(account({ bio: 'x'.repeat(255) }))]), []);
  t.deepEqual(rules([insert(account({ bio: 'x'.repeat(256) }))]), ['Account.bio:max_length']);
});

test('enum: only the listed values pass', (t) => {
  t.deepEqual(rules([insert(account({ plan: 'pro' }))]), []);
  const failures = validate([insert(account({ plan: 'gold' }))]);
  t.deepEqual(failures.map((f) => f.rule), ['enum']);
  t.regex(failures[0]!.message, /Account\.plan must be one of "free", "pro", got "gold"/);
});

test('validate functions get the value and the entity; false, a message or a throw reject', (t) => {
  seen.length = 0;
  const a = account({ handle: 'ann', displayName: 'Ann' });
  t.deepEqual(rules([insert(a)]), []);
  t.is(seen.length, 1);
  t.is(seen[0]!.value, 'Ann');
  t.is(seen[0]!.entity, a);

  const rejected = validate([insert(account({ displayName: 'admin' }))]);
  t.like(rejected[0], { property: 'displayName', rule: 'validate', value: 'admin' });
  t.regex(rejected[0]!.message, /Account\.displayName failed its validate function/);

  const message = validate([insert(account({ handle: 'ann', displayName: 'ann' }))]);
  t.is(message[0]!.rule, 'validate');
  t.regex(message[0]!.message, /Account\.displayName: must differ from the handle/);

  const thrown = validate([insert(account({ displayName: 'boom' }))]);
  t.is(thrown[0]!.rule, 'validate');
  t.regex(thrown[0]!.message, /exploded/);
});

test('validate functions are not called for null values', (t) => {
  seen.length = 0;
  t.deepEqual(rules([insert(account({ displayName: null }))]), []);
  t.is(seen.length, 0);
});

test('updates check only the properties they change', (t) => {
  // handle is missing on this (partially known) entity, but the update does not touch it.
  const a = Object.assign(new Account(), { id: 1, plan: 'gold', bio: 'ok' });
  t.deepEqual(rules([update(a, { bio: 'ok' })]), []);
  t.deepEqual(rules([update(a, { plan: 'gold' })]), ['Account.plan:enum']);
  t.deepEqual(rules([update(Object.assign(new Account(), { id: 1, handle: null }), { handle: null })]), ['Account.handle:required']);
});

test('deletes are not validated', (t) => {
  t.deepEqual(validate([{ type: 'delete', meta: accountMeta, entity: new Account(), payload: {} }]), []);
});

test('every failing entity and property is reported at once, each with its instance', (t) => {
  const a = account({ handle: 'x'.repeat(20), plan: 'gold', karma: 'lots' });
  const b = account({ handle: undefined, active: 'yes' });
  const ok = account({});
  const m = Object.assign(new Membership(), { id: UUID });
  const failures = validate([insert(a), insert(ok), insert(b), insert(m, membershipMeta)]);
  t.deepEqual(
    failures.map((f) => `${f.entity}.${f.property}:${f.rule}`).sort(),
    ['Account.active:type', 'Account.handle:max_length', 'Account.handle:required', 'Account.karma:type', 'Account.plan:enum', 'Membership.account:required'],
  );
  for (const f of failures) t.true(f.instance === a || f.instance === b || f.instance === m);
  t.true(failures.filter((f) => f.instance === a).length === 3);
});

test('values the database would reject or change fail with a rule of their own', (t) => {
  const bad: [keyof Account, unknown, string][] = [
    ['karma', 2 ** 31, 'range'],
    ['karma', -(2 ** 31) - 1, 'range'],
    ['karma', Number.NaN, 'not_finite'],
    ['score', Number.NaN, 'not_finite'],
    ['score', Number.NEGATIVE_INFINITY, 'not_finite'],
    ['big', 2n ** 63n, 'range'],
    ['big', '-9223372036854775809', 'range'],
    ['big', 2 ** 63, 'range'],
    ['big', Number.POSITIVE_INFINITY, 'not_finite'],
    ['balance', 123456789, 'precision'],
    ['balance', '1.234', 'precision'],
    ['balance', 0.1 + 0.2, 'precision'],
    ['balance', 1e-7, 'precision'],
    ['balance', Number.NaN, 'not_finite'],
    ['birthday', '2020-02-30', 'invalid_date'],
    ['birthday', '1900-02-29', 'invalid_date'],
    ['birthday', '2020-13-01', 'invalid_date'],
    ['birthday', '0000-01-01', 'range'],
    ['birthday', new Date(Number.NaN), 'invalid_date'],
    ['seenAt', new Date('nope'), 'invalid_date'],
    ['seenAt', new Date(Date.UTC(10_000, 0, 1)), 'range'],
    ['seenAt', new Date(-62135596800001), 'range'],
  ];
  for (const [prop, value, rule] of bad) {
    const failures = validate([insert(account({ [prop]: value }))]);
    t.deepEqual(failures.map((f) => `${f.property}:${f.rule}`), [`${prop}:${rule}`], `${prop} = ${String(value)}`);
    t.true(failures[0]!.message.startsWith(`Account.${prop} `), failures[0]!.message);
  }
});

test('values at the edges pass', (t) => {
  const good: [keyof Account, unknown][] = [
    ['karma', 2 ** 31 - 1],
    ['karma', -(2 ** 31)],
    ['big', 2n ** 63n - 1n],
    ['big', '-9223372036854775808'],
    ['big', -(2 ** 63)],
    ['balance', '99999999.99'],
    ['balance', '-0.50'],
    ['balance', '12.500'],
    ['balance', 0.5],
    ['birthday', '2000-02-29'],
    ['birthday', '0001-01-01'],
    ['birthday', '9999-12-31'],
    ['seenAt', new Date(-62135596800000)],
    ['seenAt', new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999))],
    ['handle', '😀'.repeat(10)],
  ];
  for (const [prop, value] of good) t.deepEqual(rules([insert(account({ [prop]: value }))]), [], `${prop} = ${String(value)}`);
});

test('the messages say what fits', (t) => {
  const [precision] = validate([insert(account({ balance: '1.234' }))]);
  t.regex(precision!.message, /Account\.balance is "1\.234", which does not fit decimal\(10,2\)/);
  const [date] = validate([insert(account({ birthday: '2021-02-29' }))]);
  t.regex(date!.message, /not a calendar date \(February 2021 has 28 days\)/);
  const [range] = validate([insert(account({ karma: 2 ** 31 }))]);
  t.regex(range!.message, /outside -2147483648 to 2147483647/);
  t.regex(range!.message, /type: 'bigint'/);
});

test('NUL is rejected on PostgreSQL only, in text and inside JSON', (t) => {
  const values = { handle: 'a\u0000b', about: '\u0000', prefs: { note: 'x\u0000' } };
  t.deepEqual(rules([insert(account(values))], 'pg'), ['Account.handle:nul_byte', 'Account.about:nul_byte', 'Account.prefs:nul_byte']);
  t.deepEqual(rules([insert(account(values))], 'mysql'), []);
  t.deepEqual(rules([insert(account(values))], 'sqlite'), []);
  // A backslash followed by the text u0000 is not NUL.
  t.deepEqual(rules([insert(account({ prefs: { path: '\\u0000' } }))], 'pg'), []);
});

test('text is limited to 65,535 UTF-8 bytes on MySQL only', (t) => {
  t.deepEqual(rules([insert(account({ about: 'é'.repeat(32_767) }))], 'mysql'), []);
  const failures = validate([insert(account({ about: 'é'.repeat(32_768) }))], 'mysql');
  t.deepEqual(failures.map((f) => f.rule), ['max_length']);
  t.regex(failures[0]!.message, /65536 bytes/);
  t.deepEqual(rules([insert(account({ about: 'é'.repeat(100_000) }))], 'pg'), []);
});

test('json: what JSON.stringify cannot encode fails; strings, numbers and undefined inside are fine', (t) => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (const prefs of [{ n: 1n }, 1n, cyclic, () => 1, Symbol('s'), { toJSON: () => undefined }]) {
    t.deepEqual(rules([insert(account({ prefs }))]), ['Account.prefs:json'], String(typeof prefs));
  }
  for (const prefs of ['hello', '', 5, false, [], { a: undefined }, [Number.NaN]]) {
    t.deepEqual(rules([insert(account({ prefs }))]), [], JSON.stringify(prefs));
  }
  const [big] = validate([insert(account({ prefs: { n: 1n } }))]);
  t.regex(big!.message, /Account\.prefs is an object holding a BigInt/);
});

test('uuid values must be UUIDs', (t) => {
  const m = (id: string) => Object.assign(new Membership(), { id, account: account({ id: 1 }) });
  t.deepEqual(rules([insert(m('u1'), membershipMeta)]), ['Membership.id:type']);
  t.deepEqual(rules([insert(m(UUID.toUpperCase()), membershipMeta)]), []);
});

test('a to-one must point by a key its column can hold', (t) => {
  const by = (id: unknown) => Object.assign(new Membership(), { id: UUID, account: Object.assign(new Account(), { id }) });
  const failures = validate([insert(by(''), membershipMeta), insert(by('abc'), membershipMeta), insert(by(2 ** 31), membershipMeta)]);
  t.deepEqual(failures.map((f) => `${f.entity}.${f.property}:${f.rule}`), ['Membership.account:type', 'Membership.account:type', 'Membership.account:range']);
  t.regex(failures[0]!.message, /Membership\.account points at the Account with key "", which its column cannot hold: Account\.id must be an integer/);
  // A numeric string (a request parameter) is a key; a new target without a key yet is checked at its own insert.
  t.deepEqual(rules([insert(by('42'), membershipMeta), insert(by(undefined), membershipMeta)]), []);
});

test('validateColumnValues checks nativeUpdate data like a flush, without validate functions', (t) => {
  seen.length = 0;
  const prop = (name: string) => accountMeta.propertiesByName[name] as ColumnProperty;
  const failures = validateColumnValues(
    accountMeta,
    [
      [prop('karma'), 2 ** 40],
      [prop('handle'), null],
      [prop('bio'), null],
      [prop('displayName'), 'admin'],
      [prop('plan'), 'gold'],
    ],
    'sqlite',
  );
  t.deepEqual(failures.map((f) => `${f.entity}.${f.property}:${f.rule}`), ['Account.karma:range', 'Account.handle:required', 'Account.plan:enum']);
  t.is(failures[0]!.instance, undefined);
  t.is(seen.length, 0);
  const membership = membershipMeta.propertiesByName.account as ColumnProperty;
  t.deepEqual(validateColumnValues(membershipMeta, [[membership, Object.assign(new Account(), { id: '' })]], 'pg').map((f) => f.rule), ['type']);
});
