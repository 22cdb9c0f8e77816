import { Collection, Entity, ManyToMany, PrimaryKey, Property } from 'joinery';
import { Article } from './article.js';

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) name!: string;
  @ManyToMany(() => Article, (a) => a.tags) articles = new Collection<Article>(this);
}
