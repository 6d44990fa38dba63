/**
 * CalDAV with clients nobody here wrote, against `todo start` on PostgreSQL: the Python
 * `caldav` library (pinned, in .cache, installed by scripts/infra/caldav-clients.sh — a client
 * that cannot be installed fails the suite, never skips it) runs e2e/caldav/python_session.py;
 * vdirsyncer syncs a project to a folder where todoman adds a todo, and back (same virtualenv);
 * `tsdav` (pinned devDependency) runs the Python session's steps from TypeScript. What they
 * write is read back through the REST API.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAVClient } from 'tsdav';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '@todo/testing';
import { api, startServer, type ServerProcess } from './support/process.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function caldavPython(): string {
  if (process.env['CALDAV_PYTHON']) return process.env['CALDAV_PYTHON'];
  const out = execFileSync('bash', ['scripts/infra/caldav-clients.sh'], { cwd: root, encoding: 'utf8', timeout: 600_000 });
  const bin = /^CALDAV_PYTHON=(.+)$/m.exec(out)?.[1];
  if (!bin) throw new Error(`scripts/infra/caldav-clients.sh printed no CALDAV_PYTHON:\n${out}`);
  return bin;
}

function run(
  bin: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const VTODO_FILTER = [
  { 'comp-filter': { _attributes: { name: 'VCALENDAR' }, 'comp-filter': { _attributes: { name: 'VTODO' } } } },
];

const vtodo = (uid: string, lines: string[]) =>
  [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//tsdav test//EN',
    'BEGIN:VTODO',
    `UID:${uid}`,
    'DTSTAMP:20261201T090000Z',
    ...lines,
    'END:VTODO',
    'END:VCALENDAR',
    '',
  ].join('\r\n');

describe('CalDAV with real clients', () => {
  let python: string;
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let server: ServerProcess;
  let session: string;
  let email: string;
  let appPassword: string;

  beforeAll(async () => {
    python = caldavPython();
    db = await createPostgresDatabase('todo_caldav');
    server = await startServer({
      DATABASE_URL: db.url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PUBLIC_URL: 'http://127.0.0.1',
      LOG_LEVEL: 'warn',
    });
    email = 'dav@example.test';
    session = (
      await api(server.url, 'POST', '/api/auth/signup', undefined, {
        email,
        password: 'correct horse battery',
        timeZone: 'Europe/Berlin',
      })
    ).token;
    appPassword = (await api(server.url, 'POST', '/api/tokens', session, { name: 'CalDAV', scopes: ['read', 'write'] })).secret;
  }, 660_000);
  afterAll(async () => {
    await server?.kill('SIGTERM');
    await db?.drop();
  });

  const titles = async (status: 'open' | 'all', projectId: string) => {
    const page = await api(server.url, 'GET', `/api/tasks?status=${status}&projectId=${projectId}`, session);
    return (page.items as { title: string }[]).map((t) => t.title).sort();
  };

  it('the Python caldav library: discovery, todos, completion, deletion, sync deltas, a 412', { timeout: 180_000 }, async () => {
    const project = await api(server.url, 'POST', '/api/projects', session, { name: 'Python' });
    const result = await run(python, ['e2e/caldav/python_session.py'], {
      CALDAV_URL: `${server.url}/dav/`,
      CALDAV_USER: email,
      CALDAV_PASSWORD: appPassword,
    });
    expect(result.code, `${result.stderr}\n${result.stdout}\n${server.output().slice(-3000)}`).toBe(0);
    process.stderr.write(`[caldav python] ${result.stdout}`);
    expect(await titles('open', project.id)).toEqual(['Buy soy milk']);
    expect(await titles('all', project.id)).toEqual(['Buy soy milk', 'Finish report']);
  });

  it('vdirsyncer syncs a project to a folder and back; todoman edits there reach the API', { timeout: 180_000 }, async () => {
    const project = await api(server.url, 'POST', '/api/projects', session, { name: 'Terminal' });
    await api(server.url, 'POST', '/api/tasks', session, { title: 'Made in the app', projectId: project.id });
    const work = mkdtempSync(join(tmpdir(), 'todo-vdirsyncer-'));
    const env = { CALDAV_URL: `${server.url}/dav/`, CALDAV_USER: email, CALDAV_PASSWORD: appPassword };
    const step = (name: string) =>
      run('bash', ['e2e/caldav/vdirsyncer_session.sh', dirname(python), work, project.id, name], env);
    try {
      const added = await step('pull-and-add');
      expect(added.code, `${added.stderr}\n${added.stdout}`).toBe(0);
      const tasks = (await api(server.url, 'GET', `/api/tasks?projectId=${project.id}`, session)).items as {
        id: string;
        title: string;
        priority: string;
      }[];
      expect(tasks.map((t) => t.title).sort()).toEqual(['Made in the app', 'Written in todoman']);
      expect(tasks.find((t) => t.title === 'Written in todoman')?.priority).toBe('urgent');
      const made = tasks.find((t) => t.title === 'Made in the app')!;
      await api(server.url, 'PATCH', `/api/tasks/${made.id}`, session, { title: 'Renamed in the app' });
      const listed = await step('pull-and-list');
      expect(listed.code, `${listed.stderr}\n${listed.stdout}`).toBe(0);
      const seen = (JSON.parse(listed.stdout) as { summary: string }[]).map((t) => t.summary).sort();
      expect(seen).toEqual(['Renamed in the app', 'Written in todoman']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('tsdav: discovery, todos, completion, deletion, sync deltas, a 412', { timeout: 120_000 }, async () => {
    const project = await api(server.url, 'POST', '/api/projects', session, { name: 'TypeScript' });
    const client = new DAVClient({
      serverUrl: `${server.url}/.well-known/caldav`,
      credentials: { username: email, password: appPassword },
      authMethod: 'Basic',
      defaultAccountType: 'caldav',
    });
    await client.login();
    const calendars = await client.fetchCalendars();
    expect(calendars.map((c) => c.displayName)).toEqual(expect.arrayContaining(['Inbox', 'TypeScript']));
    const calendar = calendars.find((c) => c.displayName === 'TypeScript')!;
    expect(calendar.components).toEqual(['VTODO']);
    const token = calendar.syncToken as string;

    for (const uid of ['ts-keep', 'ts-done', 'ts-gone']) {
      const made = await client.createCalendarObject({
        calendar,
        filename: `${uid}.ics`,
        iCalString: vtodo(uid, [`SUMMARY:${uid}`]),
      });
      expect(made.status).toBe(201);
    }
    const objects = await client.fetchCalendarObjects({ calendar, filters: VTODO_FILTER });
    expect(objects).toHaveLength(3);
    const byUid = (uid: string) => objects.find((o) => o.url.endsWith(`/${uid}.ics`))!;

    const kept = byUid('ts-keep');
    const renamed = await client.updateCalendarObject({
      calendarObject: { ...kept, data: (kept.data as string).replace('SUMMARY:ts-keep', 'SUMMARY:kept, renamed') },
    });
    expect(renamed.status).toBe(204);
    const stale = await client.updateCalendarObject({
      calendarObject: { ...kept, data: (kept.data as string).replace('SUMMARY:ts-keep', 'SUMMARY:stale') },
    });
    expect(stale.status).toBe(412);
    const done = byUid('ts-done');
    const completed = (done.data as string).replace('STATUS:NEEDS-ACTION', 'STATUS:COMPLETED\r\nCOMPLETED:20261201T100000Z');
    expect((await client.updateCalendarObject({ calendarObject: { ...done, data: completed } })).status).toBe(204);
    expect((await client.deleteCalendarObject({ calendarObject: byUid('ts-gone') })).status).toBe(204);

    const delta = await client.syncCollection({ url: calendar.url, props: { 'd:getetag': {} }, syncLevel: 1, syncToken: token });
    const entry = (uid: string) => delta.find((r) => r.href?.endsWith(`/${uid}.ics`));
    expect(entry('ts-keep')?.props?.['getetag']).toMatch(/^"/);
    expect(entry('ts-done')?.props?.['getetag']).toMatch(/^"/);
    expect(entry('ts-gone')?.status).toBe(404);

    expect(await titles('open', project.id)).toEqual(['kept, renamed']);
    expect(await titles('all', project.id)).toEqual(['kept, renamed', 'ts-done']);
  });
});
