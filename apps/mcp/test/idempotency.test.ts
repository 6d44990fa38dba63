/**
 * `add_task`'s idempotencyKey is stored with the task, in the database: a retry gets the first
 * task back on another replica (a second MCP server with its own services over the same
 * database), when calls race, and after the first one failed; a key holds for a day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Client as SdkClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { createServices, uuidV7Ids } from '@todo/services';
import { Store } from '@todo/storage';
import { registerMcpRoutes } from '../src/index.js';
import { createMcpHarness, errorOf, type McpHarness, type McpUser } from './harness.js';

describe('idempotency keys of add_task', () => {
  let h: McpHarness;
  let replica: FastifyInstance;
  let a: McpUser;
  let b: McpUser;
  let first: Client;
  let second: Client;
  const clients: Client[] = [];

  /** A client of the second replica. */
  const replicaClient = async (token: string) => {
    const client = new SdkClient({ name: 'test', version: '1.0.0' });
    const address = replica.server.address() as { port: number };
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${address.port}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  };

  const add = async (client: Client, args: Record<string, unknown>) =>
    (await client.callTool({ name: 'add_task', arguments: args })) as { isError?: boolean; structuredContent?: any };

  const tasksTitled = async (user: McpUser, title: string) =>
    (await h.services.tasks.list(user.principal, { status: 'all', limit: 100 } as never)).items.filter((t) => t.title === title);

  beforeAll(async () => {
    h = await createMcpHarness();
    a = await h.user();
    b = await h.user();
    replica = Fastify();
    registerMcpRoutes(replica, {
      services: createServices(
        { store: new Store(h.database.db), clock: h.clock, ids: uuidV7Ids, eventSource: 'todo-app/test-replica' },
        { jwtSecret: 'm'.repeat(40), credentialCacheMs: 0 },
      ),
      clock: h.clock,
    });
    await replica.listen({ host: '127.0.0.1', port: 0 });
    first = await h.client(a.token);
    second = await replicaClient(a.token);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await replica?.close();
    await h?.close();
  });

  it('returns the first task to a retry that reaches another replica', async () => {
    const created = await add(first, { title: 'Renew passport', priority: 'high', idempotencyKey: 'retry-1' });
    expect(created.structuredContent).toMatchObject({ replayed: false, task: { title: 'Renew passport' } });
    const retried = await add(second, { title: 'Renew passport', priority: 'high', idempotencyKey: 'retry-1' });
    expect(retried.structuredContent).toMatchObject({ replayed: true, task: { id: created.structuredContent.task.id } });
    expect(await tasksTitled(a, 'Renew passport')).toHaveLength(1);
  });

  it('creates one task when the same call races on both replicas', async () => {
    const args = { title: 'Book flights', idempotencyKey: 'race-1' };
    const results = await Promise.all([first, second, first, second, first, second].map((c) => add(c, args)));
    const ids = new Set(results.map((r) => r.structuredContent.task.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.structuredContent.replayed)).toHaveLength(1);
    expect(await tasksTitled(a, 'Book flights')).toHaveLength(1);
  });

  it('refuses the key for other fields, and for a task deleted since', async () => {
    await add(first, { title: 'Water plants', idempotencyKey: 'other-1' });
    expect(errorOf((await add(second, { title: 'Feed cat', idempotencyKey: 'other-1' })) as never)).toMatchObject({
      code: 'CONFLICT',
      issues: [{ field: 'idempotencyKey' }],
    });
    const gone = await add(first, { title: 'Old errand', idempotencyKey: 'deleted-1' });
    await h.services.tasks.delete({ principal: a.principal }, gone.structuredContent.task.id);
    const error = errorOf((await add(second, { title: 'Old errand', idempotencyKey: 'deleted-1' })) as never);
    expect(error).toMatchObject({
      code: 'CONFLICT',
      issues: [{ field: 'idempotencyKey', message: expect.stringMatching(/deleted/) }],
    });
  });

  it('keeps a key free when its create failed, and keys apart per user', async () => {
    const otherUsersProject = await h.services.projects.create(
      { principal: b.principal },
      { name: 'Theirs', color: null, parentId: null },
    );
    const failed = await add(first, { title: 'Pay bill', projectId: otherUsersProject.id, idempotencyKey: 'fail-1' });
    expect(failed.isError).toBe(true);
    const fixed = await add(second, { title: 'Pay bill', idempotencyKey: 'fail-1' });
    expect(fixed.structuredContent).toMatchObject({ replayed: false, task: { title: 'Pay bill' } });

    const theirs = await add(await h.client(b.token), { title: 'Pay bill', idempotencyKey: 'fail-1' });
    expect(theirs.structuredContent.replayed).toBe(false);
    expect(theirs.structuredContent.task.id).not.toBe(fixed.structuredContent.task.id);
  });

  it('frees a key after a day', async () => {
    const before = await add(first, { title: 'Weekly review', idempotencyKey: 'day-1' });
    h.clock.advance(24 * 60 * 60 * 1000 + 60_000);
    const after = await add(second, { title: 'Weekly review', idempotencyKey: 'day-1' });
    expect(after.structuredContent.replayed).toBe(false);
    expect(after.structuredContent.task.id).not.toBe(before.structuredContent.task.id);
  });
});
