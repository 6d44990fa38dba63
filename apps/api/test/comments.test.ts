/**
 * Comments over REST, per role (members written straight into the store, as invitations are
 * another change): who may comment, edit and delete; mentions among members only; one event
 * per write, in its statement; comments go with their task and come back with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { ProjectRole } from '@todo/domain';
import { createHarness, type Harness } from './harness.js';

type User = Awaited<ReturnType<Harness['user']>>;
type Who = ProjectRole | 'stranger';

describe('comments over REST', () => {
  let h: Harness;
  const users = {} as Record<Who, User>;
  let project: { id: string };
  let task: { id: string; number: number };

  beforeAll(async () => {
    h = await createHarness();
    users.owner = await h.user();
    project = (await h.call('POST', '/api/projects', users.owner.auth, { name: 'Household' })).body;
    task = (await h.call('POST', '/api/tasks', users.owner.auth, { title: 'Fix the tap', projectId: project.id })).body;
    for (const role of ['admin', 'editor', 'viewer'] as const) {
      users[role] = await h.user();
      await h.store.repos.projects.addMember(project.id, users[role].id, role, h.clock.now());
    }
    users.stranger = await h.user();
  });
  afterAll(() => h?.close());

  const post = (who: Who, body: unknown, ref: string = task.id) =>
    h.call('POST', `/api/tasks/${ref}/comments`, users[who].auth, body);
  const local = (who: Who) => users[who].email.split('@')[0]!;
  const outboxCount = async (type: string, subject: string) =>
    Number(
      (
        (await h.database.db.execute(
          sql`select count(*)::int as n from outbox where type = ${type} and event->>'subject' = ${subject}`,
        )) as unknown as { rows: { n: number }[] }
      ).rows[0]!.n,
    );

  it('lets owners, admins and editors comment; a viewer only where the project allows it; a stranger gets 404', async () => {
    for (const who of ['owner', 'admin', 'editor'] as const)
      expect((await post(who, { body: `by ${who}` })).status, who).toBe(201);
    expect((await post('viewer', { body: 'by viewer' })).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect((await post('stranger', { body: 'by stranger' })).body).toMatchObject({ status: 404, code: 'TASK_NOT_FOUND' });
    expect((await h.call('GET', `/api/tasks/${task.id}/comments`, users.stranger.auth)).status).toBe(404);

    expect((await h.call('PATCH', `/api/projects/${project.id}`, users.editor.auth, { commentsByViewers: true })).status).toBe(
      403,
    );
    const allowed = await h.call('PATCH', `/api/projects/${project.id}`, users.admin.auth, { commentsByViewers: true });
    expect(allowed.body.commentsByViewers).toBe(true);
    expect((await post('viewer', { body: 'by viewer' })).status).toBe(201);
    const listed = await h.call('GET', `/api/tasks/${task.id}/comments`, users.viewer.auth);
    expect(listed.body.items.map((c: { body: string }) => c.body)).toEqual(['by owner', 'by admin', 'by editor', 'by viewer']);
    await h.call('PATCH', `/api/projects/${project.id}`, users.owner.auth, { commentsByViewers: false });
    expect((await post('viewer', { body: 'again' })).status).toBe(403);
  });

  it('lets authors edit their own comments only, and owners and admins delete anyone’s', async () => {
    const mine = (await post('editor', { body: 'draft' })).body;
    expect((await h.call('PATCH', `/api/comments/${mine.id}`, users.editor.auth, { body: 'final' })).body.body).toBe('final');
    expect((await h.call('PATCH', `/api/comments/${mine.id}`, users.admin.auth, { body: 'x' })).status).toBe(403);
    expect((await h.call('PATCH', `/api/comments/${mine.id}`, users.stranger.auth, { body: 'x' })).status).toBe(404);
    const owners = (await post('owner', { body: 'from the owner' })).body;
    expect((await h.call('DELETE', `/api/comments/${owners.id}`, users.editor.auth)).status).toBe(403);
    expect((await h.call('DELETE', `/api/comments/${owners.id}`, users.viewer.auth)).status).toBe(403);
    expect((await h.call('DELETE', `/api/comments/${mine.id}`, users.stranger.auth)).status).toBe(404);
    expect((await h.call('DELETE', `/api/comments/${mine.id}`, users.admin.auth)).status).toBe(204);
    expect((await h.call('DELETE', `/api/comments/${owners.id}`, users.owner.auth)).status).toBe(204);
    expect((await h.call('DELETE', `/api/comments/${owners.id}`, users.owner.auth)).status).toBe(404);
  });

  it('answers bad input with problem+json', async () => {
    for (const body of [{ body: '   ' }, { body: 'x'.repeat(10_001) }, { body: 'ok', extra: 1 }, {}, { body: 7 }]) {
      const refused = await post('owner', body);
      expect([refused.status, refused.body.code], JSON.stringify(body).slice(0, 40)).toEqual([400, 'VALIDATION_FAILED']);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await post('owner', { body: 'x'.repeat(10_000) })).status).toBe(201);
    expect((await h.call('GET', `/api/tasks/${task.id}/comments?cursor=nope`, users.owner.auth)).body.code).toBe(
      'INVALID_CURSOR',
    );
    expect((await h.call('PATCH', `/api/comments/not-a-uuid`, users.owner.auth, { body: 'x' })).status).toBe(400);
  });

  it('resolves mentions among the members and reports the rest, without telling whether they have accounts', async () => {
    const body = `@${local('editor')} and @${local('stranger')}, see @nobody. Mail ${users.viewer.email}`;
    const written = (await post('owner', { body })).body;
    expect(written.mentions).toEqual([users.editor.id]);
    expect(written.unresolvedMentions).toEqual([local('stranger'), 'nobody']);
    expect(written.body).toBe(body);
    const edited = (await h.call('PATCH', `/api/comments/${written.id}`, users.owner.auth, { body: `@${local('viewer')}` })).body;
    expect([edited.mentions, edited.unresolvedMentions]).toEqual([[users.viewer.id], []]);
  });

  it('writes one event per write, in the statement that writes the comment', async () => {
    const own = (await h.call('POST', '/api/tasks', users.owner.auth, { title: 'Events', projectId: project.id })).body;
    const written = (await post('editor', { body: 'one' }, own.id)).body;
    await h.call('PATCH', `/api/comments/${written.id}`, users.editor.auth, { body: 'two' });
    await h.call('PATCH', `/api/comments/${written.id}`, users.admin.auth, { body: 'refused' });
    await h.call('DELETE', `/api/comments/${written.id}`, users.editor.auth);
    await h.call('DELETE', `/api/comments/${written.id}`, users.editor.auth);
    for (const type of ['created', 'updated', 'deleted'])
      expect(await outboxCount(`todo.comment.${type}.v1`, own.id), type).toBe(1);
    const [event] = (
      (await h.database.db.execute(
        sql`select event from outbox where type = 'todo.comment.updated.v1' and event->>'subject' = ${own.id}`,
      )) as unknown as { rows: { event: { data: Record<string, unknown> } }[] }
    ).rows;
    expect(event!.event.data).toMatchObject({
      userId: users.editor.id,
      actorId: users.editor.id,
      projectId: project.id,
      taskId: own.id,
    });
  });

  it('pages oldest first with a cursor', async () => {
    const own = (await h.call('POST', '/api/tasks', users.owner.auth, { title: 'Pages', projectId: project.id })).body;
    for (let i = 1; i <= 5; i++) await post('owner', { body: `c${i}` }, String(own.number));
    const seen: string[] = [];
    let path = `/api/tasks/${own.id}/comments?limit=2`;
    for (let pages = 0; pages < 5; pages++) {
      const page = (await h.call('GET', path, users.viewer.auth)).body;
      seen.push(...page.items.map((c: { body: string }) => c.body));
      if (!page.nextCursor) break;
      path = `/api/tasks/${own.id}/comments?limit=2&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
  });

  it('deletes comments with their task, and restores them with it', async () => {
    const own = (await h.call('POST', '/api/tasks', users.owner.auth, { title: 'Trash', projectId: project.id })).body;
    const written = (await post('editor', { body: `@${local('admin')} kept` }, own.id)).body;
    expect((await h.call('DELETE', `/api/tasks/${own.id}`, users.owner.auth)).status).toBe(204);
    expect((await h.call('GET', `/api/tasks/${own.id}/comments`, users.owner.auth)).status).toBe(404);
    expect((await h.call('PATCH', `/api/comments/${written.id}`, users.editor.auth, { body: 'x' })).status).toBe(404);
    expect((await h.call('POST', `/api/tasks/${own.id}/restore`, users.owner.auth)).status).toBe(200);
    const back = (await h.call('GET', `/api/tasks/${own.id}/comments`, users.owner.auth)).body.items;
    expect(back).toEqual([{ ...written, unresolvedMentions: undefined }].map(({ unresolvedMentions: _, ...c }) => c));
  });
});
