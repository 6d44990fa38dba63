/** Projects over REST: the Inbox, nesting, moving, archiving, the per-member sidebar, deleting, and the old category routes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

describe('projects API', () => {
  let h: Harness;
  let u: Awaited<ReturnType<Harness['user']>>;
  const create = async (body: Record<string, unknown>) => h.call('POST', '/api/projects', u.auth, body);

  beforeAll(async () => {
    h = await createHarness();
    u = await h.user();
  });
  afterAll(() => h?.close());

  it('gives every account an Inbox, where tasks without a project go, that cannot be deleted, renamed or nested', async () => {
    const [inbox] = (await h.call('GET', '/api/projects', u.auth)).body.items;
    expect(inbox).toMatchObject({ name: 'Inbox', inbox: true, role: 'owner', parentId: null, rootId: inbox.id });
    const task = (await h.call('POST', '/api/tasks', u.auth, { title: 'somewhere' })).body;
    expect(task).toMatchObject({ projectId: inbox.id, projectNumber: 1 });
    expect((await h.call('DELETE', `/api/projects/${inbox.id}`, u.auth)).body.code).toBe('VALIDATION_FAILED');
    expect((await h.call('PATCH', `/api/projects/${inbox.id}`, u.auth, { name: 'Outbox' })).body.code).toBe('VALIDATION_FAILED');
    const other = (await create({ name: 'Other' })).body;
    const nested = await h.call('PATCH', `/api/projects/${inbox.id}`, u.auth, { parentId: other.id });
    expect(nested.body.code).toBe('VALIDATION_FAILED');
    expect((await create({ name: 'In the inbox', parentId: inbox.id })).body.code).toBe('VALIDATION_FAILED');
  });

  it('keeps names unique per user, case-insensitively, and the Inbox apart', async () => {
    const work = await create({ name: 'Work', color: '#3b82f6' });
    expect(work.status).toBe(201);
    expect(work.body).toMatchObject({ name: 'Work', color: '#3b82f6', role: 'owner', inbox: false, archivedAt: null });
    const dup = await create({ name: 'work' });
    expect([dup.status, dup.body.code, dup.body.errors[0].field]).toEqual([409, 'NAME_TAKEN', 'name']);
    expect((await create({ name: 'inbox' })).status).toBe(201);
    expect((await h.call('PATCH', `/api/projects/${work.body.id}`, u.auth, { color: null })).body.color).toBeNull();
  });

  it('nests three levels deep at most, refuses cycles, and moves a subtree with its root', async () => {
    const a = (await create({ name: 'A' })).body;
    const b = (await create({ name: 'B', parentId: a.id })).body;
    const c = (await create({ name: 'C', parentId: b.id })).body;
    expect(c).toMatchObject({ parentId: b.id, rootId: a.id });
    const tooDeep = await create({ name: 'D', parentId: c.id });
    expect([tooDeep.status, tooDeep.body.errors[0].field]).toEqual([400, 'parentId']);
    const cycle = await h.call('PATCH', `/api/projects/${a.id}`, u.auth, { parentId: c.id });
    expect([cycle.status, cycle.body.code]).toEqual([409, 'PARENT_CYCLE']);
    const self = await h.call('PATCH', `/api/projects/${b.id}`, u.auth, { parentId: b.id });
    expect(self.body.code).toBe('PARENT_CYCLE');

    // B (with C under it) moves to the top level: both now have B as their root.
    const moved = await h.call('PATCH', `/api/projects/${b.id}`, u.auth, { parentId: null });
    expect(moved.body).toMatchObject({ parentId: null, rootId: b.id, role: 'owner' });
    expect((await h.call('GET', `/api/projects/${c.id}`, u.auth)).body).toMatchObject({ parentId: b.id, rootId: b.id });
    // And back under A: a level of A, B and C again; one more level under C would be too deep.
    expect((await h.call('PATCH', `/api/projects/${b.id}`, u.auth, { parentId: a.id })).body.rootId).toBe(a.id);
    expect((await h.call('GET', `/api/projects/${c.id}`, u.auth)).body.rootId).toBe(a.id);
    const x = (await create({ name: 'X' })).body;
    expect((await h.call('PATCH', `/api/projects/${b.id}`, u.auth, { parentId: x.id })).status).toBe(200);
    const deeper = await h.call('PATCH', `/api/projects/${x.id}`, u.auth, { parentId: a.id });
    expect(deeper.status).toBe(400);
  });

  it('archives and unarchives, and keeps favourite and order per member on top-level projects', async () => {
    const p = (await create({ name: 'Garden' })).body;
    const archived = (await h.call('PATCH', `/api/projects/${p.id}`, u.auth, { archived: true })).body;
    expect(archived.archivedAt).toBe(h.clock.now().toISOString());
    expect((await h.call('PATCH', `/api/projects/${p.id}`, u.auth, { archived: false })).body.archivedAt).toBeNull();
    const fav = (await h.call('PATCH', `/api/projects/${p.id}`, u.auth, { favorite: true, position: 3 })).body;
    expect(fav).toMatchObject({ favorite: true, position: 3 });
    const child = (await create({ name: 'Beds', parentId: p.id })).body;
    expect((await h.call('PATCH', `/api/projects/${child.id}`, u.auth, { favorite: true })).status).toBe(400);
  });

  it('moves a task to another project under that project’s next number, keeping its #N', async () => {
    const from = (await create({ name: 'From' })).body;
    const to = (await create({ name: 'To' })).body;
    await h.call('POST', '/api/tasks', u.auth, { title: 'first in To', projectId: to.id });
    const task = (await h.call('POST', '/api/tasks', u.auth, { title: 'mover', projectId: from.id })).body;
    expect(task.projectNumber).toBe(1);
    const moved = (await h.call('PATCH', `/api/tasks/${task.id}`, u.auth, { projectId: to.id })).body;
    expect(moved).toMatchObject({ projectId: to.id, projectNumber: 2, number: task.number });
    expect((await h.call('GET', `/api/tasks/${task.id}`, u.auth)).body).toMatchObject({ projectId: to.id, projectNumber: 2 });
    const listed = (await h.call('GET', `/api/tasks?projectId=${to.id}&sort=number`, u.auth)).body.items;
    expect(listed.map((t: { title: string }) => t.title)).toEqual(['first in To', 'mover']);
    // A subtask without a project of its own goes where its parent is.
    const sub = (await h.call('POST', '/api/tasks', u.auth, { title: 'sub', parentId: task.id })).body;
    expect(sub.projectId).toBe(to.id);
  });

  it('deletes a project with its sub-projects and their tasks', async () => {
    const p = (await create({ name: 'Doomed' })).body;
    const sub = (await create({ name: 'Doomed too', parentId: p.id })).body;
    const t1 = (await h.call('POST', '/api/tasks', u.auth, { title: 'a', projectId: p.id })).body;
    const t2 = (await h.call('POST', '/api/tasks', u.auth, { title: 'b', projectId: sub.id })).body;
    expect((await h.call('DELETE', `/api/projects/${p.id}`, u.auth)).status).toBe(204);
    for (const path of [`/api/projects/${p.id}`, `/api/projects/${sub.id}`, `/api/tasks/${t1.id}`, `/api/tasks/${t2.id}`]) {
      expect((await h.call('GET', path, u.auth)).status, path).toBe(404);
    }
  });

  it('answers the old category routes with 308 to the same project, which repeats the method', async () => {
    const p = (await create({ name: 'Was a category' })).body;
    const list = await h.call('GET', '/api/categories', u.auth);
    expect([list.status, list.headers['location']]).toEqual([308, '/api/projects']);
    const one = await h.call('PATCH', `/api/categories/${p.id}`, u.auth, { color: '#000000' });
    expect([one.status, one.headers['location']]).toEqual([308, `/api/projects/${p.id}`]);
    expect((await h.call('POST', '/api/categories', u.auth, { name: 'x' })).status).toBe(308);
    expect((await h.call('GET', `/api/projects/${p.id}`, u.auth)).body.color).toBeNull();
  });
});
