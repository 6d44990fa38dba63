/**
 * The project policy as the API applies it, per role. Invitations are still to come, so the
 * members are written straight into the store here; everything else goes through REST.
 * A member refused a change gets 403, a non-member 404 for the project and its tasks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { ProjectRole } from '@todo/domain';
import { createHarness, type Harness } from './harness.js';

type User = Awaited<ReturnType<Harness['user']>>;

describe('project roles over REST', () => {
  let h: Harness;
  let owner: User;
  const members: Record<ProjectRole | 'stranger', User> = {} as never;
  let project: { id: string };
  let sub: { id: string };
  let task: { id: string };

  beforeAll(async () => {
    h = await createHarness();
    owner = await h.user();
    members.owner = owner;
    project = (await h.call('POST', '/api/projects', owner.auth, { name: 'Household' })).body;
    sub = (await h.call('POST', '/api/projects', owner.auth, { name: 'Kitchen', parentId: project.id })).body;
    task = (await h.call('POST', '/api/tasks', owner.auth, { title: 'Descale the kettle', projectId: sub.id })).body;
    for (const role of ['admin', 'editor', 'viewer'] as const) {
      members[role] = await h.user();
      await h.store.repos.projects.addMember(project.id, members[role].id, role, h.clock.now());
    }
    members.stranger = await h.user();
  });
  afterAll(() => h?.close());

  const as = (who: keyof typeof members) => members[who].auth;

  it('lets every member read the tree, its sub-projects and their tasks, with their own role', async () => {
    for (const role of ['owner', 'admin', 'editor', 'viewer'] as const) {
      expect((await h.call('GET', `/api/projects/${sub.id}`, as(role))).body).toMatchObject({ role, rootId: project.id });
      expect((await h.call('GET', `/api/tasks/${task.id}`, as(role))).body.title).toBe('Descale the kettle');
      const listed = (await h.call('GET', `/api/tasks?projectId=${sub.id}`, as(role))).body.items;
      expect(
        listed.map((t: { id: string }) => t.id),
        role,
      ).toEqual([task.id]);
    }
    for (const path of [`/api/projects/${sub.id}`, `/api/tasks/${task.id}`]) {
      expect((await h.call('GET', path, as('stranger'))).status).toBe(404);
    }
    expect((await h.call('GET', `/api/tasks?projectId=${sub.id}`, as('stranger'))).body.items).toEqual([]);
  });

  it('lets editors and above change tasks; a viewer gets 403, a stranger 404', async () => {
    const attempts = (who: keyof typeof members) => [
      h.call('POST', '/api/tasks', as(who), { title: `by ${who}`, projectId: sub.id }),
      h.call('PATCH', `/api/tasks/${task.id}`, as(who), { priority: 'high' }),
      h.call('POST', `/api/tasks/${task.id}/complete`, as(who)),
      h.call('POST', `/api/tasks/${task.id}/reopen`, as(who)),
    ];
    for (const who of ['admin', 'editor'] as const) {
      expect(
        (await Promise.all(attempts(who))).map((r) => r.status),
        who,
      ).toEqual([201, 200, 200, 200]);
    }
    expect((await Promise.all(attempts('viewer'))).map((r) => [r.status, r.body.code])).toEqual(
      Array(4).fill([403, 'FORBIDDEN']),
    );
    expect((await Promise.all(attempts('stranger'))).map((r) => r.status)).toEqual([404, 404, 404, 404]);
    expect((await h.call('DELETE', `/api/tasks/${task.id}`, as('viewer'))).status).toBe(403);
    // Another member's change is an event of the task's creator: their reminders and series follow it.
    const { rows } = (await h.database.db.execute(
      sql`select distinct event->'data'->>'userId' as "userId" from outbox
          where event->'data'->'task'->>'id' = ${task.id} and type = 'todo.task.updated.v1'`,
    )) as unknown as { rows: { userId: string }[] };
    expect(rows).toEqual([{ userId: owner.id }]);
    const mine = (await h.call('POST', '/api/tasks', as('viewer'), { title: 'my own' })).body;
    const moved = await h.call('PATCH', `/api/tasks/${mine.id}`, as('viewer'), { projectId: sub.id });
    expect([moved.status, moved.body.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('lets the owner and admins change the project, only the owner delete it; sidebars stay per member', async () => {
    expect((await h.call('PATCH', `/api/projects/${sub.id}`, as('editor'), { name: 'Cuisine' })).status).toBe(403);
    expect((await h.call('PATCH', `/api/projects/${sub.id}`, as('admin'), { name: 'Cuisine' })).body.name).toBe('Cuisine');
    expect((await h.call('PATCH', `/api/projects/${project.id}`, as('viewer'), { favorite: true })).body.favorite).toBe(true);
    expect((await h.call('GET', `/api/projects/${project.id}`, as('owner'))).body.favorite).toBe(false);
    for (const who of ['admin', 'editor', 'viewer'] as const) {
      expect((await h.call('DELETE', `/api/projects/${sub.id}`, as(who))).status, who).toBe(403);
    }
    // Taking a sub-project out of the tree is the owner's: it leaves the members' tree.
    expect((await h.call('PATCH', `/api/projects/${sub.id}`, as('admin'), { parentId: null })).status).toBe(403);
    expect((await h.call('DELETE', `/api/projects/${sub.id}`, as('stranger'))).status).toBe(404);
    expect((await h.call('DELETE', `/api/projects/${sub.id}`, as('owner'))).status).toBe(204);
    expect((await h.call('GET', `/api/tasks/${task.id}`, as('editor'))).status).toBe(404);
  });
});
