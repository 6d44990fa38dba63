/**
 * Bad input over MCP (hardening issue #21), with the official SDK client: every string argument
 * of every tool refuses NUL and lone surrogates with an `isError` naming the field, batches
 * validate item by item, input errors never read as INTERNAL "try again later", and the
 * recurrence preview starts at the rule's first date (by the injected clock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { toolError } from '../src/tool.js';
import { createMcpHarness, errorOf, expectValidStructured, type McpHarness, type McpUser } from './harness.js';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

/** Dotted paths of every string in a JSON schema (array items as index 0). */
function stringFields(schema: Schema | undefined, prefix = ''): string[] {
  if (!schema) return [];
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  const variants = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (variants.length > 0) return [...new Set(variants.flatMap((v) => stringFields(v, prefix)))];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('string')) return prefix ? [prefix] : [];
  if (types.includes('array')) return stringFields(schema.items, join('0'));
  return Object.entries(schema.properties ?? {}).flatMap(([key, value]) => stringFields(value, join(key)));
}

/** Sets `value` at a dotted path ("tasks.0.title") in a fresh object; numeric keys make arrays. */
function argsWith(path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  const root: Record<string, unknown> = {};
  let node: Record<string, unknown> | unknown[] = root;
  keys.forEach((key, i) => {
    const last = i === keys.length - 1;
    const child = last ? value : /^\d+$/.test(keys[i + 1]!) ? [] : {};
    (node as Record<string, unknown>)[key] = child;
    node = child as Record<string, unknown>;
  });
  return root;
}

describe('MCP input validation', () => {
  let h: McpHarness;
  let a: McpUser;
  let client: Client;
  let tools: Tool[];
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;

  beforeAll(async () => {
    h = await createMcpHarness('2026-12-07T15:00:00Z'); // Monday 7 December
    a = await h.user('America/New_York');
    client = await h.client(a.token);
    tools = (await client.listTools()).tools;
  });
  afterAll(() => h?.close());

  it('refuses NUL and lone surrogates in every string argument of every tool, naming the field', async () => {
    let probes = 0;
    for (const tool of tools) {
      const batch = ['tasks', 'items'].find(
        (key) => (tool.inputSchema.properties as Record<string, Schema> | undefined)?.[key]?.type === 'array',
      );
      for (const field of stringFields(tool.inputSchema as Schema)) {
        for (const bad of ['a\u0000b', 'a\udc00b']) {
          const result = await call(tool.name, argsWith(field, bad));
          if (batch && field.startsWith(`${batch}.0.`)) {
            // Batch items fail one by one: the call answers, with the item as a failure.
            const out = expectValidStructured(tool, result) as {
              failures: { index: number; code: string; issues: { field: string }[] }[];
            };
            expect(out.failures[0]).toMatchObject({ index: 0, code: 'INVALID_TEXT' });
            expect(out.failures[0]!.issues.map((i) => i.field)).toContain(field.slice(`${batch}.0.`.length));
          } else {
            const error = errorOf(result);
            expect(error.code, `${tool.name} ${field}`).toBe('INVALID_TEXT');
            expect(error.issues.map((i) => i.field)).toContain(field);
            expect(error.message).not.toMatch(/try again/);
          }
          probes++;
        }
      }
    }
    expect(probes).toBeGreaterThan(60);
  });

  it('add_tasks creates the valid items and reports each invalid one with its index and reason', async () => {
    const tool = tools.find((t) => t.name === 'add_tasks')!;
    const result = await call('add_tasks', {
      tasks: [
        { title: 'First' },
        { title: '' },
        { title: 'Third', due: { date: '0001-01-01' } },
        { title: 'Fourth', priority: 'whenever' },
        { title: 'Fifth\u0000' },
        { title: 'Sixth', recurrence: { rule: 'every second' }, due: { date: '2026-12-08' } },
        { title: 'Seventh', tags: ['kept'] },
      ],
    });
    const out = expectValidStructured(tool, result) as {
      created: { index: number; task: { title: string } }[];
      failures: { index: number; code: string; issues: { field: string; message: string }[] }[];
    };
    expect(out.created.map((c) => [c.index, c.task.title])).toEqual([
      [0, 'First'],
      [6, 'Seventh'],
    ]);
    expect(out.failures.map((f) => [f.index, f.code, f.issues[0]?.field])).toEqual([
      [1, 'VALIDATION_FAILED', 'title'],
      [2, 'VALIDATION_FAILED', 'due.date'],
      [3, 'VALIDATION_FAILED', 'priority'],
      [4, 'INVALID_TEXT', 'title'],
      [5, 'INVALID_RECURRENCE', 'recurrence.rule'],
    ]);
    expect(out.failures[1]!.issues[0]!.message).toMatch(/1900.2999/);
    const listed = (await h.services.tasks.list(a.principal, { status: 'all', tagMode: 'any', limit: 50 })).items.map(
      (t) => t.title,
    );
    expect(listed).toEqual(expect.arrayContaining(['First', 'Seventh']));
    expect(listed).toHaveLength(2);
  });

  it('reschedule_tasks moves the valid items and reports the invalid ones', async () => {
    const created = await h.services.tasks.create(
      { principal: a.principal },
      {
        title: 'Move me',
        description: '',
        priority: 'none',
        due: null,
        recurrence: null,
        reminders: [],
        projectId: null,
        tags: [],
        parentId: null,
        assigneeId: null,
      },
    );
    const tool = tools.find((t) => t.name === 'reschedule_tasks')!;
    const out = expectValidStructured(
      tool,
      await call('reschedule_tasks', {
        items: [
          { task: String(created.number), due: { date: '2026-12-10' } },
          { task: 'x', due: 'soon' },
        ],
      }),
    ) as { rescheduled: { index: number }[]; failures: { index: number; code: string }[] };
    expect(out.rescheduled.map((r) => r.index)).toEqual([0]);
    expect(out.failures).toMatchObject([{ index: 1, code: 'VALIDATION_FAILED' }]);
  });

  it('answers bad dates, rules and cursors as input errors with the field, never INTERNAL', async () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      [
        'add_task',
        { title: 'Old', due: { dateTime: '0001-01-01T00:00', timeZone: 'America/New_York' } },
        'VALIDATION_FAILED',
        'due.dateTime',
      ],
      ['add_task', { title: 'Far', due: { date: '3000-01-01' } }, 'VALIDATION_FAILED', 'due.date'],
      [
        'add_task',
        { title: 'Sec', due: { date: '2026-12-08' }, recurrence: { rule: 'every second' } },
        'INVALID_RECURRENCE',
        'recurrence.rule',
      ],
      [
        'add_task',
        { title: 'End', due: { date: '2026-12-08' }, recurrence: { rule: 'daily until 2026-12-01' } },
        'INVALID_RECURRENCE',
        'recurrence.rule',
      ],
      ['preview_recurrence', { rule: 'every second' }, 'INVALID_RECURRENCE', 'rule'],
      ['preview_recurrence', { rule: 'daily', start: '0001-01-01' }, 'VALIDATION_FAILED', 'start'],
      ['list_tasks', { cursor: 'garbage' }, 'INVALID_CURSOR', 'cursor'],
      [
        'list_tasks',
        { sort: 'created', cursor: Buffer.from(JSON.stringify({ k: 'created', v: 'x', id: 'y' })).toString('base64url') },
        'INVALID_CURSOR',
        'cursor',
      ],
      ['list_tasks', { dueBefore: '0001-01-01' }, 'VALIDATION_FAILED', 'dueBefore'],
      ['search_tasks', { query: 'rent', cursor: 'e30' }, 'INVALID_CURSOR', 'cursor'],
      ['list_tags', { cursor: 'garbage' }, 'INVALID_CURSOR', 'cursor'],
      ['set_reminder', { task: '1', at: '0001-01-01T00:00:00Z' }, 'VALIDATION_FAILED', 'at'],
    ];
    for (const [name, args, code, field] of cases) {
      const error = errorOf(await call(name, args));
      expect([name, error.code], JSON.stringify(error)).toEqual([name, code]);
      expect(error.issues.map((i) => i.field)).toContain(field);
    }
  });

  it('reports a value the database refuses as data as an input error, not INTERNAL "try again later"', async () => {
    // What a tool would meet if its schema missed a malformed value: a real refusal by the database.
    const refused = await h.services.notifications.list(a.principal, { unreadOnly: false, limit: 1, cursor: 'not-a-uuid' }).then(
      () => expect.fail('the database should refuse the cursor'),
      (error: unknown) => error,
    );
    expect(toolError(refused)).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/rather than retrying/),
    });
    expect(toolError(new Error('a bug'))).toMatchObject({ code: 'INTERNAL' });
  });

  it('previews a rule from its first date on or after today, by the injected clock', async () => {
    const tool = tools.find((t) => t.name === 'preview_recurrence')!;
    const wednesday = expectValidStructured(tool, await call('preview_recurrence', { rule: 'every wednesday', count: 3 }));
    expect(wednesday).toMatchObject({ timeZone: 'America/New_York', occurrences: ['2026-12-09', '2026-12-16', '2026-12-23'] });
    const monday = expectValidStructured(tool, await call('preview_recurrence', { rule: 'every monday', count: 2 }));
    expect(monday['occurrences']).toEqual(['2026-12-07', '2026-12-14']);
    h.clock.set('2026-12-09T15:00:00Z');
    const later = expectValidStructured(tool, await call('preview_recurrence', { rule: 'every wednesday', count: 1 }));
    expect(later['occurrences']).toEqual(['2026-12-09']);
  });
});
