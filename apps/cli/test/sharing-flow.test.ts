/**
 * Issue #23's acceptance 2, as far as sharing goes, through the whole embedded runtime (real
 * PostgreSQL, a real SMTP server, live streams over HTTP): A invites B → B accepts → B creates a
 * task and assigns it to A → A completes it → both streams see every change → A removes B → B's
 * open stream no longer receives the project and every B request for it answers 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

async function openStream(url: string, auth: { authorization: string }) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: auth, signal: controller.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    /** The next frame of an event type (heartbeats and other comments skipped). */
    async next(): Promise<{ type: string; data: any }> {
      for (;;) {
        const frame = /event: (\S+)\ndata: (.*)\n\n/.exec(buffer);
        if (frame) {
          buffer = buffer.slice(frame.index + frame[0].length);
          return { type: frame[1]!, data: JSON.parse(frame[2]!) };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value);
      }
    },
    close: () => controller.abort(),
  };
}
type Stream = Awaited<ReturnType<typeof openStream>>;

describe('two people share a project (API, live streams, mail)', () => {
  let p: Pipeline;
  let base: string;
  beforeAll(async () => {
    p = await createPipeline();
    base = await p.runtime.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => p?.close());

  const types = async (stream: Stream, n: number) => {
    const seen = [];
    for (let i = 0; i < n; i++) seen.push((await stream.next()).type);
    return seen;
  };

  it('invite → accept → assign → complete, seen by both; removal cuts B off at once', async () => {
    const a = await p.user('UTC');
    const b = await p.user('UTC');
    const project = (await p.call('POST', '/api/projects', a.auth, { name: 'Household' })).body;
    const [streamA, streamB] = [
      await openStream(`${base}/api/events/stream`, a.auth),
      await openStream(`${base}/api/events/stream`, b.auth),
    ];
    try {
      const invited = await p.call('POST', `/api/projects/${project.id}/invitations`, a.auth, { email: b.email, role: 'editor' });
      expect(invited.status).toBe(201);
      await p.runtime.services.confirmations.settled();
      expect(p.smtp.messages.filter((m) => m.to.includes(b.email.toLowerCase())).map((m) => m.subject)).toEqual([
        expect.stringContaining('"Household"'),
      ]);
      const [invitation] = (await p.call('GET', '/api/invitations', b.auth)).body.items;
      expect((await p.call('POST', `/api/invitations/${invitation.id}/accept`, b.auth)).body.role).toBe('editor');
      await p.settle();
      for (const stream of [streamA, streamB]) expect((await stream.next()).type).toBe('todo.member.added.v1');

      const task = (await p.call('POST', '/api/tasks', b.auth, { title: 'Buy milk', projectId: project.id, assigneeId: a.id }))
        .body;
      expect(task.assigneeId).toBe(a.id);
      await p.settle();
      expect((await p.call('GET', '/api/tasks?assigned=me', a.auth)).body.items.map((t: { id: string }) => t.id)).toEqual([
        task.id,
      ]);
      const done = await p.call('POST', `/api/tasks/${task.id}/complete`, a.auth);
      expect(done.body.status).toBe('completed');
      await p.settle();
      for (const stream of [streamA, streamB]) {
        expect(await types(stream, 3)).toEqual(['todo.task.created.v1', 'todo.task.assigned.v1', 'todo.task.completed.v1']);
      }

      expect((await p.call('DELETE', `/api/projects/${project.id}/members/${b.id}`, a.auth)).status).toBe(204);
      await p.settle();
      const removed = await streamB.next();
      expect([removed.type, removed.data.memberId]).toEqual(['todo.member.removed.v1', b.id]);
      expect((await streamA.next()).type).toBe('todo.member.removed.v1');
      await p.call('PATCH', `/api/tasks/${task.id}`, a.auth, { title: 'Buy oat milk' });
      // Then something of B's own: had B's stream been sent A's change, it would come first.
      const own = (await p.call('POST', '/api/tasks', b.auth, { title: 'my own' })).body;
      await p.settle();
      expect((await streamA.next()).data.task.title).toBe('Buy oat milk');
      const next = await streamB.next();
      expect([next.type, next.data.task.id]).toEqual(['todo.task.created.v1', own.id]);
      for (const path of [`/api/projects/${project.id}`, `/api/tasks/${task.id}`, `/api/projects/${project.id}/members`]) {
        expect((await p.call('GET', path, b.auth)).status, path).toBe(404);
      }
      expect((await p.call('PATCH', `/api/tasks/${task.id}`, b.auth, { title: 'x' })).status).toBe(404);
      expect((await p.call('GET', `/api/tasks?projectId=${project.id}`, b.auth)).body.items).toEqual([]);
      // B created the task: it stays in the project, and B's `#N` reaches it no more.
      expect((await p.call('GET', `/api/tasks/%23${task.number}`, b.auth)).status).toBe(404);
    } finally {
      streamA.close();
      streamB.close();
    }
  });
});
