/**
 * A task created through MCP with a reminder produces
 * exactly one email, at the reminder time, in the embedded runtime (test clock + real SMTP
 * capture). The `/mcp` plugin is mounted on a Fastify app around `runtime.services`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createPipeline, type Pipeline } from '../../cli/test/pipeline-harness.js';
import { registerMcpRoutes } from '../src/index.js';

describe('reminder set through MCP, embedded runtime', () => {
  let p: Pipeline;
  let app: FastifyInstance;
  let client: Client;
  let email: string;

  beforeAll(async () => {
    p = await createPipeline('2026-11-27T09:00:00Z');
    app = Fastify();
    registerMcpRoutes(app, { services: p.runtime.services, clock: p.clock });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const u = await p.user('UTC');
    email = u.email;
    const token = await p.call('POST', '/api/tokens', u.auth, { name: 'claude', scopes: ['read', 'write'] });
    client = new Client({ name: 'reminder-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${address}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token.body.secret}` } },
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
    await p?.close();
  });

  const mails = () => p.smtp.messages.filter((m) => m.to.includes(email));

  it('add_task with a reminder: one email at the reminder time, none before, none after', async () => {
    const created = await client.callTool({
      name: 'add_task',
      arguments: {
        title: 'Call the plumber',
        due: { dateTime: '2026-11-27T10:00:00', timeZone: 'UTC' },
        reminders: [{ type: 'relative', minutesBefore: 15 }],
      },
    });
    expect(created.isError).toBeFalsy();
    await p.settle();
    await p.advanceTo('2026-11-27T09:44:59Z');
    expect(mails()).toHaveLength(0); // stored and scheduled, not fired at once
    await p.advanceTo('2026-11-27T09:45:00Z');
    expect(mails()).toHaveLength(1);
    expect(mails()[0]!.subject).toContain('Call the plumber');
    await p.advanceTo('2026-11-27T11:00:00Z');
    expect(mails()).toHaveLength(1);
  });

  it('set_reminder on an existing task: one email at its time', async () => {
    const created = (await client.callTool({ name: 'add_task', arguments: { title: 'Renew passport' } })).structuredContent as {
      task: { number: number };
    };
    const set = await client.callTool({
      name: 'set_reminder',
      arguments: { task: `#${created.task.number}`, at: '2026-11-27T12:00:00Z' },
    });
    expect(set.structuredContent).toMatchObject({ fireAt: '2026-11-27T12:00:00Z' });
    await p.settle();
    const before = mails().length;
    await p.advanceTo('2026-11-27T11:59:59Z');
    expect(mails()).toHaveLength(before);
    await p.advanceTo('2026-11-27T12:00:00Z');
    expect(mails()).toHaveLength(before + 1);
    expect(mails().at(-1)!.subject).toContain('Renew passport');
    await p.advanceTo('2026-11-27T13:00:00Z');
    expect(mails()).toHaveLength(before + 1);
  });
});
