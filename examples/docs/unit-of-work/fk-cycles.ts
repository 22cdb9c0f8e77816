import assert from 'node:assert/strict';
import { Entity, Joinery, ManyToOne, MetadataError, PrimaryKey, Property, type Rel } from 'joinery';

// #region docs:model
@Entity()
export class Store {
  @PrimaryKey() id!: number;
  @Property() address!: string;
  // NOT NULL both ways: the constraint on this side is checked at COMMIT.
  @ManyToOne(() => Staff, { deferrable: true }) manager!: Rel<Staff>;
}

@Entity()
export class Staff {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @ManyToOne(() => Store) store!: Rel<Store>;
}
// #endregion docs:model

@Entity({ tableName: 'stores' })
export class StrictStore {
  @PrimaryKey() id!: number;
  @Property() address!: string;
  @ManyToOne(() => StrictStaff) manager!: Rel<StrictStaff>;
}

@Entity({ tableName: 'staffs' })
export class StrictStaff {
  @PrimaryKey() id!: number;
  @Property() name!: string;
  @ManyToOne(() => StrictStore) store!: Rel<StrictStore>;
}

export async function main(): Promise<void> {
  const orm = await Joinery.init({ entities: [Store, Staff], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    await orm.schema.create();      // store.manager_id ... DEFERRABLE INITIALLY DEFERRED
    const em = orm.em.fork();
    // #region docs:deferrable
    const store = em.create(Store, { address: '47 MySakila Drive' } as Store);
    const mike = em.create(Staff, { name: 'Mike', store });
    store.manager = mike;
    await em.flush();   // INSERT store (placeholder manager), INSERT staff, UPDATE store: one transaction
    // #endregion docs:deferrable
    const check = await orm.em.fork().findOneOrFail(Store, { id: store.id }, { populate: ['manager'] });
    assert.equal(check.manager.name, 'Mike');
    const em2 = orm.em.fork();
    const [gone] = await em2.find(Store, {}, { populate: ['manager'] });
    em2.remove([gone!, gone!.manager]);
    await em2.flush();  // two DELETEs, checked at COMMIT
    assert.equal(await orm.em.fork().count(Staff, {}), 0);
  } finally {
    await orm.close();
  }

  // Without a deferrable constraint the same flush stops before any SQL.
  const strict = await Joinery.init({ entities: [StrictStore, StrictStaff], client: 'sqlite', connection: { filename: ':memory:' } });
  try {
    await strict.schema.create();
    const em = strict.em.fork();
    const store = em.create(StrictStore, { address: 'x' } as StrictStore);
    store.manager = em.create(StrictStaff, { name: 'Mike', store });
    await assert.rejects(em.flush(), (e: unknown) => e instanceof MetadataError && e.code === 'FK_CYCLE' && /StrictStore\.manager → StrictStaff/.test(e.message));
  } finally {
    await strict.close();
  }
}
