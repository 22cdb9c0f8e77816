// The entities of the two-phase-commit examples: users on PostgreSQL ('default'), their photos on
// MySQL/MariaDB ('media').
import { Collection, Entity, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => Photo, (p) => p.owner) photos = new Collection<Photo>(this);
}

@Entity({ connection: 'media' })
export class Photo {
  @PrimaryKey() id!: number;
  @Property() url!: string;
  @ManyToOne(() => User) owner!: Rel<User>;
}

export const entities = [User, Photo];
