/**
 * Issue #3, acceptance 1 and 2: a reminder fires once, on time by the test clock, as one email
 * through a real SMTP server with working Done / Snooze links, and duplicates change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

const linkIn = (text: string, label: string) => {
  const m = new RegExp(`${label}: (http://todo\\.test/actions/\\S+)`).exec(text);
  if (!m) throw new Error(`no "${label}" link in:\n${text}`);
  return m[1]!.replace('http://todo.test', '');
};

describe('reminders end to end', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
  });
  afterAll(() => p?.close());

  it('sends exactly one email at the reminder time, not a second early or late', async () => {
    const u = await p.user('UTC');
    const task = (
      await p.call('POST', '/api/tasks', u.auth, {
        title: 'Submit <report> & "slides"',
        due: { dateTime: '2026-11-27T09:02:00', timeZone: 'UTC' },
        reminders: [{ type: 'relative', minutesBefore: 1 }],
      })
    ).body;
    await p.settle();
    await p.advanceTo('2026-11-27T09:00:59Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(0);
    await p.advanceTo('2026-11-27T09:01:00Z');
    const mails = p.smtp.messages.filter((m) => m.to.includes(u.email));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.subject).toContain('Submit <report> & "slides"');
    expect(mail.html).toContain('Submit &lt;report&gt; &amp; &quot;slides&quot;');
    expect(mail.html).not.toContain('<report>');
    expect(mail.text).toContain(`#${task.number}`);
    await p.advanceTo('2026-11-27T09:30:00Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);

    const notes = await p.call('GET', '/api/notifications', u.auth);
    expect(notes.body.items).toHaveLength(1);
    expect(notes.body).toMatchObject({ unread: 1, items: [{ taskId: task.id, fireAt: '2026-11-27T09:01:00.000Z' }] });
    const read = await p.call('POST', `/api/notifications/${notes.body.items[0].id}/read`, u.auth);
    expect(read.body.readAt).toBe('2026-11-27T09:30:00.000Z');
  });

  it('the Done link shows a confirmation on GET and completes the task on POST, without a login', async () => {
    const u = await p.user('UTC');
    p.clock.set('2026-11-27T10:00:00Z');
    const task = (
      await p.call('POST', '/api/tasks', u.auth, {
        title: 'Water plants',
        reminders: [{ type: 'absolute', at: '2026-11-27T10:05:00Z' }],
      })
    ).body;
    await p.advanceTo('2026-11-27T10:05:00Z');
    const mail = p.smtp.messages.find((m) => m.to.includes(u.email))!;
    const done = linkIn(mail.text, 'Mark done');
    const page = await p.call('GET', done);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Water plants');
    expect((await p.call('GET', `/api/tasks/${task.id}`, u.auth)).body.status).toBe('open');
    expect((await p.call('POST', done)).status).toBe(200);
    expect((await p.call('GET', `/api/tasks/${task.id}`, u.auth)).body.status).toBe('completed');
    // Each email's links work once (issue 21): not again, not after a reopen, and not the Snooze beside it.
    p.clock.set('2026-11-27T10:06:00Z');
    expect((await p.call('POST', done)).status).toBe(410);
    await p.call('POST', `/api/tasks/${task.id}/reopen`, u.auth);
    expect((await p.call('POST', done)).status).toBe(410);
    expect((await p.call('POST', linkIn(mail.text, 'Snooze 1 hour'))).status).toBe(410);
    expect((await p.call('GET', `/api/tasks/${task.id}`, u.auth)).body.status).toBe('open');
    // Change a character inside the signature: the last one carries padding bits a decoder ignores.
    const at = done.length - 6;
    const tampered = done.slice(0, at) + (done[at] === 'A' ? 'B' : 'A') + done.slice(at + 1);
    expect((await p.call('GET', tampered)).status).toBe(401);
  });

  it('the Snooze link reminds again one hour later, once', async () => {
    const u = await p.user('UTC');
    p.clock.set('2026-11-27T11:00:00Z');
    await p.call('POST', '/api/tasks', u.auth, {
      title: 'Call back',
      reminders: [{ type: 'absolute', at: '2026-11-27T11:10:00Z' }],
    });
    await p.advanceTo('2026-11-27T11:10:00Z');
    const first = p.smtp.messages.filter((m) => m.to.includes(u.email));
    expect(first).toHaveLength(1);
    p.clock.set('2026-11-27T11:12:00Z');
    const snooze = linkIn(first[0]!.text, 'Snooze 1 hour');
    expect((await p.call('POST', snooze)).status).toBe(200);
    expect((await p.call('POST', snooze)).status).toBe(410);
    await p.advanceTo('2026-11-27T12:11:59Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);
    await p.advanceTo('2026-11-27T12:12:00Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(2);
  });

  it('moves a relative reminder with the due date, and cancels it on completion', async () => {
    const u = await p.user('UTC');
    p.clock.set('2026-11-28T08:00:00Z');
    const task = (
      await p.call('POST', '/api/tasks', u.auth, {
        title: 'Moved',
        due: { dateTime: '2026-11-28T10:00:00', timeZone: 'UTC' },
        reminders: [{ type: 'relative', minutesBefore: 30 }],
      })
    ).body;
    await p.settle();
    await p.call('PATCH', `/api/tasks/${task.id}`, u.auth, { due: { dateTime: '2026-11-28T12:00:00', timeZone: 'UTC' } });
    await p.advanceTo('2026-11-28T09:30:00Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(0);
    await p.advanceTo('2026-11-28T11:30:00Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);

    const other = (
      await p.call('POST', '/api/tasks', u.auth, {
        title: 'Done early',
        reminders: [{ type: 'absolute', at: '2026-11-28T13:00:00Z' }],
      })
    ).body;
    await p.settle();
    await p.call('POST', `/api/tasks/${other.id}/complete`, u.auth);
    await p.advanceTo('2026-11-28T13:00:00Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);
  });

  it('reminds all-day tasks at the user reminder hour in their zone', async () => {
    const u = await p.user('Europe/Berlin');
    await p.call('PATCH', '/api/me', u.auth, { reminderHour: 8 });
    p.clock.set('2026-11-29T00:00:00Z');
    await p.call('POST', '/api/tasks', u.auth, {
      title: 'All day',
      due: { date: '2026-11-30' },
      reminders: [{ type: 'relative', minutesBefore: 0 }],
    });
    await p.settle();
    await p.advanceTo('2026-11-30T06:59:59Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(0);
    await p.advanceTo('2026-11-30T07:00:00Z'); // 08:00 in Berlin
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);
  });

  it('does not fire a reminder again when an unchanged reminder list is saved after it fired', async () => {
    const u = await p.user('UTC');
    p.clock.set('2026-12-03T10:00:00Z');
    const task = (
      await p.call('POST', '/api/tasks', u.auth, {
        title: 'Saved again',
        reminders: [{ type: 'absolute', at: '2026-12-03T10:00:30Z' }],
      })
    ).body;
    await p.advanceTo('2026-12-03T10:00:30Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);
    const saved = await p.call('PATCH', `/api/tasks/${task.id}`, u.auth, {
      title: 'Saved again!',
      reminders: [{ type: 'absolute', at: '2026-12-03T10:00:30Z' }],
    });
    expect(saved.body.reminders[0].id).toBe(task.reminders[0].id);
    await p.advanceTo('2026-12-03T10:01:00Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);
  });

  it('reschedules all-day reminders when the user changes the reminder hour or zone', async () => {
    const u = await p.user('UTC');
    p.clock.set('2026-12-05T00:00:00Z');
    await p.call('POST', '/api/tasks', u.auth, {
      title: 'Hour moves',
      due: { date: '2026-12-06' },
      reminders: [{ type: 'relative', minutesBefore: 0 }],
    });
    await p.settle();
    await p.call('PATCH', '/api/me', u.auth, { reminderHour: 7, timeZone: 'Asia/Tokyo' });
    await p.settle();
    await p.advanceTo('2026-12-05T21:59:59Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(0);
    await p.advanceTo('2026-12-05T22:00:00Z'); // 07:00 on 6 December in Tokyo
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);
    await p.advanceTo('2026-12-06T09:00:00Z'); // the old 09:00 UTC job found nothing to send
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);
  });

  it('delivers one email when the same reminder.due event arrives twice (and concurrently)', async () => {
    const u = await p.user('UTC');
    p.clock.set('2026-12-01T09:00:00Z');
    const task = (
      await p.call('POST', '/api/tasks', u.auth, { title: 'Dup', reminders: [{ type: 'absolute', at: '2026-12-01T09:00:00Z' }] })
    ).body;
    await p.settle();
    const event = {
      specversion: '1.0' as const,
      id: crypto.randomUUID(),
      source: 'test',
      type: 'todo.reminder.due.v1' as const,
      time: '2026-12-01T09:00:00Z',
      datacontenttype: 'application/json' as const,
      data: { userId: u.id, taskId: task.id, reminderId: task.reminders[0].id, fireAt: '2026-12-01T09:00:00.000Z' },
    };
    const bus = p.runtime.transports.bus;
    await Promise.all([
      bus.publish('task-reminders', event),
      bus.publish('task-reminders', event),
      bus.publish('task-reminders', { ...event, id: crypto.randomUUID() }),
    ]);
    await p.advanceTo('2026-12-01T09:00:00Z');
    await p.advanceTo('2026-12-01T09:10:00Z');
    expect(p.smtp.messages.filter((m) => m.to.includes(u.email))).toHaveLength(1);
    expect((await p.call('GET', '/api/notifications', u.auth)).body.items).toHaveLength(1);
  });
});
