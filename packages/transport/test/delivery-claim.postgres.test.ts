/**
 * The embedded bus's claim keeps working when PostgreSQL planned it on an empty table and the
 * table filled afterwards — what a fresh database gets from a burst of events. As
 * `update … where seq in (select … limit n for update skip locked)`, that cached plan re-ran the
 * subquery for every row of the table: one claim over 5,000 pending rows ran for minutes
 * (docs/decisions/0004-claim-functions.md), and each re-run skipped what the previous ones had locked,
 * so a claim of 100 took every claimable row (1,000 here). `statement_timeout` turns a hang
 * into a failure.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { schema, type Db } from '@todo/storage';
import { connectMigratedPostgres, readsOf, type MigratedPostgres } from '@todo/testing';
import { DeliveryQueries } from '../src/in-process/delivery-store.js';

const PENDING = 3_000;
let postgres: MigratedPostgres;
let client: pg.Client;

beforeAll(async () => {
  // One connection: the statement the claims prepare, and the plan it caches, live in it.
  postgres = await connectMigratedPostgres('todo_claim');
  client = postgres.client;
  await client.query(`set plan_cache_mode = force_generic_plan; set statement_timeout = '20s'`);
});

afterAll(async () => {
  await postgres?.close();
});

it('claims the oldest due rows of each key when the table filled after the claim was planned', async () => {
  const queries = new DeliveryQueries(drizzle(client, { schema }) as unknown as Db);
  const now = new Date('2026-11-27T09:00:00Z');
  const claim = () =>
    queries.claim({
      topic: 'task-events',
      name: 'notifier',
      now,
      lease: new Date(now.getTime() + 30_000),
      limit: 100,
      followers: 50,
    });
  // As autovacuum leaves it after the deliveries of a quiet spell were acked: analysed, empty.
  await client.query('analyze event_deliveries');
  expect(await claim()).toEqual([]); // planned (and the plan cached) on the empty table

  // 3,000 pending rows over 1,000 keys, three per key, in publish order.
  await client.query(
    `insert into event_deliveries (event_id, topic, subscription, partition_key, event, available_at)
     select 'e' || i, 'task-events', 'notifier', 'k' || (i % 1000), '{}'::jsonb, $1::timestamptz
     from generate_series(0, $2::int - 1) as i order by i`,
    [now.toISOString(), PENDING],
  );
  const claimed = await claim();
  // The first row of each key, oldest first, then the oldest of the rows right behind those:
  // each claimed key's second row, none of its third.
  expect(claimed.map((r) => r.eventId)).toEqual([
    ...Array.from({ length: 100 }, (_, i) => `e${i}`),
    ...Array.from({ length: 50 }, (_, i) => `e${1000 + i}`),
  ]);
  expect(claimed.every((r) => r.lockedUntil?.getTime() === now.getTime() + 30_000)).toBe(true);
}, 60_000);

it('reads about the rows it takes, not the whole backlog, while the statistics say the queue is empty', async () => {
  const queries = new DeliveryQueries(drizzle(client, { schema }) as unknown as Db);
  const now = new Date('2026-11-27T10:00:00Z');
  await client.query('delete from event_deliveries');
  await client.query('analyze event_deliveries');
  // A subscription that fell behind: 6,000 pending rows, each its own key (a create each).
  await client.query(
    `insert into event_deliveries (event_id, topic, subscription, partition_key, event, available_at)
     select 'b' || i, 'task-events', 'mailer', 'b' || i, '{}'::jsonb, $1::timestamptz
     from generate_series(0, 5999) as i order by i`,
    [now.toISOString()],
  );
  let claimed: Awaited<ReturnType<DeliveryQueries['claim']>> = [];
  const reads = await readsOf(client, 'event_deliveries', async () => {
    claimed = await queries.claim({
      topic: 'task-events',
      name: 'mailer',
      now,
      lease: new Date(now.getTime() + 30_000),
      limit: 50,
      followers: 200,
    });
  });
  expect(claimed.map((r) => r.eventId)).toEqual(Array.from({ length: 50 }, (_, i) => `b${i}`));
  // The statement planned on the empty table walked the whole table once per row it took: 306,051 rows.
  expect(reads.rows).toBeLessThan(1_000);
}, 60_000);

it('acknowledges by key, not by reading the queue, while the statistics say the queue is empty', async () => {
  const queries = new DeliveryQueries(drizzle(client, { schema }) as unknown as Db);
  // As a quiet spell leaves it: vacuumed down to no pages, and the acknowledgement planned so.
  await client.query('delete from event_deliveries');
  await client.query('vacuum (analyze) event_deliveries');
  await queries.delete([-1]);
  const { rows } = await client.query<{ seq: string }>(
    `insert into event_deliveries (event_id, topic, subscription, partition_key, event, available_at)
     select 'a' || i, 'task-events', 'mailer', 'a' || i, '{}'::jsonb, now()
     from generate_series(0, 5999) as i order by i returning seq`,
  );
  const handled = rows.slice(0, 50).map((r) => Number(r.seq));
  const reads = await readsOf(client, 'event_deliveries', () => queries.delete(handled));
  const { rows: left } = await client.query<{ n: number }>('select count(*)::int as n from event_deliveries');
  expect(left[0]!.n).toBe(5_950);
  // As plain SQL, the delete scanned the whole table: 6,000 rows read.
  expect(reads.rows).toBeLessThan(500);
}, 60_000);
