/**
 * Every task, project, tag and token route answers 404 for another user's resources — the
 * same answer as for a resource that does not exist, so existence is not disclosed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

describe('user isolation', () => {
  let h: Harness;
  let owner: Awaited<ReturnType<Harness['user']>>;
  let intruder: Awaited<ReturnType<Harness['user']>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await createHarness();
    owner = await h.user();
    intruder = await h.user();
    await h.call('POST', '/api/tasks', intruder.auth, { title: 'intruder own task' });
    ids['project'] = (await h.call('POST', '/api/projects', owner.auth, { name: 'Secret' })).body.id;
    ids['tag'] = (await h.call('POST', '/api/tags', owner.auth, { name: 'private' })).body.id;
    const task = (
      await h.call('POST', '/api/tasks', owner.auth, { title: 'Secret plan', tags: ['private'], projectId: ids['project'] })
    ).body;
    ids['task'] = task.id;
    ids['token'] = (await h.call('POST', '/api/tokens', owner.auth, { name: 'owner token' })).body.token.id;
  });
  afterAll(() => h?.close());

  const routes: [string, (ids: Record<string, string>) => string, unknown?][] = [
    ['GET', (i) => `/api/tasks/${i['task']}`],
    ['PATCH', (i) => `/api/tasks/${i['task']}`, { title: 'hacked' }],
    ['DELETE', (i) => `/api/tasks/${i['task']}`],
    ['POST', (i) => `/api/tasks/${i['task']}/complete`],
    ['POST', (i) => `/api/tasks/${i['task']}/reopen`],
    ['POST', (i) => `/api/tasks/${i['task']}/tags`, { name: 'x' }],
    ['DELETE', (i) => `/api/tasks/${i['task']}/tags/private`],
    ['GET', (i) => `/api/projects/${i['project']}`],
    ['PATCH', (i) => `/api/projects/${i['project']}`, { name: 'mine now' }],
    ['PATCH', (i) => `/api/projects/${i['project']}`, { favorite: true }],
    ['DELETE', (i) => `/api/projects/${i['project']}`],
    ['GET', (i) => `/api/tags/${i['tag']}`],
    ['PATCH', (i) => `/api/tags/${i['tag']}`, { name: 'mine now' }],
    ['DELETE', (i) => `/api/tags/${i['tag']}`],
    ['DELETE', (i) => `/api/tokens/${i['token']}`],
  ];

  it.each(
    routes.map(
      (r) => [`${r[0]} ${r[1]({ task: '{task}', project: '{project}', tag: '{tag}', token: '{token}' })}`, ...r] as const,
    ),
  )('%s → 404 for another user', async (_name, method, path, body) => {
    const res = await h.call(method, path(ids), intruder.auth, body);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it("the intruder cannot reach the owner's task by number either", async () => {
    // Both users have a task #1; the intruder's #1 is their own.
    const res = await h.call('GET', '/api/tasks/1', intruder.auth);
    expect(res.body.title).toBe('intruder own task');
    expect((await h.call('GET', '/api/tasks/2', intruder.auth)).status).toBe(404);
  });

  it("lists, searches and filters show only the caller's rows", async () => {
    expect(
      (await h.call('GET', '/api/tasks?status=all', intruder.auth)).body.items.map((t: { title: string }) => t.title),
    ).toEqual(['intruder own task']);
    expect((await h.call('GET', '/api/tasks?q=secret', intruder.auth)).body.items).toEqual([]);
    expect((await h.call('GET', '/api/tasks?tags=private', intruder.auth)).body.items).toEqual([]);
    expect((await h.call('GET', '/api/projects', intruder.auth)).body.items.map((p: { name: string }) => p.name)).toEqual([
      'Inbox',
    ]);
    expect((await h.call('GET', `/api/tasks?projectId=${ids['project']}`, intruder.auth)).body.items).toEqual([]);
    expect((await h.call('GET', '/api/tags', intruder.auth)).body.items).toEqual([]);
    expect((await h.call('GET', '/api/tokens', intruder.auth)).body.items).toEqual([]);
  });

  it("cannot put a task in another user's project, under their task or nest a project in theirs", async () => {
    const own = (await h.call('POST', '/api/tasks', intruder.auth, { title: 'mine' })).body;
    const withProject = await h.call('POST', '/api/tasks', intruder.auth, { title: 'x', projectId: ids['project'] });
    expect(withProject.body.code).toBe('PROJECT_NOT_FOUND');
    const moved = await h.call('PATCH', `/api/tasks/${own.id}`, intruder.auth, { projectId: ids['project'] });
    expect([moved.status, moved.body.code]).toEqual([404, 'PROJECT_NOT_FOUND']);
    const nested = await h.call('POST', '/api/projects', intruder.auth, { name: 'Under theirs', parentId: ids['project'] });
    expect([nested.status, nested.body.code]).toEqual([404, 'PROJECT_NOT_FOUND']);
    const withParent = await h.call('POST', '/api/tasks', intruder.auth, { title: 'x', parentId: ids['task'] });
    expect(withParent.body.code).toBe('TASK_NOT_FOUND');
  });

  it("left the owner's data untouched", async () => {
    const task = (await h.call('GET', `/api/tasks/${ids['task']}`, owner.auth)).body;
    expect(task).toMatchObject({ title: 'Secret plan', status: 'open', tags: ['private'], projectId: ids['project'] });
    expect((await h.call('GET', `/api/projects/${ids['project']}`, owner.auth)).body).toMatchObject({
      name: 'Secret',
      favorite: false,
    });
    expect((await h.call('GET', '/api/tokens', owner.auth)).body.items).toHaveLength(1);
  });
});
