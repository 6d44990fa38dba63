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
    h = await createHarness('pglite');
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
