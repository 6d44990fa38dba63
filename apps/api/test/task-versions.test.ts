/**
 * Task versions over HTTP: every task answer carries a strong ETag, every write moves it, and
 * If-Match makes a write conditional — a stale one is refused with 412, the task as it is now,
 * and nothing written. The clock stands still here, so versions cannot rely on time passing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

describe('task versions (ETag / If-Match)', () => {
  let h: Harness;
  let u: Awaited<ReturnType<Harness['user']>>;
  beforeAll(async () => {
    h = await createHarness();
    u = await h.user('Europe/Berlin');
  });
  afterAll(() => h?.close());

  const etagOf = (r: { headers: Record<string, unknown> }) => r.headers['etag'] as string;

  it('answers a strong ETag that changes on every write, and 304 to a current If-None-Match', async () => {
    const created = await h.call('POST', '/api/tasks', u.auth, { title: 'Versioned' });
    const id = created.body.id as string;
    const seen = [etagOf(created)];
    expect(seen[0]).toMatch(/^"[^"]+"$/);
    const read = await h.call('GET', `/api/tasks/${id}`, u.auth);
    expect(etagOf(read)).toBe(seen[0]);
    expect((await h.call('GET', `/api/tasks/${id}`, { ...u.auth, 'if-none-match': seen[0]! })).status).toBe(304);

    const writes = [
      () => h.call('PATCH', `/api/tasks/${id}`, u.auth, { title: 'Versioned again' }),
      () => h.call('PATCH', `/api/tasks/${id}`, u.auth, { priority: 'high' }),
      () => h.call('POST', `/api/tasks/${id}/tags`, u.auth, { name: 'home' }),
      () => h.call('POST', `/api/tasks/${id}/complete`, u.auth),
      () => h.call('POST', `/api/tasks/${id}/reopen`, u.auth),
      () => h.call('DELETE', `/api/tasks/${id}/tags/home`, u.auth),
    ];
    for (const write of writes) {
      const answer = await write();
      expect(answer.status).toBe(200);
      seen.push(etagOf(answer));
      expect(etagOf(await h.call('GET', `/api/tasks/${id}`, u.auth))).toBe(seen.at(-1));
    }
    expect(new Set(seen).size).toBe(seen.length);
    const stale = await h.call('GET', `/api/tasks/${id}`, { ...u.auth, 'if-none-match': seen[0]! });
    expect(stale.status).toBe(200);
  });

  it('writes with a current If-Match; a stale one gets 412 with the current task and writes nothing', async () => {
    const created = await h.call('POST', '/api/tasks', u.auth, { title: 'Mine' });
    const id = created.body.id as string;
    const first = await h.call('PATCH', `/api/tasks/${id}`, { ...u.auth, 'if-match': etagOf(created) }, { title: 'Mine, edited' });
    expect(first.status).toBe(200);

    const stale = await h.call('PATCH', `/api/tasks/${id}`, { ...u.auth, 'if-match': etagOf(created) }, { title: 'Lost?' });
    expect(stale.status).toBe(412);
    expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(stale.body).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412, current: { id, title: 'Mine, edited' } });
    expect(etagOf(stale)).toBe(etagOf(first));
    const now = await h.call('GET', `/api/tasks/${id}`, u.auth);
    expect(now.body).toEqual(first.body);
    expect(etagOf(now)).toBe(etagOf(first));

    for (const [method, path] of [
      ['POST', `/api/tasks/${id}/complete`],
      ['POST', `/api/tasks/${id}/reopen`],
      ['DELETE', `/api/tasks/${id}`],
    ] as const) {
      expect((await h.call(method, path, { ...u.auth, 'if-match': etagOf(created) })).status).toBe(412);
    }
    expect((await h.call('GET', `/api/tasks/${id}`, u.auth)).body.status).toBe('open');

    // "Keep mine": the same change again with the version the 412 gave.
    const kept = await h.call('PATCH', `/api/tasks/${id}`, { ...u.auth, 'if-match': etagOf(stale) }, { title: 'Lost? No' });
    expect(kept.body.title).toBe('Lost? No');
    // `*` matches whatever version exists; a weak tag never matches (strong comparison).
    expect((await h.call('PATCH', `/api/tasks/${id}`, { ...u.auth, 'if-match': '*' }, { priority: 'low' })).status).toBe(200);
    const weak = await h.call('PATCH', `/api/tasks/${id}`, { ...u.auth, 'if-match': `W/${etagOf(await h.call('GET', `/api/tasks/${id}`, u.auth))}` }, {
      priority: 'high',
    });
    expect(weak.status).toBe(412);
  });

  it('of concurrent writes naming the same version, exactly one wins', async () => {
    const created = await h.call('POST', '/api/tasks', u.auth, { title: 'Race' });
    const id = created.body.id as string;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        h.call('PATCH', `/api/tasks/${id}`, { ...u.auth, 'if-match': etagOf(created) }, { title: `Racer ${i}` }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    const winner = answers.find((a) => a.status === 200)!;
    expect((await h.call('GET', `/api/tasks/${id}`, u.auth)).body.title).toBe(winner.body.title);
    for (const loser of answers.filter((a) => a.status === 412)) expect(loser.body.current.title).toBe(winner.body.title);
  });

  it('without If-Match the last write wins, as CLI and MCP clients expect', async () => {
    const created = await h.call('POST', '/api/tasks', u.auth, { title: 'Plain' });
    const id = created.body.id as string;
    await h.call('PATCH', `/api/tasks/${id}`, u.auth, { title: 'One' });
    const two = await h.call('PATCH', `/api/tasks/${id}`, u.auth, { title: 'Two' });
    expect(two.status).toBe(200);
    expect((await h.call('GET', `/api/tasks/${id}`, u.auth)).body.title).toBe('Two');
  });

  it('a stale If-Match on another user’s task is a 404, not a 412 that shows it', async () => {
    const created = await h.call('POST', '/api/tasks', u.auth, { title: 'Private' });
    const other = await h.user();
    const answer = await h.call('PATCH', `/api/tasks/${created.body.id}`, { ...other.auth, 'if-match': '"x"' }, { title: 'Nope' });
    expect(answer.status).toBe(404);
    expect(answer.body.current).toBeUndefined();
  });
});
