/**
 * The activity history: the projection fed with the events the outbox holds, as the bus
 * delivers them (twice: a redelivery adds nothing), read per task and per project, newest first,
 * by members only. Members are written straight into the store, as invitations are another change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { CloudEvent } from '@todo/domain';
import { createHarness, type Harness } from './harness.js';

type User = Awaited<ReturnType<Harness['user']>>;

describe('activity history', () => {
  let h: Harness;
  let owner: User;
  let editor: User;
  let stranger: User;
  let project: { id: string };
  let task: { id: string };
  let delivered = 0;

  /** Hands every event not yet delivered to the projection, in outbox order, as the bus would. */
  async function deliver(): Promise<CloudEvent[]> {
    const { rows } = (await h.database.db.execute(sql`select event from outbox order by created_at, id`)) as unknown as {
      rows: { event: CloudEvent }[];
    };
    const fresh = rows.slice(delivered).map((r) => r.event);
    delivered = rows.length;
    for (const event of fresh) await h.services.activity.record(event);
    return fresh;
  }

  beforeAll(async () => {
    h = await createHarness();
    owner = await h.user();
    editor = await h.user();
    stranger = await h.user();
    project = (await h.call('POST', '/api/projects', owner.auth, { name: 'Garden' })).body;
    await h.store.repos.projects.addMember(project.id, editor.id, 'editor', h.clock.now());
    task = (await h.call('POST', '/api/tasks', owner.auth, { title: 'Mow the lawn', projectId: project.id })).body;
    h.clock.advance(1000);
    await h.call('PATCH', `/api/tasks/${task.id}`, editor.auth, { priority: 'high' });
    h.clock.advance(1000);
    await h.call('POST', `/api/tasks/${task.id}/comments`, editor.auth, { body: 'Done the front' });
    h.clock.advance(1000);
    await h.call('POST', `/api/tasks/${task.id}/complete`, editor.auth);
    await deliver();
  });
  afterAll(() => h?.close());

  it('shows who did what to a task, newest first, to members only', async () => {
    const page = (await h.call('GET', `/api/tasks/${task.id}/activity`, owner.auth)).body;
    expect(page.items.map((e: { summary: string; actorId: string }) => [e.summary, e.actorId])).toEqual([
      ['completed "Mow the lawn"', editor.id],
      ['commented on "Mow the lawn"', editor.id],
      ['changed "Mow the lawn" (priority)', editor.id],
      ['created "Mow the lawn"', owner.id],
    ]);
    expect(page.items[0]).toMatchObject({ type: 'todo.task.completed.v1', taskId: task.id, projectId: project.id });
    expect((await h.call('GET', `/api/tasks/${task.id}/activity`, stranger.auth)).status).toBe(404);
    expect((await h.call('GET', `/api/projects/${project.id}/activity`, stranger.auth)).status).toBe(404);
  });

  it('adds nothing when an event is delivered again', async () => {
    const { rows } = (await h.database.db.execute(sql`select event from outbox order by created_at, id`)) as unknown as {
      rows: { event: CloudEvent }[];
    };
    const before = (await h.call('GET', `/api/projects/${project.id}/activity?limit=200`, owner.auth)).body.items;
    const again = await Promise.all(rows.map((r) => h.services.activity.record(r.event)));
    expect(again.every((added) => !added)).toBe(true);
    expect((await h.call('GET', `/api/projects/${project.id}/activity?limit=200`, owner.auth)).body.items).toEqual(before);
  });

  it('pages a project newest first with a cursor, and keeps a deleted task in its project history', async () => {
    for (let i = 1; i <= 4; i++) {
      h.clock.advance(1000);
      await h.call('POST', '/api/tasks', editor.auth, { title: `T${i}`, projectId: project.id });
    }
    h.clock.advance(1000);
    await h.call('DELETE', `/api/tasks/${task.id}`, owner.auth);
    await deliver();
    const seen: string[] = [];
    let path = `/api/projects/${project.id}/activity?limit=3`;
    for (let pages = 0; pages < 10; pages++) {
      const page = (await h.call('GET', path, editor.auth)).body;
      seen.push(...page.items.map((e: { summary: string }) => e.summary));
      if (!page.nextCursor) break;
      path = `/api/projects/${project.id}/activity?limit=3&cursor=${page.nextCursor}`;
    }
    expect(seen.slice(0, 5)).toEqual(['deleted "Mow the lawn"', 'created "T4"', 'created "T3"', 'created "T2"', 'created "T1"']);
    expect(seen).toContain('created the project');
    expect(seen).toHaveLength(10);
    expect((await h.call('GET', `/api/projects/${project.id}/activity?cursor=xyz`, owner.auth)).body.code).toBe('INVALID_CURSOR');
  });

  it('keeps no history of a deleted project', async () => {
    const other = (await h.call('POST', '/api/projects', owner.auth, { name: 'Shed' })).body;
    await h.call('POST', '/api/tasks', owner.auth, { title: 'Oil the hinge', projectId: other.id });
    await h.call('DELETE', `/api/projects/${other.id}`, owner.auth);
    await deliver();
    const { rows } = (await h.database.db.execute(
      sql`select count(*)::int as n from activity where project_id = ${other.id}::uuid`,
    )) as unknown as { rows: { n: number }[] };
    expect(rows[0]!.n).toBe(0);
  });
});
