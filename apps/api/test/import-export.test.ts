/**
 * Import and export over the API (docs/import-export.md), on files built at test time from each
 * format's documented shape (@todo/testing fixtures): previews, idempotent re-runs, unmapped
 * items with reasons, refusals that import nothing, and export → import into a fresh account.
 */
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { icalTodos, todoistCsv } from '@todo/testing';
import { createHarness, type Harness } from './harness.js';

type Auth = { authorization: string };

describe('import and export', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h?.close());

  const upload = async (auth: Auth, body: string | Uint8Array, query: string, type = 'text/csv') => {
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/imports?${query}`,
      headers: { ...auth, 'content-type': type },
      payload: typeof body === 'string' ? body : Buffer.from(body),
    });
    return {
      status: res.statusCode,
      body: res.json() as Record<string, unknown> & { unmapped: { where: string; reason: string }[] },
    };
  };

  /** Every task the user can see, as the API lists it, without what differs between accounts. */
  const everything = async (auth: Auth) => {
    const projects = (await h.call('GET', '/api/projects', auth)).body.items as {
      id: string;
      name: string;
      inbox: boolean;
      parentId: string | null;
    }[];
    const nameOf = new Map(projects.map((p) => [p.id, p.inbox ? '(Inbox)' : p.name]));
    const tasks: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const page = await h.call(
        'GET',
        `/api/tasks?status=all&sort=number&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        auth,
      );
      tasks.push(...(page.body.items as Record<string, unknown>[]));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    const titleOf = new Map(tasks.map((t) => [t.id, t.title]));
    return tasks
      .map((t) => ({
        title: t.title,
        description: t.description,
        priority: t.priority,
        status: t.status,
        due: t.due,
        recurrence: t.recurrence,
        reminders: (t.reminders as Record<string, unknown>[]).map(({ id: _id, ...r }) => r),
        tags: t.tags,
        project: nameOf.get(t.projectId as string),
        parent: t.parentId ? titleOf.get(t.parentId) : null,
        completed: t.completedAt !== null,
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  };

  it('previews a Todoist CSV, imports it, and a second import creates nothing', async () => {
    const user = await h.user();
    const fixture = todoistCsv(600);
    const preview = await upload(user.auth, fixture.csv, 'dryRun=true&name=Home.csv');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      format: 'todoist',
      dryRun: true,
      tasks: fixture.tasks,
      projects: 1 + fixture.sections,
      duplicates: 0,
    });
    expect((preview.body.tags as number) > 0).toBe(true);
    const comments = preview.body.unmapped.filter((u) => u.reason.includes('comment'));
    expect(comments).toHaveLength(fixture.notes);
    expect(preview.body.unmapped.filter((u) => u.reason.startsWith('DATE'))).toHaveLength(fixture.unreadableDates);
    expect((await h.call('GET', '/api/tasks?status=all', user.auth)).body.items).toEqual([]);

    const first = await upload(user.auth, fixture.csv, 'name=Home.csv');
    expect(first.body).toMatchObject({ dryRun: false, tasks: fixture.tasks, duplicates: 0 });
    const again = await upload(user.auth, fixture.csv, 'name=Home.csv');
    expect(again.body).toMatchObject({ tasks: 0, projects: 0, duplicates: fixture.tasks });

    const tasks = await everything(user.auth);
    expect(tasks).toHaveLength(fixture.tasks);
    // Sub-tasks by INDENT, sections as sub-projects, `@labels` as tags, Todoist's p1 as urgent, "every monday" as a series.
    expect(tasks.filter((t) => t.parent).length).toBeGreaterThan(50);
    expect(new Set(tasks.map((t) => t.project))).toContain('Backlog 1');
    const urgent = tasks.find((t) => t.priority === 'urgent');
    expect(urgent).toBeDefined();
    const weekly = tasks.find((t) => (t.recurrence as { rule: string } | null)?.rule.includes('BYDAY=MO'));
    expect(weekly?.due).toBeTruthy();
    expect(tasks.some((t) => (t.tags as string[]).includes('errands') && !(t.title as string).includes('@'))).toBe(true);
  });

  it('imports iCalendar VTODOs with sub-tasks, recurrence, alarms and completion; again creates nothing', async () => {
    const user = await h.user();
    const fixture = icalTodos(520);
    const first = await upload(user.auth, fixture.ics, '', 'text/calendar');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ format: 'ical', tasks: fixture.todos, projects: 1 });
    const tasks = await everything(user.auth);
    expect(tasks).toHaveLength(fixture.todos);
    expect(tasks.filter((t) => t.parent)).toHaveLength(fixture.subtasks);
    expect(tasks.filter((t) => t.recurrence)).toHaveLength(fixture.recurring);
    expect(tasks.filter((t) => t.completed)).toHaveLength(fixture.completed);
    expect(tasks.every((t) => t.project === 'Work tasks')).toBe(true);
    expect(tasks.some((t) => (t.reminders as unknown[]).length > 0)).toBe(true);
    const again = await upload(user.auth, fixture.ics, '', 'text/calendar');
    expect(again.body).toMatchObject({ tasks: 0, duplicates: fixture.todos });
  });

  it('exports an account as a zip that imports into a fresh account with the same tasks', async () => {
    const source = await h.user();
    await upload(source.auth, todoistCsv(300, 5).csv, 'name=Errands.csv');
    await upload(source.auth, icalTodos(200, 9).ics, '', 'text/calendar');
    const res = await h.app.inject({ method: 'GET', url: '/api/export', headers: source.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzipSync(res.rawPayload);
    expect(Object.keys(files).sort()).toEqual(
      [
        'Backlog 1.ics',
        'Errands.ics',
        'Inbox.ics',
        'This week 1.ics',
        'Waiting for 1.ics',
        'Work tasks.ics',
        'todo-app.json',
      ].sort(),
    );
    const doc = JSON.parse(new TextDecoder().decode(files['todo-app.json'])) as { version: number; tasks: unknown[] };
    expect(doc.version).toBe(1);
    expect(doc.tasks).toHaveLength(500);

    const target = await h.user();
    const imported = await upload(target.auth, res.rawPayload, '', 'application/zip');
    expect(imported.body).toMatchObject({ format: 'todo-app', tasks: 500, unmappedCount: 0 });
    expect(await everything(target.auth)).toEqual(await everything(source.auth));
    expect((await upload(target.auth, res.rawPayload, '', 'application/zip')).body).toMatchObject({ tasks: 0, duplicates: 500 });
  });

  it('refuses a broken file with IMPORT_INVALID naming where, and imports nothing of it', async () => {
    const user = await h.user();
    const broken = `${todoistCsv(50).csv}task,"an unclosed quote,,,1,,,,,,,,,\r\n`;
    const res = await upload(user.auth, broken, 'name=Broken.csv');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'IMPORT_INVALID' });
    expect(JSON.stringify(res.body.errors)).toMatch(/Broken\.csv line \d+/);
    const notCalendar = await upload(user.auth, 'BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\n', 'format=ical', 'text/calendar');
    expect(notCalendar).toMatchObject({ status: 400, body: { code: 'IMPORT_INVALID' } });
    const badDoc = await upload(
      user.auth,
      JSON.stringify({ format: 'todo-app', version: 1, tasks: 'no' }),
      '',
      'application/json',
    );
    expect(badDoc).toMatchObject({ status: 400, body: { code: 'IMPORT_INVALID' } });
    const unknown = await upload(user.auth, 'hello', '', 'text/plain');
    expect(unknown).toMatchObject({ status: 400, body: { code: 'IMPORT_INVALID' } });
    expect((await h.call('GET', '/api/tasks?status=all', user.auth)).body.items).toEqual([]);
    expect(((await h.call('GET', '/api/projects', user.auth)).body.items as unknown[]).length).toBe(1);
  });

  it('answers a file over the size limit with 413', async () => {
    const user = await h.user();
    const res = await upload(user.auth, new Uint8Array(33 * 1024 * 1024), '', 'application/zip');
    expect(res).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});
