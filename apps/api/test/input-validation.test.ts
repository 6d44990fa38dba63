/**
 * Input that must be refused with 400 problem+json naming the field and the reason, never a
 * 500 (hardening issue #21): text the database cannot hold in any string of any route,
 * crafted cursors, dates outside the supported years, recurrence oddities; and
 * what must be accepted: an empty JSON body on a POST that takes none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; anyOf?: Schema[]; oneOf?: Schema[] };
type Operation = {
  parameters?: { in: string; name: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';

/** Dotted paths of every string property in a JSON schema (through nested objects and unions). */
function stringFields(schema: Schema | undefined, prefix = ''): string[] {
  if (!schema) return [];
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (variants.length > 0) return [...new Set(variants.flatMap((v) => stringFields(v, prefix)))];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('string')) return prefix ? [prefix] : [];
  return Object.entries(schema.properties ?? {}).flatMap(([key, value]) =>
    stringFields(value, prefix ? `${prefix}.${key}` : key),
  );
}

/** `{a: {b: value}}` for the path "a.b". */
const nested = (path: string, value: unknown): unknown =>
  path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);

describe('input validation over REST', () => {
  let h: Harness;
  let u: Awaited<ReturnType<Harness['user']>>;
  beforeAll(async () => {
    h = await createHarness();
    // A route whose validation misses a value the database refuses (a notification cursor must be a UUID).
    h.app.get<{ Querystring: { cursor: string } }>('/test/unvalidated', async (request) => {
      const principal = await h.services.auth.authenticate(String(request.headers.authorization).slice(7));
      return h.services.notifications.list(principal, { unreadOnly: false, limit: 1, cursor: request.query.cursor });
    });
    u = await h.user('America/New_York');
  });
  afterAll(() => h?.close());

  const expectProblem = (res: { status: number; body: any; headers: Record<string, unknown> }, code: string, field: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe(code);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  };

  it('refuses NUL and lone surrogates in every string field of every route: path, query and body', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    let probes = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        const url = (poisoned?: string) =>
          path.replace(/\{(\w+)\}/g, (_, name: string) => (name === poisoned ? 'a%00b' : name === 'ref' ? '1' : 'x'));
        const send = (target: string, body?: unknown) =>
          h.call(method.toUpperCase(), target, u.auth, body === undefined ? undefined : body);
        // Any query parameter, declared or not: the check runs before a route's own schema.
        expectProblem(await send(`${url()}?probe=a%00b`), 'INVALID_TEXT', 'probe');
        probes++;
        for (const name of pathParams) {
          expectProblem(await send(url(name)), 'INVALID_TEXT', name);
          probes++;
        }
        for (const q of (operation.parameters ?? []).filter((p) => p.in === 'query')) {
          expectProblem(await send(`${url()}?${q.name}=a%00b`), 'INVALID_TEXT', q.name);
          probes++;
        }
        const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
        for (const field of stringFields(bodySchema)) {
          for (const bad of [NUL, LONE_SURROGATE]) {
            expectProblem(await send(url(), nested(field, bad)), 'INVALID_TEXT', field);
            probes++;
          }
        }
      }
    }
    // Not a vacuous walk: the document has the routes this test is about.
    expect(doc.paths['/api/tasks']?.['post']).toBeDefined();
    expect(probes).toBeGreaterThan(80);
  });

  it('names the field and the reason for the fields the review found', async () => {
    const title = await h.call('POST', '/api/tasks', u.auth, { title: 'Pay\u0000 rent', tags: ['ok', `x${LONE_SURROGATE}`] });
    expectProblem(title, 'INVALID_TEXT', 'title');
    expect(title.body.errors).toEqual([
      { field: 'title', message: 'must not contain the NUL character (U+0000)' },
      { field: 'tags.1', message: 'must be valid Unicode text: it contains a lone UTF-16 surrogate' },
    ]);
    expectProblem(await h.call('POST', '/api/projects', u.auth, { name: NUL }), 'INVALID_TEXT', 'name');
    expectProblem(await h.call('PATCH', '/api/me', u.auth, { name: LONE_SURROGATE }), 'INVALID_TEXT', 'name');
    expectProblem(await h.call('GET', '/api/tasks?q=a%00', u.auth), 'INVALID_TEXT', 'q');
    expectProblem(await h.call('GET', '/api/tasks?tags=home,a%00', u.auth), 'INVALID_TEXT', 'tags');
    // A surrogate pair is a real character (an emoji) and is kept.
    const emoji = await h.call('POST', '/api/tasks', u.auth, { title: 'Party \ud83c\udf89', description: 'ok' });
    expect(emoji.status).toBe(201);
    expect(emoji.body.title).toBe('Party 🎉');
  });

  it('answers a crafted or garbage cursor with 400 INVALID_CURSOR, for every sort', async () => {
    for (let i = 0; i < 3; i++)
      await h.call('POST', '/api/tasks', u.auth, { title: `t${i}`, due: { date: `2026-12-0${i + 1}` } });
    const crafted = (c: object) => Buffer.from(JSON.stringify(c)).toString('base64url');
    const id = '0190a4e0-0000-7000-8000-000000000000';
    for (const sort of ['due', 'priority', 'created', 'updated', 'title', 'number', '-due']) {
      const k = sort;
      const malformed = [
        'garbage',
        crafted({ k, v: null, id: 'not-a-uuid' }),
        crafted({ k, v: '\u0000', id }),
        crafted({ k, v: 12, id }),
        crafted({ k: 'another-sort', v: null, id }),
        crafted([]),
      ];
      // Any text is a title; every other sort has values of one shape.
      const misshapen = sort === 'title' ? [] : ['not a value of this sort', '2026-02-30 10:00:00+00', '99999999999'];
      for (const cursor of [...malformed, ...misshapen.map((v) => crafted({ k, v, id }))]) {
        expectProblem(
          await h.call('GET', `/api/tasks?sort=${sort}&limit=1&cursor=${cursor}`, u.auth),
          'INVALID_CURSOR',
          'cursor',
        );
      }
      // The cursors the server hands out still work.
      const first = await h.call('GET', `/api/tasks?sort=${sort}&limit=1`, u.auth);
      const next = await h.call('GET', `/api/tasks?sort=${sort}&limit=1&cursor=${first.body.nextCursor}`, u.auth);
      expect(next.status).toBe(200);
    }
    // Relevance: a real (float) value.
    for (const title of ['alpha one', 'alpha two alpha']) await h.call('POST', '/api/tasks', u.auth, { title });
    const ranked = await h.call('GET', '/api/tasks?q=alpha&limit=1', u.auth);
    const rankedNext = await h.call('GET', `/api/tasks?q=alpha&limit=1&cursor=${ranked.body.nextCursor}`, u.auth);
    expect(rankedNext.status).toBe(200);
    expect(rankedNext.body.items).toHaveLength(1);
    const fakeRank = crafted({ k: 'relevance', v: 'NaN; drop', id });
    expectProblem(await h.call('GET', `/api/tasks?q=alpha&limit=1&cursor=${fakeRank}`, u.auth), 'INVALID_CURSOR', 'cursor');
    expectProblem(await h.call('GET', '/api/notifications?cursor=abc', u.auth), 'VALIDATION_FAILED', 'cursor');
  });

  it('answers a value the database refuses as data with 400, not 500, when validation missed it', async () => {
    const res = await h.call('GET', '/test/unvalidated?cursor=not-a-uuid', u.auth);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', detail: expect.stringMatching(/cannot be stored/) });
    expect(JSON.stringify(res.body)).not.toMatch(/uuid|syntax|select/i);
  });

  it('accepts a cursor of a title sort after a 500-character title', async () => {
    const v = await h.user();
    await h.call('POST', '/api/tasks', v.auth, { title: 'a'.repeat(500) });
    await h.call('POST', '/api/tasks', v.auth, { title: 'b'.repeat(500) });
    const first = await h.call('GET', '/api/tasks?sort=title&limit=1', v.auth);
    expect(first.body.nextCursor.length).toBeGreaterThan(500);
    const next = await h.call('GET', `/api/tasks?sort=title&limit=1&cursor=${first.body.nextCursor}`, v.auth);
    expect(next.status).toBe(200);
    expect(next.body.items[0].title).toBe('b'.repeat(500));
  });

  it('refuses dates outside 1900–2999 with the field and the reason: due, reminders, UNTIL, filters, tokens', async () => {
    for (const [due, field] of [
      [{ date: '0000-01-01' }, 'due.date'],
      [{ date: '0001-01-01' }, 'due.date'],
      [{ dateTime: '0001-01-01T00:00', timeZone: 'America/New_York' }, 'due.dateTime'],
      [{ dateTime: '3000-01-01T00:00', timeZone: null }, 'due.dateTime'],
      [{ date: '1899-12-31' }, 'due.date'],
    ] as const) {
      const res = await h.call('POST', '/api/tasks', u.auth, { title: 'old', due });
      expectProblem(res, 'VALIDATION_FAILED', field);
      expect(res.body.errors[0].message).toMatch(/1900.2999/);
    }
    const ok = await h.call('POST', '/api/tasks', u.auth, { title: 'edge', due: { date: '1900-01-01' } });
    expect(ok.status).toBe(201);
    expect(ok.body.due).toEqual({ date: '1900-01-01' });
    const reminder = await h.call('POST', '/api/tasks', u.auth, {
      title: 'r',
      reminders: [{ type: 'absolute', at: '0001-01-01T00:00:00Z' }],
    });
    expectProblem(reminder, 'VALIDATION_FAILED', 'reminders.0.at');
    const until = await h.call('POST', '/api/tasks', u.auth, {
      title: 'u',
      due: { date: '2026-12-01' },
      recurrence: { rule: 'FREQ=DAILY;UNTIL=30000101' },
    });
    expectProblem(until, 'INVALID_RECURRENCE', 'recurrence.rule');
    expect(until.body.detail).toMatch(/1900.2999/);
    expectProblem(await h.call('GET', '/api/tasks?dueBefore=0001-01-01', u.auth), 'VALIDATION_FAILED', 'dueBefore');
    expectProblem(
      await h.call('POST', '/api/tokens', u.auth, { name: 'x', expiresAt: '0001-01-01T00:00:00Z' }),
      'VALIDATION_FAILED',
      'expiresAt',
    );
    expectProblem(
      await h.call('GET', '/api/recurrence/preview?rule=daily&start=0001-01-01', u.auth),
      'VALIDATION_FAILED',
      'start',
    );
  });

  it('refuses "every second" and an UNTIL before the first repeat, as it refuses rules that never occur', async () => {
    for (const rule of ['every second', 'every 5 minutes', 'hourly']) {
      const res = await h.call('POST', '/api/tasks', u.auth, { title: 'x', due: { date: '2026-12-07' }, recurrence: { rule } });
      expectProblem(res, 'INVALID_RECURRENCE', 'recurrence.rule');
      expect(res.body.detail).toMatch(/at most daily/);
      const preview = await h.call('GET', `/api/recurrence/preview?rule=${encodeURIComponent(rule)}`, u.auth);
      expectProblem(preview, 'INVALID_RECURRENCE', 'rule');
    }
    const never = { rule: 'every year on day 31 in february' };
    const early = { rule: 'every day until 2026-12-01' };
    for (const recurrence of [never, early]) {
      const res = await h.call('POST', '/api/tasks', u.auth, { title: 'x', due: { date: '2026-12-07' }, recurrence });
      expectProblem(res, 'INVALID_RECURRENCE', 'recurrence.rule');
      expect(res.body.detail).toMatch(/never (occurs|repeats)/);
    }
    const task = (await h.call('POST', '/api/tasks', u.auth, { title: 'y', due: { date: '2026-12-07' } })).body;
    expectProblem(
      await h.call('PATCH', `/api/tasks/${task.id}`, u.auth, { recurrence: early }),
      'INVALID_RECURRENCE',
      'recurrence.rule',
    );
    expectProblem(
      await h.call('GET', `/api/recurrence/preview?rule=${encodeURIComponent(early.rule)}&start=2026-12-07`, u.auth),
      'INVALID_RECURRENCE',
      'rule',
    );
    // "every second week" means every other week.
    const second = await h.call('GET', '/api/recurrence/preview?rule=every%20second%20week&start=2026-12-07&count=2', u.auth);
    expect(second.body).toMatchObject({ rule: 'FREQ=WEEKLY;INTERVAL=2', occurrences: ['2026-12-07', '2026-12-21'] });
  });

  it('accepts an empty body with Content-Type: application/json on POSTs that take no body', async () => {
    const task = (await h.call('POST', '/api/tasks', u.auth, { title: 'done soon' })).body;
    for (const action of ['complete', 'reopen']) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/tasks/${task.id}/${action}`,
        headers: { ...u.auth, 'content-type': 'application/json' },
        payload: '',
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().status).toBe(action === 'complete' ? 'completed' : 'open');
    }
    // A route that needs a body still says so, as a validation problem.
    const missing = await h.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...u.auth, 'content-type': 'application/json' },
      payload: '',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('VALIDATION_FAILED');
    const broken = await h.call('POST', '/api/tasks', u.auth, '{"title":');
    expect(broken.status).toBe(400);
    expect(broken.body.detail).toMatch(/not valid JSON/);
  });

  it('previews from the first date the rule produces from today on, by the injected clock', async () => {
    h.clock.set('2026-12-07T15:00:00Z'); // Monday 7 December in New York
    const wednesday = await h.call('GET', '/api/recurrence/preview?rule=every%20wednesday&count=3', u.auth);
    expect(wednesday.body).toMatchObject({
      timeZone: 'America/New_York',
      occurrences: ['2026-12-09', '2026-12-16', '2026-12-23'],
    });
    const monday = await h.call('GET', '/api/recurrence/preview?rule=every%20monday&count=2', u.auth);
    expect(monday.body.occurrences).toEqual(['2026-12-07', '2026-12-14']);
    // An explicit start is the series anchor and stays the first occurrence.
    const anchored = await h.call('GET', '/api/recurrence/preview?rule=every%20wednesday&count=2&start=2026-12-07', u.auth);
    expect(anchored.body.occurrences).toEqual(['2026-12-07', '2026-12-09']);
  });
});
