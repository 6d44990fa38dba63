import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

describe('tasks API', () => {
  let h: Harness;
  let u: Awaited<ReturnType<Harness['user']>>;
  beforeAll(async () => {
    h = await createHarness({ bodyLimit: 64 * 1024 });
    u = await h.user('America/New_York');
  });
  afterAll(() => h?.close());

  it('creates, reads by id and by number, lists, updates and deletes', async () => {
    const created = await h.call('POST', '/api/tasks', u.auth, {
      title: 'Pay rent',
      priority: 'high',
      due: { dateTime: '2026-12-01T09:00', timeZone: null },
      recurrence: { rule: 'every month on the 1st' },
      reminders: [{ type: 'relative', minutesBefore: 60 }],
      tags: ['home'],
    });
    expect(created.status).toBe(201);
    const task = created.body;
    expect(task).toMatchObject({
      number: 1,
      status: 'open',
      priority: 'high',
      tags: ['home'],
      dueAt: '2026-12-01T14:00:00.000Z',
    });
    expect(task.recurrence).toMatchObject({ rule: 'FREQ=MONTHLY;BYMONTHDAY=1', repeatFrom: 'due' });
    expect(typeof task.recurrence.text).toBe('string');

    expect((await h.call('GET', `/api/tasks/${task.id}`, u.auth)).body).toEqual(task);
    expect((await h.call('GET', '/api/tasks/1', u.auth)).body.id).toBe(task.id);
    expect((await h.call('GET', '/api/tasks', u.auth)).body.items.map((t: { id: string }) => t.id)).toContain(task.id);

    const patched = await h.call('PATCH', `/api/tasks/${task.id}`, u.auth, {
      title: 'Pay the rent',
      recurrence: null,
      reminders: [],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Pay the rent', recurrence: null, reminders: [], priority: 'high' });
    const cleared = await h.call('PATCH', `/api/tasks/1`, u.auth, { due: null, tags: [] });
    expect(cleared.body).toMatchObject({ due: null, dueAt: null, tags: [] });

    expect((await h.call('DELETE', `/api/tasks/${task.id}`, u.auth)).status).toBe(204);
    expect((await h.call('GET', `/api/tasks/${task.id}`, u.auth)).status).toBe(404);
  });

  it('completes and reopens idempotently', async () => {
    const t = (await h.call('POST', '/api/tasks', u.auth, { title: 'Idempotent' })).body;
    h.clock.set('2026-11-27T10:00:00Z');
    const done = await h.call('POST', `/api/tasks/${t.id}/complete`, u.auth);
    expect(done.body).toMatchObject({ status: 'completed', completedAt: '2026-11-27T10:00:00.000Z' });
    h.clock.set('2026-11-27T11:00:00Z');
    expect((await h.call('POST', `/api/tasks/${t.id}/complete`, u.auth)).body.completedAt).toBe('2026-11-27T10:00:00.000Z');
    expect((await h.call('POST', `/api/tasks/${t.number}/reopen`, u.auth)).body).toMatchObject({
      status: 'open',
      completedAt: null,
    });
    expect((await h.call('POST', `/api/tasks/${t.number}/reopen`, u.auth)).body.status).toBe('open');
  });

  it('assigns and unassigns tags by name', async () => {
    const t = (await h.call('POST', '/api/tasks', u.auth, { title: 'Tag me' })).body;
    expect((await h.call('POST', `/api/tasks/${t.id}/tags`, u.auth, { name: 'Work' })).body.tags).toEqual(['Work']);
    expect((await h.call('POST', `/api/tasks/${t.id}/tags`, u.auth, { name: 'work' })).body.tags).toEqual(['Work']);
    expect((await h.call('DELETE', `/api/tasks/${t.id}/tags/WORK`, u.auth)).body.tags).toEqual([]);
  });

  it('creates with tags: existing ones keep their spelling, concurrent creates of a new tag share one row and all keep it', async () => {
    await h.call('POST', '/api/tags', u.auth, { name: 'Errands' });
    const one = await h.call('POST', '/api/tasks', u.auth, { title: 'Milk', tags: ['errands', 'Fresh', 'fresh'] });
    expect(one.status).toBe(201);
    expect(one.body.tags).toEqual(['Errands', 'Fresh']);
    expect((await h.call('GET', `/api/tasks/${one.body.id}`, u.auth)).body.tags).toEqual(['Errands', 'Fresh']);
    const racing = await Promise.all(
      Array.from({ length: 12 }, (_, i) => h.call('POST', '/api/tasks', u.auth, { title: `Race ${i}`, tags: ['Brand new'] })),
    );
    expect(racing.map((r) => r.status)).toEqual(Array(12).fill(201));
    for (const r of racing) expect((await h.call('GET', `/api/tasks/${r.body.id}`, u.auth)).body.tags).toEqual(['Brand new']);
    const tags = (await h.call('GET', '/api/tags', u.auth)).body.items;
    expect(tags.filter((t: { name: string }) => t.name.toLowerCase() === 'brand new')).toHaveLength(1);
  });

  it('supports subtasks and refuses cycles', async () => {
    const parent = (await h.call('POST', '/api/tasks', u.auth, { title: 'Trip' })).body;
    const child = (await h.call('POST', '/api/tasks', u.auth, { title: 'Pack', parentId: parent.id })).body;
    const grandchild = (await h.call('POST', '/api/tasks', u.auth, { title: 'Socks', parentId: child.id })).body;
    expect(
      (await h.call('GET', `/api/tasks?parentId=${parent.id}`, u.auth)).body.items.map((t: { title: string }) => t.title),
    ).toEqual(['Pack']);
    const cycle = await h.call('PATCH', `/api/tasks/${parent.id}`, u.auth, { parentId: grandchild.id });
    expect(cycle.status).toBe(409);
    expect(cycle.body).toMatchObject({ code: 'PARENT_CYCLE', errors: [{ field: 'parentId' }] });
    await h.call('DELETE', `/api/tasks/${parent.id}`, u.auth);
    expect((await h.call('GET', `/api/tasks/${grandchild.id}`, u.auth)).status).toBe(404);
  });

  it('answers bad input with problem+json naming the field, and writes nothing', async () => {
    const before = (await h.call('GET', '/api/tasks?status=all&limit=200', u.auth)).body.items.length;
    const cases: [unknown, string, string][] = [
      [{ title: '' }, 'VALIDATION_FAILED', 'title'],
      [{ title: 'x', colour: 'red' }, 'VALIDATION_FAILED', 'colour'],
      [{ title: 'x', priority: 'huge' }, 'VALIDATION_FAILED', 'priority'],
      [{ title: 'x', due: { date: '2026-02-30' } }, 'VALIDATION_FAILED', 'due.date'],
      [{ title: 'x', due: { dateTime: '2026-12-01T09:00', timeZone: 'Nowhere/Land' } }, 'INVALID_TIME_ZONE', 'due.timeZone'],
      [
        { title: 'x', due: { date: '2026-12-01' }, recurrence: { rule: 'whenever I feel like it' } },
        'INVALID_RECURRENCE',
        'recurrence.rule',
      ],
      [{ title: 'x', recurrence: { rule: 'daily' } }, 'INVALID_RECURRENCE', 'recurrence'],
      [{ title: 'x', reminders: [{ type: 'relative', minutesBefore: 5 }] }, 'INVALID_REMINDER', 'reminders.0.minutesBefore'],
      [{ title: 'x', projectId: '0193e2d4-0000-7000-8000-000000000000' }, 'PROJECT_NOT_FOUND', 'projectId'],
    ];
    for (const [body, code, field] of cases) {
      const res = await h.call('POST', '/api/tasks', u.auth, body);
      expect(res.headers['content-type'], JSON.stringify(body)).toMatch(/application\/problem\+json/);
      expect(res.body.code, JSON.stringify(body)).toBe(code);
      expect(
        res.body.errors.map((e: { field: string }) => e.field),
        JSON.stringify(body),
      ).toContain(field);
      expect(res.body).toHaveProperty('detail');
    }
    const badJson = await h.call('POST', '/api/tasks', u.auth, '{"title": ');
    expect(badJson.status).toBe(400);
    const huge = await h.call('POST', '/api/tasks', u.auth, { title: 'x', description: 'y'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('PAYLOAD_TOO_LARGE');
    const unknownQuery = await h.call('GET', '/api/tasks?colour=red', u.auth);
    expect(unknownQuery.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'colour' }] });
    expect((await h.call('GET', '/api/tasks?status=all&limit=200', u.auth)).body.items.length).toBe(before);
  });

  it('previews recurrence in a zone', async () => {
    const res = await h.call('GET', '/api/recurrence/preview?rule=every%20weekday&start=2026-11-27T09:00:00&count=3', u.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', timeZone: 'America/New_York' });
    expect(res.body.occurrences).toEqual(['2026-11-27T09:00:00', '2026-11-30T09:00:00', '2026-12-01T09:00:00']);
    const bad = await h.call('GET', '/api/recurrence/preview?rule=FREQ%3DSOMETIMES', u.auth);
    expect(bad.body).toMatchObject({ code: 'INVALID_RECURRENCE', errors: [{ field: 'rule' }] });
  });

  it('moves floating dues when the user changes zone', async () => {
    const v = await h.user('UTC');
    const t = (
      await h.call('POST', '/api/tasks', v.auth, { title: 'floating', due: { dateTime: '2026-12-01T09:00', timeZone: null } })
    ).body;
    const fixed = (
      await h.call('POST', '/api/tasks', v.auth, { title: 'fixed', due: { dateTime: '2026-12-01T09:00', timeZone: 'UTC' } })
    ).body;
    expect(t.dueAt).toBe('2026-12-01T09:00:00.000Z');
    const listedDue = async () => (await h.call('GET', '/api/tasks?sort=number', v.auth)).body.items[0].dueAt;
    expect(await listedDue()).toBe('2026-12-01T09:00:00.000Z');
    await h.call('PATCH', '/api/me', v.auth, { timeZone: 'Asia/Tokyo' });
    expect(await listedDue()).toBe('2026-12-01T00:00:00.000Z');
    expect((await h.call('GET', `/api/tasks/${t.id}`, v.auth)).body.dueAt).toBe('2026-12-01T00:00:00.000Z');
    expect((await h.call('GET', `/api/tasks/${fixed.id}`, v.auth)).body.dueAt).toBe('2026-12-01T09:00:00.000Z');
  });

  it('answers 304 to a list request whose ETag is still current, and a fresh page after any write', async () => {
    const w = await h.user();
    const list = (headers: Record<string, string> = {}) =>
      h.app.inject({ method: 'GET', url: '/api/tasks?sort=number&status=all', headers: { ...w.auth, ...headers } });
    await h.call('POST', '/api/tasks', w.auth, { title: 'one' });
    const first = await list();
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"[\w-]+"$/);

    for (const ifNoneMatch of [etag, etag.slice(2), `"other", ${etag}`, '*']) {
      const again = await list({ 'if-none-match': ifNoneMatch });
      expect(again.statusCode, ifNoneMatch).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
    }
    expect((await list({ 'if-none-match': '"other"' })).statusCode).toBe(200);
    // Another user's ETag for the same URL names another page.
    const other = await h.user();
    await h.call('POST', '/api/tasks', other.auth, { title: 'one' });
    const theirs = await h.app.inject({
      method: 'GET',
      url: '/api/tasks?sort=number&status=all',
      headers: { ...other.auth, 'if-none-match': etag },
    });
    expect(theirs.statusCode).toBe(200);
    expect(theirs.headers.etag).toMatch(/^W\//);
    expect(theirs.headers.etag).not.toBe(etag);

    await h.call('POST', '/api/tasks/1/complete', w.auth);
    const after = await list({ 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(after.json().items.map((t: { status: string }) => t.status)).toStrictEqual(['completed']);
    expect((await list({ 'if-none-match': String(after.headers.etag) })).statusCode).toBe(304);
  });

  it('serves OpenAPI 3.1 generated from the schemas, health and readiness', async () => {
    const doc = await h.call('GET', '/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/tasks', '/api/tasks/{ref}', '/api/auth/signup', '/api/recurrence/preview']),
    );
    expect(JSON.stringify(doc.body.paths['/api/tasks'].post)).toContain('minutesBefore');
    expect((await h.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await h.call('GET', '/readyz')).body).toEqual({ status: 'ready', checks: { database: 'ok' } });
    expect((await h.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('echoes a request id and never leaks internals in a 500', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/nope', headers: { 'x-request-id': 'abc-123' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toBe('abc-123');
  });
});
