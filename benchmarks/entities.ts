import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';

/**
 * The entity of W1–W5: a key, five columns of the common types and, as real entities have, a
 * one-to-many collection (`notes`) that no workload loads or fills: what it costs an ORM to carry one.
 */
@Entity()
export class Item {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property() email!: string;
  @Property() score!: number;
  @Property() active!: boolean;
  @Property() createdAt!: Date;
  @OneToMany(() => ItemNote, (n) => n.item) notes = new Collection<ItemNote>(this);
}

/** The many side of `Item.notes` (its table stays empty). */
@Entity()
export class ItemNote {
  @PrimaryKey() id!: number;
  @Property() body!: string;
  @ManyToOne(() => Item) item!: Rel<Item>;
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

/** W9: a film of the rental shop. */
@Entity()
export class Film {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() length!: number;
}

/** W9: a copy of a film in a store. */
@Entity({ tableName: 'inventory' })
export class Inventory {
  @PrimaryKey() id!: number;
  @Property() storeId!: number;
  @ManyToOne(() => Film) film!: Rel<Film>;
}

@Entity()
export class Customer {
  @PrimaryKey() id!: number;
  @Property() firstName!: string;
  @Property() lastName!: string;
  @Property() email!: string;
}

/** W9: the large read, each rental with two to-one relations, one of them with a to-one of its own. */
@Entity()
export class Rental {
  @PrimaryKey() id!: number;
  @Property() rentalDate!: Date;
  @ManyToOne(() => Customer) customer!: Rel<Customer>;
  @ManyToOne(() => Inventory) inventory!: Rel<Inventory>;
}

export const ENTITIES = [Item, ItemNote, Author, Book, CatalogAuthor, Publisher, Tag, CatalogBook, Film, Inventory, Customer, Rental];
