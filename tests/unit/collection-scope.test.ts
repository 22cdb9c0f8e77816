// collectionScope: the rows of one owner's collection, as a condition on the item table for
// `collection.nativeUpdate` / `nativeDelete`. Exact SQL and bound values per relation kind.
import test from 'ava';
import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, UsageError, type Rel } from '../../src/index.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import type { ManyToManyProperty, OneToManyProperty } from '../../src/metadata/types.js';
import { collectionScope } from '../../src/query/collection-scope.js';
import { SqlDialect } from '../../src/query/sql-dialect.js';

@Entity({ tableName: 'shelves' })
class Shelf {
  @PrimaryKey({ type: 'string' }) room!: string;
  @PrimaryKey({ type: 'integer' }) row!: number;
  @OneToMany(() => Book, (b) => b.shelf) books = new Collection<Book>(this);
}

@Entity({ tableName: 'books' })
class Book {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @ManyToOne(() => Shelf) shelf!: Rel<Shelf>;
  @ManyToMany(() => Genre, (g) => g.books, { owner: true, pivotTable: 'book_genres' }) genres = new Collection<Genre>(this);
}

@Entity({ tableName: 'genres' })
class Genre {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'boolean' }) active!: boolean;
  @ManyToMany(() => Book, (b) => b.genres) books = new Collection<Book>(this);
}

const meta = discoverMetadata([Shelf, Book, Genre]);
const prop = <P>(entity: Function, name: string) => meta.get(entity).propertiesByName[name] as P;

test('1:N: the foreign key columns equal the owner key, bound as their types', (t) => {
  const scope = collectionScope(new SqlDialect('pg'), meta.get(Shelf), prop<OneToManyProperty>(Shelf, 'books'), ['A', 3]);
  t.deepEqual(scope, { sql: '"books"."shelf_room" = ? AND "books"."shelf_row" = ?', params: ['A', 3] });
});

test('M:N: the items linked to the owner, from either side', (t) => {
  const owning = collectionScope(new SqlDialect('mysql'), meta.get(Book), prop<ManyToManyProperty>(Book, 'genres'), [7]);
  t.deepEqual(owning, { sql: '`genres`.`id` IN (SELECT `links`.`genre_id` FROM `book_genres` `links` WHERE `links`.`book_id` = ?)', params: [7] });
  const inverse = collectionScope(new SqlDialect('sqlite'), meta.get(Genre), prop<ManyToManyProperty>(Genre, 'books'), [2]);
  t.deepEqual(inverse, { sql: '"books"."id" IN (SELECT "links"."book_id" FROM "book_genres" "links" WHERE "links"."genre_id" = ?)', params: [2] });
});

test('M:N whose join table is on another connection than its items: CROSS_CONNECTION', (t) => {
  @Entity({ tableName: 'cards' })
  class Card {
    @PrimaryKey({ type: 'integer' }) id!: number;
    @ManyToMany(() => Deck, undefined, { pivotTable: 'card_decks' }) decks = new Collection<Deck>(this);
  }
  @Entity({ tableName: 'decks', connection: 'archive' })
  class Deck {
    @PrimaryKey({ type: 'integer' }) id!: number;
  }
  const m = discoverMetadata([Card, Deck], { connections: ['default', 'archive'] });
  const err = t.throws(() => collectionScope(new SqlDialect('pg'), m.get(Card), m.get(Card).propertiesByName.decks as ManyToManyProperty, [1]), { instanceOf: UsageError });
  t.is(err!.code, 'CROSS_CONNECTION');
  t.regex(err!.message, /Card\.decks: its links \(table card_decks\) are on connection 'default' and Deck rows on 'archive'.*em\.nativeUpdate \/ em\.nativeDelete\(Deck, \{ id: keys \}\)/);
});
