import assert from 'node:assert/strict';
import { ArrayType, Entity, Joinery, PrimaryKey, Property, ValidationError } from 'joinery';
import { exampleDatabase } from '../support.js';

// #region docs:model
@Entity()
class Article {
  @PrimaryKey() id!: number;
  @Property({ type: 'array' }) tags!: string[];                          // text[]
  @Property({ type: new ArrayType('integer') }) ratings!: number[];       // integer[]
  @Property({ type: 'enum', enum: ['draft', 'published'] }) status!: string; // CREATE TYPE articles_status AS ENUM
  @Property({ type: 'blob', nullable: true }) cover?: Buffer | null;      // bytea
  @Property({ type: 'char', length: 2 }) lang!: string;                   // char(2)
  @Property({ type: 'time' }) publishAt!: string;                         // time
  @Property({ type: 'smallint' }) priority!: number;                      // smallint
}
// #endregion docs:model

export async function main(): Promise<void> {
  const db = await exampleDatabase('pg', __filename);
  const orm = await Joinery.init({ entities: [Article], ...db.config });
  try {
    await orm.schema.create();
    const seed = orm.em.fork();
    seed.create(Article, { tags: ['orm', 'sql'], ratings: [5, 4], status: 'published', cover: Buffer.from([0xff, 0xd8]), lang: 'en', publishAt: '09:00:00', priority: 1 });
    seed.create(Article, { tags: ['sql'], ratings: [], status: 'draft', lang: 'de', publishAt: '18:30:00', priority: 2 });
    await seed.flush();
    const em = orm.em.fork();
    // #region docs:queries
    const both = await em.find(Article, { tags: { $contains: ['orm', 'sql'] } });  // tags @> ARRAY[...]
    const either = await em.find(Article, { tags: { $overlap: ['orm', 'sql'] } }); // tags && ARRAY[...]
    const published = await em.find(Article, { status: { $like: 'pub%' } });       // CAST(status AS text) LIKE
    // #endregion docs:queries
    assert.equal(both.length, 1);
    assert.equal(either.length, 2);
    assert.equal(published.length, 1);
    assert.deepEqual([...published[0]!.cover!], [0xff, 0xd8]);
    assert.equal(published[0]!.lang, 'en');
    // #region docs:validation
    em.create(Article, { tags: [], ratings: [], status: 'archived', lang: 'fr', publishAt: '10:00:00', priority: 1 });
    await assert.rejects(em.flush(), (e: unknown) => e instanceof ValidationError && /Article\.status must be one of "draft", "published"/.test(e.message));
    // #endregion docs:validation
  } finally {
    await orm.close();
    await db.drop();
  }
}
