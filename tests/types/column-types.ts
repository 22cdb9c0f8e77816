// `@Property({ type })` takes the built-in names, Type classes and instances; array properties take
// $contains / $overlap, other properties do not.
import { ArrayType, CharType, Entity, PrimaryKey, Property, Type, type EntityManager, type TypeContext } from 'joinery';

class Point extends Type<{ x: number; y: number }, string> {
  override getColumnType(c: TypeContext): string {
    return c.dialect === 'sqlite' ? 'text' : 'varchar(40)';
  }
}

@Entity()
export class Shape {
  @PrimaryKey() id!: number;
  @Property({ type: 'array' }) tags!: string[];
  @Property({ type: new ArrayType('integer') }) sizes!: number[];
  @Property({ type: 'enum', enum: ['a', 'b'], nativeEnumName: 'shape_kind' }) kind!: string;
  @Property({ type: 'blob' }) data!: Buffer;
  @Property({ type: new CharType({ trimEnd: false }), length: 3 }) code!: string;
  @Property({ type: Point }) at!: { x: number; y: number };
  @Property({ type: 'timestamptz' }) when!: Date;
  // @ts-expect-error not a type joinery knows
  @Property({ type: 'varchar' }) bad!: string;
  // @ts-expect-error a class that is not a Type
  @Property({ type: Map }) bad2!: string;
}

declare const em: EntityManager;

export async function criteria() {
  await em.find(Shape, { tags: { $contains: ['x'] }, sizes: { $overlap: [1, 2] } });
  await em.find(Shape, { kind: { $like: 'a%' } });
  // @ts-expect-error $contains is for array properties
  await em.find(Shape, { kind: { $contains: ['a'] } });
  // @ts-expect-error the items of a string[] are strings
  await em.find(Shape, { tags: { $contains: [1] } });
}

// A key the database makes takes generated: 'insert'; a key is never 'always' generated.
@Entity()
export class Ticket {
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()', generated: 'insert' }) id!: string;
}

@Entity()
export class BadTicket {
  // @ts-expect-error a key the database rewrites on every write is no key
  @PrimaryKey({ type: 'uuid', generated: 'always' }) id!: string;
}
