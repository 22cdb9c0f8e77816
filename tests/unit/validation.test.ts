import test from 'ava';
import { Entity, ManyToOne, PrimaryKey, Property, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import type { EntityMetadata } from '../../src/metadata/types.js';
import type { ChangeSet } from '../../src/unit-of-work/change-sets.js';
import { validateChangeSets } from '../../src/unit-of-work/validation.js';

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

const meta = discoverMetadata([Account, Membership]);
const accountMeta = meta.get(Account);
const membershipMeta = meta.get(Membership);

const insert = (entity: object, m: EntityMetadata = accountMeta): ChangeSet => ({ type: 'insert', meta: m, entity, payload: { ...entity } });
const update = (entity: object, payload: Record<string, unknown>, m: EntityMetadata = accountMeta): ChangeSet => ({ type: 'update', meta: m, entity, payload });
const account = (data: Partial<Record<keyof Account, unknown>>) => Object.assign(new Account(), { handle: 'ann', ...data });
const rules = (sets: ChangeSet[]) => validateChangeSets(sets).map((f) => `${f.entity}.${f.property}:${f.rule}`);

test('a valid insert passes (generated key, defaulted and nullable columns left out)', (t) => {
  t.deepEqual(validateChangeSets([insert(account({}))]), []);
});

test('a required property left undefined or null fails as required, naming Entity.property', (t) => {
  const failures = validateChangeSets([insert(account({ handle: undefined }))]);
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
  const m = Object.assign(new Membership(), { id: 'u1', invitedBy: null });
  const failures = validateChangeSets([insert(m, membershipMeta)]);
  t.deepEqual(failures.map((f) => `${f.entity}.${f.property}:${f.rule}`), ['Membership.account:required']);
  t.regex(failures[0]!.message, /Membership\.account/);
  t.regex(failures[0]!.message, /Account/);
});

test('a relation given a bare value instead of an entity fails as a type error that suggests getReference', (t) => {
  const m = Object.assign(new Membership(), { id: 'u1', account: 5 });
  const failures = validateChangeSets([insert(m, membershipMeta)]);
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
    ['score', Number.NaN],
    ['balance', '12,50'],
    ['big', 1.5],
    ['big', 'x'],
    ['active', 'yes'],
    ['active', 1],
    ['seenAt', '2020-01-01'],
    ['seenAt', new Date('nope')],
    ['birthday', '01/02/2020'],
  ];
  for (const [prop, value] of bad) {
    const failures = validateChangeSets([insert(account({ [prop]: value }))]);
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
  const failures = validateChangeSets([insert(account({ handle: 'x'.repeat(11) }))]);
  t.deepEqual(failures.map((f) => f.rule), ['max_length']);
  t.regex(failures[0]!.message, /Account\.handle is 11 characters long; at most 10/);
  t.deepEqual(rules([insert(account({ bio: 'x'.repeat(255) }))]), []);
  t.deepEqual(rules([insert(account({ bio: 'x'.repeat(256) }))]), ['Account.bio:max_length']);
});

test('enum: only the listed values pass', (t) => {
  t.deepEqual(rules([insert(account({ plan: 'pro' }))]), []);
  const failures = validateChangeSets([insert(account({ plan: 'gold' }))]);
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

  const rejected = validateChangeSets([insert(account({ displayName: 'admin' }))]);
  t.like(rejected[0], { property: 'displayName', rule: 'validate', value: 'admin' });
  t.regex(rejected[0]!.message, /Account\.displayName failed its validate function/);

  const message = validateChangeSets([insert(account({ handle: 'ann', displayName: 'ann' }))]);
  t.is(message[0]!.rule, 'validate');
  t.regex(message[0]!.message, /Account\.displayName: must differ from the handle/);

  const thrown = validateChangeSets([insert(account({ displayName: 'boom' }))]);
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
  t.deepEqual(validateChangeSets([{ type: 'delete', meta: accountMeta, entity: new Account(), payload: {} }]), []);
});

test('every failing entity and property is reported at once, each with its instance', (t) => {
  const a = account({ handle: 'x'.repeat(20), plan: 'gold', karma: 'lots' });
  const b = account({ handle: undefined, active: 'yes' });
  const ok = account({});
  const m = Object.assign(new Membership(), { id: 'm1' });
  const failures = validateChangeSets([insert(a), insert(ok), insert(b), insert(m, membershipMeta)]);
  t.deepEqual(
    failures.map((f) => `${f.entity}.${f.property}:${f.rule}`).sort(),
    ['Account.active:type', 'Account.handle:max_length', 'Account.handle:required', 'Account.karma:type', 'Account.plan:enum', 'Membership.account:required'],
  );
  for (const f of failures) t.true(f.instance === a || f.instance === b || f.instance === m);
  t.true(failures.filter((f) => f.instance === a).length === 3);
});
