/**
 * The migration that turns categories into projects (issue #23, acceptance 4), run on a
 * database at the schema before it that holds what users have: several users, categories (one
 * of them called "Inbox"), tasks with and without one, tags, reminders, a recurring series,
 * subtasks, completed tasks. Every task keeps its grouping — the project with its category's
 * id, or its user's new Inbox — and its number, tags, reminders and recurrence.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresDatabase } from '@todo/testing';
import { migrationsFolder } from '../src/client.js';

const folder = mkdtempSync(join(tmpdir(), 'todo-projects-migration-'));
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let client: pg.Client;

/** What a task is, as far as the migration must keep it (its grouping apart). */
const TASK_FACTS = `select t.id, t.user_id, t.number, t.title, t.completed_at, t.parent_id, t.recurrence_rule, t.repeat_from,
  t.series_id, t.series_start, t.occurrence_index, t.due_date, t.due_at,
  coalesce((select array_agg(g.name order by g.name) from task_tags tt join tags g on g.id = tt.tag_id where tt.task_id = t.id), '{}') as tags,
  coalesce((select json_agg(json_build_object('id', r.id, 'kind', r.kind, 'minutes', r.minutes_before, 'at', r.at) order by r.position)
    from reminders r where r.task_id = t.id), '[]') as reminders
  from tasks t order by t.id`;

const users = [randomUUID(), randomUUID(), randomUUID()];
/** Per user: categories (the second user's second one is named like the Inbox to come). */
const categories = users.map((_, i) => [
  { id: randomUUID(), name: 'Work' },
  { id: randomUUID(), name: i === 1 ? 'inbox' : 'Home' },
]);
let groupingBefore: Map<string, string | null>;
let factsBefore: unknown[];

async function seed(): Promise<void> {
  const q = (text: string, values: unknown[] = []) => client.query(text, values);
  for (const [u, userId] of users.entries()) {
    await q(`insert into users (id, email, password_hash, task_seq) values ($1, $2, 'x', 0)`, [userId, `user${u}@example.test`]);
    for (const c of categories[u]!) {
      await q(`insert into categories (id, user_id, name, color) values ($1, $2, $3, '#336699')`, [c.id, userId, c.name]);
    }
    const tag = randomUUID();
    await q(`insert into tags (id, user_id, name) values ($1, $2, 'errand')`, [tag, userId]);
    // Numbers as users have them: allocated in order, with a gap where a task was deleted.
    const numbers = [1, 2, 3, 5, 6, 7, 8];
    const ids = numbers.map(() => randomUUID());
    for (const [i, number] of numbers.entries()) {
      const category = i % 3 === 0 ? null : categories[u]![i % 2]!.id;
      const recurring = i === 2;
      await q(
        `insert into tasks (id, user_id, number, title, category_id, parent_id, completed_at, due_date, due_at,
           recurrence_rule, repeat_from, series_id, series_start, occurrence_index)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          ids[i],
          userId,
          number,
          `task ${number} of ${u}`,
          category,
          i === 4 ? ids[3] : null, // a subtask
          i === 5 ? '2026-11-20T10:00:00Z' : null, // a completed task
          recurring || i === 1 ? '2026-12-01' : null,
          recurring || i === 1 ? '2026-11-30T23:00:00Z' : null,
          recurring ? 'FREQ=WEEKLY' : null,
          recurring ? 'due' : null,
          recurring ? ids[i] : null,
          recurring ? '2026-12-01' : null,
          recurring ? 0 : null,
        ],
      );
      if (i % 2 === 0) await q(`insert into task_tags (task_id, tag_id) values ($1, $2)`, [ids[i], tag]);
      if (i === 1 || i === 2) {
        await q(`insert into reminders (id, task_id, kind, minutes_before, position) values ($1, $2, 'relative', 30, 0)`, [
          randomUUID(),
          ids[i],
        ]);
        await q(
          `insert into reminders (id, task_id, kind, at, position) values ($1, $2, 'absolute', '2026-11-30T08:00:00Z', 1)`,
          [randomUUID(), ids[i]],
        );
      }
    }
    await q(`update users set task_seq = 8 where id = $1`, [userId]);
  }
}

beforeAll(async () => {
  database = await createPostgresDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  // The migrations up to the one before projects (found by name: others may be added after it).
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const at = journal.entries.findIndex((e) => e.tag.endsWith('_projects'));
  expect(at).toBeGreaterThan(0);
  const before = join(folder, 'before-projects');
  cpSync(migrationsFolder, before, { recursive: true });
  writeFileSync(join(before, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  const db = drizzle({ client });
  await migrate(db, { migrationsFolder: before });
  await seed();
  factsBefore = (await client.query(TASK_FACTS)).rows;
  groupingBefore = new Map(
    (await client.query<{ id: string; category_id: string | null }>('select id, category_id from tasks')).rows.map((r) => [
      r.id,
      r.category_id,
    ]),
  );
  await migrate(db, { migrationsFolder });
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
  rmSync(folder, { recursive: true, force: true });
});

it('keeps every task as it was: number, title, tags, reminders, recurrence, parent, completion', async () => {
  expect((await client.query(TASK_FACTS)).rows).toEqual(factsBefore);
  expect(factsBefore).toHaveLength(21);
});

it('puts each task in the project with its category’s id, or in its user’s Inbox', async () => {
  const { rows } = await client.query<{ id: string; user_id: string; project_id: string; inbox: boolean }>(
    'select t.id, t.user_id, t.project_id, p.inbox from tasks t join projects p on p.id = t.project_id',
  );
  expect(rows).toHaveLength(21);
  for (const row of rows) {
    const category = groupingBefore.get(row.id);
    if (category) expect({ project: row.project_id, inbox: row.inbox }).toEqual({ project: category, inbox: false });
    else expect(row.inbox).toBe(true);
  }
  const inboxes = await client.query<{ owner_id: string }>('select owner_id from projects where inbox and name = $1', ['Inbox']);
  expect(inboxes.rows.map((r) => r.owner_id).sort()).toEqual([...users].sort());
  for (const row of rows.filter((r) => r.inbox)) {
    expect(
      (await client.query('select 1 from projects where id = $1 and owner_id = $2', [row.project_id, row.user_id])).rowCount,
    ).toBe(1);
  }
});

it('makes each category a project of its user, who owns it, with its name and colour', async () => {
  for (const [u, userId] of users.entries()) {
    for (const c of categories[u]!) {
      const { rows } = await client.query(
        `select p.owner_id, p.name, p.color, p.parent_id, p.root_id, m.role from projects p
         join project_members m on m.project_id = p.id and m.user_id = p.owner_id where p.id = $1`,
        [c.id],
      );
      expect(rows).toEqual([{ owner_id: userId, name: c.name, color: '#336699', parent_id: null, root_id: c.id, role: 'owner' }]);
    }
  }
  expect((await client.query(`select 1 from pg_tables where tablename = 'categories'`)).rowCount).toBe(0);
});

it('numbers each project’s tasks 1, 2, 3 … in the order of their users’ numbers, and its counter goes on from there', async () => {
  const { rows } = await client.query<{ project_id: string; numbers: number[]; task_seq: number }>(
    `select t.project_id, array_agg(t.project_number order by t.number) as numbers, p.task_seq
     from tasks t join projects p on p.id = t.project_id group by t.project_id, p.task_seq`,
  );
  for (const row of rows) {
    expect(row.numbers).toEqual(row.numbers.map((_, i) => i + 1));
    expect(row.task_seq).toBe(row.numbers.length);
  }
});

it('gives a user created after it an Inbox of their own', async () => {
  const userId = randomUUID();
  await client.query(`insert into users (id, email, password_hash) values ($1, 'later@example.test', 'x')`, [userId]);
  const { rows } = await client.query(
    `select p.name, m.role from projects p join project_members m on m.project_id = p.id where p.owner_id = $1 and p.inbox`,
    [userId],
  );
  expect(rows).toEqual([{ name: 'Inbox', role: 'owner' }]);
});
