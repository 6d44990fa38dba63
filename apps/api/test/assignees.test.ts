/**
 * Assignees in a shared project: only members, through the task's one write path, with the
 * `todo.task.assigned.v1` event; "assigned to me" and "assigned by me"; cleared on a move to a
 * project the assignee is not in, and when the assignee leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createHarness, type Harness } from './harness.js';

type User = Awaited<ReturnType<Harness['user']>>;

describe('assignees', () => {
  let h: Harness;
  let ann: User;
  let bob: User;
  let project: { id: string };

  const join = async (owner: User, member: User, projectId: string, role = 'editor') => {
    await h.call('POST', `/api/projects/${projectId}/invitations`, owner.auth, { email: member.email, role });
    const [invitation] = (await h.call('GET', '/api/invitations', member.auth)).body.items;
    return h.call('POST', `/api/invitations/${invitation.id}/accept`, member.auth);
  };
  const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((t) => t.id);

  beforeAll(async () => {
    h = await createHarness();
    ann = await h.user();
    bob = await h.user();
    project = (await h.call('POST', '/api/projects', ann.auth, { name: 'Team' })).body;
    await join(ann, bob, project.id);
  });
  afterAll(() => h?.close());

  it('assigns to members only, on create and update, and says which field is wrong otherwise', async () => {
    const stranger = await h.user();
    const refused = await h.call('POST', '/api/tasks', bob.auth, { title: 'x', projectId: project.id, assigneeId: stranger.id });
    expect([refused.status, refused.body.code, refused.body.errors?.[0]?.field]).toEqual([
      400,
      'VALIDATION_FAILED',
      'assigneeId',
    ]);
    const task = (
      await h.call('POST', '/api/tasks', bob.auth, { title: 'Call the plumber', projectId: project.id, assigneeId: ann.id })
    ).body;
    expect(task.assigneeId).toBe(ann.id);
    const updated = await h.call('PATCH', `/api/tasks/${task.id}`, ann.auth, { assigneeId: bob.id });
    expect(updated.body.assigneeId).toBe(bob.id);
    const bad = await h.call('PATCH', `/api/tasks/${task.id}`, ann.auth, { assigneeId: stranger.id });
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'assigneeId']);
    const { rows } = (await h.database.db.execute(sql`
      select event->'data'->>'assigneeId' as "to", event->'data'->>'previous' as "from", event->'data'->>'actorId' as "by"
      from outbox where type = 'todo.task.assigned.v1' and event->'data'->'task'->>'id' = ${task.id} order by id`)) as unknown as {
      rows: { to: string; from: string | null; by: string }[];
    };
    expect(rows).toEqual([
      { to: ann.id, from: null, by: bob.id },
      { to: bob.id, from: ann.id, by: ann.id },
    ]);
  });

  it("invalidates every member's kept list pages when one member changes the project", async () => {
    const list = (who: User) => h.call('GET', `/api/tasks?projectId=${project.id}&status=all`, who.auth);
    const before = [await list(ann), await list(bob)];
    const task = (await h.call('POST', '/api/tasks', bob.auth, { title: 'Seen by both', projectId: project.id })).body;
    for (const who of [ann, bob]) expect(ids(await list(who))).toContain(task.id);
    await h.call('POST', `/api/tasks/${task.id}/complete`, ann.auth);
    const bobs = (await list(bob)).body.items.find((t: { id: string }) => t.id === task.id);
    expect(bobs.status).toBe('completed');
    const etag = (await list(bob)).headers.etag as string;
    expect(etag).not.toBe(before[1]!.headers.etag);
    const notModified = await h.app.inject({
      method: 'GET',
      url: `/api/tasks?projectId=${project.id}&status=all`,
      headers: { ...bob.auth, 'if-none-match': etag },
    });
    expect(notModified.statusCode).toBe(304);
    await h.call('PATCH', `/api/tasks/${task.id}`, ann.auth, { title: 'Renamed by Ann' });
    const again = await h.app.inject({
      method: 'GET',
      url: `/api/tasks?projectId=${project.id}&status=all`,
      headers: { ...bob.auth, 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(200);
  });

  it('lists "assigned to me" and "assigned by me"', async () => {
    const forAnn = (await h.call('POST', '/api/tasks', bob.auth, { title: 'For Ann', projectId: project.id, assigneeId: ann.id }))
      .body;
    const mine = (
      await h.call('POST', '/api/tasks', bob.auth, { title: 'Bob himself', projectId: project.id, assigneeId: bob.id })
    ).body;
    expect(ids(await h.call('GET', '/api/tasks?assigned=me', ann.auth))).toContain(forAnn.id);
    expect(ids(await h.call('GET', '/api/tasks?assigned=me', ann.auth))).not.toContain(mine.id);
    const byBob = ids(await h.call('GET', '/api/tasks?assigned=byMe', bob.auth));
    expect(byBob).toContain(forAnn.id);
    expect(byBob).not.toContain(mine.id);
    expect((await h.call('GET', '/api/tasks?assigned=someone', bob.auth)).status).toBe(400);
  });

  it('clears an assignee who is not a member where the task moves; keeps one who is', async () => {
    const task = (await h.call('POST', '/api/tasks', ann.auth, { title: 'Move me', projectId: project.id, assigneeId: bob.id }))
      .body;
    const sub = (await h.call('POST', '/api/projects', ann.auth, { name: 'Sub', parentId: project.id })).body;
    expect((await h.call('PATCH', `/api/tasks/${task.id}`, ann.auth, { projectId: sub.id })).body.assigneeId).toBe(bob.id);
    const solo = (await h.call('POST', '/api/projects', ann.auth, { name: 'Solo' })).body;
    expect((await h.call('PATCH', `/api/tasks/${task.id}`, ann.auth, { projectId: solo.id })).body.assigneeId).toBeNull();
  });

  it('unassigns what was assigned to a member who leaves; what they created stays', async () => {
    const created = (await h.call('POST', '/api/tasks', bob.auth, { title: 'Bob made', projectId: project.id })).body;
    const theirs = (await h.call('POST', '/api/tasks', ann.auth, { title: 'For Bob', projectId: project.id, assigneeId: bob.id }))
      .body;
    expect((await h.call('DELETE', `/api/projects/${project.id}/members/me`, bob.auth)).status).toBe(204);
    expect((await h.call('GET', `/api/tasks/${theirs.id}`, ann.auth)).body.assigneeId).toBeNull();
    expect((await h.call('GET', `/api/tasks/${created.id}`, ann.auth)).body.title).toBe('Bob made');
    expect(ids(await h.call('GET', '/api/tasks?assigned=me', bob.auth))).not.toContain(theirs.id);
  });
});
