import assert from 'node:assert/strict';
import { Collection, Entity, EntityManager, Joinery, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Property, type Rel } from 'joinery';

@Entity()
export class User {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @OneToMany(() => Post, (p) => p.author) posts = new Collection<Post>(this);
}

@Entity()
export class Post {
  @PrimaryKey() id!: number;
  @Property() title!: string;
  @Property() published!: boolean;
  @Property({ default: false }) archived!: boolean;
  @ManyToOne(() => User) author!: Rel<User>;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity()
export class Tag {
  @PrimaryKey() id!: number;
  @Property() name!: string;
}

// #region docs
async function tidyUp(em: EntityManager, userId: number, postId: number) {
  const user = await em.findOneOrFail(User, userId);
  // UPDATE posts SET archived = ? WHERE posts.author_id = ? AND posts.published = ?
  const archived = await user.posts.nativeUpdate({ published: true }, { archived: true });
  // DELETE FROM posts WHERE posts.author_id = ? AND posts.published = ?
  const deleted = await user.posts.nativeDelete({ published: false });

  // Many-to-many: the Tag rows linked to this post are deleted (not only the links),
  // and the join table's ON DELETE CASCADE removes their links to every other post.
  const post = await em.findOneOrFail(Post, postId);
  const tagsDeleted = await post.tags.nativeDelete({ name: { $like: 'tmp-%' } });
  return { archived, deleted, tagsDeleted };   // numbers of rows
}
// #endregion docs

export async function main(): Promise<void> {
  const statements: string[] = [];
  const orm = await Joinery.init({
    entities: [User, Post, Tag],
    client: 'sqlite',
    connection: { filename: ':memory:' },
    logger: (q) => statements.push(q.sql),
  });
  try {
    await orm.schema.create();
    const seed = orm.em.fork();
    const ann = seed.create(User, { name: 'Ann' });
    const bob = seed.create(User, { name: 'Bob' });
    const [news, tmp1, tmp2] = ['news', 'tmp-1', 'tmp-2'].map((name) => seed.create(Tag, { name }));
    const hello = seed.create(Post, { title: 'Hello', published: true, author: ann, tags: [news!, tmp1!, tmp2!] });
    seed.create(Post, { title: 'Again', published: true, author: ann });
    seed.create(Post, { title: 'Draft', published: false, author: ann });
    const bobs = seed.create(Post, { title: 'Bob', published: false, author: bob, tags: [tmp1!] });
    await seed.flush();

    const em = orm.em.fork();
    const loaded = await em.findOneOrFail(Post, hello.id);
    statements.length = 0;
    assert.deepEqual(await tidyUp(em, ann.id, hello.id), { archived: 2, deleted: 1, tagsDeleted: 2 });
    // The statements are the ones the comments show.
    const writes = statements.filter((s) => /^(update|delete)/i.test(s));
    assert.deepEqual(writes, [
      'UPDATE "posts" SET "archived" = ? WHERE "posts"."author_id" = ? AND "posts"."published" = ?',
      'DELETE FROM "posts" WHERE "posts"."author_id" = ? AND "posts"."published" = ?',
      'DELETE FROM "tags" WHERE "tags"."id" IN (SELECT "links"."tag_id" FROM "post_tag" "links" WHERE "links"."post_id" = ?) AND "tags"."name" LIKE ? ESCAPE \'\\\'',
    ]);

    // Like em.nativeUpdate: entities already in memory keep the values they had.
    assert.equal(loaded.archived, false);
    await em.refresh(loaded);
    assert.equal(loaded.archived, true);

    const check = orm.em.fork();
    assert.equal(await check.count(Post, { author: bob.id }), 1, "Bob's draft is not Ann's");
    const bobsPost = await check.findOneOrFail(Post, bobs.id, { populate: ['tags'] });
    assert.deepEqual(bobsPost.tags.getItems(), [], 'tmp-1 is gone for Bob too');
    assert.deepEqual((await check.find(Tag, {})).map((t) => t.name), ['news']);
  } finally {
    await orm.close();
  }
}
