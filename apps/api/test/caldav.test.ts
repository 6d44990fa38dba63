/**
 * CalDAV over HTTP against a real PostgreSQL: app passwords, discovery, VTODO resources with
 * ETags and preconditions, what the app does not model kept intact, a VALARM armed as a
 * reminder, a recurring VTODO completed into exactly one next occurrence, sync-collection
 * deltas with deletions, and who may see or change which calendar. Real clients: e2e/caldav-clients.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness.js';

type Account = Awaited<ReturnType<Harness['user']>> & { basic: string; inbox: string };

const vtodo = (uid: string, lines: string[]) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Someone else//Client 1.0//EN',
    'BEGIN:VTODO',
    `UID:${uid}`,
    'DTSTAMP:20261127T090000Z',
    ...lines,
    'END:VTODO',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

describe('CalDAV', () => {
  let h: Harness;
  let alice: Account;
  let bob: Account;

  const dav = (
    method: string,
    url: string,
    account: { basic: string } | null,
    body?: string,
    headers: Record<string, string> = {},
  ) =>
    h.app.inject({
      method: method as 'GET',
      url,
      headers: { ...(account ? { authorization: account.basic } : {}), 'content-type': 'application/xml', ...headers },
      ...(body === undefined ? {} : { payload: body }),
    });
  const put = (account: Account, project: string, uid: string, text: string, headers: Record<string, string> = {}) =>
    dav('PUT', `/dav/calendars/${project}/${encodeURIComponent(uid)}.ics`, account, text, {
      'content-type': 'text/calendar',
      ...headers,
    });

  const account = async (scopes: string[] = ['read', 'write']): Promise<Account> => {
    const user = await h.user();
    const created = await h.call('POST', '/api/tokens', user.auth, { name: 'phone', scopes });
    const projects = await h.call('GET', '/api/projects', user.auth);
    const inbox = (projects.body.items as { id: string; inbox: boolean }[]).find((p) => p.inbox)!.id;
    return { ...user, basic: `Basic ${Buffer.from(`${user.email}:${created.body.secret}`).toString('base64')}`, inbox };
  };

  beforeAll(async () => {
    h = await createHarness();
    alice = await account();
    bob = await account();
  });
  afterAll(() => h?.close());

  it('asks for Basic credentials, takes an app password and never the account password', async () => {
    const none = await dav('PROPFIND', '/dav/principal/', null);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm="/);
    const password = { basic: `Basic ${Buffer.from(`${alice.email}:correct horse battery`).toString('base64')}` };
    expect((await dav('PROPFIND', '/dav/principal/', password)).statusCode).toBe(401);
    const othersEmail = {
      basic: `Basic ${Buffer.from(`${bob.email}:${atob(alice.basic.slice(6)).split(':')[1]}`).toString('base64')}`,
    };
    expect((await dav('PROPFIND', '/dav/principal/', othersEmail)).statusCode).toBe(401);
    expect((await dav('PROPFIND', '/dav/principal/', alice, undefined, { depth: '0' })).statusCode).toBe(207);
  });

  it('throttles failed app passwords like failed logins', async () => {
    const wrong = { basic: `Basic ${Buffer.from('guess@example.test:todo_guessed').toString('base64')}` };
    for (let i = 0; i < 6; i++) expect((await dav('PROPFIND', '/dav/principal/', wrong)).statusCode).toBe(401);
    const refused = await dav('PROPFIND', '/dav/principal/', wrong);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('is found from the well-known URL and lists one VTODO calendar per project', async () => {
    const wellKnown = await dav('PROPFIND', '/.well-known/caldav', null);
    expect(wellKnown.statusCode).toBe(301);
    expect(wellKnown.headers.location).toBe('/dav/principal/');
    const principal = await dav(
      'PROPFIND',
      '/dav/principal/',
      alice,
      '<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><prop><current-user-principal/><C:calendar-home-set/></prop></propfind>',
      { depth: '0' },
    );
    expect(principal.body).toContain('<d:current-user-principal><d:href>/dav/principal/</d:href>');
    expect(principal.body).toContain('<c:calendar-home-set><d:href>/dav/calendars/</d:href>');
    await h.call('POST', '/api/projects', alice.auth, { name: 'Garden & <house>' });
    const home = await dav(
      'PROPFIND',
      '/dav/calendars/',
      alice,
      '<A:propfind xmlns:A="DAV:"><A:prop><A:displayname/><A:resourcetype/><B:supported-calendar-component-set xmlns:B="urn:ietf:params:xml:ns:caldav"/><A:sync-token/></A:prop></A:propfind>',
      { depth: '1' },
    );
    expect(home.statusCode).toBe(207);
    expect(home.body).toContain(`<d:href>/dav/calendars/${alice.inbox}/</d:href>`);
    expect(home.body).toContain('<d:displayname>Garden &amp; &lt;house&gt;</d:displayname>');
    expect(home.body).toContain('<c:comp name="VTODO"/>');
    expect(home.body.match(/<c:calendar\/>/g)).toHaveLength(2);
  });

  it('keeps what the app does not model, arms a VALARM as a reminder and answers ETag preconditions', async () => {
    const uid = 'client-made-1@phone.example';
    const text = vtodo(uid, [
      'SUMMARY:Water the plants',
      'DUE;TZID=Europe/Berlin:20261130T180000',
      'X-PHONE-FLAGGED:TRUE',
      'GEO:52.52;13.405',
      'ATTACH:https://example.com/plants.png',
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      'DESCRIPTION:Reminder',
      'TRIGGER:-PT15M',
      'END:VALARM',
    ]);
    const created = await put(alice, alice.inbox, uid, text, { 'if-none-match': '*' });
    expect(created.statusCode).toBe(201);
    const etag = created.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await put(alice, alice.inbox, uid, text, { 'if-none-match': '*' })).statusCode).toBe(412);

    const got = await dav('GET', `/dav/calendars/${alice.inbox}/${encodeURIComponent(uid)}.ics`, alice);
    expect(got.headers.etag).toBe(etag);
    for (const line of [
      `UID:${uid}`,
      'X-PHONE-FLAGGED:TRUE',
      'GEO:52.52;13.405',
      'ATTACH:https://example.com/plants.png',
      'TRIGGER;RELATED=END:-PT15M',
    ]) {
      expect(got.body.replace(/\r\n /g, '')).toContain(line);
    }
    const tasks = await h.call('GET', '/api/tasks', alice.auth);
    const task = (tasks.body.items as { id: string; title: string }[]).find((t) => t.title === 'Water the plants')!;
    const full = await h.services.tasks.get({ userId: alice.id, scopes: ['read'], via: 'session' }, task.id);
    expect(full.reminders).toMatchObject([{ type: 'relative', minutesBefore: 15 }]);
    const plans = await h.services.reminders.plan(alice.id, full);
    expect(plans.map((p) => p.fireAt?.toISOString())).toEqual(['2026-11-30T16:45:00.000Z']);

    const stale = await put(alice, alice.inbox, uid, text.replace('Water the plants', 'Water them'), { 'if-match': '"stale"' });
    expect(stale.statusCode).toBe(412);
    const fresh = await put(alice, alice.inbox, uid, text.replace('Water the plants', 'Water them'), { 'if-match': etag });
    expect(fresh.statusCode).toBe(204);
    expect(fresh.headers.etag).not.toBe(etag);
    expect((await h.services.tasks.get({ userId: alice.id, scopes: ['read'], via: 'session' }, task.id)).title).toBe(
      'Water them',
    );
  });

  it('completes a recurring VTODO into exactly one next occurrence', async () => {
    const uid = 'weekly-bins@phone.example';
    const lines = ['SUMMARY:Bins out', 'DUE;VALUE=DATE:20261201', 'RRULE:FREQ=WEEKLY'];
    expect((await put(alice, alice.inbox, uid, vtodo(uid, lines))).statusCode).toBe(201);
    const done = vtodo(uid, [...lines, 'STATUS:COMPLETED', 'COMPLETED:20261127T100000Z', 'PERCENT-COMPLETE:100']);
    expect((await put(alice, alice.inbox, uid, done)).statusCode).toBe(204);
    // A client sends the completed VTODO again: nothing new happens.
    expect((await put(alice, alice.inbox, uid, done)).statusCode).toBe(204);
    const all = await h.call('GET', '/api/tasks?status=all', alice.auth);
    const bins = (all.body.items as { id: string; title: string; status: string }[]).filter((t) => t.title === 'Bins out');
    expect(bins).toMatchObject([{ status: 'completed' }]);
    const completed = await h.services.tasks.get({ userId: alice.id, scopes: ['read'], via: 'session' }, bins[0]!.id);
    // The recurring role handles the completion event; a redelivery makes nothing more.
    expect((await h.services.recurrence.createNext(alice.id, completed)).outcome).toBe('created');
    expect((await h.services.recurrence.createNext(alice.id, completed)).outcome).toBe('already-created');
    const after = await h.call('GET', '/api/tasks?status=all', alice.auth);
    const series = (after.body.items as { title: string; status: string; due: unknown }[]).filter((t) => t.title === 'Bins out');
    expect(series.filter((t) => t.status === 'open')).toMatchObject([{ due: { date: '2026-12-08' } }]);
  });

  it('reports changes and deletions since a sync token', async () => {
    const project = (await h.call('POST', '/api/projects', alice.auth, { name: 'Sync' })).body.id as string;
    for (const uid of ['a@x', 'b@x']) await put(alice, project, uid, vtodo(uid, [`SUMMARY:${uid}`]));
    const sync = (token: string) =>
      dav(
        'REPORT',
        `/dav/calendars/${project}/`,
        alice,
        `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`,
      );
    const first = await sync('');
    expect(first.body.match(/<d:getetag>/g)).toHaveLength(2);
    const token = /<d:sync-token>([^<]+)<\/d:sync-token>/.exec(first.body)![1]!;
    h.clock.advance(5000);
    await put(alice, project, 'a@x', vtodo('a@x', ['SUMMARY:changed']));
    expect((await dav('DELETE', `/dav/calendars/${project}/b%40x.ics`, alice)).statusCode).toBe(204);
    const delta = await sync(token);
    expect(delta.statusCode).toBe(207);
    expect(delta.body).toContain(`<d:href>/dav/calendars/${project}/a%40x.ics</d:href><d:propstat>`);
    expect(delta.body).toContain(
      `<d:href>/dav/calendars/${project}/b%40x.ics</d:href><d:status>HTTP/1.1 404 Not Found</d:status>`,
    );
    h.clock.advance(2 * 60 * 60 * 1000);
    const expired = await sync(token);
    expect(expired.statusCode).toBe(403);
    expect(expired.body).toContain('<d:valid-sync-token/>');
  });

  it('hides strangers’ calendars, keeps viewers read-only and drops revoked app passwords at once', async () => {
    expect((await dav('PROPFIND', `/dav/calendars/${alice.inbox}/`, bob, undefined, { depth: '0' })).statusCode).toBe(404);
    expect((await put(bob, alice.inbox, 'sneaky@x', vtodo('sneaky@x', ['SUMMARY:no']))).statusCode).toBe(404);
    const shared = (await h.call('POST', '/api/projects', alice.auth, { name: 'Shared' })).body.id as string;
    await h.store.repos.projects.addMember(shared, bob.id, 'viewer', h.clock.now());
    const seen = await dav(
      'PROPFIND',
      `/dav/calendars/${shared}/`,
      bob,
      '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-privilege-set/></d:prop></d:propfind>',
      { depth: '0' },
    );
    expect(seen.statusCode).toBe(207);
    expect(seen.body).toContain('<d:privilege><d:read/></d:privilege>');
    expect(seen.body).not.toContain('<d:write/>');
    expect((await put(bob, shared, 'viewer@x', vtodo('viewer@x', ['SUMMARY:no']))).statusCode).toBe(403);

    const carol = await account();
    const tokens = await h.call('GET', '/api/tokens', carol.auth);
    expect((await dav('PROPFIND', '/dav/principal/', carol)).statusCode).toBe(207);
    expect((await h.call('DELETE', `/api/tokens/${tokens.body.items[0].id}`, carol.auth)).status).toBe(204);
    expect((await dav('PROPFIND', '/dav/principal/', carol)).statusCode).toBe(401);
    const reader = await account(['read']);
    expect((await put(reader, reader.inbox, 'ro@x', vtodo('ro@x', ['SUMMARY:no']))).statusCode).toBe(403);
  });

  it('makes a project for MKCALENDAR', async () => {
    const id = '0193a3c1-7d7e-7000-8000-00000000abcd';
    const made = await dav(
      'MKCALENDAR',
      `/dav/calendars/${id}/`,
      alice,
      '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Errands</D:displayname></D:prop></D:set></C:mkcalendar>',
    );
    expect(made.statusCode).toBe(201);
    const project = await h.call('GET', `/api/projects/${id}`, alice.auth);
    expect(project.body).toMatchObject({ id, name: 'Errands', role: 'owner' });
  });
});
