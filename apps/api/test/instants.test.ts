/**
 * Found by the fuzzer (e2e/schemathesis.test.ts): an instant whose offset ISO 8601 allows but
 * PostgreSQL does not (beyond ±15:59) answered 500 in the task list's due filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

describe('due filters with any ISO offset', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h?.close());

  it('compares the instant, whatever its offset', async () => {
    const u = await h.user('UTC');
    const task = await h.call('POST', '/api/tasks', u.auth, {
      title: 'Noon',
      due: { dateTime: '2026-12-01T10:00', timeZone: 'UTC' },
    });
    expect(task.status).toBe(201);
    // 2026-12-01T00:00-23:00 is 2026-12-01T23:00Z: after the task's 10:00Z.
    const instant = encodeURIComponent('2026-12-01T00:00:00-23:00');
    const before = await h.call('GET', `/api/tasks?dueBefore=${instant}`, u.auth);
    expect(before.status).toBe(200);
    expect(before.body.items.map((t: { id: string }) => t.id)).toEqual([task.body.id]);
    const after = await h.call('GET', `/api/tasks?dueAfter=${instant}`, u.auth);
    expect(after.status).toBe(200);
    expect(after.body.items).toEqual([]);
  });
});
