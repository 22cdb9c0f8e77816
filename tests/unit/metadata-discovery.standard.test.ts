// Compiled only by tests/tsconfig.standard.json: TC39 decorators as TypeScript 5.9 emits them, with
// define semantics for class fields. The model is the one decorators-standards.test.ts compiles in
// every configuration with TypeScript's transpiler; here tsc itself builds it, and it must discover
// the same tables and columns.
import test from 'ava';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { getRawMetadata } from '../../src/decorators/registry.js';
import { EXPECTED, summarize } from '../support/metadata-summary.js';
import {
  AfterCreate, BeforeCreate, Collection, Entity, Index, ManyToMany, ManyToOne, MetadataError, OneToMany, OneToOne, PrimaryKey, Property,
  Unique, type Rel,
} from '../../src/index.js';

abstract class Timestamped {
  @PrimaryKey() id!: number;
  @Property({ type: 'datetime' }) createdAt!: Date;
  @BeforeCreate() stamp(): void { this.createdAt = new Date(); }
}

@Entity()
@Index({ properties: ['name', 'email'] })
class User extends Timestamped {
  @Property({ type: 'string', unique: true }) email!: string;
  @Property({ type: 'string', nullable: true }) name?: string;
  @Property({ type: 'boolean', default: true }) active!: boolean;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile>;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
}

@Entity({ tableName: 'pb_profiles' })
class Profile {
  @PrimaryKey() id!: number;
  @Property({ type: 'text', columnName: 'pb_bio', nullable: true }) bio?: string;
  @OneToOne(() => User, (u) => u.profile, { owner: true, deleteRule: 'cascade' }) user!: Rel<User>;
}

@Unique({ properties: ['author', 'title'] })
@Entity()
class Post extends Timestamped {
  @Property({ type: 'string' }) title!: string;
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
  @AfterCreate() announce(): void {}
}

@Entity()
class Tag {
  @PrimaryKey() id!: number;
  @Property({ type: 'string', index: true }) name!: string;
}

@Entity()
class Car {
  @PrimaryKey() id!: number;
  @Property({ type: 'string' }) model!: string;
  @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
}

@Entity()
class UserCar {
  @ManyToOne(() => User) user!: Rel<User>;
  @ManyToOne(() => Car) car!: Rel<Car>;
  @Property({ type: 'integer', nullable: true }) since?: number;
}

@Entity()
class Translation {
  @PrimaryKey({ type: 'string' }) locale!: string;
  @PrimaryKey({ type: 'string' }) key!: string;
  @Property({ type: 'text' }) text!: string;
}

const ENTITIES = [User, Profile, Post, Tag, Car, UserCar, Translation];

test('tsc standard build: the model discovers exactly as in the legacy and transpiled builds', (t) => {
  t.deepEqual(summarize(discoverMetadata(ENTITIES)), EXPECTED);
});

test('tsc standard build: decorators recorded through Symbol.metadata, for entities and a plain base class', (t) => {
  const key = (Symbol as { metadata?: symbol }).metadata;
  if (typeof key !== 'symbol') return t.fail('Symbol.metadata is not defined');
  t.true(Object.prototype.hasOwnProperty.call(User, key));
  // The base class has no class decorator; its record is found through its own metadata object.
  t.true(Object.prototype.hasOwnProperty.call(Timestamped, key));
  t.deepEqual([...getRawMetadata(Timestamped)!.properties.keys()], ['id', 'createdAt']);
  t.true(getRawMetadata(User)!.standard);
  t.deepEqual([...getRawMetadata(User)!.properties.keys()], ['email', 'name', 'active', 'profile', 'posts', 'cars']);
});

test('tsc standard build: define semantics give instances own fields; metadata does not depend on them', (t) => {
  const user = new User();
  t.true(Object.prototype.hasOwnProperty.call(user, 'id'));
  t.true(Object.prototype.hasOwnProperty.call(user, 'email'));
  t.true(user.posts instanceof Collection);
  t.is(discoverMetadata(ENTITIES).get(User).primaryKeyColumns[0], 'id');
});

test('MISSING_TYPE (standard): a scalar without `type` names the property and the option', (t) => {
  @Entity()
  class Note {
    @PrimaryKey() id!: number;
    @Property() text!: string;
  }
  const err = t.throws(() => discoverMetadata([Note]), { instanceOf: MetadataError });
  t.is(err?.code, 'MISSING_TYPE');
  t.is(err?.entity, 'Note');
  t.is(err?.property, 'text');
  t.regex(err?.message ?? '', /^Note\.text has no type\. TC39 standard decorators carry no type information/);
  t.regex(err?.message ?? '', /@Property\(\{ type: 'string' \}\)/);
});

test('BAD_OPTION (standard): two property decorators on one property are named in source order', (t) => {
  @Entity()
  class Note {
    @PrimaryKey({ type: 'integer' }) @Property({ type: 'integer' }) id!: number;
  }
  const err = t.throws(() => discoverMetadata([Note]), { instanceOf: MetadataError });
  t.is(err?.code, 'BAD_OPTION');
  t.is(err?.property, 'id');
  t.regex(err?.message ?? '', /Note\.id has @PrimaryKey\(\) and @Property\(\)/);
});

test('standard: a key without type is the default autoincrement integer; a string key says so', (t) => {
  @Entity()
  class Country {
    @PrimaryKey({ type: 'string' }) code!: string;
    @ManyToOne(() => Continent) continent!: Rel<Continent>;
  }
  @Entity()
  class Continent {
    @PrimaryKey() id!: number;
  }
  const md = discoverMetadata([Country, Continent]);
  t.deepEqual(md.get(Country).columns.map((c) => [c.name, c.type, c.autoincrement]), [['code', 'string', false], ['continent_id', 'integer', false]]);
  t.true(md.get(Continent).autoincrementPk);
});


