// Sequelize 6 in its idiomatic bulk paths: models from `Model.init`, `bulkCreate` (W3 with
// `updateOnDuplicate`, its bulk update of different values per row), `destroy` with `where id IN`,
// `findAll` with `include`, each write in a managed transaction.
import { DataTypes, Model, Sequelize, type Options, type Transaction } from 'sequelize';
import type { ContenderId } from '../contender.js';
import { renamed, type BenchDialect, type CatalogSeed, type GraphAuthorData, type ItemData, type ItemRecord, type Store } from '../fixtures.js';
import { packageVersion, type PeerContext } from '../peer-context.js';
import { rentalViews, type CatalogAuthorView, type PopulatedParent, type RentalView } from '../verify.js';
import { WorkloadContender } from '../workload-contender.js';

// `declare` keeps the compiler from emitting class fields, which would hide Sequelize's attribute accessors.
class Item extends Model {
  declare id: number;
  declare name: string;
  declare email: string;
  declare score: number;
  declare active: boolean;
  declare createdAt: Date;
  declare notes?: ItemNote[];
}

class ItemNote extends Model {
  declare id: number;
  declare body: string;
  declare itemId: number;
}

class Author extends Model {
  declare id: number;
  declare name: string;
  declare books: Book[];
}

class Book extends Model {
  declare id: number;
  declare title: string;
  declare pages: number;
  declare authorId: number;
}

class Publisher extends Model {
  declare id: number;
  declare name: string;
}

class Tag extends Model {
  declare id: number;
  declare name: string;
}

class CatalogAuthor extends Model {
  declare id: number;
  declare name: string;
  declare books: CatalogBook[];
}

class CatalogBook extends Model {
  declare id: number;
  declare title: string;
  declare pages: number;
  declare publisher: Publisher;
  declare tags: Tag[];
}

class Film extends Model {
  declare id: number;
  declare title: string;
  declare length: number;
}

class Inventory extends Model {
  declare id: number;
  declare storeId: number;
  declare film: Film;
}

class Customer extends Model {
  declare id: number;
  declare firstName: string;
  declare lastName: string;
  declare email: string;
}

class Rental extends Model {
  declare id: number;
  declare rentalDate: Date;
  declare customer: Customer;
  declare inventory: Inventory;
}

/** The join table as a model of its own, so links to existing tags are written in bulk. */
class CatalogBookTag extends Model {
  declare bookId: number;
  declare tagId: number;
}

function define(sequelize: Sequelize): void {
  const key = { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true };
  const common = { sequelize, timestamps: false, underscored: true };
  Item.init(
    {
      id: key,
      name: { type: DataTypes.STRING, allowNull: false },
      email: { type: DataTypes.STRING, allowNull: false },
      score: { type: DataTypes.INTEGER, allowNull: false },
      active: { type: DataTypes.BOOLEAN, allowNull: false },
      createdAt: { type: DataTypes.DATE, allowNull: false },
    },
    { ...common, tableName: 'items' },
  );
  ItemNote.init({ id: key, body: { type: DataTypes.STRING, allowNull: false } }, { ...common, tableName: 'item_notes' });
  Item.hasMany(ItemNote, { as: 'notes', foreignKey: 'itemId' });
  Author.init({ id: key, name: { type: DataTypes.STRING, allowNull: false } }, { ...common, tableName: 'authors' });
  Book.init({ id: key, title: { type: DataTypes.STRING, allowNull: false }, pages: { type: DataTypes.INTEGER, allowNull: false } }, { ...common, tableName: 'books' });
  Author.hasMany(Book, { as: 'books', foreignKey: 'authorId' });
  Publisher.init({ id: key, name: { type: DataTypes.STRING, allowNull: false } }, { ...common, tableName: 'publishers' });
  Tag.init({ id: key, name: { type: DataTypes.STRING, allowNull: false } }, { ...common, tableName: 'tags' });
  CatalogAuthor.init({ id: key, name: { type: DataTypes.STRING, allowNull: false } }, { ...common, tableName: 'catalog_authors' });
  CatalogBook.init(
    { id: key, title: { type: DataTypes.STRING, allowNull: false }, pages: { type: DataTypes.INTEGER, allowNull: false } },
    { ...common, tableName: 'catalog_books' },
  );
  CatalogBookTag.init(
    { bookId: { type: DataTypes.INTEGER, primaryKey: true }, tagId: { type: DataTypes.INTEGER, primaryKey: true } },
    { ...common, tableName: 'catalog_book_tags' },
  );
  CatalogAuthor.hasMany(CatalogBook, { as: 'books', foreignKey: 'authorId' });
  CatalogBook.belongsTo(Publisher, { as: 'publisher', foreignKey: 'publisherId' });
  CatalogBook.belongsToMany(Tag, { as: 'tags', through: CatalogBookTag, foreignKey: 'bookId', otherKey: 'tagId' });
  // A fresh definition for each attribute: Sequelize writes the column name into the object it is given.
  const text = () => ({ type: DataTypes.STRING, allowNull: false });
  const int = () => ({ type: DataTypes.INTEGER, allowNull: false });
  Film.init({ id: key, title: text(), length: int() }, { ...common, tableName: 'films' });
  Inventory.init({ id: key, storeId: int() }, { ...common, tableName: 'inventory' });
  Inventory.belongsTo(Film, { as: 'film', foreignKey: 'filmId' });
  Customer.init({ id: key, firstName: text(), lastName: text(), email: text() }, { ...common, tableName: 'customers' });
  Rental.init({ id: key, rentalDate: { type: DataTypes.DATE, allowNull: false } }, { ...common, tableName: 'rentals' });
  Rental.belongsTo(Customer, { as: 'customer', foreignKey: 'customerId' });
  Rental.belongsTo(Inventory, { as: 'inventory', foreignKey: 'inventoryId' });
}

class SequelizeContender extends WorkloadContender<Item[], Author[], CatalogAuthor[], Rental[]> {
  readonly label: ContenderId = 'sequelize';
  // A joined read builds model instances row by row, without an identity map across rows.
  protected override readonly sharesRelatedObjects = false;

  constructor(
    readonly sequelize: Sequelize,
    readonly store: Store,
  ) {
    super();
  }

  #tx<T>(fn: (transaction: Transaction) => Promise<T>): Promise<T> {
    return this.sequelize.transaction(fn);
  }

  protected insertItems(data: readonly ItemData[]): Promise<Item[]> {
    return this.#tx((transaction) => Item.bulkCreate(data as readonly object[] as Parameters<typeof Item.bulkCreate>[0], { transaction }));
  }

  protected findItems(): Promise<Item[]> {
    return Item.findAll();
  }

  protected loadItems(): Promise<Item[]> {
    return this.findItems();
  }

  protected loadedCount(items: Item[]): number {
    return items.length;
  }

  protected async renameItems(items: Item[]): Promise<void> {
    for (const it of items) it.name = renamed(it.id);
    // Different values per row in one statement: an upsert of the rows that updates `name` on the key conflict.
    await this.#tx((transaction) => Item.bulkCreate(items.map((it) => it.get()), { updateOnDuplicate: ['name'], transaction }));
  }

  protected async removeItems(items: Item[]): Promise<void> {
    await this.#tx((transaction) => Item.destroy({ where: { id: items.map((it) => it.id) }, transaction }));
  }

  protected findItem(id: number): Promise<ItemRecord | null> {
    return Item.findByPk(id);
  }

  protected findAuthorsWithBooks(): Promise<Author[]> {
    return Author.findAll({ include: [{ model: Book, as: 'books' }] });
  }

  protected parentsView(authors: Author[]): PopulatedParent[] {
    // Sequelize sets no back-reference on the children: each names its parent by the foreign key.
    return authors.map((a) => ({ id: a.id, children: a.books.map((b) => ({ id: b.id, pages: b.pages, parentId: b.authorId })) }));
  }

  protected parentsCount(authors: Author[]): number {
    return authors.length + authors.reduce((n, a) => n + a.books.length, 0);
  }

  protected findCatalog(): Promise<CatalogAuthor[]> {
    return CatalogAuthor.findAll({
      include: [
        {
          model: CatalogBook,
          as: 'books',
          include: [
            { model: Publisher, as: 'publisher' },
            { model: Tag, as: 'tags', through: { attributes: [] } },
          ],
        },
      ],
    });
  }

  protected catalogView(authors: CatalogAuthor[]): CatalogAuthorView[] {
    return authors.map((a) => ({ name: a.name, books: a.books.map((b) => ({ title: b.title, publisher: b.publisher.name, tags: b.tags.map((t) => t.name) })) }));
  }

  protected findRentals(): Promise<Rental[]> {
    return Rental.findAll({
      include: [
        { model: Customer, as: 'customer' },
        { model: Inventory, as: 'inventory', include: [{ model: Film, as: 'film' }] },
      ],
    });
  }

  protected rentalsView(rentals: Rental[]): RentalView[] {
    return rentalViews(rentals);
  }

  protected async insertGraph(graph: readonly GraphAuthorData[], seed: CatalogSeed): Promise<void> {
    await this.#tx(async (transaction) => {
      const authors = await CatalogAuthor.bulkCreate(
        graph.map((a) => ({ name: a.name })),
        { transaction },
      );
      const rows: { title: string; pages: number; authorId: number; publisherId: number }[] = [];
      graph.forEach((a, i) => {
        for (const b of a.books) rows.push({ title: b.title, pages: b.pages, authorId: authors[i]!.id, publisherId: seed.publisherIds[b.publisher]! });
      });
      const books = await CatalogBook.bulkCreate(rows, { transaction });
      const links: { bookId: number; tagId: number }[] = [];
      let k = 0;
      for (const a of graph) {
        for (const b of a.books) {
          const bookId = books[k++]!.id;
          for (const t of b.tags) links.push({ bookId, tagId: seed.tagIds[t]! });
        }
      }
      await CatalogBookTag.bulkCreate(links, { transaction });
    });
  }

  close(): Promise<void> {
    return this.sequelize.close();
  }
}

function options(context: PeerContext): { url: string; options: Options } {
  const common: Options = { logging: false, pool: { max: 10 } };
  if (context.dialect === 'pg') return { url: context.pgUrl, options: { ...common, dialect: 'postgres' } };
  return { url: context.mysqlUrl, options: { ...common, dialect: 'mysql', timezone: '+00:00' } };
}

export const version = packageVersion('sequelize');
// Sequelize 6 reaches SQLite only through the `sqlite3` package, not better-sqlite3: it is not measured there.
export const dialects: readonly BenchDialect[] = ['pg', 'mysql'];

export async function open(context: PeerContext): Promise<SequelizeContender> {
  if (!context.store) throw new Error(`sequelize: no ${context.dialect} support here`);
  const { url, options: o } = options(context);
  const sequelize = new Sequelize(url, o);
  try {
    define(sequelize);
    await sequelize.authenticate();
    return new SequelizeContender(sequelize, context.store);
  } catch (e) {
    await sequelize.close();
    throw e;
  }
}
