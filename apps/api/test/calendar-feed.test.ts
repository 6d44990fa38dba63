/**
 * Calendar feeds over HTTP against a real PostgreSQL: made and listed with a credential,
 * fetched with none, read by two independent parsers (ical.js and node-ical), revoked at once,
 * each user's alone, and answered 304 while the client's copy is current.
 */
import ICAL from 'ical.js';
import nodeIcal, { type VEvent } from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskCreate } from '@todo/domain';
import { createHarness, type Harness } from './harness.js';

type Auth = Record<string, string>;

describe('calendar feeds', () => {
  let h: Harness;
  let alice: { auth: Auth; id: string };
  let bob: { auth: Auth; id: string };
  const ids: Record<string, string> = {};

  const makeTask = async (auth: Auth, body: object) => {
    const res = await h.call('POST', '/api/tasks', auth, body);
    expect(res.status).toBe(201);
    return res.body as { id: string; dueAt: string | null };
  };
  const makeFeed = async (auth: Auth, name?: string) => {
    const res = await h.call('POST', '/api/calendar-feeds', auth, name ? { name } : {});
    expect(res.status).toBe(201);
    return { id: res.body.feed.id as string, path: new URL(res.body.url as string).pathname, url: res.body.url as string };
  };
  const fetchFeed = (path: string, headers: Auth = {}) => h.app.inject({ method: 'GET', url: path, headers });
  const eventsOf = (text: string) => new ICAL.Component(ICAL.parse(text) as unknown[]).getAllSubcomponents('vevent');

  beforeAll(async () => {
    h = await createHarness();
    alice = await h.user('Europe/Berlin');
    bob = await h.user('America/New_York');
    ids.allDay = (await makeTask(alice.auth, { title: 'Pay rent, please', due: { date: '2026-12-01' }, tags: ['home'] })).id;
    const timed = await makeTask(alice.auth, {
      title: 'Dentist',
      description: 'Bring the card',
      priority: 'urgent',
      due: { dateTime: '2026-12-03T14:30', timeZone: 'Europe/Berlin' },
    });
    ids.timed = timed.id;
    ids.timedDueAt = timed.dueAt!;
    ids.floating = (await makeTask(alice.auth, { title: 'Call mum', due: { dateTime: '2026-12-05T18:00', timeZone: null } })).id;
    ids.undated = (await makeTask(alice.auth, { title: 'Someday' })).id;
    ids.done = (await makeTask(alice.auth, { title: 'Filed taxes', due: { date: '2026-11-20' } })).id;
    expect((await h.call('POST', `/api/tasks/${ids.done}/complete`, alice.auth)).status).toBe(200);
    ids.bobs = (await makeTask(bob.auth, { title: 'Bob’s secret', due: { date: '2026-12-02' } })).id;
  });
  afterAll(() => h?.close());

  it('shows the URL once, lists the feed without it, and serves dated open tasks as events without a credential', async () => {
    const feed = await makeFeed(alice.auth, 'Alice’s tasks');
    expect(feed.url).toMatch(/^http:\/\/localhost:8080\/feeds\/[\w-]{43}\.ics$/);
    const listed = await h.call('GET', '/api/calendar-feeds', alice.auth);
    expect(listed.body.items).toEqual([
      { id: feed.id, name: 'Alice’s tasks', prefix: feed.path.slice(7, 13), createdAt: expect.any(String) },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(feed.path.slice(7, 30));

    const res = await fetchFeed(feed.path);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.headers['etag']).toMatch(/^"[\w-]{32}"$/);

    const events = eventsOf(res.body);
    const byUid = new Map(events.map((e) => [String(e.getFirstPropertyValue('uid')), e]));
    expect([...byUid.keys()].sort()).toEqual([ids.allDay, ids.timed, ids.floating].map((id) => `${id}@todo-app`).sort());
    const allDay = byUid.get(`${ids.allDay}@todo-app`)!;
    expect(allDay.getFirstPropertyValue('summary')).toBe('Pay rent, please');
    expect(String(allDay.getFirstPropertyValue('dtstart'))).toBe('2026-12-01');
    expect(String(allDay.getFirstPropertyValue('dtend'))).toBe('2026-12-02');
    expect(allDay.getAllProperties('categories')[0]!.getValues()).toEqual(['home']);
    const timed = byUid.get(`${ids.timed}@todo-app`)!;
    expect((timed.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe(ids.timedDueAt);
    expect(timed.getFirstPropertyValue('description')).toBe('Bring the card');
    expect(timed.getFirstPropertyValue('priority')).toBe(1);
    expect(timed.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
    // 18:00 floating in the owner's zone (Berlin, UTC+1 in December).
    expect(String(byUid.get(`${ids.floating}@todo-app`)!.getFirstPropertyValue('dtstart'))).toBe('2026-12-05T17:00:00Z');
  });

  it('reads the same with a second, independent parser (node-ical)', async () => {
    const feed = await makeFeed(alice.auth);
    const parsed = nodeIcal.sync.parseICS((await fetchFeed(feed.path)).body);
    const events = Object.values(parsed).filter((c) => c?.type === 'VEVENT') as VEvent[];
    expect(events.map((e) => e.uid).sort()).toEqual([ids.allDay, ids.timed, ids.floating].map((id) => `${id}@todo-app`).sort());
    const allDay = events.find((e) => e.uid === `${ids.allDay}@todo-app`)!;
    expect(allDay.summary).toBe('Pay rent, please');
    expect(allDay.start.dateOnly).toBe(true);
    expect(allDay.datetype).toBe('date');
    const timed = events.find((e) => e.uid === `${ids.timed}@todo-app`)!;
    expect(timed.start.toISOString()).toBe(ids.timedDueAt);
    expect(timed.summary).toBe('Dentist');
  });

  it('adds completed tasks, marked, when the URL asks for them', async () => {
    const feed = await makeFeed(alice.auth);
    const events = eventsOf((await fetchFeed(`${feed.path}?completed=true`)).body);
    const done = events.find((e) => e.getFirstPropertyValue('uid') === `${ids.done}@todo-app`);
    expect(done?.getFirstPropertyValue('summary')).toBe('✓ Filed taxes');
    expect(events).toHaveLength(4);
  });

  it('answers 304 while the copy is current, and a new ETag once a task changes', async () => {
    const feed = await makeFeed(alice.auth);
    const first = await fetchFeed(feed.path);
    const etag = String(first.headers['etag']);
    const again = await fetchFeed(feed.path, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await fetchFeed(feed.path, { 'if-none-match': `"other", W/${etag}` })).statusCode).toBe(304);
    expect((await fetchFeed(feed.path, { 'if-none-match': '"other"' })).statusCode).toBe(200);

    await h.call('PATCH', `/api/tasks/${ids.floating}`, alice.auth, { title: 'Call mum and dad' });
    const changed = await fetchFeed(feed.path, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers['etag']).not.toBe(etag);
    expect(changed.body).toContain('SUMMARY:Call mum and dad');
  });

  it('shows each user only their own tasks, and lets nobody else list or delete a feed', async () => {
    const alices = await makeFeed(alice.auth);
    const bobs = await makeFeed(bob.auth);
    const bobEvents = eventsOf((await fetchFeed(bobs.path)).body);
    expect(bobEvents.map((e) => e.getFirstPropertyValue('uid'))).toEqual([`${ids.bobs}@todo-app`]);
    expect((await fetchFeed(alices.path)).body).not.toContain(ids.bobs);
    expect((await h.call('GET', '/api/calendar-feeds', bob.auth)).body.items.map((f: { id: string }) => f.id)).toEqual([bobs.id]);
    expect((await h.call('DELETE', `/api/calendar-feeds/${alices.id}`, bob.auth)).status).toBe(404);
    expect((await fetchFeed(alices.path)).statusCode).toBe(200);
  });

  it('answers 404 at once once a feed is deleted, and for secrets that are no feed', async () => {
    const feed = await makeFeed(alice.auth);
    expect((await fetchFeed(feed.path)).statusCode).toBe(200);
    expect((await h.call('DELETE', `/api/calendar-feeds/${feed.id}`, alice.auth)).status).toBe(204);
    const gone = await fetchFeed(feed.path);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.call('DELETE', `/api/calendar-feeds/${feed.id}`, alice.auth)).status).toBe(404);
    expect((await fetchFeed('/feeds/not-a-feed.ics')).statusCode).toBe(404);
  });

  it('lets no token that expires make a feed, which would outlive it', async () => {
    const token = await h.call('POST', '/api/tokens', alice.auth, { name: 'short', expiresAt: '2026-12-31T00:00:00Z' });
    const res = await h.call('POST', '/api/calendar-feeds', { authorization: `Bearer ${token.body.secret}` }, {});
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('pages through the owner’s list: every dated task is in the feed, past one page of the list', async () => {
    const carol = await h.user('UTC');
    const ctx = { principal: { userId: carol.id, scopes: ['read', 'write'] as const, via: 'session' as const } };
    for (let i = 0; i < 230; i++) {
      const day = String((i % 28) + 1).padStart(2, '0');
      await h.services.tasks.create(ctx, TaskCreate.parse({ title: `Task ${i}`, due: { date: `2027-01-${day}` } }));
    }
    await h.services.tasks.create(ctx, TaskCreate.parse({ title: 'Undated' }));
    const feed = await makeFeed(carol.auth);
    const events = eventsOf((await fetchFeed(feed.path)).body);
    expect(events).toHaveLength(230);
    expect(new Set(events.map((e) => e.getFirstPropertyValue('uid'))).size).toBe(230);
  });
});

describe('calendar feed rate limit', () => {
  it('answers 429 with Retry-After past the fetches a client address may make in a minute', async () => {
    const h = await createHarness({ app: { feedRateLimit: 2 } });
    try {
      const user = await h.user();
      const created = await h.call('POST', '/api/calendar-feeds', user.auth, {});
      const path = new URL(created.body.url as string).pathname;
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await h.app.inject({ method: 'GET', url: path })).statusCode);
      expect(statuses).toEqual([200, 200, 429]);
      const limited = await h.app.inject({ method: 'GET', url: path });
      expect(limited.headers['retry-after']).toBeDefined();
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
    } finally {
      await h.close();
    }
  });
});
