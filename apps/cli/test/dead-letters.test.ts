/** Issue #3, acceptance 4: a handler that keeps failing dead-letters the event with its error; replay works. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@todo/domain';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

describe('dead letters', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await createPipeline();
  });
  afterAll(() => p?.close());

  let firstEmail = '';

  it('dead-letters a poison event at once with its reason, and other events keep flowing', async () => {
    const admin = await p.user();
    firstEmail = admin.email;
    const u = await p.user();
    await p.runtime.transports.bus.publish(TOPICS.taskEvents, {
      specversion: '1.0',
      id: 'poison-1',
      source: 'test',
      type: 'todo.task.completed.v1',
      time: '2026-11-27T09:00:00Z',
      datacontenttype: 'application/json',
      // With a reminder, so the notifier (which takes only tasks that have one) receives it too.
      data: { userId: 'not-a-uuid', task: { reminders: [{}] } } as never,
    });
    const ok = (
      await p.call('POST', '/api/tasks', u.auth, {
        title: 'still works',
        due: { date: '2026-11-28' },
        recurrence: { rule: 'daily' },
      })
    ).body;
    await p.call('POST', `/api/tasks/${ok.id}/complete`, u.auth);
    await p.settle();
    expect((await p.call('GET', '/api/tasks?q=works', u.auth)).body.items.map((t: any) => t.occurrenceIndex)).toEqual([1]);

    const list = await p.call('GET', '/api/admin/dead-letters', admin.auth);
    expect(list.status).toBe(200);
    const poison = list.body.items.filter((d: any) => d.eventId === 'poison-1');
    expect(poison.map((d: any) => d.subscription).sort()).toEqual(['notifier', 'recurring']);
    expect(poison[0].reason).toMatch(/invalid todo\.task\.completed\.v1 payload/);
    expect((await p.call('GET', '/api/admin/dead-letters', u.auth)).status).toBe(403);
  });

  it('retries a failing delivery with backoff, dead-letters it after the budget, and replays it', async () => {
    const u = await p.user('UTC');
    const port = Number(new URL(p.smtp.url).port);
    await p.smtp.close(); // the mail server goes away: every send fails
    p.clock.set('2026-12-02T09:00:00Z');
    await p.call('POST', '/api/tasks', u.auth, {
      title: 'Unlucky',
      reminders: [{ type: 'absolute', at: '2026-12-02T09:01:00Z' }],
    });
    await p.advanceTo('2026-12-02T09:01:00Z');
    const adminAuth = (
      await p.call('POST', '/api/auth/login', undefined, { email: firstEmail, password: 'correct horse battery' })
    ).body.token;
    const dead = async () =>
      (await p.call('GET', '/api/admin/dead-letters', { authorization: `Bearer ${adminAuth}` })).body.items.filter(
        (d: any) => d.subscription === 'mailer',
      );
    expect(await dead()).toHaveLength(0); // first attempt failed; a retry is pending, not dead yet
    for (let minute = 2; minute <= 10; minute++) await p.advanceTo(`2026-12-02T09:${String(minute).padStart(2, '0')}:00Z`);
    const letters = await dead();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ topic: 'task-reminders', eventType: 'todo.reminder.due.v1', attempts: 5 });
    expect(letters[0].reason).toMatch(/ECONNREFUSED|connect/i);

    const smtp = await (await import('@todo/testing')).startSmtpCapture(port);
    try {
      const replay = await p.call('POST', `/api/admin/dead-letters/${letters[0].id}/replay`, {
        authorization: `Bearer ${adminAuth}`,
      });
      expect(replay.status).toBe(202);
      await p.settle();
      expect(smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);
      expect(await dead()).toHaveLength(0);
    } finally {
      await smtp.close();
    }
  });
});
