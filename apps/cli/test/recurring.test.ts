/**
 * Issue #3, acceptance 2 and 5: completing an occurrence creates the next one exactly once,
 * with the due computed by the RRULE (from due or from completion), honouring COUNT, across DST.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from './pipeline-harness.js';

describe('recurring tasks end to end', () => {
  let p: Pipeline;
  let u: Awaited<ReturnType<Pipeline['user']>>;
  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
    u = await p.user('America/New_York');
  });
  afterAll(() => p?.close());

  /** Completes the task and returns the dues of the chain of occurrences it produced. */
  async function completeChain(first: { id: string }, times: number, at?: (i: number) => string): Promise<string[]> {
    const dues: string[] = [];
    let current = first.id;
    for (let i = 0; i < times; i++) {
      if (at) p.clock.set(at(i));
      await p.call('POST', `/api/tasks/${current}/complete`, u.auth);
      await p.settle();
      const open = (await p.call('GET', `/api/tasks?status=open&q=${encodeURIComponent('chain')}&limit=200`, u.auth)).body
        .items as any[];
      const next = open.find(
        (t) => t.seriesId && t.id !== current && t.occurrenceIndex === i + 1 && t.seriesId === (first as any).seriesId,
      );
      if (!next) break;
      dues.push('date' in next.due ? next.due.date : next.due.dateTime);
      current = next.id;
    }
    return dues;
  }

  async function create(title: string, due: unknown, rule: string, repeatFrom: 'due' | 'completion' = 'due') {
    return (await p.call('POST', '/api/tasks', u.auth, { title: `chain ${title}`, due, recurrence: { rule, repeatFrom } })).body;
  }

  it('weekly on Monday and Friday', async () => {
    const t = await create('mofr', { date: '2026-11-27' }, 'FREQ=WEEKLY;BYDAY=MO,FR');
    expect(await completeChain(t, 4)).toEqual(['2026-11-30', '2026-12-04', '2026-12-07', '2026-12-11']);
  });

  it('monthly on the last Friday', async () => {
    const t = await create('lastfri', { date: '2026-11-27' }, 'last friday of the month');
    expect(await completeChain(t, 3)).toEqual(['2026-12-25', '2027-01-29', '2027-02-26']);
  });

  it('BYMONTHDAY=31 skips the short months', async () => {
    const t = await create('31st', { date: '2027-01-31' }, 'FREQ=MONTHLY;BYMONTHDAY=31');
    expect(await completeChain(t, 3)).toEqual(['2027-03-31', '2027-05-31', '2027-07-31']);
  });

  it('every 3 days from completion', async () => {
    const t = await create('3days', { dateTime: '2026-11-27T18:00', timeZone: null }, 'every 3 days', 'completion');
    const dues = await completeChain(t, 2, (i) => (i === 0 ? '2026-11-29T15:00:00Z' : '2026-12-05T15:00:00Z'));
    expect(dues).toEqual(['2026-12-02T18:00:00', '2026-12-08T18:00:00']);
  });

  it('COUNT=3 stops after the third occurrence', async () => {
    const t = await create('count', { date: '2026-11-27' }, 'FREQ=DAILY;COUNT=3');
    expect(await completeChain(t, 5)).toEqual(['2026-11-28', '2026-11-29']);
  });

  it('keeps 09:00 local in New York across both DST changes', async () => {
    const t = await create('dst', { dateTime: '2027-03-06T09:00', timeZone: 'America/New_York' }, 'FREQ=WEEKLY');
    expect(t.dueAt).toBe('2027-03-06T14:00:00.000Z'); // EST, UTC-5
    await completeChain(t, 2); // US clocks go forward on 14 March 2027
    const next = (await p.call('GET', `/api/tasks?q=dst&limit=5`, u.auth)).body.items.find((x: any) => x.occurrenceIndex === 2);
    expect(next.due).toEqual({ dateTime: '2027-03-20T09:00:00', timeZone: 'America/New_York' });
    expect(next.dueAt).toBe('2027-03-20T13:00:00.000Z'); // EDT, UTC-4
    const fall = await create('dstfall', { dateTime: '2026-10-31T09:00', timeZone: 'America/New_York' }, 'weekly');
    await completeChain(fall, 1);
    const after = (await p.call('GET', `/api/tasks?q=dstfall&limit=5`, u.auth)).body.items.find(
      (x: any) => x.occurrenceIndex === 1,
    );
    expect(after.dueAt).toBe('2026-11-07T14:00:00.000Z');
  });

  it.each([
    ['with a checklist', true],
    ['without subtasks', false],
  ])('copies title, priority, tags and reminders, and resets subtasks — %s', async (label, withSubtask) => {
    const title = `chain copy ${withSubtask ? 'checklist' : 'plain'}`;
    const t = (
      await p.call('POST', '/api/tasks', u.auth, {
        title,
        priority: 'high',
        tags: ['home', 'Errand'],
        due: { dateTime: '2026-12-01T09:00', timeZone: 'America/New_York' },
        recurrence: { rule: 'daily' },
        reminders: [
          { type: 'relative', minutesBefore: 15 },
          { type: 'absolute', at: '2026-12-01T13:00:00Z' },
        ],
      })
    ).body;
    if (withSubtask) {
      const sub = (await p.call('POST', '/api/tasks', u.auth, { title: 'chain step', parentId: t.id })).body;
      await p.call('POST', `/api/tasks/${sub.id}/complete`, u.auth);
    }
    await p.call('POST', `/api/tasks/${t.id}/complete`, u.auth);
    await p.settle();
    const next = (await p.call('GET', `/api/tasks?q=${withSubtask ? 'checklist' : 'plain'}&limit=5`, u.auth)).body.items.find(
      (x: any) => x.occurrenceIndex === 1,
    );
    expect(next, label).toMatchObject({ title, priority: 'high', tags: ['Errand', 'home'], status: 'open', seriesId: t.id });
    expect(next.reminders.map((r: any) => r.minutesBefore ?? r.at)).toEqual([15, '2026-12-02T13:00:00.000Z']);
    const subs = (await p.call('GET', `/api/tasks?parentId=${next.id}`, u.auth)).body.items;
    expect(subs.map((s: any) => [s.title, s.status])).toEqual(withSubtask ? [['chain step', 'open']] : []);
  });

  it('creates one next occurrence for a duplicated completed event, and none on reopen + re-complete', async () => {
    const t = await create('duplicated', { date: '2026-12-10' }, 'daily');
    await p.call('POST', `/api/tasks/${t.id}/complete`, u.auth);
    const completed = (await p.call('GET', `/api/tasks/${t.id}`, u.auth)).body;
    const event = {
      specversion: '1.0' as const,
      id: crypto.randomUUID(),
      source: 'test',
      type: 'todo.task.completed.v1' as const,
      time: completed.completedAt,
      datacontenttype: 'application/json' as const,
      data: { userId: u.id, task: completed },
    };
    await p.runtime.transports.bus.publish('task-events', event);
    await p.runtime.transports.bus.publish('task-events', event);
    await p.settle();
    await p.call('POST', `/api/tasks/${t.id}/reopen`, u.auth);
    await p.call('POST', `/api/tasks/${t.id}/complete`, u.auth);
    await p.settle();
    const series = (await p.call('GET', `/api/tasks?status=all&q=duplicated&limit=50`, u.auth)).body.items.filter(
      (x: any) => x.seriesId === t.id,
    );
    expect(series.map((x: any) => x.occurrenceIndex).sort()).toEqual([0, 1]);
  });
});
