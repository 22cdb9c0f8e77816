// The ER diagram of `joinery diagram`: mapped entities (metadata, no database) → Mermaid text.
import test from 'ava';
import { renderMermaidDiagram } from '../../src/generator/mermaid-diagram.js';
import { discoverMetadata } from '../../src/metadata/discovery.js';
import { Collection, Entity, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Property, type Rel } from '../../src/index.js';

test('entities with their keys, and every relation once with cardinality, owner side and join table', (t) => {
  @Entity()
  class Author {
    @PrimaryKey() id!: number;
    @Property({ type: 'string', unique: true }) email!: string;
    @OneToMany(() => Book, (b) => b.author) books = new Collection<Book>(this);
    @OneToOne(() => Bio, (b) => b.author) bio?: Rel<Bio>;
  }
  @Entity()
  class Bio {
    @PrimaryKey() id!: number;
    @OneToOne(() => Author, (a) => a.bio, { owner: true }) author!: Rel<Author>;
  }
  @Entity({ tableName: 'tbl_books' })
  class Book {
    @PrimaryKey() id!: number;
    @Property({ type: 'string', columnName: 'book_title' }) title!: string;
    @ManyToOne(() => Author, { nullable: true }) author?: Rel<Author>;
    @ManyToMany(() => Tag, (tag) => tag.books, { owner: true }) tags = new Collection<Tag>(this);
  }
  @Entity()
  class Tag {
    @PrimaryKey() id!: number;
    @ManyToMany(() => Book, (b) => b.tags) books = new Collection<Book>(this);
  }
  const diagram = renderMermaidDiagram(discoverMetadata([Author, Bio, Book, Tag]));
  t.is(
    diagram,
    [
      'erDiagram',
      '  Author {',
      '    integer id PK',
      '    string email UK',
      '  }',
      '  Bio {',
      '    integer id PK',
      '    integer author FK, UK "column author_id"',
      '  }',
      '  Book {',
      '    integer id PK',
      '    string title "column book_title"',
      '    integer author FK "column author_id, nullable"',
      '  }',
      '  Tag {',
      '    integer id PK',
      '  }',
      '  Author ||--o| Bio : "Bio.author (owner) / Author.bio"',
      '  Author |o--o{ Book : "Book.author (owner) / Author.books"',
      '  Book }o--o{ Tag : "Book.tags (owner) / Tag.books, join table tag_tbl_book"',
      '',
    ].join('\n'),
  );
});

test('a connection option keeps the diagram to that connection\'s entities and the relations between them', (t) => {
  @Entity()
  class Owner {
    @PrimaryKey() id!: number;
  }
  @Entity({ connection: 'archive' })
  class Record {
    @PrimaryKey() id!: number;
    @ManyToOne(() => Owner) owner!: Rel<Owner>;
  }
  const metadata = discoverMetadata([Owner, Record], { connections: ['default', 'archive'] });
  const archive = renderMermaidDiagram(metadata, { connection: 'archive' });
  t.regex(archive, /^ {2}Record \{$/m);
  t.notRegex(archive, /Owner/);
  t.regex(renderMermaidDiagram(metadata), /^ {2}Owner \|\|--o\{ Record : "Record\.owner \(owner\)"$/m);
});
