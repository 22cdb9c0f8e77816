import { Entity, ManyToOne, PrimaryKey, Property, type Rel } from 'joinery';
import { Article } from './article.js';
import { User } from './user.js';

@Entity()
export class Comment {
  @PrimaryKey() id!: number;
  @Property({ type: 'text' }) body!: string;
  @Property({ onCreate: () => new Date() }) createdAt!: Date;
  @Property({ onCreate: () => new Date(), onUpdate: () => new Date() }) updatedAt!: Date;
  @ManyToOne(() => Article, { deleteRule: 'cascade' }) article!: Rel<Article>;
  @ManyToOne(() => User, { deleteRule: 'cascade' }) author!: Rel<User>;
}
