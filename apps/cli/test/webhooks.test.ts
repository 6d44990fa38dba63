/**
 * Issue #25, acceptance 6: webhooks through the whole embedded runtime to a real receiver on
 * loopback (the tests allow internal targets explicitly, as an operator would). Signatures verify
 * with the `standardwebhooks` library; a receiver down for 10 minutes (by the test clock) gets
 * every event once, in order per task; the type filter holds; past the retry budget a delivery
 * is dead-lettered, and replay delivers it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createPipeline, type Pipeline } from './pipeline-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const ALLOW_LOOPBACK = { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' };
type User = Awaited<ReturnType<Pipeline['user']>>;

const bodyOf = (r: { body: string }) =>
  JSON.parse(r.body) as { type: string; timestamp: string; data: { task: { id: string; title: string } } };

async function subscribe(p: Pipeline, u: User, url: string, types: string[] = []) {
  const res = await p.call('POST', '/api/webhooks', u.auth, { url, types });
  if (res.status !== 201) throw new Error(`webhook create answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as { webhook: { id: string }; secret: string };
}

describe('webhooks, signed and delivered', () => {
  let p: Pipeline;
  let receiver: WebhookReceiver;
  let u: User;
  // Signatures carry the clock's time and receivers refuse one more than 5 minutes off theirs.
  beforeAll(async () => {
    p = await createPipeline(new Date().toISOString(), { env: ALLOW_LOOPBACK });
    receiver = await startWebhookReceiver();
    u = await p.user();
  });
  afterAll(async () => {
    await p?.close();
    await receiver?.close();
  });

  it('signs each delivery so that the library verifies it, and de-duplicates on the event id', async () => {
    const all = await subscribe(p, u, receiver.url);
    const completions = await subscribe(p, u, `${receiver.url}?only=completed`, ['todo.task.completed.v1']);
    const task = (await p.call('POST', '/api/tasks', u.auth, { title: 'Sign me' })).body;
    await p.call('POST', `/api/tasks/${task.id}/complete`, u.auth);
    await p.settle();

    expect(receiver.received.map((r) => r.path).sort()).toEqual(['/hook', '/hook', '/hook?only=completed']);
    for (const r of receiver.received) {
      const secret = r.path.includes('only=completed') ? completions.secret : all.secret;
      const payload = new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as ReturnType<typeof bodyOf>;
      expect(payload.data.task.id).toBe(task.id);
      expect(r.headers['webhook-signature']).toMatch(/^v1,/);
    }
    const first = receiver.received[0]!;
    const headers = first.headers as Record<string, string>;
    expect(() => new Webhook(all.secret).verify(first.body.replace('Sign me', 'Forged'), headers)).toThrow();
    expect(() => new Webhook(completions.secret).verify(first.body, headers)).toThrow();

    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(2); // the completion went to both subscriptions with one id
    const log = await p.call('GET', `/api/webhooks/${all.webhook.id}/deliveries`, u.auth);
    expect(log.body.items.map((d: { eventType: string }) => d.eventType)).toEqual([
      'todo.task.completed.v1',
      'todo.task.created.v1',
    ]);
    expect(
      log.body.items.every(
        (d: { lastStatusCode: number; deliveredAt: string | null }) => d.lastStatusCode === 204 && d.deliveredAt,
      ),
    ).toBe(true);
    const filtered = await p.call('GET', `/api/webhooks/${completions.webhook.id}/deliveries`, u.auth);
    expect(filtered.body.items.map((d: { eventType: string }) => d.eventType)).toEqual(['todo.task.completed.v1']);
  });
});

describe('webhooks when the receiver fails', () => {
  const start = Date.parse('2026-11-27T09:00:00Z');
  let p: Pipeline;
  let receiver: WebhookReceiver;
  let u: User;
  beforeAll(async () => {
    p = await createPipeline(new Date(start).toISOString(), { env: ALLOW_LOOPBACK });
    receiver = await startWebhookReceiver();
    u = await p.user();
  });
  afterEach(() => {
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await p?.close();
    await receiver?.close();
  });

  it('a receiver down for 10 minutes then gets every event once, in order per task', async () => {
    const downUntil = start + 10 * 60_000;
    receiver.answer = () => (p.clock.now().getTime() < downUntil ? 503 : 204);
    const { webhook } = await subscribe(p, u, receiver.url);
    const a = (await p.call('POST', '/api/tasks', u.auth, { title: 'a1' })).body;
    const b = (await p.call('POST', '/api/tasks', u.auth, { title: 'b1' })).body;
    await p.settle();
    for (const title of ['a2', 'a3']) {
      p.clock.advance(20_000);
      await p.call('PATCH', `/api/tasks/${a.id}`, u.auth, { title });
      await p.settle();
    }
    await p.call('POST', `/api/tasks/${b.id}/complete`, u.auth);
    await p.call('POST', `/api/tasks/${a.id}/complete`, u.auth);
    await p.settle();
    // Later events of a task waited behind its first: only the firsts were tried while down.
    expect(receiver.accepted()).toEqual([]);
    expect(new Set(receiver.received.map((r) => bodyOf(r).data.task.title))).toEqual(new Set(['a1', 'b1']));

    for (let minute = 1; minute <= 15; minute++) await p.advanceTo(new Date(start + minute * 60_000));

    const accepted = receiver.accepted().map((r) => ({ id: r.headers['webhook-id'], ...bodyOf(r) }));
    expect(new Set(accepted.map((r) => r.id)).size).toBe(accepted.length);
    const lane = (taskId: string) =>
      accepted.filter((r) => r.data.task.id === taskId).map((r) => `${r.type} ${r.data.task.title}`);
    expect(lane(a.id)).toEqual([
      'todo.task.created.v1 a1',
      'todo.task.updated.v1 a2',
      'todo.task.updated.v1 a3',
      'todo.task.completed.v1 a3',
    ]);
    expect(lane(b.id)).toEqual(['todo.task.created.v1 b1', 'todo.task.completed.v1 b1']);
    const log = (await p.call('GET', `/api/webhooks/${webhook.id}/deliveries?limit=3`, u.auth)).body;
    expect(log.items).toHaveLength(3);
    const rest = (await p.call('GET', `/api/webhooks/${webhook.id}/deliveries?cursor=${log.nextCursor}`, u.auth)).body;
    const deliveries = [...log.items, ...rest.items];
    expect(deliveries).toHaveLength(6);
    expect(deliveries.every((d) => d.deliveredAt && d.nextAttemptAt === null)).toBe(true);
    // The first of each task took 5 attempts: at 0 s, 5 s, 35 s, 2 min 35 s (all refused), 12 min 35 s.
    expect(deliveries.filter((d) => d.attempts > 1).map((d) => d.attempts)).toEqual([5, 5]);
  });

  it('dead-letters a delivery once the retry budget is spent; replay delivers it', async () => {
    receiver.answer = () => 500;
    const { webhook } = await subscribe(p, u, `${receiver.url}?dead`, ['todo.task.created.v1']);
    await p.call('POST', '/api/tasks', u.auth, { title: 'never taken' });
    await p.settle();
    const firstTry = p.clock.now().getTime();
    const deliveryOf = async () => (await p.call('GET', `/api/webhooks/${webhook.id}/deliveries`, u.auth)).body.items[0];
    for (let d = await deliveryOf(); d.nextAttemptAt; d = await deliveryOf()) await p.advanceTo(d.nextAttemptAt);

    const dead = await deliveryOf();
    expect(dead).toMatchObject({
      attempts: 29,
      lastStatusCode: 500,
      lastError: 'HTTP 500: receiver down (500)',
      deliveredAt: null,
    });
    expect(Date.parse(dead.deadLetteredAt) - firstTry).toBeGreaterThan(23 * 3_600_000);
    expect(Date.parse(dead.deadLetteredAt) - firstTry).toBeLessThanOrEqual(24 * 3_600_000);
    const toDead = () => receiver.received.filter((r) => r.path.endsWith('?dead'));
    expect(toDead()).toHaveLength(29);

    receiver.answer = () => 200;
    const replayed = await p.call('POST', `/api/webhooks/${webhook.id}/deliveries/${dead.id}/replay`, u.auth);
    expect(replayed.status).toBe(202);
    await p.settle();
    expect(await deliveryOf()).toMatchObject({ attempts: 1, lastStatusCode: 200, deadLetteredAt: null, lastError: null });
    const taken = toDead().filter((r) => r.status < 300);
    expect(taken.map((r) => bodyOf(r).data.task.title)).toEqual(['never taken']);
    expect(taken[0]!.headers['webhook-id']).toBe(toDead()[0]!.headers['webhook-id']);
    const again = await p.call('POST', `/api/webhooks/${webhook.id}/deliveries/${dead.id}/replay`, u.auth);
    expect(again.status).toBe(202);
  });
});
