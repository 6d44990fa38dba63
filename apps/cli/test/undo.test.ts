/**
 * Issue #24, "No undo anywhere", on the whole embedded runtime over real PostgreSQL: reopening
 * an occurrence takes back the next occurrence its completion made (unless touched) — also when
 * the reopen and the recurring role's write race — and a deleted task comes back whole.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '@todo/storage';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

describe('undo', () => {
  let p: Pipeline;
  let u: Awaited<ReturnType<Pipeline['user']>>;
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
    u = await p.user('UTC');
  });
  afterAll(() => p?.close());

  const create = async (body: object) => {
    const res = await p.call('POST', '/api/tasks', u.auth, body);
    expect(res.status).toBe(201);
    return res.body;
  };
  const repeating = (title: string) => create({ title, due: { date: '2026-11-27' }, recurrence: { rule: 'daily' } });
  const series = async (seriesId: string) =>
    ((await p.call('GET', '/api/tasks?status=all&limit=200', u.auth)).body.items as any[])
      .filter((t) => t.seriesId === seriesId)
      .map((t) => ({ index: t.occurrenceIndex, status: t.status }))
      .sort((a, b) => a.index - b.index);
  const subtasksOf = async (id: string) =>
    ((await p.call('GET', `/api/tasks?parentId=${id}&status=all`, u.auth)).body.items as any[]).map((s) => [s.title, s.status]);
  const post = (id: string, action: string) => p.call('POST', `/api/tasks/${id}/${action}`, u.auth);
  const recurrence = () => p.runtime.services.recurrence;
  /** Completes the task in storage only, as if its event were still on the way: the role does not run for it. */
  const completeSilently = async (id: string) => {
    const now = p.clock.now();
    await p.runtime.database.db.update(schema.tasks).set({ completedAt: now, updatedAt: now }).where(eq(schema.tasks.id, id));
  };
  const taskSeq = async () =>
    (await p.runtime.database.db.select({ seq: schema.users.taskSeq }).from(schema.users).where(eq(schema.users.id, u.id)))[0]!
      .seq;

  it('reopening takes back the untouched next occurrence and its copied subtasks, and reopens the subtasks closed with it', async () => {
    const t = await repeating('Water the plants');
    await create({ title: 'kitchen', parentId: t.id });
    await create({ title: 'balcony', parentId: t.id });
    expect((await post(t.id, 'complete')).status).toBe(200);
    await p.settle();
    expect(await series(t.id)).toEqual([
      { index: 0, status: 'completed' },
      { index: 1, status: 'open' },
    ]);
    // Completing the repeating parent closed its subtasks with it; the next occurrence has fresh copies.
    expect(await subtasksOf(t.id)).toEqual([
      ['kitchen', 'completed'],
      ['balcony', 'completed'],
    ]);
    const next = ((await p.call('GET', '/api/tasks?status=open&limit=200', u.auth)).body.items as any[]).find(
      (x) => x.seriesId === t.id,
    );
    expect(await subtasksOf(next.id)).toHaveLength(2);

    const reopened = await post(t.id, 'reopen');
    expect(reopened.body).toMatchObject({ status: 'open', nextOccurrence: { id: next.id, number: next.number, removed: true } });
    expect(await series(t.id)).toEqual([{ index: 0, status: 'open' }]);
    expect(await subtasksOf(t.id)).toEqual([
      ['kitchen', 'open'],
      ['balcony', 'open'],
    ]);
    expect((await p.call('GET', `/api/tasks/${next.id}`, u.auth)).status).toBe(404);
    expect((await p.call('GET', `/api/tasks?q=kitchen&status=all`, u.auth)).body.items).toHaveLength(1);

    // Completing again makes the next occurrence again — handled anew, not taken for done.
    await post(t.id, 'complete');
    await p.settle();
    expect(await series(t.id)).toEqual([
      { index: 0, status: 'completed' },
      { index: 1, status: 'open' },
    ]);
  });

  it('keeps a next occurrence somebody changed, and says so', async () => {
    const t = await repeating('Stretch');
    await post(t.id, 'complete');
    await p.settle();
    const next = ((await p.call('GET', '/api/tasks?status=open&limit=200', u.auth)).body.items as any[]).find(
      (x) => x.seriesId === t.id,
    );
    await p.advanceTo('2026-11-27T09:01:00Z');
    expect((await p.call('PATCH', `/api/tasks/${next.id}`, u.auth, { title: 'Stretch longer' })).status).toBe(200);
    const reopened = await post(t.id, 'reopen');
    expect(reopened.body.nextOccurrence).toEqual({ id: next.id, number: next.number, removed: false });
    expect(await series(t.id)).toEqual([
      { index: 0, status: 'open' },
      { index: 1, status: 'open' },
    ]);
  });

  it('a reopen before the recurring role ran leaves no next occurrence, whichever comes first', async () => {
    const many = await Promise.all(Array.from({ length: 6 }, (_, i) => repeating(`race ${i}`)));
    for (const t of many) await post(t.id, 'complete');
    // The role's loop runs on its own timer: the reopens race it.
    await Promise.all(many.map((t) => post(t.id, 'reopen')));
    await p.settle();
    for (const t of many) expect(await series(t.id)).toEqual([{ index: 0, status: 'open' }]);
  });

  it('the role read the completion, the reopen committed, then the role wrote: nothing is made, not even a number', async () => {
    const t = await repeating('Feed the cat');
    await completeSilently(t.id);
    const { tasks } = p.runtime.store.repos;
    const staleRow = await tasks.findSeriesRow(u.id, t.id);
    const completed = (await p.call('GET', `/api/tasks/${t.id}`, u.auth)).body;
    const seqBefore = await taskSeq();
    await post(t.id, 'reopen');
    // The role's read happened before the reopen: it decides on the completed row.
    const original = tasks.findSeriesRow.bind(tasks);
    tasks.findSeriesRow = async () => staleRow;
    try {
      expect(await recurrence().createNext(u.id, completed)).toEqual({ outcome: 'reopened' });
    } finally {
      tasks.findSeriesRow = original;
    }
    expect(await series(t.id)).toEqual([{ index: 0, status: 'open' }]);
    expect(await taskSeq()).toBe(seqBefore);
  });

  it('the reopen read before the role wrote: its write is refused, it reads again and takes the new occurrence back', async () => {
    const t = await repeating('Take vitamins');
    await completeSilently(t.id);
    const completed = (await p.call('GET', `/api/tasks/${t.id}`, u.auth)).body;
    // The reopen reads first; the role writes the next occurrence before the reopen writes.
    const { tasks } = p.runtime.store.repos;
    const original = tasks.findForChange.bind(tasks);
    let raced = false;
    tasks.findForChange = async (userId, key) => {
      const read = await original(userId, key);
      if (!raced) {
        raced = true;
        expect((await recurrence().createNext(u.id, completed)).outcome).toBe('created');
      }
      return read;
    };
    try {
      expect((await post(t.id, 'reopen')).body.nextOccurrence).toMatchObject({ removed: true });
    } finally {
      tasks.findForChange = original;
    }
    expect(raced).toBe(true);
    await p.settle();
    expect(await series(t.id)).toEqual([{ index: 0, status: 'open' }]);
  });

  it('the role and a reopen at the same moment, twenty times over: never an open occurrence besides the reopened one', async () => {
    const ctx = { principal: { userId: u.id, scopes: ['read', 'write'] as const, via: 'session' as const } };
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => repeating(`together ${i}`)));
    for (const t of many) await completeSilently(t.id);
    const completed = await Promise.all(many.map(async (t) => (await p.call('GET', `/api/tasks/${t.id}`, u.auth)).body));
    const outcomes = await Promise.all(
      many.map(async (t, i) => {
        // Half start with the reopen, half with the role.
        const reopening = i % 2 ? p.runtime.services.tasks.reopen(ctx, t.id) : undefined;
        const made = recurrence().createNext(u.id, completed[i]);
        const reopened = await (reopening ?? p.runtime.services.tasks.reopen(ctx, t.id));
        return [(await made).outcome, reopened.nextOccurrence?.removed ?? null];
      }),
    );
    // Whichever went first: the role made nothing, or the reopen took back what it made.
    for (const [made, removed] of outcomes)
      expect([made, removed], JSON.stringify(outcomes)).toEqual(made === 'created' ? ['created', true] : ['reopened', null]);
    for (const t of many) expect(await series(t.id)).toEqual([{ index: 0, status: 'open' }]);
  });

  it('a deleted task is seen nowhere, and comes back whole: id, number, tags, reminders, recurrence, subtasks', async () => {
    const t = await create({
      title: 'Pay rent',
      due: { date: '2026-12-01' },
      recurrence: { rule: 'monthly' },
      tags: ['home', 'Money'],
      reminders: [{ type: 'absolute', at: '2026-11-30T08:00:00Z' }],
    });
    const sub = await create({ title: 'transfer', parentId: t.id, tags: ['bank'] });
    const before = (await p.call('GET', `/api/tasks/${t.id}`, u.auth)).body;
    await p.advanceTo('2026-11-27T10:00:00Z');
    expect((await p.call('DELETE', `/api/tasks/${t.number}`, u.auth)).status).toBe(204);

    expect((await p.call('GET', `/api/tasks/${t.number}`, u.auth)).status).toBe(404);
    expect((await p.call('GET', `/api/tasks/${sub.id}`, u.auth)).status).toBe(404);
    expect((await p.call('GET', '/api/tasks?q=rent&status=all', u.auth)).body.items).toEqual([]);
    expect((await p.call('GET', '/api/tasks?tags=bank&status=all', u.auth)).body.items).toEqual([]);

    const restored = await p.call('POST', `/api/tasks/${t.number}/restore`, u.auth);
    expect(restored.status).toBe(200);
    const { updatedAt: _a, ...same } = before;
    expect(restored.body).toMatchObject(same);
    expect((await p.call('GET', `/api/tasks/${sub.id}`, u.auth)).body).toMatchObject({
      id: sub.id,
      number: sub.number,
      parentId: t.id,
      tags: ['bank'],
    });
    // Once back, a second restore (a double click, a retry) answers the task as it is.
    expect((await p.call('POST', `/api/tasks/${t.id}/restore`, u.auth)).body).toMatchObject({ id: t.id, number: t.number });
    expect((await p.call('POST', `/api/tasks/${crypto.randomUUID()}/restore`, u.auth)).status).toBe(404);
  });

  it('a deleted task can be restored within the hour, not after', async () => {
    const t = await create({ title: 'Old receipt' });
    expect((await p.call('DELETE', `/api/tasks/${t.id}`, u.auth)).status).toBe(204);
    await p.advanceTo(new Date(p.clock.now().getTime() + 60 * 60 * 1000 + 1));
    await p.runtime.services.tasks.purgeTrash();
    expect((await p.call('POST', `/api/tasks/${t.id}/restore`, u.auth)).body.code).toBe('TASK_NOT_FOUND');
  });

  it("a deleted task's reminder does not fire; restored, it fires (late, if its time passed meanwhile)", async () => {
    const notes = async () => (await p.call('GET', '/api/notifications', u.auth)).body.items.length;
    const base = p.clock.now().getTime();
    const at = (minutes: number) => new Date(base + minutes * 60_000);
    const t = await create({ title: 'Call the plumber', reminders: [{ type: 'absolute', at: at(10).toISOString() }] });
    const other = await create({ title: 'Call the bank', reminders: [{ type: 'absolute', at: at(10).toISOString() }] });
    await p.settle();
    const before = await notes();
    await p.call('DELETE', `/api/tasks/${t.id}`, u.auth);
    await p.call('DELETE', `/api/tasks/${other.id}`, u.auth);
    await p.advanceTo(at(5));
    await p.call('POST', `/api/tasks/${other.id}/restore`, u.auth);
    await p.advanceTo(at(10));
    // Only the restored one fired.
    expect(await notes()).toBe(before + 1);
    expect((await p.call('GET', '/api/notifications', u.auth)).body.items[0]).toMatchObject({ taskId: other.id });
    // Restored after its time, the deleted one's reminder comes late rather than never.
    await p.advanceTo(at(10.5));
    await p.call('POST', `/api/tasks/${t.id}/restore`, u.auth);
    await p.advanceTo(at(11));
    expect(await notes()).toBe(before + 2);
    await p.advanceTo(at(30));
    expect(await notes()).toBe(before + 2);
  });

  it('a reminder that fired before the delete does not fire again after the restore, and its notification comes back', async () => {
    const notes = async () => (await p.call('GET', '/api/notifications', u.auth)).body.items.length;
    const base = p.clock.now().getTime();
    const at = (minutes: number) => new Date(base + minutes * 60_000);
    const t = await create({ title: 'Renew the parking permit', reminders: [{ type: 'absolute', at: at(10).toISOString() }] });
    await p.settle();
    const before = await notes();
    await p.advanceTo(at(10));
    expect(await notes()).toBe(before + 1);
    await p.advanceTo(at(11));
    await p.call('DELETE', `/api/tasks/${t.id}`, u.auth);
    await p.call('POST', `/api/tasks/${t.id}/restore`, u.auth);
    // Its notification is back with it (a delete takes a task's notifications along)…
    expect(await notes()).toBe(before + 1);
    // …and so is the record of its emission: the reconciliation, which emits what came due within
    // the hour without one, leaves it alone.
    await p.advanceTo(at(20));
    expect(await p.runtime.notifier!.reconcile()).toBe(0);
    expect(await notes()).toBe(before + 1);
  });
});
