// Compiled only by tests/tsconfig.standard.json: TC39 decorators as TypeScript 5.9 emits them, with
// define semantics for class fields. The model is the one decorators-standards.test.ts compiles in
// every configuration with TypeScript's transpiler; here tsc itself builds it, and it must discover
// the same tables and columns.
import test from 'ava';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { getRawMetadata } from '../../src/decorators/registry.js';
import type { MetadataSnapshot } from '../../src/metadata/metadata-storage-types.js';
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

/** Everything the schema and the unit of work read, as plain comparable data. */
function summarize(md: MetadataSnapshot): unknown {
  return {
    entities: md.entities.map((e) => ({
      name: e.name,
      table: e.tableName,
      primaryKey: e.primaryKeyColumns,
      autoincrementPk: e.autoincrementPk,
      isPivot: e.isPivot,
      columns: e.columns.map(
        (c) => `${c.name} ${c.type}${c.nullable ? ' null' : ''}${c.primary ? ' pk' : ''}${c.autoincrement ? ' ai' : ''}${c.unique ? ' unique' : ''}${c.default !== undefined ? ` =${String(c.default)}` : ''}`,
      ),
      foreignKeys: e.foreignKeys.map((f) => `${f.columns.join(',')} -> ${f.referencedTable}(${f.referencedColumns.join(',')}) ${f.deleteRule}`),
      uniques: e.uniques.map((u) => `${u.name}(${u.columns.join(',')})`),
      indexes: e.indexes.map((i) => `${i.name}(${i.columns.join(',')})`),
      relations: e.properties.flatMap((p) => {
        switch (p.kind) {
          case 'scalar':
            return [];
          case 'm:1':
            return [`${p.name} m:1 ${p.target.name} inversedBy=${p.inversedBy ?? '-'}`];
          case '1:1':
            return [`${p.name} 1:1 ${p.target.name} ${p.owner ? `owner inversedBy=${p.inversedBy ?? '-'}` : `mappedBy=${p.mappedBy}`}`];
          case '1:m':
            return [`${p.name} 1:m ${p.target.name} mappedBy=${p.mappedBy}`];
          case 'm:n':
            return [`${p.name} m:n ${p.target.name} ${p.owner ? 'owner' : `mappedBy=${p.mappedBy}`} pivot=${p.pivot.tableName}`];
        }
      }),
      hooks: Object.entries(e.hooks).filter(([, methods]) => methods.length).map(([hook, methods]) => `${hook}: ${methods.join(',')}`),
    })),
    joinTables: md.joinTables.map((j) => `${j.tableName}(${j.columns.map((c) => c.name).join(',')})`),
  };
}

// What DESIGN.md's naming rules give for the model; kept equal to EXPECTED in decorators-standards.test.ts.
const EXPECTED = {
  entities: [
    {
      name: 'User',
      table: 'users',
      primaryKey: ['id'],
      autoincrementPk: true,
      isPivot: false,
      columns: ['id integer pk ai', 'created_at datetime', 'email string unique', 'name string null', 'active boolean =true'],
      foreignKeys: [],
      uniques: ['users_email_unique(email)'],
      indexes: ['users_name_email_index(name,email)'],
      relations: ['profile 1:1 Profile mappedBy=user', 'posts 1:m Post mappedBy=author', 'cars m:n Car owner pivot=user_cars'],
      hooks: ['beforeCreate: stamp'],
    },
    {
      name: 'Profile',
      table: 'pb_profiles',
      primaryKey: ['id'],
      autoincrementPk: true,
      isPivot: false,
      columns: ['id integer pk ai', 'pb_bio text null', 'user_id integer unique'],
      foreignKeys: ['user_id -> users(id) cascade'],
      uniques: ['pb_profiles_user_id_unique(user_id)'],
      indexes: [],
      relations: ['user 1:1 User owner inversedBy=profile'],
      hooks: [],
    },
    {
      name: 'Post',
      table: 'posts',
      primaryKey: ['id'],
      autoincrementPk: true,
      isPivot: false,
      columns: ['id integer pk ai', 'created_at datetime', 'title string', 'author_id integer'],
      foreignKeys: ['author_id -> users(id) no action'],
      uniques: ['posts_author_id_title_unique(author_id,title)'],
      indexes: [],
      relations: ['author m:1 User inversedBy=posts', 'tags m:n Tag owner pivot=post_tag'],
      hooks: ['beforeCreate: stamp', 'afterCreate: announce'],
    },
    {
      name: 'Tag',
      table: 'tags',
      primaryKey: ['id'],
      autoincrementPk: true,
      isPivot: false,
      columns: ['id integer pk ai', 'name string'],
      foreignKeys: [],
      uniques: [],
      indexes: ['tags_name_index(name)'],
      relations: [],
      hooks: [],
    },
    {
      name: 'Car',
      table: 'cars',
      primaryKey: ['id'],
      autoincrementPk: true,
      isPivot: false,
      columns: ['id integer pk ai', 'model string'],
      foreignKeys: [],
      uniques: [],
      indexes: [],
      relations: ['owners m:n User mappedBy=cars pivot=user_cars'],
      hooks: [],
    },
    {
      name: 'UserCar',
      table: 'user_cars',
      primaryKey: ['user_id', 'car_id'],
      autoincrementPk: false,
      isPivot: true,
      columns: ['user_id integer pk', 'car_id integer pk', 'since integer null'],
      foreignKeys: ['user_id -> users(id) cascade', 'car_id -> cars(id) cascade'],
      uniques: [],
      indexes: [],
      relations: ['user m:1 User inversedBy=-', 'car m:1 Car inversedBy=-'],
      hooks: [],
    },
    {
      name: 'Translation',
      table: 'translations',
      primaryKey: ['locale', 'key'],
      autoincrementPk: false,
      isPivot: false,
      columns: ['locale string pk', 'key string pk', 'text text'],
      foreignKeys: [],
      uniques: [],
      indexes: [],
      relations: [],
      hooks: [],
    },
  ],
  joinTables: ['post_tag(post_id,tag_id)'],
};

