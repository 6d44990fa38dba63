/**
 * Over Streamable HTTP with the official SDK client: a project is accepted by name wherever a
 * task takes one (as docs/mcp.md promises), and plan-my-day shows times on the user's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createMcpHarness, errorOf, type McpHarness } from './harness.js';

describe('MCP: projects by name, times in the user zone', () => {
  let h: McpHarness;
  let client: Client;
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const value = (result: CallToolResult): any => {
    if (result.isError) throw new Error(JSON.stringify(result.content));
    return result.structuredContent;
  };

  beforeAll(async () => {
    // 09:00 UTC is 04:00 in New York: still 27 November there.
    h = await createMcpHarness('2026-11-27T09:00:00Z');
    client = await h.client((await h.user('America/New_York')).token);
  });
  afterAll(() => h?.close());

  it('takes a project by name in add_task, add_tasks, update_task and list_tasks', async () => {
    const work = value(await call('create_project', { name: 'Work' })).project;
    const home = value(await call('create_project', { name: 'Home' })).project;
    const task = value(await call('add_task', { title: 'Report', projectId: 'work' })).task;
    expect(task.projectId).toBe(work.id);
    const batch = value(await call('add_tasks', { tasks: [{ title: 'Dishes', projectId: 'HOME' }] }));
    expect(batch.created[0].task.projectId).toBe(home.id);
    expect(value(await call('update_task', { task: `#${task.number}`, projectId: 'Home' })).task.projectId).toBe(home.id);
    expect(value(await call('update_task', { task: `#${task.number}`, projectId: work.id })).task.projectId).toBe(work.id);
    const listed = value(await call('list_tasks', { projectId: 'Work' })).items.map((t: { id: string }) => t.id);
    expect(listed).toEqual([task.id]);

    const unknown = errorOf(await call('add_task', { title: 'Nowhere', projectId: 'Garden' }));
    expect(unknown.code).toBe('PROJECT_NOT_FOUND');
    expect(unknown.issues[0]!.field).toBe('projectId');
    expect(errorOf(await call('list_tasks', { projectId: 'Garden' })).code).toBe('PROJECT_NOT_FOUND');
  });

  it("prints plan-my-day's times on the user's clock, not in UTC", async () => {
    // 18:30 in Berlin is 17:30 UTC is 12:30 in New York.
    value(await call('add_task', { title: 'Call Berlin', due: { dateTime: '2026-11-27T18:30', timeZone: 'Europe/Berlin' } }));
    const plan = await client.getPrompt({ name: 'plan-my-day', arguments: {} });
    const text = (plan.messages[0]!.content as { text: string }).text;
    expect(text).toContain('(America/New_York)');
    expect(text).toContain('Call Berlin, due 2026-11-27 12:30');
    expect(text).not.toContain('17:30');
  });
});
