/**
 * A real HTTP server for MCP tests: createServices over a fresh database, the `/mcp` plugin on
 * a bare Fastify app listening on 127.0.0.1:0, and SDK clients authenticated per user.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { createServices, uuidV7Ids, type Principal, type Services } from '@todo/services';
import { Store, type Database } from '@todo/storage';
import { TestClock, createTestDatabase } from '@todo/testing';
import { registerMcpRoutes } from '../src/index.js';

export interface McpUser {
  id: string;
  principal: Principal;
  /** read+write API token. */
  token: string;
  readToken: string;
  email: string;
}

export interface McpHarness {
  app: FastifyInstance;
  url: string;
  services: Services;
  clock: TestClock;
  database: Database;
  user(timeZone?: string): Promise<McpUser>;
  client(token: string): Promise<Client>;
  close(): Promise<void>;
}

let seq = 0;

export async function createMcpHarness(start = '2026-11-27T09:00:00Z'): Promise<McpHarness> {
  const database = await createTestDatabase();
  const clock = new TestClock(start);
  const services = createServices(
    { store: new Store(database.db), clock, ids: uuidV7Ids, eventSource: 'todo-app/test' },
    { jwtSecret: 'm'.repeat(40), credentialCacheMs: 0 },
  );
  const app = Fastify();
  registerMcpRoutes(app, { services, clock });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const clients: Client[] = [];
  return {
    app,
    url: `${address}/mcp`,
    services,
    clock,
    database,
    user: async (timeZone = 'Europe/Berlin') => {
      const session = await services.auth.signUp({
        email: `m${++seq}-${Date.now()}@example.test`,
        password: 'correct horse battery',
        timeZone,
      });
      const principal = await services.auth.authenticate(session.token);
      const rw = await services.tokens.create(principal, { name: 'mcp', scopes: ['read', 'write'], expiresAt: null });
      const ro = await services.tokens.create(principal, { name: 'mcp-ro', scopes: ['read'], expiresAt: null });
      return { id: session.user.id, principal, token: rw.secret, readToken: ro.secret, email: session.user.email };
    },
    client: async (token) => {
      const client = new Client({ name: 'test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${address}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      );
      clients.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await app.close();
      await database.close();
    },
  };
}

const ajv = new AjvJsonSchemaValidator();

/** Checks a successful result's structuredContent against the tool's advertised outputSchema. */
export function expectValidStructured(tool: Tool, result: CallToolResult): Record<string, unknown> {
  if (result.isError) throw new Error(`${tool.name} failed: ${JSON.stringify(result.content)}`);
  if (!tool.outputSchema) throw new Error(`${tool.name} has no outputSchema`);
  const check = ajv.getValidator(tool.outputSchema as never)(result.structuredContent);
  if (!check.valid) throw new Error(`${tool.name}: structuredContent does not match outputSchema: ${check.errorMessage}`);
  return result.structuredContent as Record<string, unknown>;
}

/** The error body of an isError result. */
export function errorOf(result: CallToolResult): { code: string; message: string; issues: { field: string; message: string }[] } {
  if (!result.isError) throw new Error(`expected an error, got ${JSON.stringify(result.structuredContent)}`);
  const first = result.content[0];
  if (first?.type !== 'text') throw new Error('no text content');
  return (JSON.parse(first.text) as { error: ReturnType<typeof errorOf> }).error;
}
