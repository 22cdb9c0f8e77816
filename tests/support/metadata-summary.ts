// The metadata of the decorator-standards test model, summarised as plain data, shared by the tests
// that compile that model under each decorator standard.
import type { MetadataSnapshot } from '../../src/metadata/metadata-storage-types.js';

/** Everything the schema and the unit of work read, as plain comparable data. */
export function summarize(md: MetadataSnapshot): unknown {
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

/** What DESIGN.md's naming rules give for the shared test model (legacy and standard builds alike). */
export const EXPECTED = {
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
