import type {
  EntityTarget, InverseSide, ManyThroughOptions, ManyToManyOptions, ManyToOneOptions, OneToManyOptions, OneToOneOptions,
} from './options.js';
import { memberSite } from './decorator-context.js';
import { addProperty } from './registry.js';

type MemberDecorator = (...args: any[]) => any;

/**
 * The owning side of a many-to-one: this table holds the FK (`author` → `author_id`).
 *
 * @example
 * @ManyToOne(() => User) author!: Rel<User>;
 * @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' }) editor?: Rel<User>;
 */
export function ManyToOne<T>(target: EntityTarget<T>, options: ManyToOneOptions = {}): MemberDecorator {
  return (...args: unknown[]) => {
    const site = memberSite('ManyToOne', args);
    addProperty(site.raw, { kind: 'm:1', name: site.name, target, options: { ...options } });
  };
}

/**
 * The inverse side of a many-to-one: a collection of children whose FK points here.
 *
 * @example
 * @OneToMany(() => Post, p => p.author, { orphanRemoval: true }) posts = new Collection<Post>(this);
 */
export function OneToMany<T>(target: EntityTarget<T>, inverse: InverseSide<T>, options: OneToManyOptions = {}): MemberDecorator {
  return (...args: unknown[]) => {
    const site = memberSite('OneToMany', args);
    addProperty(site.raw, { kind: '1:m', name: site.name, target, inverse, options: { ...options } });
  };
}

/**
 * A one-to-one. The side with `owner: true` holds the FK; the other side names it with `inverse`.
 *
 * @example
 * @OneToOne(() => User, u => u.profile, { owner: true }) user!: Rel<User>;   // in Profile
 * @OneToOne(() => Profile, p => p.user) profile?: Rel<Profile>;            // in User
 */
export function OneToOne<T>(
  target: EntityTarget<T>,
  inverseOrOptions?: InverseSide<T> | OneToOneOptions,
  options: OneToOneOptions = {},
): MemberDecorator {
  const inverse = typeof inverseOrOptions === 'function' ? inverseOrOptions : undefined;
  const opts = typeof inverseOrOptions === 'object' ? inverseOrOptions : options;
  return (...args: unknown[]) => {
    const site = memberSite('OneToOne', args);
    addProperty(site.raw, { kind: '1:1', name: site.name, target, inverse, options: { ...opts } });
  };
}

/**
 * A many-to-many through a join table (or a `through` entity with extra columns). In a
 * bidirectional pair exactly one side says `owner: true`; a unidirectional one is its own owner.
 *
 * @example
 * @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
 * @ManyToMany(() => Car, c => c.owners, { owner: true, through: () => UserCar }) cars = new Collection<Car>(this);
 */
export function ManyToMany<T>(
  target: EntityTarget<T>,
  inverseOrOptions?: InverseSide<T> | ManyToManyOptions,
  options: ManyToManyOptions = {},
): MemberDecorator {
  const inverse = typeof inverseOrOptions === 'function' ? inverseOrOptions : undefined;
  const opts = typeof inverseOrOptions === 'object' ? inverseOrOptions : options;
  return (...args: unknown[]) => {
    const site = memberSite('ManyToMany', args);
    addProperty(site.raw, { kind: 'm:n', name: site.name, target, inverse, options: { ...opts } });
  };
}

/**
 * A read-only has-many-through collection: the `target` entities reached from this one along
 * `path`, a dot-separated chain of at least two relations of any kind (Lucid's `manyThrough`).
 * It is loaded and populated like any collection (one query per level, no duplicates per owner)
 * and usable in criteria (`$some`, `$none`, `$every`), but never written: change the relations
 * along the path instead.
 *
 * @example
 * @OneToMany(() => User, u => u.country) users = new Collection<User>(this);
 * @ManyThrough(() => Post, 'users.posts') posts = new Collection<Post>(this);   // country → users → posts
 */
export function ManyThrough<T>(target: EntityTarget<T>, path: string, options: ManyThroughOptions = {}): MemberDecorator {
  return (...args: unknown[]) => {
    const site = memberSite('ManyThrough', args);
    addProperty(site.raw, { kind: 'through', name: site.name, target, path, options: { ...options } });
  };
}
