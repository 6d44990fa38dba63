/**
 * Issue #26: reminders that come due together each fire once — one in-app notification and one
 * email apiece — and the in-app notification never waits for mail: with the SMTP server down it
 * is there at the reminder's time, and the email follows once the server is back. Test clock,
 * real PostgreSQL and a real SMTP server; no sleeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCapture } from '@todo/testing';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

const reminderMails = (p: Pipeline) => p.smtp.messages.filter((m) => m.headers.get('x-todo-reminder'));

describe('reminders under load', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await createPipeline('2026-12-01T08:00:00Z');
  });
  afterAll(() => p?.close());

  it('fires 60 reminders due at the same instant once each: one notification and one email apiece', async () => {
    const users = [];
    for (let i = 0; i < 4; i++) users.push(await p.user('UTC'));
    for (const u of users) {
      for (let i = 0; i < 15; i++) {
        const created = await p.call('POST', '/api/tasks', u.auth, {
          title: `Stand-up ${i}`,
          reminders: [{ type: 'absolute', at: '2026-12-01T09:00:00Z' }],
        });
        expect(created.status).toBe(201);
      }
    }
    await p.settle();
    await p.advanceTo('2026-12-01T08:59:59.999Z');
    expect(reminderMails(p)).toHaveLength(0);

    await p.advanceTo('2026-12-01T09:00:00Z');
    const keys = reminderMails(p).map((m) => String(m.headers.get('x-todo-reminder')));
    expect(keys).toHaveLength(60);
    expect(new Set(keys).size).toBe(60);
    for (const u of users) {
      const notes = await p.call('GET', '/api/notifications', u.auth);
      expect(notes.body.items).toHaveLength(15);
      expect(new Set(notes.body.items.map((n: { reminderId: string }) => n.reminderId)).size).toBe(15);
      expect(reminderMails(p).filter((m) => m.to.includes(u.email))).toHaveLength(15);
    }

    // Nothing fires twice later: no job, event or retry is left behind.
    await p.advanceTo('2026-12-01T09:30:00Z');
    expect(reminderMails(p)).toHaveLength(60);
  });

  it('writes the in-app notification on time while the mail server is down; the email follows once it is back', async () => {
    const u = await p.user('UTC');
    const port = Number(new URL(p.smtp.url).port);
    await p.smtp.close(); // every send fails from here on
    p.clock.set('2026-12-01T10:00:00Z');
    await p.call('POST', '/api/tasks', u.auth, {
      title: 'Call the plumber',
      reminders: [{ type: 'absolute', at: '2026-12-01T10:01:00Z' }],
    });
    await p.advanceTo('2026-12-01T10:01:00Z');

    const notes = await p.call('GET', '/api/notifications', u.auth);
    expect(notes.body.items).toHaveLength(1);
    expect(notes.body.items[0]).toMatchObject({
      fireAt: '2026-12-01T10:01:00.000Z',
      createdAt: '2026-12-01T10:01:00.000Z',
      title: 'Call the plumber',
    });

    const smtp = await startSmtpCapture(port);
    try {
      for (let minute = 2; minute <= 6; minute++) await p.advanceTo(`2026-12-01T10:0${minute}:00Z`);
      expect(smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);
      expect((await p.call('GET', '/api/notifications', u.auth)).body.items).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });
});
