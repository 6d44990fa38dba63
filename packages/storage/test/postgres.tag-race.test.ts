/**
 * A create that adds a new tag while another writer is creating the same tag. The other
 * writer's insert is held open in a transaction, so the race is certain, not likely.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPostgresDatabase } from '@todo/testing';
import { createDatabase, Store, type Database } from '../src/index.js';
import { plainTaskRow } from './fixtures.js';

let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
let database: Database;

beforeAll(async () => {
  db = await createPostgresDatabase('todo_tagrace');
  database = await createDatabase({ url: db.url, poolSize: 3 });
  await database.migrate();
});

afterAll(async () => {
  await database?.close();
  await db?.drop();
});

it('waits for a tag another writer is creating and links the task to it, instead of losing the tag', async () => {
  const store = new Store(database.db);
  const userId = randomUUID();
  const now = new Date('2026-11-27T09:00:00Z');
  await store.repos.users.insert({ id: userId, email: 'race@example.test', passwordHash: 'x', createdAt: now, updatedAt: now });
  const other = new pg.Client({ connectionString: db.url });
  await other.connect();
  try {
    await other.query('begin');
    const theirs = randomUUID();
    await other.query(`insert into tags (id, user_id, name) values ($1, $2, 'Garden')`, [theirs, userId]);
    const taskId = randomUUID();
    const writing = store.repos.tasks.write([
      {
        op: 'insert',
        row: plainTaskRow({
          id: taskId,
          userId,
          projectId: (await store.repos.projects.inboxOf(userId))!,
          number: 1,
          projectNumber: 1,
          title: 'Plant tulips',
          createdAt: now,
        }),
        tags: [{ id: randomUUID(), name: 'garden' }],
        reminders: [],
        events: [],
      },
    ]);
    // Commit theirs only once our statement is waiting on their uncommitted row.
    for (let polls = 0; ; polls++) {
      const waiting = await other.query(
        `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
      );
      if (waiting.rowCount) break;
      if (polls > 20_000) throw new Error('the create never waited on the uncommitted tag');
    }
    await other.query('commit');
    expect(await writing).toMatchObject([{ number: 1, projectNumber: 1, tags: ['Garden'] }]);
    const task = await store.repos.tasks.findById(userId, taskId);
    expect(task?.tags).toEqual(['Garden']);
    const { rows } = await other.query('select id from tags where user_id = $1', [userId]);
    expect(rows).toEqual([{ id: theirs }]);
  } finally {
    await other.end();
  }
});
