/**
 * The activity history on the whole embedded runtime: its subscription (with the notifier
 * role) is fed by the event bus from the outbox, so task and comment events show up in it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

describe('activity through the embedded bus', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
  });
  afterAll(() => p?.close());

  it('records task and comment events once each, newest first', async () => {
    const u = await p.user('UTC');
    const task = (await p.call('POST', '/api/tasks', u.auth, { title: 'Paint the fence' })).body;
    await p.advanceTo('2026-11-27T09:01:00Z');
    const comment = (await p.call('POST', `/api/tasks/${task.id}/comments`, u.auth, { body: 'White or green?' })).body;
    await p.advanceTo('2026-11-27T09:02:00Z');
    await p.call('PATCH', `/api/comments/${comment.id}`, u.auth, { body: 'Green.' });
    await p.settle();
    const items = (await p.call('GET', `/api/tasks/${task.id}/activity`, u.auth)).body.items;
    expect(items.map((e: { type: string; actorId: string }) => [e.type, e.actorId])).toEqual([
      ['todo.comment.updated.v1', u.id],
      ['todo.comment.created.v1', u.id],
      ['todo.task.created.v1', u.id],
    ]);
  });
});
