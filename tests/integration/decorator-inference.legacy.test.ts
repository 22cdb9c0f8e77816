// Legacy decorators with emitDecoratorMetadata: scalar types come from TypeScript's design:type,
// so `@Property() name!: string` needs no `type`. (Standard decorators carry no types; the
// standard build leaves this file out.)
import test from 'ava';
import { Collection, Entity, Joinery, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';
import { forEachDialect } from '../support/databases.js';

@Entity()
class Author {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property() active!: boolean;
  @Property() born!: Date;
  @Property() rank!: number;
  @OneToMany(() => Book, (b) => b.author) books = new Collection<Book>(this);
}

@Entity()
class Book {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @ManyToOne(() => Author) author!: Rel<Author>;
}

forEachDialect(test, 'types inferred from emitted metadata round-trip', async (t, db) => {
  const orm = await Joinery.init({ entities: [Author, Book], ...db.config });
  t.teardown(() => orm.close());
  const meta = orm.em.getMetadata(Author);
  t.deepEqual(
    meta.columns.map((c) => `${c.name}:${c.type}`),
    ['id:integer', 'name:string', 'active:boolean', 'born:datetime', 'rank:integer'],
  );
  await orm.schema.create();
  const em = orm.em.fork();
  const a = em.create(Author, { name: 'Ann', active: true, born: new Date('2000-01-01T00:00:00.000Z'), rank: 3 });
  em.create(Book, { title: 'B', author: a });
  await em.flush();
  const [loaded] = await orm.em.fork().find(Author, {}, { populate: ['books'] });
  t.is(loaded!.active, true);
  t.deepEqual(loaded!.born, new Date('2000-01-01T00:00:00.000Z'));
  t.is(loaded!.books.getItems()[0]!.title, 'B');
});
