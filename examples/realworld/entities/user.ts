import { Collection, Entity, ManyToMany, OneToMany, PrimaryKey, Property } from 'joinery';
import { Article } from './article.js';

/** A Conduit account. `following` is a self-referencing many-to-many kept in the `follows` table. */
@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property({ unique: true }) email!: string;
  @Property({ unique: true }) username!: string;
  /** scrypt output with its salt and parameters (see auth/passwords.ts); never serialized. */
  @Property({ hidden: true }) passwordHash!: string;
  @Property({ type: 'text', nullable: true }) bio?: string | null;
  @Property({ type: 'string', nullable: true }) image?: string | null;

  // The owner side writes the links: follows(follower_id, followed_id).
  @ManyToMany(() => User, (u) => u.followers, { owner: true, pivotTable: 'follows', joinColumn: 'follower_id', inverseJoinColumn: 'followed_id' })
  following = new Collection<User>(this);
  @ManyToMany(() => User, (u) => u.following) followers = new Collection<User>(this);

  @ManyToMany(() => Article, (a) => a.favoritedBy, { owner: true, pivotTable: 'favorites', joinColumn: 'user_id', inverseJoinColumn: 'article_id' })
  favorites = new Collection<Article>(this);
  @OneToMany(() => Article, (a) => a.author) articles = new Collection<Article>(this);
}
