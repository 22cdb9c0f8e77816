// The default naming rules as pure functions. How discovery applies them (and the overrides) is
// covered by metadata-naming.test.ts.
import test from 'ava';
import { DefaultNamingStrategy, type NamingStrategy } from '../../src/index.js';
import { snakeCase } from '../../src/metadata/naming-strategy.js';

const naming: NamingStrategy = new DefaultNamingStrategy();

test('snakeCase: camelCase and PascalCase', (t) => {
  t.is(snakeCase('name'), 'name');
  t.is(snakeCase('createdAt'), 'created_at');
  t.is(snakeCase('profilePicture'), 'profile_picture');
  t.is(snakeCase('UserCar'), 'user_car');
  t.is(snakeCase('aVeryLongPropertyName'), 'a_very_long_property_name');
});

test('snakeCase: acronyms stay one word', (t) => {
  t.is(snakeCase('userID'), 'user_id');
  t.is(snakeCase('HTMLParser'), 'html_parser');
  t.is(snakeCase('parseHTMLString'), 'parse_html_string');
  t.is(snakeCase('URL'), 'url');
  t.is(snakeCase('ID'), 'id');
  t.is(snakeCase('APIKey'), 'api_key');
});

test('snakeCase: digits, existing snake_case, dashes and spaces', (t) => {
  t.is(snakeCase('address2'), 'address2');
  t.is(snakeCase('line2Text'), 'line2_text');
  t.is(snakeCase('created_at'), 'created_at');
  t.is(snakeCase('some-name'), 'some_name');
  t.is(snakeCase('some name'), 'some_name');
});

test('table name: snake_case plural of the class', (t) => {
  t.is(naming.classToTableName('User'), 'users');
  t.is(naming.classToTableName('UserCar'), 'user_cars');
  t.is(naming.classToTableName('Category'), 'categories');
  t.is(naming.classToTableName('Person'), 'people');
  t.is(naming.classToTableName('Address'), 'addresses');
  t.is(naming.classToTableName('BlogPostCategory'), 'blog_post_categories');
  t.is(naming.classToTableName('HTMLPage'), 'html_pages');
});

test('column name: snake_case of the property', (t) => {
  t.is(naming.propertyToColumnName('passwordHash'), 'password_hash');
  t.is(naming.propertyToColumnName('email'), 'email');
  t.is(naming.propertyToColumnName('externalID'), 'external_id');
});

test('FK column: snake_case property + _ + referenced column', (t) => {
  t.is(naming.joinColumnName('author', 'id'), 'author_id');
  t.is(naming.joinColumnName('profilePicture', 'id'), 'profile_picture_id');
  // Composite keys: one column per referenced key column.
  t.is(naming.joinColumnName('flight', 'airline'), 'flight_airline');
  t.is(naming.joinColumnName('flight', 'number'), 'flight_number');
});

test('join table: both singular table names in alphabetical order, whichever side owns', (t) => {
  t.is(naming.joinTableName('users', 'cars', 'cars'), 'car_user');
  t.is(naming.joinTableName('cars', 'users', 'owners'), 'car_user');
  t.is(naming.joinTableName('posts', 'tags', 'tags'), 'post_tag');
  t.is(naming.joinTableName('categories', 'people', 'people'), 'category_person');
  t.is(naming.joinTableName('user_cars', 'tags', 'tags'), 'tag_user_car');
});

test('join table columns: singular table name + _ + referenced column', (t) => {
  t.is(naming.joinTableColumnName('users', 'id'), 'user_id');
  t.is(naming.joinTableColumnName('cars', 'id'), 'car_id');
  t.is(naming.joinTableColumnName('categories', 'id'), 'category_id');
  t.is(naming.joinTableColumnName('pb_profiles', 'uuid'), 'pb_profile_uuid');
});

test('a subclass overrides one rule and keeps the others', (t) => {
  class Prefixed extends DefaultNamingStrategy {
    override classToTableName(name: string): string {
      return 'app_' + super.classToTableName(name);
    }
  }
  const p: NamingStrategy = new Prefixed();
  t.is(p.classToTableName('UserCar'), 'app_user_cars');
  t.is(p.propertyToColumnName('createdAt'), 'created_at');
  t.is(p.joinTableName('app_users', 'app_cars', 'cars'), 'app_car_app_user');
});
