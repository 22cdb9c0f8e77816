import { Collection, Entity, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';

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

export const ENTITIES = [Item, Author, Book];
