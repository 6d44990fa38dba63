/**
 * Work the server cannot take is refused at once, not queued: past the bound of requests in
 * progress new ones get 503 + Retry-After (health probes still answer), and one user holds at
 * most a few live-update streams. Over real sockets: a request held open by a body that has
 * not finished arriving stays in progress for as long as the test wants, without any timer.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, SseHub } from '../src/index.js';
import { createHarness, type Harness } from './harness.js';

interface Opened {
  res: IncomingMessage;
  body(): Promise<string>;
}

/** Sends a request; `hold` writes only the first part of its body and leaves the rest pending. */
function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const req = httpRequest(`${base}${path}`, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}) },
  });
  const response = new Promise<Opened>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      const ended = new Promise<string>((done) => res.on('end', () => done(Buffer.concat(chunks).toString('utf8'))));
      resolve({ res, body: () => ended });
    });
    req.on('error', reject);
  });
  return { req, response };
}

async function call(base: string, method: string, path: string, headers: Record<string, string> = {}) {
  const { req, response } = send(base, method, path, headers);
  req.end();
  const { res, body } = await response;
  return { status: res.statusCode!, headers: res.headers, body: await body() };
}

/** Repeats a real request until its answer says the server has caught up (each try is a round trip). */
async function until(tryOnce: () => Promise<boolean>, what: string, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i++) if (await tryOnce()) return;
  throw new Error(`never saw: ${what}`);
}

describe('load shedding', () => {
  let h: Harness;
  let base: string;
  let auth: Record<string, string>;
  const logged: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    h = await createHarness({ app: { logger, overload: { maxInFlight: 1, maxQueueMs: 0, maxEventLoopDelayMs: 0 } } });
    auth = (await h.user()).auth;
    // One listening socket: these tests hold a request and then probe, which needs the held
    // connection taken in first (several sockets take new connections in no set order).
    base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => h?.close());

  it('answers 503 problem+json with Retry-After past the bound, and serves again once a slot is free', async () => {
    const task = JSON.stringify({ title: 'held in progress' });
    const held = send(base, 'POST', '/api/tasks', auth, task);
    held.req.write(task.slice(0, 5));

    let shed: Awaited<ReturnType<typeof call>> | undefined;
    await until(async () => {
      const res = await call(base, 'GET', '/api/me', auth);
      if (res.status === 503) shed = res;
      return res.status === 503;
    }, 'a request shed while another is in progress');
    expect(shed!.headers['retry-after']).toBe('1');
    expect(shed!.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.parse(shed!.body)).toMatchObject({ status: 503, code: 'OVERLOADED', title: 'Service Unavailable' });
    // Refusals skip the request log; one line tells how many there were.
    expect(logged.filter((l) => 'shed' in l)).toEqual([expect.objectContaining({ shed: 1, bound: 1 })]);
    // Probes are never shed: a busy replica is not a dead one.
    expect((await call(base, 'GET', '/healthz')).status).toBe(200);
    expect((await call(base, 'GET', '/readyz')).status).toBe(200);

    held.req.end(task.slice(5));
    const { res } = await held.response;
    expect(res.statusCode).toBe(201);
    await until(async () => (await call(base, 'GET', '/api/me', auth)).status === 200, 'the slot freed by an answered request');
  });

  it('frees the slot of a client that went away', async () => {
    const held = send(base, 'POST', '/api/tasks', auth, JSON.stringify({ title: 'abandoned' }));
    held.req.on('error', () => undefined);
    held.response.catch(() => undefined); // it never gets one: the client leaves first
    held.req.write('{');
    await until(async () => (await call(base, 'GET', '/api/me', auth)).status === 503, 'the held request in progress');
    held.req.destroy();
    await until(async () => (await call(base, 'GET', '/api/me', auth)).status === 200, 'the slot freed by a closed connection');
  });
});

describe('the bound adapts to how long requests take', () => {
  let h: Harness;
  let base: string;
  let auth: Record<string, string>;
  beforeAll(async () => {
    // A latency target of 100 ms on the harness's test clock: time passes only when the test says.
    h = await createHarness({ app: { overload: { maxInFlight: 256, maxQueueMs: 100, maxEventLoopDelayMs: 0 } } });
    auth = (await h.user()).auth;
    // Several listening sockets, as `todo start` listens: the bound holds across all of them.
    base = await listen(h.app, { host: '127.0.0.1', port: 0, sockets: 4 });
  });
  afterAll(() => h?.close());

  it('sheds new requests while several are stuck past the target, and serves again once they finish', async () => {
    const task = JSON.stringify({ title: 'stuck in the queue' });
    const held = Array.from({ length: 8 }, () => send(base, 'POST', '/api/tasks', auth, task));
    for (const { req } of held) req.write(task.slice(0, 3));
    // Eight requests in progress, not yet late: the ninth is served (the bound starts at 64).
    expect((await call(base, 'GET', '/api/me', auth)).status).toBe(200);
    // Once they have been in progress past the target, the bound shrinks below what they hold.
    let shed: Awaited<ReturnType<typeof call>> | undefined;
    await until(async () => {
      h.clock.advance(250);
      shed = await call(base, 'GET', '/api/me', auth);
      return shed.status === 503;
    }, 'a request shed while eight are stuck');
    expect(shed!.headers['retry-after']).toBe('1');
    expect(shed!.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.parse(shed!.body)).toMatchObject({ status: 503, code: 'OVERLOADED', title: 'Service Unavailable' });
    // Probes are never shed.
    expect((await call(base, 'GET', '/healthz')).status).toBe(200);
    expect((await call(base, 'GET', '/readyz')).status).toBe(200);

    for (const { req } of held) req.end(task.slice(3));
    for (const { response } of held) expect((await response).res.statusCode).toBe(201);
    // Room again under the shrunk bound, also once the slow window they close is judged.
    await until(async () => (await call(base, 'GET', '/api/me', auth)).status === 200, 'the queue drained');
    h.clock.advance(100);
    expect((await call(base, 'GET', '/api/me', auth)).status).toBe(200);
  });
});

describe('live-update streams per user', () => {
  let h: Harness;
  let hub: SseHub;
  let base: string;
  beforeAll(async () => {
    hub = new SseHub(2);
    h = await createHarness({ app: { sse: hub } });
    base = await h.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    hub.close();
    await h?.close();
  });

  const stream = async (auth: Record<string, string>) => {
    const opened = send(base, 'GET', '/api/events/stream', auth);
    opened.req.on('error', () => undefined);
    opened.req.end();
    return { ...(await opened.response), req: opened.req };
  };

  it('refuses a stream beyond the cap with 429 problem+json, and frees the slot when one closes', async () => {
    const ann = (await h.user()).auth;
    const first = await stream(ann);
    const second = await stream(ann);
    expect([first.res.statusCode, second.res.statusCode]).toEqual([200, 200]);
    expect(first.res.headers['content-type']).toMatch(/text\/event-stream/);

    const third = await stream(ann);
    expect(third.res.statusCode).toBe(429);
    expect(third.res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.parse(await third.body())).toMatchObject({ status: 429, code: 'TOO_MANY_STREAMS' });
    expect(hub.connections).toBe(2);

    // The cap is per user: another user is not held back by Ann's streams.
    const bob = await stream((await h.user()).auth);
    expect(bob.res.statusCode).toBe(200);

    first.req.destroy();
    let again: Awaited<ReturnType<typeof stream>> | undefined;
    await until(async () => {
      again = await stream(ann);
      if (again.res.statusCode !== 200) await again.body();
      return again.res.statusCode === 200;
    }, 'a stream slot freed by a closed stream');
    expect(hub.connections).toBe(3);
    for (const s of [second, bob, again!]) s.req.destroy();
  });
});
