import assert from 'node:assert/strict';
import { Entity, Joinery, ManyToOne, PrimaryKey, Property, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  // #region docs
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null', joinColumn: 'editor_user_id' }) editor?: Rel<User> | null;
  // #endregion docs
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [User, Post], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    const ddl = orm.schema.getCreateSQL();
    assert.match(ddl, /foreign key \(`author_id`\) references `users` \(`id`\) on delete no action/);
    assert.match(ddl, /foreign key \(`editor_user_id`\) references `users` \(`id`\) on delete set null/);
    await orm.schema.create();

    const em = orm.em.fork();
    const ada = em.create(User, { name: 'Ada' });
    const bob = em.create(User, { name: 'Bob' });
    em.create(Post, { title: 'Notes', author: ada, editor: bob });
    await em.flush();

    // Deleting the editor's row leaves the post, with no editor.
    await orm.em.fork().nativeDelete(User, bob.id);
    const post = await orm.em.fork().findOneOrFail(Post, { title: 'Notes' });
    assert.equal(post.editor, null);
    assert.equal(post.author.id, ada.id);
  } finally {
    await orm.close();
  }
}
