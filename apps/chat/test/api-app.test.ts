/**
 * Wiring check: `/mcp` and `/api/chat` mounted on the real API app (createApp: zod type
 * provider, problem+json error handler, cookie auth), as the runtime will do it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMcpRoutes } from '@todo/mcp';
import { identify } from '../../api/src/auth.js';
import { createHarness, type Harness } from '../../api/test/harness.js';
import { registerChatRoutes } from '../src/index.js';

describe('MCP and chat on the API app', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    registerMcpRoutes(h.app, { services: h.services, clock: h.clock });
    registerChatRoutes(h.app, {
      services: h.services,
      clock: h.clock,
      chatConfig: { baseUrl: undefined, model: undefined },
      principalOf: (request) => identify(h.services.auth, request),
    });
  });
  afterAll(() => h?.close());

  it('serves tools/list at /mcp for a bearer token, and 401 without', async () => {
    const u = await h.user();
    const headers = {
      ...u.auth,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      host: 'localhost:8080',
    };
    const init = await h.app.inject({
      method: 'POST',
      url: '/mcp',
      headers,
      payload: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'inject', version: '1' } },
      }),
    });
    expect(init.statusCode).toBe(200);
    expect(JSON.parse(init.body).result.serverInfo.name).toBe('todo-app');
    const list = await h.app.inject({
      method: 'POST',
      url: '/mcp',
      headers: { ...headers, 'mcp-protocol-version': '2025-06-18' },
      payload: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(list.statusCode).toBe(200);
    expect(JSON.parse(list.body).result.tools.length).toBeGreaterThan(20);
    const anon = await h.app.inject({ method: 'POST', url: '/mcp', headers: { ...headers, authorization: '' }, payload: '{}' });
    expect(anon.statusCode).toBe(401);
  });

  it('answers POST /api/chat with 503 problem+json when no model is configured, 401 without auth', async () => {
    const u = await h.user();
    const res = await h.call('POST', '/api/chat', u.auth, { message: 'hi' });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ code: 'CHAT_NOT_CONFIGURED' });
    expect((await h.call('POST', '/api/chat', undefined, { message: 'hi' })).status).toBe(401);
  });

  it('answers invalid JSON at /mcp with a JSON-RPC parse error (-32700), not problem+json', async () => {
    const u = await h.user();
    const headers = {
      ...u.auth,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      host: 'localhost',
    };
    for (const payload of ['{"jsonrpc": "2.0", "id": 1,', '']) {
      const res = await h.app.inject({ method: 'POST', url: '/mcp', headers, payload });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    }
  });

  it('documents every operation: an operationId, its error responses as problem+json, /mcp as it answers', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
    );
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.components.schemas.Problem.required).toContain('code');
    const problemOf = (key: string, status: number) =>
      operations.find((o) => o.key === key)?.op.responses[status]?.content?.['application/problem+json']?.schema;
    expect(problemOf('GET /api/tasks/{ref}', 404)).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(problemOf('POST /api/tasks', 400)).toBeDefined();
    expect(problemOf('GET /api/me', 401)).toBeDefined();
    expect(problemOf('POST /api/projects', 409)).toBeDefined();
    expect(problemOf('POST /api/auth/login', 429)).toBeDefined();
    expect(problemOf('POST /api/auth/signup', 401)).toBeUndefined();
    const signup = operations.find((o) => o.key === 'POST /api/auth/signup')!.op;
    expect(signup.requestBody.content['application/json'].schema.properties.email.format).toBe('email');
    const mcp = (method: string) => operations.find((o) => o.key === `${method} /mcp`)!.op;
    expect(Object.keys(mcp('GET').responses)).toContain('405');
    expect(Object.keys(mcp('DELETE').responses)).toContain('405');
    expect(mcp('POST').responses['400'].content['application/json']).toBeDefined();
    // And the server does what the document says.
    expect((await h.app.inject({ method: 'GET', url: '/mcp', headers: { host: 'localhost' } })).statusCode).toBe(405);
    const wrong = await h.app.inject({ method: 'PUT', url: '/api/tasks/1' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers['allow']).toContain('PATCH');
  });

  it('answers a non-UUID conversation id with 400 problem+json and an unknown one with 404, never 500', async () => {
    const u = await h.user();
    const bad = await h.call('GET', '/api/chat/conversations/abc', u.auth);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'id', message: 'must be a UUID' }] });
    const unknown = await h.call('GET', '/api/chat/conversations/0190a4e0-0000-7000-8000-000000000000', u.auth);
    expect(unknown.status).toBe(404);
  });

  it('refuses NUL in a chat message as problem+json before the model or the history sees it', async () => {
    const u = await h.user();
    const res = await h.call('POST', '/api/chat', u.auth, { message: 'hi\u0000' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_TEXT', errors: [{ field: 'message' }] });
  });
});
