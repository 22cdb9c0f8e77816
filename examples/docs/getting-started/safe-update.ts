import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Entity, Joinery, PrimaryKey, Property, UsageError } from 'joinery';

// What the database holds before: table `items` with columns id, name, colour, legacy_code.
@Entity({ tableName: 'items' })
class ItemBefore {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property({ nullable: true }) colour?: string;
  @Property({ nullable: true }) legacyCode?: string;
}

// #region docs:entity
@Entity({ renamedFrom: 'items' })                        // was table `items`
class Product {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property({ renamedFrom: 'colour', nullable: true }) color?: string;   // was column `colour`
  @Property({ default: 0 }) stock!: number;             // new and NOT NULL: existing rows get 0
  // legacyCode is gone from the class: its column stays until asked
}
// #endregion docs:entity

@Entity({ tableName: 'products' })
class ProductWithSku {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @Property({ nullable: true }) color?: string;
  @Property({ default: 0 }) stock!: number;
  @Property() sku!: string;                              // NOT NULL, no default
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'joinery-docs-safe-update-'));
  const database = { client: 'sqlite' as const, connection: { filename: join(dir, 'app.db') } };
  const before = await Joinery.init({ ...database, entities: [ItemBefore] });
  await before.schema.create();
  await before.getDriver().execute({ sql: "insert into items (name, colour, legacy_code) values ('Lamp', 'red', 'X1')", params: [] });
  await before.close();

  const orm = await Joinery.init({ ...database, entities: [Product] });
  const printed: string[] = [];
  const warn = console.warn;
  console.warn = (line: string) => printed.push(line);
  try {
    // #region docs:update
    const { sql, skipped } = await orm.schema.update();
    // alter table `items` rename to `products`;
    // alter table `products` rename column `colour` to `color`;
    // alter table `products` add column `stock` integer not null default 0
    for (const s of skipped) console.warn(s.message);
    // kept column products.legacy_code: no property maps it (drop it with schema.update({ safe: false }) or joinery schema:update --drop)
    // #endregion docs:update
    assert.deepEqual(sql.split(';\n'), [
      'alter table `items` rename to `products`',
      'alter table `products` rename column `colour` to `color`',
      'alter table `products` add column `stock` integer not null default 0;',
    ]);
    assert.deepEqual(printed, [
      'kept column products.legacy_code: no property maps it (drop it with schema.update({ safe: false }) or joinery schema:update --drop)',
    ]);
    const lamp = await orm.em.fork().findOneOrFail(Product, { name: 'Lamp' });
    assert.deepEqual([lamp.color, lamp.stock], ['red', 0], 'the rows kept their values, and got the default');

    const withSku = await Joinery.init({ ...database, entities: [ProductWithSku] });
    try {
      await assert.rejects(withSku.schema.update(), (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.code, 'SCHEMA_NOT_NULL_WITHOUT_DEFAULT');
        assert.match(e.message, /ProductWithSku\.sku \(column products\.sku\)/);
        return true;
      });
    } finally {
      await withSku.close();
    }

    await orm.schema.update({ safe: false });
    const columns = await orm.getDriver().execute({ sql: "select name from pragma_table_info('products')", params: [] });
    assert.deepEqual(columns.rows.map((r) => r.name), ['id', 'name', 'color', 'stock'], 'safe: false dropped legacy_code');
  } finally {
    console.warn = warn;
    await orm.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
