/**
 * Issue 21: the "Mark done" / "Snooze 1 hour" links of reminder emails work once, and only on
 * the task as it was when the email was sent; a used or stale link shows a page saying so.
 * Links are signed here as the mailer signs them (the full email path: apps/cli/test/reminders.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

describe('email action links', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h?.close());

  /** A task with a reminder, and the two links of the email a reminder of it would send now (as the mailer signs them). */
  async function emailFor(title: string) {
    const u = await h.user();
    const task = (
      await h.call('POST', '/api/tasks', u.auth, { title, reminders: [{ type: 'absolute', at: '2026-11-27T09:30:00Z' }] })
    ).body;
    const claims = { userId: u.id, taskId: task.id, reminderId: task.reminders[0].id, taskVersion: task.updatedAt };
    const email = async (linkId = randomUUID()) => ({
      done: `/actions/${await h.services.actionTokens.sign({ action: 'done', ...claims, linkId })}`,
      snooze: `/actions/${await h.services.actionTokens.sign({ action: 'snooze', ...claims, linkId })}`,
    });
    // Time passes between the email and the clicks, as between every step below.
    h.clock.advance(60_000);
    return { u, task, ...(await email()), anotherEmail: email };
  }

  // The page's button posts as a browser posts a form: an empty urlencoded body.
  const form = { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' };
  const page = async (method: 'GET' | 'POST', url: string) => {
    const res = await h.app.inject({ method, url, ...(method === 'POST' ? form : {}) });
    return { status: res.statusCode, html: res.body, type: String(res.headers['content-type']) };
  };
  const status = async (u: { auth: Record<string, string> }, id: string) =>
    (await h.call('GET', `/api/tasks/${id}`, u.auth)).body.status;

  it('completes once: a second click, and a click after reopening, show "already used"', async () => {
    const { u, task, done } = await emailFor('Pay rent');
    expect((await page('GET', done)).status).toBe(200);
    expect((await page('POST', done)).status).toBe(200);
    expect(await status(u, task.id)).toBe('completed');

    h.clock.advance(60_000);
    const replay = await page('POST', done);
    expect(replay.status).toBe(410);
    expect(replay.type).toMatch(/text\/html/);
    expect(replay.html).toContain('This link was already used');

    h.clock.advance(60_000);
    expect((await h.call('POST', `/api/tasks/${task.id}/reopen`, u.auth)).status).toBe(200);
    expect((await page('POST', done)).status).toBe(410);
    expect((await page('GET', done)).status).toBe(410);
    expect(await status(u, task.id)).toBe('open');
  });

  it('snoozes once, and spends the Done link of the same email with it', async () => {
    const { u, task, done, snooze, anotherEmail } = await emailFor('Call back');
    const earlier = await anotherEmail();
    const snoozedAt = h.clock.now().getTime();
    expect((await page('POST', snooze)).status).toBe(200);
    const reminders = (await h.call('GET', `/api/tasks/${task.id}`, u.auth)).body.reminders;
    expect(reminders[0].snoozedUntil).toBe(new Date(snoozedAt + 3_600_000).toISOString());

    h.clock.advance(60_000);
    expect((await page('POST', snooze)).status).toBe(410);
    expect((await page('POST', done)).status).toBe(410);
    // Another email's links were issued before the snooze changed the task.
    const stale = await page('POST', earlier.snooze);
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('changed after this email was sent');
    expect(await status(u, task.id)).toBe('open');
  });

  it('refuses to snooze a task completed since the email, or one edited since', async () => {
    const first = await emailFor('Done elsewhere');
    h.clock.advance(60_000);
    await h.call('POST', `/api/tasks/${first.task.id}/complete`, first.u.auth);
    const onCompleted = await page('POST', first.snooze);
    expect(onCompleted.status).toBe(409);
    expect(onCompleted.html).toContain('already done');
    expect((await page('GET', first.snooze)).status).toBe(409);

    const second = await emailFor('Renamed');
    h.clock.advance(60_000);
    await h.call('PATCH', `/api/tasks/${second.task.id}`, second.u.auth, { title: 'Renamed later' });
    expect((await page('POST', second.done)).status).toBe(409);
    expect(await status(second.u, second.task.id)).toBe('open');
  });

  it('a second email issued before a completion cannot complete the reopened task', async () => {
    const { u, task, done, anotherEmail } = await emailFor('Two reminders');
    const secondDone = (await anotherEmail()).done;
    expect((await page('POST', done)).status).toBe(200);
    h.clock.advance(60_000);
    await h.call('POST', `/api/tasks/${task.id}/reopen`, u.auth);
    // Not used yet, but issued for the task before it was completed and reopened.
    expect((await page('POST', secondDone)).status).toBe(409);
    expect(await status(u, task.id)).toBe('open');
  });
});
