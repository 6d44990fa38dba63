/**
 * PGlite runs no autovacuum: the embedded database vacuums itself (`Database.maintain`, every
 * `EMBEDDED_VACUUM_EVERY_MS`). Without it every delivery the event pipeline acknowledges stays
 * on disk for good — a laptop's `event_deliveries` held 42 MB for no live row after 12,000
 * tasks — and the planner never gets statistics.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDatabase, type Database } from '../src/index.js';

let database: Database;
/** PGlite's driver answers `{ rows }`. */
const rowsOf = (result: unknown) => (result as { rows: Record<string, unknown>[] }).rows;

beforeEach(async () => {
  database = await createDatabase({});
  await database.migrate();
});

afterEach(async () => {
  await database.close();
});

/** What the pipeline does to its queue: `count` deliveries written, then acknowledged. */
async function deliverAndAcknowledge(count: number): Promise<void> {
  await database.db.execute(sql`
    insert into event_deliveries (event_id, topic, subscription, partition_key, event, available_at)
    select 'e' || i, 'task-events', 'notifier', 'k' || i, jsonb_build_object('padding', repeat('x', 500)), now()
    from generate_series(1, ${count}::int) as i`);
  await database.db.execute(sql`delete from event_deliveries`);
}

async function queueBytes(): Promise<number> {
  const [row] = await database.db.execute(sql`select pg_total_relation_size('event_deliveries') as bytes`).then(rowsOf);
  return Number(row!.bytes);
}

it('grows the queue by every acknowledged delivery when nothing vacuums it', async () => {
  await deliverAndAcknowledge(2_000);
  const once = await queueBytes();
  await deliverAndAcknowledge(2_000);
  expect(await queueBytes()).toBeGreaterThan(1.8 * once);
});

it('lets the queue reuse the space of acknowledged deliveries once maintained', async () => {
  await deliverAndAcknowledge(2_000);
  const once = await queueBytes();
  await database.maintain();
  await deliverAndAcknowledge(2_000);
  // The rows go where the dead ones were; emptied index pages are reused only after a second vacuum.
  expect(await queueBytes()).toBeLessThan(1.25 * once);
});

it('gives the planner statistics', async () => {
  const reltuples = async () => {
    const [row] = await database.db
      .execute(sql`select reltuples::float8 as n from pg_class where relname = 'tasks'`)
      .then(rowsOf);
    return Number(row!.n);
  };
  expect(await reltuples()).toBe(-1); // never vacuumed nor analysed
  await database.maintain();
  expect(await reltuples()).toBe(0);
});
