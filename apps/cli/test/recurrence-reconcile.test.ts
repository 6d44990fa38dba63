/**
 * The recurrence reconciliation: a completion whose event never reached the recurring role (a
 * delivery lost between broker and app, docs/operations.md) still gets its next occurrence, once
 * the grace period has passed; what the event path handled, what needs no next occurrence and a
 * next occurrence the user deleted are left alone.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '@todo/storage';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

const GRACE_MS = 120_000;

describe('recurrence reconciliation', () => {
  let p: Pipeline;
  let u: Awaited<ReturnType<Pipeline['user']>>;
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
    u = await p.user('America/New_York');
  });
  afterAll(() => p?.close());

  const create = async (title: string, rule: string) =>
    (await p.call('POST', '/api/tasks', u.auth, { title, due: { date: '2026-11-27' }, recurrence: { rule } })).body;
  const series = async (seriesId: string) =>
    ((await p.call('GET', '/api/tasks?status=all&limit=200', u.auth)).body.items as any[])
      .filter((t) => t.seriesId === seriesId)
      .map((t) => ({ index: t.occurrenceIndex, status: t.status, due: t.due.date }))
      .sort((a, b) => a.index - b.index);
  /** Changes stored fields directly, bypassing the app: no event, no checks. */
  const setStored = async (id: string, changes: Partial<typeof schema.tasks.$inferInsert>) => {
    const { tasks } = schema;
    expect(
      await p.runtime.database.db.update(tasks).set(changes).where(eq(tasks.id, id)).returning({ id: tasks.id }),
    ).toHaveLength(1);
  };
  /** Completes the task in storage only, as if its event had been lost: no outbox row, no delivery. */
  const completeSilently = (id: string) => setStored(id, { completedAt: p.clock.now(), updatedAt: p.clock.now() });
  const later = (ms: number) => p.advanceTo(new Date(p.clock.now().getTime() + ms));
  const reconcile = () => p.runtime.services.recurrence.reconcile({ graceMs: GRACE_MS });

  it('creates the next occurrence of a completion nobody handled, once the grace period has passed', async () => {
    const t = await create('Water the plants', 'daily');
    await completeSilently(t.id);

    await later(GRACE_MS - 1_000);
    expect(await reconcile()).toEqual([]);
    expect(await series(t.seriesId)).toEqual([{ index: 0, status: 'completed', due: '2026-11-27' }]);

    await later(2_000);
    const found = await reconcile();
    expect(found.map((r) => [r.taskId, r.userId, r.outcome])).toEqual([[t.id, u.id, 'created']]);
    expect(await series(t.seriesId)).toEqual([
      { index: 0, status: 'completed', due: '2026-11-27' },
      { index: 1, status: 'open', due: '2026-11-28' },
    ]);
    // Handled now: the next run finds nothing, and the late event (if it ever comes) is a no-op.
    expect(await reconcile()).toEqual([]);
    const late = await p.runtime.services.recurrence.createNext(u.id, (await p.call('GET', `/api/tasks/${t.id}`, u.auth)).body);
    expect(late.outcome).toBe('already-created');
    expect(await series(t.seriesId)).toHaveLength(2);
  });

  it('leaves alone what the event path handled, a series that ended, and a next occurrence the user deleted', async () => {
    const handled = await create('Stretch', 'daily');
    const ended = await create('Renew passport', 'FREQ=DAILY;COUNT=1');
    const deleted = await create('Call mum', 'weekly');
    for (const t of [handled, ended, deleted]) {
      expect((await p.call('POST', `/api/tasks/${t.id}/complete`, u.auth)).status).toBe(200);
    }
    await p.settle();
    const next = (await series(deleted.seriesId)).find((o) => o.index === 1);
    expect(next).toBeDefined();
    const nextId = ((await p.call('GET', '/api/tasks?status=open&limit=200', u.auth)).body.items as any[]).find(
      (t) => t.seriesId === deleted.seriesId,
    ).id;
    expect((await p.call('DELETE', `/api/tasks/${nextId}`, u.auth)).status).toBe(204);

    await later(GRACE_MS + 60_000);
    expect(await reconcile()).toEqual([]);
    expect(await series(handled.seriesId)).toHaveLength(2);
    expect(await series(ended.seriesId)).toEqual([{ index: 0, status: 'completed', due: '2026-11-27' }]);
    expect(await series(deleted.seriesId)).toEqual([{ index: 0, status: 'completed', due: '2026-11-27' }]);
  });

  it('goes on past a completion it cannot handle, and tries that one again next time', async () => {
    const broken = await create('Broken rule', 'daily');
    const fine = await create('Feed the cat', 'daily');
    // A rule that no longer parses (stored by some older version, say): handling it throws.
    await setStored(broken.id, { recurrenceRule: 'FREQ=SOMETIMES' });
    await completeSilently(broken.id);
    await completeSilently(fine.id);
    await later(GRACE_MS + 1_000);

    const outcomes = async () => (await reconcile()).map((r) => [r.taskId, r.outcome]);
    expect(await outcomes()).toEqual([
      [broken.id, 'failed'],
      [fine.id, 'created'],
    ]);
    expect(await outcomes()).toEqual([[broken.id, 'failed']]);
    // The role counts what it had to handle; a non-zero count means deliveries are being lost.
    expect(await p.runtime.recurring!.reconcile()).toBe(0);
    const metrics = (await p.runtime.metricsApp.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/todo_recurrence_reconciled_total\{outcome="failed"\} 1\n/);
    // Once the rule is repaired, the next run handles it.
    await setStored(broken.id, { recurrenceRule: 'FREQ=DAILY' });
    expect(await outcomes()).toEqual([[broken.id, 'created']]);
    expect(await series(fine.seriesId)).toHaveLength(2);
    expect(await series(broken.seriesId)).toHaveLength(2);
  });

  it('does not reach back past its horizon', async () => {
    const t = await create('Old chore', 'daily');
    await completeSilently(t.id);
    await later(8 * 86_400_000);
    expect(await p.runtime.services.recurrence.reconcile({ graceMs: GRACE_MS, horizonMs: 7 * 86_400_000 })).toEqual([]);
    expect(await series(t.seriesId)).toHaveLength(1);
  });
});
