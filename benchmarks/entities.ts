import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';

/** The flat entity of W1–W5: a key and five columns of the common types. */
@Entity()
export class Item {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property() email!: string;
  @Property() score!: number;
  @Property() active!: boolean;
  @Property() createdAt!: Date;
}

/** W6 parent. */
@Entity()
export class Author {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => Book, (b) => b.author) books = new Collection<Book>(this);
}

/** W6 child. */
@Entity()
export class Book {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() pages!: number;
  @ManyToOne(() => Author) author!: Rel<Author>;
}

/** W7 / W8: an author of the catalogue (its own tables, so W8's inserts never touch W6's rows). */
@Entity()
export class CatalogAuthor {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => CatalogBook, (b) => b.author) books = new Collection<CatalogBook>(this);
}

@Entity()
export class Publisher {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

/** W7 / W8: a book with a to-one publisher and M:N tags. */
@Entity()
export class CatalogBook {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() pages!: number;
  @ManyToOne(() => CatalogAuthor) author!: Rel<CatalogAuthor>;
  @ManyToOne(() => Publisher) publisher!: Rel<Publisher>;
  @ManyToMany(() => Tag, undefined, { pivotTable: 'catalog_book_tags', joinColumn: 'book_id', inverseJoinColumn: 'tag_id' }) tags = new Collection<Tag>(this);
}

export const ENTITIES = [Item, Author, Book, CatalogAuthor, Publisher, Tag, CatalogBook];
