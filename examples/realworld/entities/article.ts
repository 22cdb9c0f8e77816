import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';
import { Comment } from './comment.js';
import { Tag } from './tag.js';
import { User } from './user.js';

@Entity()
export class Article {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) slug!: string;
  @Property() title!: string;
  @Property() description!: string;
  @Property({ type: 'text' }) body!: string;
  @Property({ index: true, onCreate: () => new Date() }) createdAt!: Date;
  @Property({ onCreate: () => new Date(), onUpdate: () => new Date() }) updatedAt!: Date;
  // Deleting a user deletes their articles; their comments and links go with the article's row.
  @ManyToOne(() => User, { deleteRule: 'cascade' }) author!: Rel<User>;

  @ManyToMany(() => Tag, (t) => t.articles, { owner: true, pivotTable: 'article_tags' }) tags = new Collection<Tag>(this);
  @ManyToMany(() => User, (u) => u.favorites) favoritedBy = new Collection<User>(this);
  @OneToMany(() => Comment, (c) => c.article) comments = new Collection<Comment>(this);
}
