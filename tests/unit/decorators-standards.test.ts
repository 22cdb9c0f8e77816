// Both decorator standards must record the same metadata. One model source is compiled here by
// TypeScript's own transpiler in each configuration users run (legacy with emitted types, TC39
// standard, with and without define semantics for class fields) and discovered side by side.
import test from 'ava';
import ts from 'typescript';
import vm from 'node:vm';
import * as joinery from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { EXPECTED, summarize } from '../support/metadata-summary.js';

const MODEL = `
import { AfterCreate, BeforeCreate, Collection, Entity, Index, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, Unique, type Rel } from 'joinery';

abstract class Timestamped {
  @PrimaryKey() id!: number;
  @Property({ type: 'datetime' }) createdAt!: Date;
  @BeforeCreate() stamp(): void { this.createdAt = new Date(); }
}

@Entity()
@Index({ properties: ['name', 'email'] })
export class User extends Timestamped {
  @Property({ type: 'string', unique: true }) email!: string;
  @Property({ type: 'string', nullable: true }) name?: string;
  @Property({ type: 'boolean', default: true }) active!: boolean;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
}

@Entity({ tableName: 'pb_profiles' })
export class Profile {
  @PrimaryKey() id!: number;
  @Property({ type: 'text', columnName: 'pb_bio', nullable: true }) bio?: string;
  @OneToOne(() => User, (u) => u.profile, { owner: true, deleteRule: 'cascade' }) user!: Rel<User>;
}

@Unique({ properties: ['author', 'title'] })
@Entity()
export class Post extends Timestamped {
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
  @AfterCreate() announce(): void {}
}

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', index: true }) name!: string;
}

@Entity()
export class Car {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) model!: string;
  @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
}

@Entity()
export class UserCar {
  @ManyToOne(() => User) user!: Rel<User>;
  @ManyToOne(() => Car) car!: Rel<Car>;
  @Property({ type: 'integer', nullable: true }) since?: number;
}

@Entity()
export class Translation {
  @PrimaryKey({ type: 'string' }) locale!: string;
  @PrimaryKey({ type: 'string' }) key!: string;
  @Property({ type: 'text' }) text!: string;
}

export const ENTITIES = [User, Profile, Post, Tag, Car, UserCar, Translation];
`;

/** The same model with every type that emitDecoratorMetadata can tell left out (legacy only). */
const MODEL_INFERRED = MODEL.replace(/\btype: '(string|integer|boolean|datetime)'(, )?/g, '');

interface Build {
  experimentalDecorators: boolean;
  useDefineForClassFields: boolean;
}

const BUILDS: Record<string, Build> = {
  'legacy, [[Set]] fields': { experimentalDecorators: true, useDefineForClassFields: false },
  'legacy, define fields': { experimentalDecorators: true, useDefineForClassFields: true },
  'standard, define fields': { experimentalDecorators: false, useDefineForClassFields: true },
  'standard, [[Set]] fields': { experimentalDecorators: false, useDefineForClassFields: false },
};

function transpile(source: string, build: Build): string {
  return ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      experimentalDecorators: build.experimentalDecorators,
      emitDecoratorMetadata: build.experimentalDecorators,
      useDefineForClassFields: build.useDefineForClassFields,
    },
  }).outputText;
}

/** Runs compiled CommonJS in this realm (same Symbol, same Reflect), with `joinery` bound to the source under test. */
function evaluate(js: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const fn = vm.runInThisContext(`(function (exports, require, module) {\n${js}\n})`) as (e: object, r: (id: string) => unknown, m: object) => void;
  fn(module.exports, (id) => {
    if (id === 'joinery') return joinery;
    throw new Error(`the model may only import joinery, not ${id}`);
  }, module);
  return module.exports;
}

function compileModel(source: string, build: Build): Function[] {
  return evaluate(transpile(source, build)).ENTITIES as Function[];
}


for (const [label, build] of Object.entries(BUILDS)) {
  test(`${label}: the model discovers as DESIGN.md names it`, (t) => {
    t.deepEqual(summarize(discoverMetadata(compileModel(MODEL, build))), EXPECTED);
  });
}

test('legacy with emitted types: leaving out the types TypeScript emits changes nothing', (t) => {
  t.not(MODEL_INFERRED, MODEL);
  t.false(MODEL_INFERRED.includes("type: 'string'"));
  for (const build of [BUILDS['legacy, [[Set]] fields']!, BUILDS['legacy, define fields']!]) {
    t.deepEqual(summarize(discoverMetadata(compileModel(MODEL_INFERRED, build))), EXPECTED);
  }
});

test('standard: the same model without scalar types fails with MISSING_TYPE, naming the property and the option', (t) => {
  const err = t.throws(() => discoverMetadata(compileModel(MODEL_INFERRED, BUILDS['standard, define fields']!)), { instanceOf: joinery.MetadataError });
  t.is(err?.code, 'MISSING_TYPE');
  t.is(err?.entity, 'User');
  t.is(err?.property, 'createdAt');
  t.regex(err?.message ?? '', /User\.createdAt .*standard decorators.*@Property\(\{ type: 'string' \}\)/);
});

test('define semantics: instances get own fields, and discovery and Collection initialisers still work', (t) => {
  for (const build of [BUILDS['legacy, define fields']!, BUILDS['standard, define fields']!]) {
    const [User] = compileModel(MODEL, build) as [new () => Record<string, unknown>];
    const user = new User();
    // The trap DESIGN.md names: with define semantics `id!: number` is an own property of the instance.
    t.true(Object.prototype.hasOwnProperty.call(user, 'id'));
    t.true(user.posts instanceof joinery.Collection);
    t.is(discoverMetadata(compileModel(MODEL, build)).get('User').columns.length, 5);
  }
});

test('Symbol.metadata: TypeScript emits it for standard decorators, and joinery provides it', (t) => {
  t.true(ts.version.startsWith('5.'), `checked against TypeScript ${ts.version}`);
  const js = transpile(MODEL, BUILDS['standard, define fields']!);
  // TypeScript creates context.metadata only when Symbol.metadata exists at class definition time.
  t.true(js.includes('Symbol.metadata'));
  t.is(typeof (Symbol as { metadata?: symbol }).metadata, 'symbol');
  const [User] = evaluate(js).ENTITIES as Function[];
  t.true(Object.prototype.hasOwnProperty.call(User, (Symbol as unknown as { metadata: symbol }).metadata));
});

test('Symbol.metadata: without it, standard decorators fail with a message that says what to do', (t) => {
  const js = transpile(MODEL, BUILDS['standard, define fields']!);
  const saved = Object.getOwnPropertyDescriptor(Symbol, 'metadata');
  delete (Symbol as { metadata?: symbol }).metadata;
  try {
    const err = t.throws(() => evaluate(js));
    t.regex(err?.message ?? '', /context\.metadata.*import joinery before defining entities/);
  } finally {
    if (saved) Object.defineProperty(Symbol, 'metadata', saved);
  }
  t.notThrows(() => evaluate(js));
});
