/**
 * Issue #5 acceptance 1 over stdio: spawns the built `todo mcp --stdio` entry
 * (apps/mcp/dist/stdio-main.js), which proxies to a running server over Streamable HTTP.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { TOOLS } from '../src/index.js';
import { createMcpHarness, errorOf, expectValidStructured, type McpHarness, type McpUser } from './harness.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const entry = fileURLToPath(new URL('../dist/stdio-main.js', import.meta.url));

describe('MCP over stdio (todo mcp --stdio)', () => {
  let h: McpHarness;
  let a: McpUser;
  const clients: Client[] = [];

  const connect = async (token: string) => {
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [entry],
        env: { PATH: process.env['PATH'] ?? '', TODO_TOKEN: token, TODO_URL: h.url.replace(/\/mcp$/, '') },
        stderr: 'pipe',
      }),
    );
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // `npm test` builds everything first; build this package when run on its own.
    if (!existsSync(entry)) execFileSync('npx', ['tsc', '-b', 'apps/mcp'], { cwd: repo, stdio: 'inherit' });
    h = await createMcpHarness();
    a = await h.user('UTC');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await h?.close();
  });

  it('lists the same tools, prompts and resources as the HTTP server', async () => {
    const client = await connect(a.token);
    const tools = (await client.listTools()).tools;
    expect(tools.map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
    expect(client.getInstructions()).toMatch(/#12/);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['plan-my-day', 'weekly-review']);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['todo://projects', 'todo://tags']);
  });

  it('calls tools end to end; results match their output schemas', async () => {
    const client = await connect(a.token);
    const tools = new Map<string, Tool>((await client.listTools()).tools.map((t) => [t.name, t]));
    const added = expectValidStructured(
      tools.get('add_task')!,
      (await client.callTool({ name: 'add_task', arguments: { title: 'Via stdio', idempotencyKey: 'stdio-1' } })) as never,
    ) as { task: { number: number } };
    const got = expectValidStructured(
      tools.get('get_task')!,
      (await client.callTool({ name: 'get_task', arguments: { task: `#${added.task.number}` } })) as never,
    );
    expect(got).toMatchObject({ task: { title: 'Via stdio' } });
    expectValidStructured(tools.get('get_overview')!, (await client.callTool({ name: 'get_overview', arguments: {} })) as never);
    const bad = await client.callTool({ name: 'add_task', arguments: { title: '' } });
    expect(errorOf(bad as never)).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ field: 'title' }] });
    const tags = await client.readResource({ uri: 'todo://tags' });
    expect(tags.contents).toHaveLength(1);
  });

  it("keeps the token's scopes: a read-only token cannot change data", async () => {
    const client = await connect(a.readToken);
    const result = await client.callTool({ name: 'add_task', arguments: { title: 'nope' } });
    expect(errorOf(result as never).code).toBe('INSUFFICIENT_SCOPE');
  });

  it('exits with a clear message without TODO_TOKEN or with a bad one', async () => {
    const none = spawnSync(process.execPath, [entry], { env: { PATH: process.env['PATH'] ?? '' }, input: '', encoding: 'utf8' });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/TODO_TOKEN/);
    // Async: the server under test runs in this process and must keep answering.
    const bad = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [entry], {
        env: { PATH: process.env['PATH'] ?? '', TODO_TOKEN: 'todo_wrong', TODO_URL: h.url },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (status) => resolve({ status, stderr }));
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/cannot reach|401|invalid/i);
  });
});
