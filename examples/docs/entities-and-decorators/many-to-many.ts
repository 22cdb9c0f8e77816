import assert from 'node:assert/strict';
import { Collection, Entity, Joinery, ManyToMany, PrimaryKey, Property } from 'joinery';

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  // #region docs
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);                        // join table post_tag
  // #endregion docs
}

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  // #region docs
  @ManyToMany(() => Group, (g) => g.members, { owner: true }) groups = new Collection<Group>(this);
  // #endregion docs
}

@Entity()
export class Group {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  // #region docs
  @ManyToMany(() => User, (u) => u.groups) members = new Collection<User>(this);  // in Group
  // #endregion docs
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [Tag, Post, User, Group], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    const ddl = orm.schema.getCreateSQL();
    assert.match(ddl, /create table `post_tag` \(`post_id` integer not null, `tag_id` integer not null, primary key \(`post_id`, `tag_id`\)/);
    assert.match(ddl, /create table `group_user` \(`user_id` integer not null, `group_id` integer not null, primary key \(`user_id`, `group_id`\)/);
    assert.match(ddl, /foreign key \(`tag_id`\) references `tags` \(`id`\) on delete cascade/);
    await orm.schema.create();

    const em = orm.em.fork();
    const post = em.create(Post, { title: 'Notes' });
    const maths = em.create(Tag, { name: 'maths' });
    post.tags.add(maths);
    const ada = em.create(User, { name: 'Ada' });
    const admins = em.create(Group, { name: 'admins' });
    admins.members.add(ada);                    // the inverse side: queued on the owner, ada.groups
    await em.flush();

    // Adding a link that already exists is not an error, and does not duplicate it.
    const em2 = orm.em.fork();
    const again = await em2.findOneOrFail(Post, post.id);
    again.tags.add(maths.id);
    await em2.flush();

    const read = await orm.em.fork().findOneOrFail(Post, post.id, { populate: ['tags'] });
    assert.deepEqual(read.tags.getItems().map((t) => t.name), ['maths']);
    const user = await orm.em.fork().findOneOrFail(User, ada.id, { populate: ['groups'] });
    assert.deepEqual(user.groups.getItems().map((g) => g.name), ['admins']);
  } finally {
    await orm.close();
  }
}
