/**
 * Issue #5 acceptance 1 and 3 over Streamable HTTP with the official SDK Client: every tool is
 * listed and called, its structuredContent checked against its outputSchema; a token of user A
 * never reads or changes user B's data through any tool; a read-only token is refused by every
 * mutating tool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import Fastify from 'fastify';
import { TOOLS, registerMcpRoutes } from '../src/index.js';
import { createMcpHarness, errorOf, expectValidStructured, type McpHarness, type McpUser } from './harness.js';

const MUTATING = TOOLS.filter((t) => !t.annotations.readOnlyHint).map((t) => t.name);

describe('MCP over Streamable HTTP', () => {
  let h: McpHarness;
  let a: McpUser;
  let b: McpUser;
  let ca: Client;
  let tools: Map<string, Tool>;
  const called = new Set<string>();

  const call = async (client: Client, name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as Parameters<typeof expectValidStructured>[1];
    return result;
  };
  const ok = async (name: string, args: Record<string, unknown>, client: Client = ca): Promise<any> => {
    const out = expectValidStructured(tools.get(name)!, await call(client, name, args));
    called.add(name);
    return out;
  };

  beforeAll(async () => {
    h = await createMcpHarness();
    a = await h.user('Europe/Berlin');
    b = await h.user('America/New_York');
    ca = await h.client(a.token);
    tools = new Map((await ca.listTools()).tools.map((t) => [t.name, t]));
  });
  afterAll(() => h?.close());

  it('lists every tool with a description, input and output schema and full annotations', async () => {
    const names = [...tools.keys()];
    for (const required of [
      'add_task',
      'add_tasks',
      'list_tasks',
      'get_task',
      'update_task',
      'complete_task',
      'reopen_task',
      'delete_task',
      'search_tasks',
      'reschedule_tasks',
      'get_overview',
      'preview_recurrence',
      'parse_due',
      'create_project',
      'list_projects',
      'update_project',
      'delete_project',
      'create_tag',
      'list_tags',
      'update_tag',
      'delete_tag',
      'tag_task',
      'untag_task',
      'set_reminder',
      'remove_reminder',
    ]) {
      expect(names).toContain(required);
    }
    for (const tool of tools.values()) {
      expect(tool.description!.length).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(JSON.stringify(tool.inputSchema)).not.toMatch(/user_?id/i);
      expect(tool.annotations).toMatchObject({ openWorldHint: false });
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint'] as const) {
        expect(typeof tool.annotations?.[hint]).toBe('boolean');
      }
    }
    expect(tools.get('delete_task')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(tools.get('list_tasks')!.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.get('add_task')!.annotations).toMatchObject({ idempotentHint: false, destructiveHint: false });
  });

  it('calls every tool; each result matches its outputSchema', async () => {
    const ctx = await ok('get_user_context', {});
    expect(ctx).toMatchObject({
      timeZone: 'Europe/Berlin',
      today: '2026-11-27',
      localTime: '10:00:00',
      scopes: ['read', 'write'],
    });

    const parsed = await ok('parse_due', { text: 'tomorrow 9am' });
    expect(parsed.due).toEqual({ dateTime: '2026-11-28T09:00:00', timeZone: 'Europe/Berlin' });
    expect(parsed.dueAt).toBe('2026-11-28T08:00:00Z');
    // The domain's phrase parser, as the web's quick add reads the same words (Friday, 10:00 in Berlin).
    for (const [text, due] of [
      ['friday', { date: '2026-11-27' }], // today included
      ['09:00', { dateTime: '2026-11-28T09:00:00', timeZone: 'Europe/Berlin' }], // passed today: tomorrow
      ['next week', { date: '2026-11-30' }],
      ['the 15th', { date: '2026-12-15' }],
    ] as const) {
      expect((await ok('parse_due', { text })).due).toEqual(due);
    }

    const preview = await ok('preview_recurrence', { rule: 'every weekday', start: '2026-11-27', count: 3 });
    expect(preview).toMatchObject({
      rule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      occurrences: ['2026-11-27', '2026-11-30', '2026-12-01'],
    });

    const category = (await ok('create_project', { name: 'Home', color: '#22aa44' })).project;
    const tag = (await ok('create_tag', { name: 'errand' })).tag;
    expect((await ok('list_projects', {})).items.map((c: any) => c.name)).toEqual(['Inbox', 'Home']);
    expect((await ok('list_tags', {})).items.map((c: any) => c.name)).toEqual(['errand']);
    expect((await ok('update_project', { project: 'home', name: 'House' })).project.name).toBe('House');
    expect((await ok('update_tag', { tag: tag.id, color: '#112233' })).tag.color).toBe('#112233');

    const first = await ok('add_task', {
      title: 'Pay rent',
      priority: 'high',
      due: parsed.due,
      recurrence: { rule: 'monthly' },
      projectId: category.id,
      tags: ['money'],
      idempotencyKey: 'k-1',
    });
    expect(first).toMatchObject({
      replayed: false,
      task: { number: 1, title: 'Pay rent', projectId: category.id, projectNumber: 1, tags: ['money'] },
    });
    const again = await ok('add_task', {
      title: 'Pay rent',
      priority: 'high',
      due: parsed.due,
      recurrence: { rule: 'monthly' },
      projectId: category.id,
      tags: ['money'],
      idempotencyKey: 'k-1',
    });
    expect(again).toMatchObject({ replayed: true, task: { id: first.task.id } });
    const clash = errorOf(await call(ca, 'add_task', { title: 'Other', idempotencyKey: 'k-1' }));
    expect(clash).toMatchObject({ code: 'CONFLICT', issues: [{ field: 'idempotencyKey' }] });

    const batch = await ok('add_tasks', {
      tasks: [
        { title: 'Buy milk', due: { date: '2026-11-27' } },
        { title: 'Bad rule', recurrence: { rule: 'every blue moon' } },
        { title: 'Old thing', due: { date: '2026-11-20' } },
        { title: 'Dentist', due: { date: '2026-11-30' } },
      ],
    });
    expect(batch).toMatchObject({ successCount: 3, failureCount: 1, failures: [{ index: 1, code: 'INVALID_RECURRENCE' }] });
    expect(batch.failures[0].issues[0].field).toMatch(/recurrence/);
    const milk = `#${batch.created[0].task.number}`;
    const old = `#${batch.created[1].task.number}`;

    const got = await ok('get_task', { task: '#1' });
    expect(got.task.id).toBe(first.task.id);
    expect((await ok('get_task', { task: first.task.id })).task.number).toBe(1);

    const page1 = await ok('list_tasks', { limit: 2 });
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await ok('list_tasks', { limit: 2, cursor: page1.nextCursor });
    expect(page2.items).toHaveLength(2);
    expect(new Set([...page1.items, ...page2.items].map((t: any) => t.id)).size).toBe(4);

    expect((await ok('search_tasks', { query: 'milk' })).items.map((t: any) => t.title)).toEqual(['Buy milk']);

    const overview = await ok('get_overview', {});
    expect(overview.overdue.map((t: any) => t.title)).toEqual(['Old thing']);
    expect(overview.dueToday.map((t: any) => t.title)).toEqual(['Buy milk']);
    expect(overview.upcoming.map((t: any) => t.title)).toEqual(['Pay rent', 'Dentist']);

    const updated = await ok('update_task', { task: '#1', description: 'by transfer', priority: 'urgent' });
    expect(updated.task).toMatchObject({ description: 'by transfer', priority: 'urgent', recurrence: { rule: 'FREQ=MONTHLY' } });

    const moved = await ok('reschedule_tasks', {
      items: [
        { task: '#1', when: 'next friday' },
        { task: milk, due: { date: '2026-11-29' } },
        { task: '#999', when: 'tomorrow' },
      ],
    });
    expect(moved).toMatchObject({ successCount: 2, failureCount: 1, failures: [{ index: 2, code: 'TASK_NOT_FOUND' }] });
    // "next friday" names a day: the timed task keeps 09:00 and its monthly recurrence.
    expect(moved.rescheduled[0].task).toMatchObject({
      due: { dateTime: '2026-12-04T09:00:00', timeZone: 'Europe/Berlin' },
      recurrence: { rule: 'FREQ=MONTHLY' },
    });

    expect((await ok('tag_task', { task: milk, tag: 'errand' })).task.tags).toEqual(['errand']);
    expect((await ok('untag_task', { task: milk, tag: 'errand' })).task.tags).toEqual([]);

    const reminder = await ok('set_reminder', { task: '#1', minutesBefore: 30 });
    expect(reminder.fireAt).toBe('2026-12-04T07:30:00Z');
    const absolute = await ok('set_reminder', { task: milk, at: '2026-11-28T08:00:00Z' });
    expect(absolute.task.reminders).toHaveLength(1);
    const snoozed = await ok('snooze_reminder', { task: milk, reminderId: absolute.reminder.id, minutes: 15 });
    expect(snoozed.until).toBe('2026-11-27T09:15:00.000Z');
    const removed = await ok('remove_reminder', { task: milk, reminderId: absolute.reminder.id });
    expect(removed).toMatchObject({ removed: true, task: { reminders: [] } });

    expect((await ok('complete_task', { task: old })).task.status).toBe('completed');
    expect((await ok('reopen_task', { task: old })).task.status).toBe('open');
    expect((await ok('delete_task', { task: old })).deleted).toMatchObject({ number: batch.created[1].task.number });
    expect(errorOf(await call(ca, 'get_task', { task: old })).code).toBe('TASK_NOT_FOUND');

    const cb = await h.client(b.token);
    const commented = await ok('comment', { action: 'add', task: milk, body: 'Oat milk, @nobody' });
    expect(commented.comment).toMatchObject({ unresolvedMentions: ['nobody'] });
    expect((await ok('comment', { action: 'edit', commentId: commented.comment.id, body: 'Oat' })).comment.id).toBe(
      commented.comment.id,
    );
    expect(errorOf(await call(ca, 'comment', { action: 'edit', commentId: commented.comment.id })).issues).toEqual([
      { field: 'body', message: expect.any(String) },
    ]);
    expect(errorOf(await call(cb, 'comment', { action: 'delete', commentId: commented.comment.id })).code).toBe('NOT_FOUND');
    expect((await ok('comment', { action: 'delete', commentId: commented.comment.id })).deleted).toBe(commented.comment.id);
    // The history is the projection's, fed by the bus (apps/cli/test/activity.test.ts); here it is read.
    expect((await ok('get_activity', { task: milk })).items).toEqual([]);
    expect(errorOf(await call(cb, 'get_activity', { task: milk })).code).toBe('TASK_NOT_FOUND');
    // Sharing: the owner invites B, B accepts (REST's side), then the owner manages B by the id `list` gives.
    const shared = await ok('create_project', { name: 'Shared' });
    expect(
      (await ok('share_project', { project: 'Shared', action: 'invite', email: b.email, role: 'viewer' })).members,
    ).toHaveLength(1);
    const [invitation] = await h.services.invitations.mine(b.principal);
    await h.services.invitations.accept({ principal: b.principal }, invitation!.id);
    const roles = await ok('share_project', { project: shared.project.id, action: 'set_role', member: b.id, role: 'editor' });
    expect(roles.members).toEqual([expect.stringContaining(' owner '), `${b.email} editor ${b.id}`]);
    const refused = errorOf(
      await call(await h.client(b.token), 'share_project', {
        project: shared.project.id,
        action: 'invite',
        email: 'x@example.test',
      }),
    );
    expect(refused.code).toBe('FORBIDDEN');
    expect((await ok('share_project', { project: shared.project.id, action: 'remove', member: b.id })).members).toHaveLength(1);
    expect(errorOf(await call(ca, 'share_project', { project: shared.project.id, action: 'leave' })).code).toBe('FORBIDDEN');

    expect((await ok('delete_tag', { tag: 'errand' })).deleted.name).toBe('errand');
    expect((await ok('delete_project', { project: category.id })).deleted.id).toBe(category.id);

    const missing = TOOLS.map((t) => t.name).filter((n) => !called.has(n));
    expect(missing).toEqual([]);
  });

  it('returns input errors as isError results naming the field and the reason', async () => {
    const noTitle = errorOf(await call(ca, 'add_task', { title: '   ' }));
    expect(noTitle).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ field: 'title' }] });
    const unknownField = errorOf(await call(ca, 'add_task', { title: 'x', userId: b.id }));
    expect(unknownField.code).toBe('VALIDATION_FAILED');
    expect(unknownField.message).toMatch(/userId/);
    const badDue = errorOf(await call(ca, 'parse_due', { text: 'when pigs fly' }));
    expect(badDue).toMatchObject({ code: 'INVALID_DUE', issues: [{ field: 'text' }] });
    const past = errorOf(await call(ca, 'set_reminder', { task: '#1', at: '2020-01-01T00:00:00Z' }));
    expect(past).toMatchObject({ code: 'INVALID_REMINDER', issues: [{ field: 'at' }] });
    const both = errorOf(await call(ca, 'set_reminder', { task: '#1' }));
    expect(both.issues[0]!.field).toBe('minutesBefore');
    const rule = errorOf(await call(ca, 'preview_recurrence', { rule: 'FREQ=SOMETIMES' }));
    expect(rule.code).toBe('INVALID_RECURRENCE');
    expect(rule.issues[0]!.field).toBe('rule');
    const cursor = errorOf(await call(ca, 'list_tags', { cursor: 'garbage' }));
    expect(cursor).toMatchObject({ code: 'INVALID_CURSOR', issues: [{ field: 'cursor' }] });
  });

  it('rejects requests without a valid bearer token and from foreign hosts/origins', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const none = await fetch(h.url, { method: 'POST', headers, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const bad = await fetch(h.url, { method: 'POST', headers: { ...headers, authorization: 'Bearer todo_nope' }, body });
    expect(bad.status).toBe(401);
    const auth = { ...headers, authorization: `Bearer ${a.token}` };
    const evilOrigin = await fetch(h.url, { method: 'POST', headers: { ...auth, origin: 'http://evil.example' }, body });
    expect(evilOrigin.status).toBe(403);
    const evilHost = await h.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { ...auth, host: 'evil.example:80' },
      payload: body,
    });
    expect(evilHost.statusCode).toBe(403);
    expect((await fetch(h.url, { method: 'GET', headers: auth })).status).toBe(405);
    const good = await fetch(h.url, { method: 'POST', headers: auth, body });
    expect(good.status).toBe(200);
  });

  it('rate-limits requests per token (429 with Retry-After)', async () => {
    const app = Fastify();
    registerMcpRoutes(app, { services: h.services, clock: h.clock, rateLimit: { max: 2, windowMs: 60_000 } });
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${a.token}`,
      host: '127.0.0.1',
    };
    const payload = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await app.inject({ method: 'POST', url: '/mcp', headers, payload })).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    h.clock.advance(60_000);
    const after = await app.inject({ method: 'POST', url: '/mcp', headers, payload });
    expect(after.statusCode).toBe(200);
    h.clock.advance(-60_000);
    await app.close();
  });

  describe('cross-user isolation (per tool)', () => {
    let bTask: { id: string; number: number };
    let bReminder: string;
    let bCategory: string;
    let bTag: string;
    let snapshot: string;

    const bState = async () => {
      const cb = await h.client(b.token);
      const tasks = (await cb.callTool({ name: 'list_tasks', arguments: { status: 'all', limit: 100 } })).structuredContent;
      const cats = (await cb.callTool({ name: 'list_projects', arguments: {} })).structuredContent;
      const tags = (await cb.callTool({ name: 'list_tags', arguments: {} })).structuredContent;
      return JSON.stringify({ tasks, cats, tags });
    };

    beforeAll(async () => {
      const cb = await h.client(b.token);
      const cat = (await cb.callTool({ name: 'create_project', arguments: { name: 'B-secret-cat' } })).structuredContent as any;
      const tag = (await cb.callTool({ name: 'create_tag', arguments: { name: 'b-secret-tag' } })).structuredContent as any;
      const task = (
        await cb.callTool({
          name: 'add_task',
          arguments: {
            title: 'B secret milk',
            due: { date: '2026-11-27' },
            projectId: cat.project.id,
            tags: ['b-secret-tag'],
            reminders: [{ type: 'absolute', at: '2026-11-28T10:00:00Z' }],
          },
        })
      ).structuredContent as any;
      bTask = task.task;
      bReminder = task.task.reminders[0].id;
      bCategory = cat.project.id;
      bTag = tag.tag.id;
      snapshot = await bState();
    });

    const crossArgs = (): Record<string, Record<string, unknown>> => ({
      add_task: { title: 'steal', projectId: bCategory },
      add_tasks: { tasks: [{ title: 'steal', parentId: bTask.id }] },
      get_task: { task: bTask.id },
      list_tasks: { status: 'all', limit: 100 },
      search_tasks: { query: 'secret milk' },
      update_task: { task: bTask.id, title: 'pwned' },
      complete_task: { task: bTask.id },
      reopen_task: { task: bTask.id },
      delete_task: { task: bTask.id },
      get_user_context: {},
      get_overview: {},
      reschedule_tasks: { items: [{ task: bTask.id, when: 'tomorrow' }] },
      preview_recurrence: { rule: 'daily' },
      parse_due: { text: 'today' },
      create_project: { name: 'A own project' },
      list_projects: {},
      update_project: { project: bCategory, name: 'pwned' },
      delete_project: { project: bCategory },
      share_project: { project: bCategory, action: 'list' },
      create_tag: { name: 'a-own-tag' },
      list_tags: {},
      update_tag: { tag: bTag, name: 'pwned' },
      delete_tag: { tag: bTag },
      tag_task: { task: bTask.id, tag: 'x' },
      untag_task: { task: bTask.id, tag: 'money' },
      set_reminder: { task: bTask.id, minutesBefore: 5 },
      remove_reminder: { task: bTask.id, reminderId: bReminder },
      snooze_reminder: { task: bTask.id, reminderId: bReminder, minutes: 5 },
      comment: { action: 'add', task: bTask.id, body: 'steal' },
      get_activity: { project: bCategory },
    });

    it.each(TOOLS.map((t) => t.name))("%s with user A's token never reads or changes user B's data", async (name) => {
      const args = crossArgs()[name];
      expect(args, `no cross-user case for ${name}`).toBeDefined();
      const result = await ca.callTool({ name, arguments: args! });
      // A's own arguments may be echoed back (e.g. "no task <id>"); nothing else of B's may appear.
      let text = JSON.stringify(result);
      for (const echoed of JSON.stringify(args).match(/[0-9a-f]{8}-[0-9a-f-]{27}/g) ?? [])
        text = text.replaceAll(echoed, '<arg>');
      for (const secret of [bTask.id, bCategory, bTag, bReminder, b.id, 'B secret milk', 'B-secret-cat', 'b-secret-tag']) {
        expect(text).not.toContain(secret);
      }
      if (result.isError) expect(errorOf(result as never).code).toMatch(/NOT_FOUND/);
      expect(await bState()).toBe(snapshot);
    });
  });

  describe('read-only token', () => {
    it.each(MUTATING)('%s is refused with INSUFFICIENT_SCOPE and changes nothing', async (name) => {
      const ro = await h.client(a.readToken);
      const before = JSON.stringify(
        (await ro.callTool({ name: 'list_tasks', arguments: { status: 'all', limit: 100 } })).structuredContent,
      );
      const result = await ro.callTool({
        name,
        arguments: { task: '#1', title: 'x', name: 'x', tag: 'x', project: 'x', tasks: [], items: [] },
      });
      expect(errorOf(result as never).code).toBe('INSUFFICIENT_SCOPE');
      const after = JSON.stringify(
        (await ro.callTool({ name: 'list_tasks', arguments: { status: 'all', limit: 100 } })).structuredContent,
      );
      expect(after).toBe(before);
    });

    it('can still call every read-only tool', async () => {
      const ro = await h.client(a.readToken);
      const result = await ro.callTool({ name: 'get_overview', arguments: {} });
      expect(result.isError).toBeFalsy();
    });
  });

  it('serves the plan-my-day and weekly-review prompts and the projects/tags resources', async () => {
    const prompts = (await ca.listPrompts()).prompts.map((p) => p.name);
    expect(prompts).toEqual(expect.arrayContaining(['plan-my-day', 'weekly-review']));
    const plan = await ca.getPrompt({ name: 'plan-my-day', arguments: { focus: 'errands' } });
    const planText = (plan.messages[0]!.content as { text: string }).text;
    expect(planText).toContain('Buy milk');
    expect(planText).not.toContain('B secret');
    const review = await ca.getPrompt({ name: 'weekly-review' });
    expect((review.messages[0]!.content as { text: string }).text).toContain('Completed in the last 7 days');
    const resources = (await ca.listResources()).resources.map((r) => r.uri);
    expect(resources).toEqual(['todo://projects', 'todo://tags']);
    await ca.callTool({ name: 'create_tag', arguments: { name: 'visible' } });
    const tags = await ca.readResource({ uri: 'todo://tags' });
    const text = (tags.contents[0] as { text: string }).text;
    expect(JSON.parse(text).map((t: { name: string }) => t.name)).toContain('visible');
    expect(text).not.toContain('b-secret');
  });
});
