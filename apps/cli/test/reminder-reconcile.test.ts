/**
 * The reminder reconciliation: a reminder whose job trigger (or task event) was lost between
 * Dapr and the app still goes out — late, once its grace period has passed — and only once;
 * what went out normally, what belongs to a completed task and what is past the horizon are
 * left alone. Loss is made certain by deleting the reminder's scheduled job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { RECONCILE_HORIZON_MS } from '@todo/services';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

describe('reminder reconciliation', () => {
  let p: Pipeline;
  let u: Awaited<ReturnType<Pipeline['user']>>;
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
    u = await p.user('America/New_York');
  });
  afterAll(() => p?.close());

  const mails = (title: string) => p.smtp.messages.filter((m) => m.to.includes(u.email) && m.subject.includes(title));
  const at = (iso: string) => p.advanceTo(iso);
  const reconcile = () => p.runtime.notifier!.reconcile();
  const create = async (body: Record<string, unknown>) => {
    const task = (await p.call('POST', '/api/tasks', u.auth, body)).body;
    await p.settle();
    return task;
  };
  /** The reminder's job vanishes, as when its trigger or the task's event was lost. */
  const loseJob = async (task: { reminders: { id: string }[] }) => {
    await p.runtime.database.db.execute(sql`delete from jobs where name = ${`reminder-${task.reminders[0]!.id}`}`);
  };

  it('sends a reminder whose trigger was lost, once, after the grace period', async () => {
    const task = await create({ title: 'Call the bank', reminders: [{ type: 'absolute', at: '2026-11-27T09:10:00Z' }] });
    await loseJob(task);
    await at('2026-11-27T09:11:00Z');
    expect(mails('Call the bank')).toHaveLength(0);
    expect(await reconcile()).toBe(0); // inside the grace period

    await at('2026-11-27T09:12:01Z');
    expect(await reconcile()).toBe(1);
    await p.settle();
    expect(mails('Call the bank')).toHaveLength(1);
    const metrics = (await p.runtime.metricsApp.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/todo_reminders_reconciled_total\{outcome="emitted"\} 1\n/);
    expect(await reconcile()).toBe(0); // notified now
    await at('2026-11-27T09:20:00Z');
    expect(await reconcile()).toBe(0);
    expect(mails('Call the bank')).toHaveLength(1);
  });

  it("computes an all-day task's reminder time in the owner's zone, as the notifier does", async () => {
    // Due 28 Nov (all day), one hour before the owner's reminder hour (09:00 New York = 14:00Z).
    const task = await create({
      title: 'Pick up parcel',
      due: { date: '2026-11-28' },
      reminders: [{ type: 'relative', minutesBefore: 60 }],
    });
    await loseJob(task);
    await at('2026-11-28T13:01:00Z');
    expect(await reconcile()).toBe(0);
    await at('2026-11-28T13:02:01Z');
    expect(await reconcile()).toBe(1);
    await p.settle();
    expect(mails('Pick up parcel')).toHaveLength(1);
  });

  it('emits again only a grace period after its last emission, and the mailer sends one email', async () => {
    const task = await create({ title: 'Renew insurance', reminders: [{ type: 'absolute', at: '2026-11-28T15:00:00Z' }] });
    await loseJob(task);
    // Nothing delivers in the background until `settle`: the emissions stay undelivered meanwhile
    // (the in-app notification, in a subscription of its own, would otherwise be written at once).
    await p.runtime.transports.bus.stop();
    try {
      p.clock.set('2026-11-28T15:02:01Z');
      expect(await reconcile()).toBe(1);
      expect(await reconcile()).toBe(0); // emitted, not yet delivered: not again within the grace period
      p.clock.set('2026-11-28T15:04:02Z');
      expect(await reconcile()).toBe(1); // still no notification: once more
    } finally {
      await p.runtime.transports.bus.start();
    }
    await p.settle();
    expect(mails('Renew insurance')).toHaveLength(1);
  });

  it('leaves alone what went out normally, a completed task, and what is past the horizon', async () => {
    await create({ title: 'Stand-up', reminders: [{ type: 'absolute', at: '2026-11-28T16:00:00Z' }] });
    const done = await create({ title: 'Old chore', reminders: [{ type: 'absolute', at: '2026-11-28T16:00:00Z' }] });
    await loseJob(done);
    expect((await p.call('POST', `/api/tasks/${done.id}/complete`, u.auth)).status).toBe(200);
    const late = await create({ title: 'Forgotten', reminders: [{ type: 'absolute', at: '2026-11-28T16:00:00Z' }] });
    await loseJob(late);

    await at('2026-11-28T16:00:00Z');
    expect(mails('Stand-up')).toHaveLength(1);
    await at(new Date(Date.parse('2026-11-28T16:00:00Z') + RECONCILE_HORIZON_MS + 1_000).toISOString());
    expect(await reconcile()).toBe(0);
    await p.settle();
    expect(mails('Stand-up')).toHaveLength(1);
    expect(mails('Old chore')).toHaveLength(0);
    expect(mails('Forgotten')).toHaveLength(0);
  });
});
