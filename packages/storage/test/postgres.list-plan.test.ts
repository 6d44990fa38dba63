/**
 * A page of the task list reads its own rows, not every task of the user's projects — also on a fresh
 * database whose tables have no statistics yet, under the generic plan a prepared statement
 * caches. Sorting every task per page made list cost grow with the user's task count (the
 * bench:api list read ~10,000 rows per page of 50).
 * The cursor is a row comparison the index seeks to, so a deep page is as cheap as the first.
 * Rows read are PostgreSQL's own counters for the tasks table, flushed after each call.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TaskListQuery } from '@todo/domain';
import { connectMigratedPostgres, readsOf, type MigratedPostgres } from '@todo/testing';
import { schema, Store, type Db } from '../src/index.js';

const TASKS = 3_000;
const PAGE = 50;
let postgres: MigratedPostgres;
let client: pg.Client;
let store: Store;
const userId = randomUUID();

beforeAll(async () => {
  postgres = await connectMigratedPostgres('todo_listplan');
  client = postgres.client;
  // Never analysed (autovacuum off for it), as in a database's first minute; and the plan a
  // prepared statement keeps after its first executions.
  await client.query(`alter table tasks set (autovacuum_enabled = off); set plan_cache_mode = force_generic_plan`);
  store = new Store(drizzle(client, { schema }) as unknown as Db);
  const now = new Date('2026-11-27T09:00:00Z');
  await store.repos.users.insert({ id: userId, email: 'many@example.test', passwordHash: 'x', createdAt: now, updatedAt: now });
  // Most without a date (they sort last, by id), a tenth with one, a tenth completed.
  await client.query(
    `insert into tasks (id, user_id, number, project_id, project_number, title, description, priority, due_date, due_at,
       completed_at, created_at, updated_at)
     select gen_random_uuid(), $1, i, (select id from projects where owner_id = $1 and inbox), i, 'Task ' || i, '', 0,
       case when i % 10 = 0 then date '2026-12-01' + i % 28 end,
       case when i % 10 = 0 then timestamptz '2026-12-01 00:00Z' + (i % 28) * interval '1 day' end,
       case when i % 10 = 5 then timestamptz '2026-11-20 00:00Z' end,
       timestamptz '2026-11-01 00:00Z' + i * interval '1 minute', timestamptz '2026-11-01 00:00Z'
     from generate_series(1, $2::int) as i`,
    [userId, TASKS],
  );
});

afterAll(async () => {
  await postgres?.close();
});

const ctx = { now: new Date('2026-11-27T09:00:00Z'), today: '2026-11-27' };
const list = (query: Partial<TaskListQuery>) =>
  store.repos.tasks.listJson(userId, { limit: PAGE, status: 'open', ...query } as TaskListQuery, ctx);

it.each([
  ['open tasks by due date (the default view)', { sort: 'due' }],
  ['tasks by creation, newest first', { sort: 'created', status: 'all' }],
  ['tasks by creation, oldest first', { sort: '-created', status: 'all' }],
] as const)('reads about one page of rows per page for %s, however deep the page', async (_name, query) => {
  let cursor: string | undefined;
  // Eight pages: by due date they cross from the 300 dated tasks into the undated ones.
  for (let page = 1; page <= 8; page++) {
    let result: Awaited<ReturnType<typeof list>> | undefined;
    const { rows: read } = await readsOf(client, 'tasks', async () => {
      result = await list({ ...query, ...(cursor ? { cursor } : {}) } as Partial<TaskListQuery>);
    });
    expect(result!.items).toHaveLength(PAGE);
    // The page and the row that tells there is a next one; never the user's 3,000 tasks.
    expect(read, `page ${page}`).toBeLessThanOrEqual(PAGE + 1);
    cursor = result!.nextCursor ?? undefined;
    expect(cursor).toBeTruthy();
  }
});

// Last: it gives the table statistics. Unanalysed, the planner guesses one row per user and
// filters the user's tasks for a search (whole-word search did the same); with statistics, the
// prefix query is one the full-text GIN index answers, as the whole-word query was.
it('finds search-as-you-type matches through the full-text index, reading only the rows that match', async () => {
  await client.query('analyze tasks');
  // "12" as a prefix: tasks 12, 120–129 and 1200–1299 — 111 of the 3,000.
  const { rows: read } = await readsOf(client, 'tasks', async () => {
    const result = await list({ q: '12', status: 'all', limit: 200 });
    expect(result.items).toHaveLength(111);
  });
  expect(read).toBeLessThanOrEqual(111);
});
