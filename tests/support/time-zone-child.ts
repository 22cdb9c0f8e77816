// Run by tests/integration/time-zones.test.ts as a child process with its own TZ: reads the legacy
// rows, writes one datetime, and prints what it saw as JSON on stdout.
import { Entity, Joinery, PrimaryKey, Property, type ConnectionConfig } from 'joinery';

@Entity({ tableName: 'tz_events' })
class TzEvent {
  @PrimaryKey({ type: 'integer' }) id!: number;
  @Property({ type: 'datetime', nullable: true }) at?: Date | null;
  @Property({ type: 'string', length: 20 }) label!: string;
}

interface ChildInput {
  config: ConnectionConfig;
  timezone?: string;
  /** The SQL that reads the stored text of `at` for one label (`?`). */
  rawSql: string;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2]!) as ChildInput;
  const orm = await Joinery.init({ entities: [TzEvent], ...input.config, ...(input.timezone ? { timezone: input.timezone } : {}) });
  try {
    const em = orm.em.fork();
    const rows = await em.find(TzEvent, { label: { $like: 'legacy%' } }, { orderBy: { id: 'asc' } });
    const read = rows.map((r) => r.at?.toISOString() ?? null);
    const label = `w-${process.env.TZ}`.slice(0, 20);
    em.create(TzEvent, { label, at: new Date('2020-06-01T12:00:00.250Z') });
    await em.flush();
    const back = await orm.em.fork().findOneOrFail(TzEvent, { label });
    const [stored] = await em.execute<{ t: unknown }>(input.rawSql, [label]);
    const found = await orm.em.fork().count(TzEvent, { at: new Date('2020-06-01T12:00:00.250Z'), label });
    await em.nativeDelete(TzEvent, { label });
    process.stdout.write(JSON.stringify({ read, written: back.at!.toISOString(), stored: String(stored!.t), found }));
  } finally {
    await orm.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(String((e as Error)?.stack ?? e));
  process.exit(1);
});
