/**
 * What the embedded pipeline reads of its queues. Each published outbox row and each
 * acknowledged delivery leaves a dead index entry until the next vacuum (a minute or more under
 * load). As bitmap scans, the two claims — the
 * relay's of outbox rows, the bus's of deliveries — read all of them on every pass: 10,000
 * entries and 2 ms per claim under bench:api's load. Now both
 * walk an index in claim order from the oldest live row, which marks the dead entries it passes,
 * and read about a batch. The relay's prune reads only old rows, not the day of published events
 * the outbox keeps. Autovacuum is off for both tables here, as between two of its runs, and the
 * claims keep the generic plan a prepared statement caches.
 */
import { randomUUID } from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CloudEvent } from '@todo/domain';
import { schema, type Db } from '@todo/storage';
import { connectMigratedPostgres, readsOf, TestClock, type MigratedPostgres } from '@todo/testing';
import { DeliveryQueries } from '../src/in-process/delivery-store.js';
import { OutboxRelay } from '../src/index.js';
import { testEvent } from './support.js';

const HANDLED = 8_000;
const BATCH = 100;
let postgres: MigratedPostgres;
let client: pg.Client;
let db: Db;

beforeAll(async () => {
  postgres = await connectMigratedPostgres('todo_queue_claims');
  client = postgres.client;
  await client.query(`alter table outbox set (autovacuum_enabled = off)`);
  await client.query(`alter table event_deliveries set (autovacuum_enabled = off)`);
  // An index scan marks an entry dead only once the deleting commit is on disk: the test cluster
  // commits asynchronously (scripts/infra/postgres.sh), a server by default does not.
  await client.query(`set plan_cache_mode = force_generic_plan; set synchronous_commit = on`);
  db = drizzle(client, { schema }) as unknown as Db;
});

afterAll(async () => {
  await postgres?.close();
});

it('a delivery claim reads about its batch after thousands of acknowledged deliveries', async () => {
  const queries = new DeliveryQueries(db);
  const now = new Date('2026-11-27T09:00:00Z');
  const lease = new Date(now.getTime() + 30_000);
  const claim = () => queries.claim({ topic: 'task-events', name: 'notifier', now, lease, limit: BATCH, followers: BATCH });
  // Keys as tasks' ids: each key's own dead entries are read once, by the first claim after them.
  const deliver = async (from: number, count: number, keys: number) => {
    await client.query(
      `insert into event_deliveries (event_id, topic, subscription, partition_key, event, available_at)
       select 'e' || i, 'task-events', 'notifier', 'k' || (i % $4::int), '{}'::jsonb, $1::timestamptz
       from generate_series($2::int, $2::int + $3::int - 1) as i order by i`,
      [now.toISOString(), from, count, keys],
    );
  };
  // Handled as the bus handles them: claimed a batch at a time, then acknowledged (deleted).
  await deliver(0, HANDLED, 50);
  for (let rows = await claim(); rows.length; rows = await claim()) await queries.delete(rows.map((r) => r.seq));

  await deliver(HANDLED, 10, 10);
  await claim().then((rows) => queries.delete(rows.map((r) => r.seq)));
  await deliver(HANDLED + 10, 10, 10);
  let claimed: Awaited<ReturnType<typeof claim>> = [];
  const { indexEntries: read } = await readsOf(client, 'event_deliveries', async () => (claimed = await claim()));
  expect(claimed.map((r) => r.eventId)).toEqual(Array.from({ length: 10 }, (_, i) => `e${HANDLED + 10 + i}`));
  // The 10 rows, the floor's lookup and each row's check for an earlier one of its key.
  expect(read).toBeLessThan(BATCH);
}, 60_000);

it("a relay's claim reads about its batch after thousands of published outbox rows", async () => {
  const clock = new TestClock(new Date('2026-11-27T09:00:00Z'));
  const published: string[] = [];
  const relay = new OutboxRelay({
    db,
    clock,
    batchSize: BATCH,
    bus: {
      publish: async (_topic: string, event: CloudEvent) => {
        published.push(event.id);
      },
    },
  });
  const write = async (count: number) => {
    const createdAt = clock.now();
    const events = Array.from({ length: count }, () => testEvent(createdAt, { id: randomUUID() }));
    await db.insert(schema.outbox).values(
      events.map((event) => ({
        id: event.id,
        topic: 'task-events',
        type: event.type,
        event,
        createdAt,
        availableAt: createdAt,
      })),
    );
    clock.advance(1_000);
    return events.map((e) => e.id);
  };
  for (let i = 0; i < HANDLED; i += 1_000) await write(1_000);
  await relay.drain();
  expect(published).toHaveLength(HANDLED);

  await write(10);
  await relay.drain();
  const ids = await write(10);
  const { indexEntries: read } = await readsOf(client, 'outbox', () => relay.drain());
  expect(published.slice(-10).sort()).toEqual(ids.sort());
  // The 10 rows claimed, then marked published by id.
  expect(read).toBeLessThan(BATCH);
}, 60_000);

it("the relay's prune of published rows reads the old end of the outbox, not a day of events", async () => {
  const RECENT = 20_000;
  await client.query('delete from outbox');
  const clock = new TestClock(new Date('2026-11-28T09:00:00Z'));
  const relay = new OutboxRelay({ db, clock, bus: { publish: async () => undefined }, retentionMs: 3_600_000 });
  const published = (count: number) =>
    client.query(
      `insert into outbox (id, topic, type, event, created_at, available_at, published_at)
       select gen_random_uuid(), 'task-events', 'todo.task.updated.v1', jsonb_build_object('padding', repeat('x', 300)),
         $1::timestamptz + i * interval '1 ms', $1::timestamptz, $1::timestamptz
       from generate_series(1, $2::int) as i`,
      [clock.now().toISOString(), count],
    );
  await published(100); // past the retention by the time of the prune below
  clock.advance(30 * 60_000);
  await published(RECENT);
  await client.query('vacuum (analyze) outbox'); // as autovacuum does: sums up the filled block ranges
  clock.advance(40 * 60_000);
  const { rows: read } = await readsOf(client, 'outbox', () => relay.drain());
  const { rows } = await client.query<{ n: number }>('select count(*)::int as n from outbox');
  expect(rows[0]!.n).toBe(RECENT);
  // One block range of rows (128 pages) around the 100 old ones; a scan of the table reads all.
  expect(read).toBeLessThan(RECENT / 4);
}, 60_000);
