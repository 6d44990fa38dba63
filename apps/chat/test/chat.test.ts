/**
 * Issue #5, AI chat: the agent loop over an OpenAI-compatible endpoint (here the scripted
 * test double), streamed as SSE: text streaming, a tool call, parallel tool calls, a tool
 * error, history per user, the missing-model error, and the user coming only from auth.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@todo/domain';
import { createServices, uuidV7Ids, type Services } from '@todo/services';
import { Store, type Database } from '@todo/storage';
import { TestClock, createTestDatabase } from '@todo/testing';
import { registerChatRoutes } from '../src/index.js';
import { startOpenAiTestDouble, type OpenAiTestDouble } from './openai-test-double.js';

interface SseEvent {
  event: string;
  data: any;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      return { event, data: data ? JSON.parse(data) : null };
    });
}

describe('POST /api/chat', () => {
  let database: Database;
  let services: Services;
  let model: OpenAiTestDouble;
  let app: FastifyInstance;
  let bare: FastifyInstance;
  let base: string;
  let tokenA: string;
  let tokenB: string;
  let readOnlyA: string;
  const clock = new TestClock('2026-11-27T09:00:00Z');

  const principalOf = (services: Services) => async (request: { headers: Record<string, unknown> }) => {
    const header = String(request.headers['authorization'] ?? '');
    if (!header.startsWith('Bearer ')) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    return services.auth.authenticate(header.slice(7));
  };

  const chat = async (token: string, body: unknown, url = base) => {
    const res = await fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), text, events: res.ok ? parseSse(text) : [] };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    services = createServices(
      { store: new Store(database.db), clock, ids: uuidV7Ids, eventSource: 'todo-app/test' },
      { jwtSecret: 'c'.repeat(40), credentialCacheMs: 0 },
    );
    model = await startOpenAiTestDouble();
    app = Fastify();
    registerChatRoutes(app, {
      services,
      clock,
      chatConfig: { baseUrl: model.baseUrl, apiKey: 'sk-test', model: 'scripted' },
      principalOf: principalOf(services),
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    const signUp = async (tz: string) => {
      const s = await services.auth.signUp({
        email: `c${Math.random()}@example.test`,
        password: 'correct horse battery',
        timeZone: tz,
      });
      const p = await services.auth.authenticate(s.token);
      const ro = await services.tokens.create(p, { name: 'ro', scopes: ['read'], expiresAt: null });
      return { token: s.token, ro: ro.secret };
    };
    const a = await signUp('Europe/Berlin');
    tokenA = a.token;
    readOnlyA = a.ro;
    tokenB = (await signUp('UTC')).token;
    bare = Fastify();
    registerChatRoutes(bare, { services, clock, chatConfig: null, principalOf: principalOf(services) });
    await bare.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await bare?.close();
    await model?.close();
    await database?.close();
  });

  it("streams the model's text as deltas and sends the tools (without any user id) to the model", async () => {
    model.script({ text: ['Hello', ', I can', ' help.'] });
    const res = await chat(tokenA, { message: 'hi' });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/text\/event-stream/);
    expect(res.events.map((e) => e.event)).toEqual(['conversation', 'delta', 'delta', 'delta', 'done']);
    expect(res.events.filter((e) => e.event === 'delta').map((e) => e.data.text)).toEqual(['Hello', ', I can', ' help.']);
    expect(res.events.at(-1)!.data).toEqual({ steps: 1, conversationId: res.events[0]!.data.id });
    const sent = model.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    expect(sent.body).toMatchObject({ model: 'scripted', stream: true });
    expect(sent.body.messages[0]).toMatchObject({ role: 'system' });
    expect(sent.body.messages[0].content).toContain('Europe/Berlin');
    expect(sent.body.messages.at(-1)).toEqual({ role: 'user', content: 'hi' });
    expect(sent.body.tools.map((t: any) => t.function.name)).toContain('add_task');
    expect(JSON.stringify(sent.body.tools)).not.toMatch(/user_?id/i);
  });

  it('runs a tool call through the services, streams the call and result, and continues the loop', async () => {
    model.script(
      { toolCalls: [{ id: 'call_1', name: 'add_task', arguments: ['{"title":"Buy', ' milk","priority":"high"}'] }] },
      { text: ['Added #1.'] },
    );
    const res = await chat(tokenA, { message: 'add buy milk, high priority' });
    const kinds = res.events.map((e) => e.event);
    expect(kinds).toEqual(['conversation', 'tool_call', 'tool_result', 'delta', 'done']);
    expect(res.events[1]!.data).toMatchObject({
      id: 'call_1',
      name: 'add_task',
      arguments: { title: 'Buy milk', priority: 'high' },
    });
    expect(res.events[2]!.data).toMatchObject({ ok: true, result: { task: { title: 'Buy milk', number: 1 } } });
    const principal = await services.auth.authenticate(tokenA);
    expect((await services.tasks.get(principal, '#1')).title).toBe('Buy milk');
    const followUp = model.requests.at(-1)!.body.messages;
    expect(followUp.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_1', function: { name: 'add_task' } }] });
    expect(followUp.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    expect(JSON.parse(followUp.at(-1).content).task.title).toBe('Buy milk');
  });

  it('runs parallel tool calls of one turn, each answered with its own tool message', async () => {
    model.script(
      {
        text: ['Let me check. '],
        toolCalls: [
          { id: 'call_a', name: 'parse_due', arguments: ['{"text":', '"tomorrow 9am"}'] },
          { id: 'call_b', name: 'add_task', arguments: ['{"title":"Dentist","due":{"date":"2026-12-01"}}'] },
          { id: 'call_c', name: 'list_tasks', arguments: ['{}'] },
        ],
      },
      { text: ['Done.'] },
    );
    const res = await chat(tokenA, { message: 'plan' });
    const calls = res.events.filter((e) => e.event === 'tool_call').map((e) => e.data.id);
    const results = res.events.filter((e) => e.event === 'tool_result');
    expect(calls).toEqual(['call_a', 'call_b', 'call_c']);
    expect(results.map((e) => [e.data.id, e.data.ok])).toEqual(
      expect.arrayContaining([
        ['call_a', true],
        ['call_b', true],
        ['call_c', true],
      ]),
    );
    expect(results.find((e) => e.data.id === 'call_a')!.data.result.due).toEqual({
      dateTime: '2026-11-28T09:00:00',
      timeZone: 'Europe/Berlin',
    });
    const followUp = model.requests.at(-1)!.body.messages;
    expect(
      followUp
        .filter((m: any) => m.role === 'tool')
        .slice(-3)
        .map((m: any) => m.tool_call_id),
    ).toEqual(['call_a', 'call_b', 'call_c']);
    expect(followUp.at(-4)).toMatchObject({ role: 'assistant', content: 'Let me check. ' });
  });

  it('returns a tool error to the model (field and reason) and lets it recover', async () => {
    model.script(
      { toolCalls: [{ id: 'call_x', name: 'get_task', arguments: ['{"task":"#999"}'] }] },
      { toolCalls: [{ id: 'call_y', name: 'add_task', arguments: ['{"title":""}'] }] },
      { text: ['There is no task #999.'] },
    );
    const res = await chat(tokenA, { message: 'show #999 then add nothing' });
    const results = res.events.filter((e) => e.event === 'tool_result').map((e) => e.data);
    expect(results[0]).toMatchObject({ id: 'call_x', ok: false, error: { code: 'TASK_NOT_FOUND' } });
    expect(results[1]).toMatchObject({
      id: 'call_y',
      ok: false,
      error: { code: 'VALIDATION_FAILED', issues: [{ field: 'title' }] },
    });
    const requests = model.requests.slice(-2);
    expect(JSON.parse(requests[0]!.body.messages.at(-1).content)).toMatchObject({ error: { code: 'TASK_NOT_FOUND' } });
    expect(res.events.at(-1)!.event).toBe('done');
  });

  it('keeps the history per user and conversation', async () => {
    model.script({ text: ['First answer.'] });
    const first = await chat(tokenA, { message: 'remember: blue' });
    const id = first.events[0]!.data.id;
    model.script({ text: ['Blue.'] });
    await chat(tokenA, { message: 'what colour?', conversationId: id });
    const sent = model.requests.at(-1)!.body.messages.map((m: any) => [m.role, m.content]);
    expect(sent.slice(1)).toEqual([
      ['user', 'remember: blue'],
      ['assistant', 'First answer.'],
      ['user', 'what colour?'],
    ]);
    const history = await fetch(`${base}/api/chat/conversations/${id}`, { headers: { authorization: `Bearer ${tokenA}` } });
    expect(((await history.json()) as { messages: unknown[] }).messages).toHaveLength(4);
    // User B can neither read nor continue A's conversation, and the model never sees B's try.
    const foreign = await fetch(`${base}/api/chat/conversations/${id}`, { headers: { authorization: `Bearer ${tokenB}` } });
    expect(foreign.status).toBe(404);
    const calls = model.requests.length;
    const continued = await chat(tokenB, { message: 'what colour?', conversationId: id });
    expect(continued.status).toBe(404);
    expect(JSON.parse(continued.text)).toMatchObject({ code: 'NOT_FOUND' });
    expect(model.requests).toHaveLength(calls);
  });

  it("tools run as the authenticated user only, with the token's scopes", async () => {
    model.script(
      { toolCalls: [{ id: 'c1', name: 'list_tasks', arguments: ['{"status":"all","userId":"someone"}'] }] },
      { text: ['ok'] },
    );
    const injected = await chat(tokenB, { message: 'list' });
    expect(injected.events.find((e) => e.event === 'tool_result')!.data).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    model.script({ toolCalls: [{ id: 'c2', name: 'list_tasks', arguments: ['{"status":"all"}'] }] }, { text: ['ok'] });
    const listed = await chat(tokenB, { message: 'list' });
    expect(listed.events.find((e) => e.event === 'tool_result')!.data.result.items).toEqual([]);
    model.script({ toolCalls: [{ id: 'c3', name: 'add_task', arguments: ['{"title":"x"}'] }] }, { text: ['no'] });
    const ro = await chat(readOnlyA, { message: 'add x' });
    expect(ro.events.find((e) => e.event === 'tool_result')!.data).toMatchObject({
      ok: false,
      error: { code: 'INSUFFICIENT_SCOPE' },
    });
  });

  it('reports an unreachable or failing model as an error event', async () => {
    model.script({ status: 502, body: '{"error":{"message":"upstream down"}}' });
    const res = await chat(tokenA, { message: 'hi' });
    expect(res.events.at(-1)).toMatchObject({ event: 'error', data: { code: 'MODEL_UNAVAILABLE' } });
    expect(res.events.at(-1)!.data.message).toMatch(/502/);
  });

  it('says whether a model is configured, to signed-in users only', async () => {
    const status = async (origin: string, token?: string) => {
      const res = await fetch(`${origin}/api/chat/status`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const bareBase = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;
    expect(await status(base, tokenA)).toEqual({ status: 200, body: { available: true } });
    expect(await status(bareBase, tokenA)).toEqual({ status: 200, body: { available: false } });
    expect((await status(base)).status).toBe(401);
  });

  it('answers problem+json when no model is configured, and 401 without auth', async () => {
    const address = bare.server.address() as { port: number };
    const res = await chat(tokenA, { message: 'hi' }, `http://127.0.0.1:${address.port}`);
    expect(res.status).toBe(503);
    expect(res.type).toMatch(/application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({
      status: 503,
      code: 'CHAT_NOT_CONFIGURED',
      detail: expect.stringMatching(/CHAT_MODEL/),
    });
    const anon = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"message":"x"}',
    });
    expect(anon.status).toBe(401);
    const invalid = await chat(tokenA, { message: '' });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text).errors[0].field).toBe('message');
  });
});
