// A model for the type tests: every kind of property the type rules tell apart.
import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, type Json, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() email!: string;
  @Property({ nullable: true }) name?: string | null;
  @Property() createdAt!: Date;
  @Property({ type: 'json' }) settings!: Json<{ theme: string; beta?: boolean }>;
  @Property({ type: 'json', nullable: true }) labels?: string[] | null;
  @Property({ type: 'json' }) extra!: Record<string, number>;
  @Property({ type: 'bigint' }) visits!: bigint;
  @Property({ nullable: true }) avatar?: Buffer | null;
  @Property({ type: 'json', nullable: true }) raw?: any;
  @OneToOne(() => Profile, (p) => p.user) profile?: Rel<Profile> | null;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
  @ManyToMany(() => Car, (c) => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
  @ManyToOne(() => Country, { nullable: true }) country?: Country | null;

  greet(): string {
    return `hello ${this.email}`;
  }
}

@Entity()
export class Profile {
  @PrimaryKey() id!: number;
  @Property({ nullable: true }) bio?: string | null;
  @OneToOne(() => User, (u) => u.profile, { owner: true }) user!: Rel<User>;
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() published!: boolean;
  @ManyToOne(() => User) author!: Rel<User>;
  @OneToMany(() => Comment, (c) => c.post) comments = new Collection<Comment>(this);
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity()
export class Comment {
  @PrimaryKey() id!: number;
  @Property() text!: string;
  @ManyToOne(() => Post) post!: Rel<Post>;
  @ManyToOne(() => User, { nullable: true }) author?: Rel<User> | null;
  @ManyToOne(() => Comment, { nullable: true }) replyTo?: Rel<Comment> | null;
}

@Entity()
export class Tag {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property() name!: string;
}

@Entity()
export class Car {
  @PrimaryKey() id!: number;
  @Property() model!: string;
  @ManyToMany(() => User, (u) => u.cars) owners = new Collection<User>(this);
}

/** A through entity: a composite primary key made of two relations. */
@Entity()
export class UserCar {
  @ManyToOne(() => User, { primary: true }) user!: Rel<User>;
  @ManyToOne(() => Car, { primary: true }) car!: Rel<Car>;
  @Property({ nullable: true }) since?: number | null;
}

/** A primary key not called `id`. */
@Entity()
export class Country {
  @PrimaryKey({ type: 'string' }) code!: string;
  @Property() name!: string;
}
